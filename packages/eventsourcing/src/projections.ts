import { setMaxListeners } from 'node:events';
import { abortableDelay, type EventStore } from '@meent/event-store';
import type { EventRegistry } from './events.js';
import { projectionShape, type Projection, type TableNames } from './projection.js';
import {
  ACTIVE_GENERATIONS_TABLE,
  CHECKPOINTS_TABLE,
  GenerationRunner,
  PROJECTION_TABLES,
  SHAPES_TABLE,
  type ProjectionFailure,
  type RunnerStatus,
  type TransientError,
} from './projection-runner.js';
import type { ReadModelStore, SqlExecutor } from './read-model-store.js';
import { isTransient } from './retry.js';
import { SharedLogReads } from './shared-log-reads.js';

/**
 * How often runners that do not write their projection read the checkpoints the writers store: often while a read
 * waits for a position, seldom otherwise. One query serves every projection of the process.
 */
const FOLLOW_INTERVAL_MS = 100;
const IDLE_FOLLOW_INTERVAL_MS = 1000;
/** How long a rebuild waits to learn the head again while the event store is out of reach. */
const REBUILD_HEAD_RETRY_MS = 1000;
/**
 * How long a replaced generation's tables outlive the swap where processes share the store: each of the others moves
 * to the new generation within `IDLE_FOLLOW_INTERVAL_MS`, and a read it began before must not lose its tables.
 */
const REPLACED_GENERATION_GRACE_MS = 5 * IDLE_FOLLOW_INTERVAL_MS;

export interface ReplayProgress {
  readonly generation: number;
  readonly position: number;
  /** The head when the replay started: the replay is caught up once it passes it. */
  readonly targetPosition: number;
  readonly eventsPerSecond: number;
  /** Seconds left at the current rate, unknown while the rate is 0. */
  readonly etaSeconds: number | null;
  readonly status: 'replaying' | 'completed' | 'failed';
  readonly failure?: ProjectionFailure;
}

export interface ProjectionInfo {
  readonly name: string;
  readonly status: RunnerStatus;
  readonly generation: number;
  readonly position: number;
  /** Head position minus the projection's position. */
  readonly lag: number;
  readonly eventsPerSecond: number;
  readonly failure: ProjectionFailure | null;
  /** The store's latest failure under this projection, which it retried from its checkpoint. */
  readonly lastError: TransientError | null;
  readonly replay: ReplayProgress | null;
}

export class UnknownProjectionError extends Error {
  override readonly name = 'UnknownProjectionError';
  constructor(readonly projection: string) {
    super(`no projection named ${projection}`);
  }
}

export class ReplayInProgressError extends Error {
  override readonly name = 'ReplayInProgressError';
  constructor(readonly projection: string) {
    super(`projection ${projection} is already being replayed`);
  }
}

/** A read asked to wait for a position the event log has not reached: it may never come, so the caller is told now. */
export class PositionBeyondHeadError extends Error {
  override readonly name = 'PositionBeyondHeadError';
  readonly statusCode = 400;
  readonly code = 'POSITION_BEYOND_HEAD';
  constructor(
    readonly position: number,
    readonly head: number,
  ) {
    super(`Position ${position} is beyond the end of the event log, which is at position ${head}`);
  }
}

/**
 * A read model an upgrade changed is being rebuilt into fresh tables: until it has caught up, this process cannot
 * answer from it (the tables serving processes of the old version are not the shape this code reads).
 */
export class ReadModelRebuildingError extends Error {
  override readonly name = 'ReadModelRebuildingError';
  readonly statusCode = 503;
  readonly code = 'READ_MODEL_REBUILDING';
  readonly retryAfterSeconds: number;
  readonly publicDetail: string;
  constructor(
    readonly projection: string,
    progress: ReplayProgress,
  ) {
    super(`read model ${projection} is being rebuilt after an upgrade: at ${progress.position} of ${progress.targetPosition}`);
    const share = progress.targetPosition === 0 ? 1 : Math.min(1, progress.position / progress.targetPosition);
    this.retryAfterSeconds = Math.min(60, Math.max(1, progress.etaSeconds ?? 5));
    this.publicDetail = `This part of the service is being rebuilt after an upgrade (${Math.floor(share * 100)}% done); please try again shortly.`;
  }
}

