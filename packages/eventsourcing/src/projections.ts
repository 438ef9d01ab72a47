import { abortableDelay, type EventStore } from '@meent/event-store';
import type { EventRegistry } from './events.js';
import type { Projection, TableNames } from './projection.js';
import {
  ACTIVE_GENERATIONS_TABLE,
  CHECKPOINTS_TABLE,
  GenerationRunner,
  ensureProjectionBookkeeping,
  type ProjectionFailure,
  type RunnerStatus,
  type TransientError,
} from './projection-runner.js';
import type { ReadModelStore, SqlExecutor } from './read-model-store.js';
import { isTransient } from './retry.js';

/**
 * How often runners that do not write their projection read the checkpoints the writers store: often while a read
 * waits for a position, seldom otherwise. One query serves every projection of the process.
 */
const FOLLOW_INTERVAL_MS = 100;
const IDLE_FOLLOW_INTERVAL_MS = 1000;

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
  active: GenerationRunner;
  replay: { runner: GenerationRunner; targetPosition: number; done: Promise<void>; outcome?: ReplayProgress } | undefined;
  lastReplay: ReplayProgress | undefined;
  /** Reads under way per generation, so a replaced generation's tables are dropped only once nobody reads them. */
  readonly readers: Map<number, { count: number; drained?: () => void }>;
}

/** Every projection of a process: runs them, serves their reads, waits for positions, replays and swaps. */
export class Projections {
  private readonly slots = new Map<string, Slot>();
  /** The newest committed position as last read: it only grows, so a position at or below it needs no look. */
  private knownHead = 0;
  private readonly closing = new AbortController();
  private following: Promise<void> = Promise.resolve();

  private constructor(private readonly options: ProjectionsOptions) {}

  static async start(options: ProjectionsOptions): Promise<Projections> {
    const projections = new Projections(options);
    await ensureProjectionBookkeeping(options.readModels);
    for (const projection of options.projections) {
      if (projections.slots.has(projection.name)) throw new Error(`projection ${projection.name} is defined twice`);
      const generation = await projections.activeGeneration(projection.name);
      const active = projections.runner(projection, generation);
      projections.slots.set(projection.name, {
        projection,
        active,
        replay: undefined,
        lastReplay: undefined,
        readers: new Map(),
      });
      await active.start();
    }
    projections.following = projections.followCheckpoints();
    return projections;
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
        replay: this.replayProgress(slot) ?? null,
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
    if (slot.replay) throw new ReplayInProgressError(name);
    const targetPosition = await this.options.store.headPosition();
    const runner = this.runner(slot.projection, slot.active.generation + 1);
    await runner.dropTables();
    const done = this.completeReplay(slot, runner, targetPosition);
    slot.replay = { runner, targetPosition, done };
    await runner.start();
    return this.replayProgress(slot) as ReplayProgress;
  }

  /** Waits for the replay under way, if any, and returns how it ended. */
  async replayFinished(name: string): Promise<ReplayProgress | undefined> {
    const slot = this.slot(name);
    await slot.replay?.done;
    return slot.lastReplay;
  }

  /** Restarts a failed projection from its checkpoint, once whatever made it fail is fixed. */
  async restart(name: string): Promise<void> {
    const slot = this.slot(name);
    await slot.active.stop();
    const runner = this.runner(slot.projection, slot.active.generation);
    slot.active = runner;
    await runner.start();
  }

  async close(): Promise<void> {
    this.closing.abort();
    await this.following;
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

  /** Moves every runner that does not write its projection to the checkpoint the writing process stored. */
  private async followCheckpoints(): Promise<void> {
    let lastRead = 0;
    while (!this.closing.signal.aborted) {
      await abortableDelay(FOLLOW_INTERVAL_MS, this.closing.signal);
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
    await replaced.stop();
    await this.drained(slot, replaced.generation);
    await replaced.dropTables();
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
    const remaining = Math.max(0, targetPosition - position);
    return {
      generation,
      position,
      targetPosition,
      eventsPerSecond,
      etaSeconds: remaining === 0 ? 0 : eventsPerSecond > 0 ? Math.ceil(remaining / eventsPerSecond) : null,
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
      (failure) => this.options.onFailure?.(projection.name, failure),
    );
  }

  private async activeGeneration(name: string): Promise<number> {
    const row = await this.options.readModels.reader.get<{ generation: number }>(
      `SELECT generation FROM ${ACTIVE_GENERATIONS_TABLE} WHERE name = ?`,
      [name],
    );
    return row?.generation ?? 1;
  }

  private slot(name: string): Slot {
    const slot = this.slots.get(name);
    if (!slot) throw new UnknownProjectionError(name);
    return slot;
  }
}