export interface ProjectionsOptions {
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  readonly registry: EventRegistry;
  readonly projections: readonly Projection[];
  readonly onFailure?: (projection: string, failure: ProjectionFailure) => void;
  /** The checkpoints could not be read for a reason other than the store being away: standbys stop following. */
  readonly onFollowError?: (error: unknown) => void;
}

interface Slot {
  readonly projection: Projection;
  /** This version's shape of the projection (see `projectionShape`). */
  readonly shape: string;
  active: GenerationRunner;
  replay: { runner: GenerationRunner; targetPosition: number; done: Promise<void>; outcome?: ReplayProgress } | undefined;
  lastReplay: ReplayProgress | undefined;
  /** Reads under way per generation, so a replaced generation's tables are dropped only once nobody reads them. */
  readonly readers: Map<number, { count: number; drained?: () => void }>;
  /**
   * Set while `active` rebuilds a read model whose shape an upgrade changed; `replacing` is the generation that serves
   * processes of the version before. The target is the head once it could be read.
   */
  rebuild: { replacing: number; targetPosition: number | undefined; done: Promise<void> } | undefined;
  /** The replaced generation's tables being dropped, after a swap. */
  retiring: Promise<void> | undefined;
}

/**
 * What a process of a version whose read model has `shape` does with it: serve the serving generation when its tables
 * have that shape (or are not built yet), resume the rebuild another process of this version began, or rebuild into a
 * fresh generation — also when the serving tables were built before shapes were recorded: nothing says what they are.
 */
export type GenerationDecision =
  | { readonly kind: 'serve'; readonly built: boolean }
  | { readonly kind: 'resume-rebuild'; readonly generation: number }
  | { readonly kind: 'rebuild' };

export function generationForShape(
  serving: { readonly generation: number; readonly built: boolean },
  recorded: readonly { readonly generation: number; readonly shape: string }[],
  shape: string,
): GenerationDecision {
  const servingShape = recorded.find((row) => row.generation === serving.generation)?.shape;
  if (servingShape === shape || (servingShape === undefined && !serving.built)) return { kind: 'serve', built: serving.built };
  const begun = recorded.find((row) => row.generation > serving.generation && row.shape === shape);
  return begun ? { kind: 'resume-rebuild', generation: begun.generation } : { kind: 'rebuild' };
}

/** Which generation a process runs for a projection, and what it found left behind. */
interface GenerationChoice {
  readonly generation: number;
  /** The serving generation, of another shape, that this one replaces once rebuilt. */
  readonly replacing: number | undefined;
  /** Generations before the serving one whose tables are still there: dropped when nobody writes them. */
  readonly superseded: readonly number[];
}

/** Every projection of a process: runs them, serves their reads, waits for positions, replays and swaps. */
export class Projections {
  private readonly slots = new Map<string, Slot>();
  /** The newest committed position as last read: it only grows, so a position at or below it needs no look. */
  private knownHead = 0;
  private readonly closing = new AbortController();
  private following: Promise<void> = Promise.resolve();
  private readonly rebuilds: Promise<void>[] = [];
  /** Replaced generations waiting for their tables to be dropped. */
  private readonly retirements: Promise<void>[] = [];
  private readonly generationWaiters = new Set<{ name: string; generation: number; resolve: () => void }>();

  private readonly reads: SharedLogReads;

  private constructor(private readonly options: ProjectionsOptions) {
    this.reads = new SharedLogReads(options.store, options.registry);
  }

  static async start(options: ProjectionsOptions): Promise<Projections> {
    const projections = new Projections(options);
    await options.readModels.migrate(PROJECTION_TABLES);
    // Projections starting from the same checkpoint (all of them, on a first start over a long log) read it together.
    const release = projections.reads.hold();
    try {
      await projections.startEach();
    } finally {
      release();
    }
    projections.following = projections.followCheckpoints();
    return projections;
  }

  private async startEach(): Promise<void> {
    const { options } = this;
    for (const projection of options.projections) {
      if (this.slots.has(projection.name)) throw new Error(`projection ${projection.name} is defined twice`);
      const { generation, replacing, superseded } = await this.chooseGeneration(projection);
      for (const leftOver of superseded) await this.runner(projection, leftOver).dropTablesIfAbandoned();
      const active = this.runner(projection, generation);
      const slot: Slot = {
        projection,
        shape: projectionShape(projection),
        active,
        replay: undefined,
        lastReplay: undefined,
        readers: new Map(),
        rebuild: replacing === undefined ? undefined : { replacing, targetPosition: undefined, done: Promise.resolve() },
        retiring: undefined,
      };
      this.slots.set(projection.name, slot);
      await active.start();
      this.continueRebuild(slot);
    }
  }

  names(): string[] {
    return [...this.slots.keys()];
  }

  async list(): Promise<ProjectionInfo[]> {
    const head = await this.head();
    return [...this.slots.values()].map((slot) => {
      const progress = slot.active.progress;
      return {
        name: slot.projection.name,
        status: progress.status,
        generation: progress.generation,
        position: progress.position,
        lag: Math.max(0, head - progress.position),
        eventsPerSecond: progress.eventsPerSecond,
        failure: progress.failure ?? null,
        lastError: progress.lastError ?? null,
        replay: this.replayProgress(slot) ?? this.rebuildProgress(slot) ?? null,
      };
    });
  }

  async info(name: string): Promise<ProjectionInfo> {
    const found = (await this.list()).find((info) => info.name === name);
    if (!found) throw new UnknownProjectionError(name);
    return found;
  }

  /**
   * Reads through the projection's current tables. A replay's swap never pulls the tables from under a read:
   * the replaced generation is dropped after its last reader finishes.
   */
  async query<Table extends string, Result>(
    projection: Projection<Table>,
    read: (reader: SqlExecutor, tables: TableNames<Table>) => Promise<Result>,
  ): Promise<Result> {
    const slot = this.slot(projection.name);
    const rebuilding = this.rebuildProgress(slot);
    if (rebuilding) throw new ReadModelRebuildingError(projection.name, rebuilding);
    const runner = slot.active as GenerationRunner<Table>;
    const readers = slot.readers.get(runner.generation) ?? { count: 0 };
    slot.readers.set(runner.generation, readers);
    readers.count += 1;
    try {
      return await read(this.options.readModels.reader, runner.tables);
    } finally {
      readers.count -= 1;
      if (readers.count === 0) readers.drained?.();
    }
  }

  /** Resolves true once each named projection has applied every event up to `position`, false on timeout. */
  async waitForPosition(names: readonly string[], position: number, timeoutMs: number): Promise<boolean> {
    if (position > this.knownHead) {
      // Committed, not merely visible: on PostgreSQL a committed event stays hidden while an older transaction runs,
      // and a client may rightly wait for it.
      this.knownHead = Math.max(this.knownHead, await this.options.store.lastCommittedPosition());
      if (position > this.knownHead) throw new PositionBeyondHeadError(position, this.knownHead);
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    // Each projection still behind listens for the timeout: as many listeners as names, which is no leak.
    setMaxListeners(names.length + 1, timeout);
    const reached = await Promise.all(names.map((name) => this.slot(name).active.waitFor(position, timeout)));
    return reached.every(Boolean);
  }

  /** Waits until each named projection has applied every event in the store now: for a decision that must see the
   * whole history, such as the voter roll fixed at convening. `caughtUp` is false on timeout. */
  async catchUp(names: readonly string[], timeoutMs: number): Promise<{ caughtUp: boolean; head: number }> {
    const head = await this.options.store.headPosition();
    return { caughtUp: await this.waitForPosition(names, head, timeoutMs), head };
  }

  /** Starts a rebuild into fresh tables; the current ones keep serving reads until the rebuild has caught up. */
  async replay(name: string): Promise<ReplayProgress> {
    const slot = this.slot(name);
    if (slot.replay || slot.rebuild) throw new ReplayInProgressError(name);
    const targetPosition = await this.options.store.headPosition();
    const runner = this.runner(slot.projection, slot.active.generation + 1);
    await runner.dropTables();
    const done = this.completeReplay(slot, runner, targetPosition);
    slot.replay = { runner, targetPosition, done };
    await runner.start({ catchUpTo: targetPosition });
    return this.replayProgress(slot) as ReplayProgress;
  }

  /**
   * Waits for the replay or the rebuild after an upgrade under way, if any, and for the replaced tables to be dropped;
   * returns how it ended.
   */
  async replayFinished(name: string): Promise<ReplayProgress | undefined> {
    const slot = this.slot(name);
    await slot.replay?.done;
    await slot.rebuild?.done;
    await slot.retiring;
    return slot.lastReplay;
  }

  /** Restarts a failed projection from its checkpoint, once whatever made it fail is fixed. */
  async restart(name: string): Promise<void> {
    const slot = this.slot(name);
    await slot.active.stop();
    const runner = this.runner(slot.projection, slot.active.generation);
    slot.active = runner;
    await runner.start();
    // A rebuild that stopped with the failed runner goes on with this one.
    this.continueRebuild(slot);
  }

  async close(): Promise<void> {
    this.closing.abort();
    await this.following;
    await Promise.all([...this.rebuilds, ...this.retirements]);
    for (const slot of this.slots.values()) {
      await slot.replay?.runner.stop();
      await slot.active.stop();
    }
  }

  /** The head of the event log; while the store is out of reach, the newest one read before, so lag stays shown. */
  private async head(): Promise<number> {
    try {
      this.knownHead = Math.max(this.knownHead, await this.options.store.headPosition());
    } catch (error) {
      if (!isTransient(error)) throw error;
    }
    return this.knownHead;
  }

  /**
   * Moves every runner that does not write its projection to the checkpoint the writing process stored; where
   * processes share the store, also moves each projection to the generation another process's replay swapped in.
   */
  private async followCheckpoints(): Promise<void> {
    let lastRead = 0;
    let generationsRead = performance.now();
    while (!this.closing.signal.aborted) {
      await abortableDelay(FOLLOW_INTERVAL_MS, this.closing.signal);
      if (this.sharedByProcesses && !this.closing.signal.aborted && performance.now() - generationsRead >= IDLE_FOLLOW_INTERVAL_MS) {
        generationsRead = performance.now();
        await this.followGenerations().catch((error: unknown) => {
          if (!isTransient(error)) this.options.onFollowError?.(error);
        });
      }
      const runners = [...this.slots.values()].flatMap((slot) => [slot.active, ...(slot.replay ? [slot.replay.runner] : [])]);
      const following = runners.filter((runner) => runner.following);
      if (following.length === 0) continue;
      if (!following.some((runner) => runner.awaited) && performance.now() - lastRead < IDLE_FOLLOW_INTERVAL_MS) continue;
      lastRead = performance.now();
      try {
        const rows = await this.options.readModels.reader.all<{ name: string; generation: number; position: number | string }>(
          `SELECT name, generation, position FROM ${CHECKPOINTS_TABLE}`,
        );
        const stored = new Map(rows.map((row) => [`${row.name}/${row.generation}`, Number(row.position)]));
        for (const runner of following) {
          const position = stored.get(`${runner.name}/${runner.generation}`);
          if (position !== undefined) runner.followCheckpoint(position);
        }
      } catch (error) {
        // While the store is away the runners retry and say so; following resumes with it.
        if (!isTransient(error)) this.options.onFollowError?.(error);
      }
    }
  }

  private async completeReplay(slot: Slot, runner: GenerationRunner, targetPosition: number): Promise<void> {
    const failed = runner.failed.then(() => 'failed' as const);
    const caughtUp = (async () => {
      await runner.waitFor(targetPosition);
      // The live generation may have moved on since the replay started; follow it to the same point.
      await runner.waitFor(slot.active.progress.position);
      return 'caught-up' as const;
    })();
    const outcome = await Promise.race([caughtUp, failed]);
    if (outcome === 'failed') {
      slot.lastReplay = { ...this.replayProgressOf(runner, targetPosition), status: 'failed' };
      await runner.stop();
      slot.replay = undefined;
      return;
    }
    const replaced = slot.active;
    await this.options.readModels.transaction(async (transaction) => {
      await transaction.run(
        `INSERT INTO ${ACTIVE_GENERATIONS_TABLE} (name, generation) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET generation = excluded.generation`,
        [slot.projection.name, runner.generation],
      );
    });
    slot.active = runner;
    slot.lastReplay = { ...this.replayProgressOf(runner, targetPosition), status: 'completed' };
    slot.replay = undefined;
    this.announceGeneration(slot);
    await this.retire(slot, replaced);
  }

  /**
   * A replaced generation stops here at once; its tables are dropped once this process's reads of them are done and,
   * where processes share the store, once the others have had time to follow the swap — unless one still writes them
   * (then the first start after it stopped drops them).
   */
  private retire(slot: Slot, replaced: GenerationRunner): Promise<void> {
    const retiring = (async () => {
      await replaced.stop();
      await this.drained(slot, replaced.generation);
      if (this.sharedByProcesses) await abortableDelay(REPLACED_GENERATION_GRACE_MS, this.closing.signal);
      if (this.closing.signal.aborted) return;
      // Should the store fail now, the tables stay for the first start after to drop.
      await replaced.dropTablesIfAbandoned().catch(() => undefined);
    })();
    slot.retiring = retiring;
    this.retirements.push(retiring);
    return retiring;
  }

  /** An embedded store serves one process: only processes sharing a server swap generations under each other. */
  private get sharedByProcesses(): boolean {
    return this.options.readModels.dialect !== 'sqlite';
  }

  /**
   * Moves to the generation another process swapped in with a replay, when it has this version's shape (a process of
   * another version rebuilding for its own shape is not followed: those tables are not what this code reads).
   */
  private async followGenerations(): Promise<void> {
    const rows = await this.options.readModels.reader.all<{ name: string; generation: number | string; shape: string | null }>(
      `SELECT serving.name, serving.generation, shapes.shape FROM ${ACTIVE_GENERATIONS_TABLE} serving
       LEFT JOIN ${SHAPES_TABLE} shapes ON shapes.name = serving.name AND shapes.generation = serving.generation`,
    );
    for (const row of rows) {
      const slot = this.slots.get(row.name);
      const generation = Number(row.generation);
      if (!slot || slot.replay || slot.rebuild || generation <= slot.active.generation) continue;
      if (row.shape !== null && row.shape !== slot.shape) continue;
      const replaced = slot.active;
      const runner = this.runner(slot.projection, generation);
      await runner.start();
      slot.active = runner;
      this.announceGeneration(slot);
      void this.retire(slot, replaced);
    }
  }

  /** Resolves true once the named projection serves `generation` (or a later one) here; false on timeout. */
  waitForGeneration(name: string, generation: number, timeoutMs: number): Promise<boolean> {
    if (this.slot(name).active.generation >= generation) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.generationWaiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      const waiter = { name, generation, resolve: () => {
        clearTimeout(timer);
        resolve(true);
      } };
      this.generationWaiters.add(waiter);
    });
  }

  private announceGeneration(slot: Slot): void {
    for (const waiter of this.generationWaiters) {
      if (waiter.name === slot.projection.name && slot.active.generation >= waiter.generation) {
        this.generationWaiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  private drained(slot: Slot, generation: number): Promise<void> {
    const readers = slot.readers.get(generation);
    if (!readers || readers.count === 0) {
      slot.readers.delete(generation);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      readers.drained = () => {
        slot.readers.delete(generation);
        resolve();
      };
    });
  }

  private replayProgress(slot: Slot): ReplayProgress | undefined {
    if (!slot.replay) return slot.lastReplay;
    return this.replayProgressOf(slot.replay.runner, slot.replay.targetPosition);
  }

  private replayProgressOf(runner: GenerationRunner, targetPosition: number): ReplayProgress {
    const { generation, position, eventsPerSecond, failure } = runner.progress;
    return {
      generation,
      position,
      targetPosition,
      eventsPerSecond,
      etaSeconds: runner.secondsToReach(targetPosition) ?? null,
      status: failure ? 'failed' : 'replaying',
      ...(failure ? { failure } : {}),
    };
  }

  private runner(projection: Projection, generation: number): GenerationRunner {
    return new GenerationRunner(
      projection,
      generation,
      this.options.store,
      this.options.readModels,
      this.options.registry,
      this.reads,
      (failure) => this.options.onFailure?.(projection.name, failure),
    );
  }

  /**
   * The generation this process runs (see `generationForShape`), its shape recorded; a fresh one is numbered past
   * every generation ever used.
   */
  private chooseGeneration(projection: Projection): Promise<GenerationChoice> {
    const shape = projectionShape(projection);
    return this.options.readModels.transaction(async (transaction) => {
      const serving =
        (await transaction.get<{ generation: number }>(`SELECT generation FROM ${ACTIVE_GENERATIONS_TABLE} WHERE name = ?`, [
          projection.name,
        ]))?.generation ?? 1;
      const recorded = await transaction.all<{ generation: number; shape: string }>(
        `SELECT generation, shape FROM ${SHAPES_TABLE} WHERE name = ? ORDER BY generation`,
        [projection.name],
      );
      const superseded = recorded.filter((row) => row.generation < serving).map((row) => row.generation);
      const checkpointed = (
        await transaction.all<{ generation: number | string }>(`SELECT generation FROM ${CHECKPOINTS_TABLE} WHERE name = ?`, [projection.name])
      ).map((row) => Number(row.generation));
      const decision = generationForShape({ generation: serving, built: checkpointed.includes(serving) }, recorded, shape);
      if (decision.kind === 'serve') {
        await recordShape(transaction, projection.name, serving, shape);
        return { generation: serving, replacing: undefined, superseded };
      }
      if (decision.kind === 'resume-rebuild') return { generation: decision.generation, replacing: serving, superseded };
      // Past every generation with a checkpoint too: a replay that failed before shapes were kept left its tables.
      let fresh = Math.max(serving, ...checkpointed, ...recorded.map((row) => row.generation)) + 1;
      // A process of yet another version may take the same number at the same moment: the next one is free.
      while ((await recordShape(transaction, projection.name, fresh, shape)) !== shape) fresh += 1;
      return { generation: fresh, replacing: serving, superseded };
    });
  }

  private continueRebuild(slot: Slot): void {
    if (!slot.rebuild) return;
    slot.rebuild.done = this.completeRebuild(slot);
    this.rebuilds.push(slot.rebuild.done);
  }

  /**
   * Once the rebuilt generation has caught up with the head as it was when this process started, it serves; the
   * replaced one's tables are dropped unless a process of the old version still writes them (then the next start
   * drops them).
   */
  private async completeRebuild(slot: Slot): Promise<void> {
    const rebuild = slot.rebuild;
    if (!rebuild) return;
    const runner = slot.active;
    const closing = this.closing.signal;
    while (rebuild.targetPosition === undefined && !closing.aborted) {
      // Whatever kept the head from being read (the store out of reach, as a rule), the rebuild asks again.
      rebuild.targetPosition = await this.options.store.headPosition().catch(async () => {
        await abortableDelay(REBUILD_HEAD_RETRY_MS, closing);
        return undefined;
      });
    }
    if (rebuild.targetPosition === undefined) return;
    const caughtUp = runner.waitFor(rebuild.targetPosition, closing);
    const outcome = await Promise.race([caughtUp.then((reached) => (reached ? 'caught-up' : 'closing')), runner.failed.then(() => 'failed')]);
    if (outcome !== 'caught-up') return;
    await this.options.readModels.transaction(async (transaction) => {
      await transaction.run(
        `INSERT INTO ${ACTIVE_GENERATIONS_TABLE} (name, generation) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET generation = excluded.generation`,
        [slot.projection.name, runner.generation],
      );
    });
    slot.rebuild = undefined;
    slot.lastReplay = { ...this.replayProgressOf(runner, rebuild.targetPosition), status: 'completed' };
    this.announceGeneration(slot);
    await this.runner(slot.projection, rebuild.replacing).dropTablesIfAbandoned();
  }

  private rebuildProgress(slot: Slot): ReplayProgress | undefined {
    if (!slot.rebuild) return undefined;
    const { position } = slot.active.progress;
    return this.replayProgressOf(slot.active, slot.rebuild.targetPosition ?? Math.max(position, this.knownHead));
  }

  private slot(name: string): Slot {
    const slot = this.slots.get(name);
    if (!slot) throw new UnknownProjectionError(name);
    return slot;
  }
}

/** Records a generation's shape unless one is recorded; returns the shape recorded for it, whoever recorded it. */
async function recordShape(transaction: SqlExecutor, name: string, generation: number, shape: string): Promise<string | undefined> {
  await transaction.run(`INSERT INTO ${SHAPES_TABLE} (name, generation, shape) VALUES (?, ?, ?) ON CONFLICT (name, generation) DO NOTHING`, [
    name,
    generation,
    shape,
  ]);
  const row = await transaction.get<{ shape: string }>(`SELECT shape FROM ${SHAPES_TABLE} WHERE name = ? AND generation = ?`, [
    name,
    generation,
  ]);
  return row?.shape;
}
