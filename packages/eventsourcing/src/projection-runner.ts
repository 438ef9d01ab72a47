import { abortableDelay, defineSchema, type EventStore, type RecordedEvent, type Subscription } from '@meent/event-store';
import type { EventRegistry } from './events.js';
import { batchTransaction, physicalTableNames, projectionShape, type Projection, type TableNames } from './projection.js';
import type { Lease, ReadModelStore, SqlExecutor } from './read-model-store.js';
import type { SharedLogReads } from './shared-log-reads.js';
import { isTransient, retryDelayMs } from './retry.js';
import { TimeSlices } from './time-slices.js';

/**
 * `standby`: another process holds this projection's lease and writes it; this one follows its checkpoint.
 * `retrying`: the store failed under it (out of reach, say); it starts again from its checkpoint after a pause.
 * `failed`: a handler threw on an event; it stays stopped there until an admin restarts it.
 */
export type RunnerStatus = 'starting' | 'running' | 'standby' | 'retrying' | 'failed' | 'stopped';

export interface ProjectionFailure {
  readonly message: string;
  /** Position of the event whose handler threw; the checkpoint stays just before it. */
  readonly position: number;
  readonly eventType: string;
}

/** The store's latest failure under a runner, kept after it recovered so an admin can see what happened. */
export interface TransientError {
  readonly message: string;
  readonly at: string;
  /** Attempts in a row that failed, up to this one. */
  readonly attempts: number;
}

export interface RunnerProgress {
  readonly generation: number;
  readonly position: number;
  readonly status: RunnerStatus;
  readonly eventsPerSecond: number;
  readonly failure: ProjectionFailure | undefined;
  readonly lastError: TransientError | undefined;
}

export const CHECKPOINTS_TABLE = 'meent_projection_checkpoints';
export const ACTIVE_GENERATIONS_TABLE = 'meent_projection_generations';
export const SHAPES_TABLE = 'meent_projection_shapes';

const MAX_BATCH = 1000;
const RATE_WINDOW_MS = 5000;
/** How often a standby asks for the lease again; between asks it follows the holder's checkpoint (see Projections). */
const LEASE_ATTEMPT_INTERVAL_MS = 1000;
/**
 * How long the position may run ahead of the stored checkpoint, past events this projection ignores, before it is
 * stored for the processes following it.
 */
const IDLE_CHECKPOINT_MS = 1000;

/** The checkpoint moved under this runner: another process holds the projection now. */
class CheckpointMovedError extends Error {
  override readonly name = 'CheckpointMovedError';
}

/** The projections' bookkeeping, versioned: a change to it is a new migration at the end of this list. */
export const PROJECTION_TABLES = defineSchema('projections', [
  {
    version: 1,
    description: "each projection's checkpoint per generation, and the generation serving reads",
    statements: [
      `CREATE TABLE IF NOT EXISTS ${CHECKPOINTS_TABLE} (name TEXT NOT NULL, generation INTEGER NOT NULL, position BIGINT NOT NULL, PRIMARY KEY (name, generation))`,
      `CREATE TABLE IF NOT EXISTS ${ACTIVE_GENERATIONS_TABLE} (name TEXT PRIMARY KEY, generation INTEGER NOT NULL)`,
    ],
  },
  {
    version: 2,
    description: "each generation's shape, so that a read model an upgrade changed is rebuilt",
    statements: [
      `CREATE TABLE IF NOT EXISTS ${SHAPES_TABLE} (name TEXT NOT NULL, generation INTEGER NOT NULL, shape TEXT NOT NULL, PRIMARY KEY (name, generation))`,
    ],
  },
]);

/**
 * Runs one generation of one projection: subscribes after its checkpoint and applies events in batches, each batch
 * and the checkpoint it reaches committed in one transaction, so a crash never applies an event twice or skips one.
 * One loop supervises it: holding the lease it runs, without it it stands by, and when the store fails under it
 * it waits and starts again from its checkpoint.
 */
export class GenerationRunner<Table extends string = string> {
  readonly tables: TableNames<Table>;
  private position = 0;
  private status: RunnerStatus = 'starting';
  private failure: ProjectionFailure | undefined;
  private lastError: TransientError | undefined;
  private supervision: Promise<void> | undefined;
  private stopping: AbortController | undefined;
  private lease: Lease | undefined;
  /** The checkpoint as stored, which the next batch's update is conditional on. */
  private stored = 0;
  /** Events handed over by the subscription and not yet applied: reported progress must wait for them. */
  private applying = false;
  /** How far the subscription has read past events this projection does not handle. */
  private passedOver = 0;
  /**
   * Where the projection's read indexes are built, in the transaction of the batch that reaches it: the head as it was
   * when this runner began writing, or the position a replay asked it to reach if that is sooner. Undefined once built.
   */
  private readIndexesAt: number | undefined;
  /** A replay's target: its swap must find the read indexes built. */
  private catchUpTarget: number | undefined;
  private readonly waiters = new Set<{ position: number; resolve: () => void }>();
  private readonly rateSamples: { at: number; read: number; position: number }[] = [];
  private read = 0;
  private reportFailure: (failure: ProjectionFailure) => void = () => undefined;
  /** Settles when a handler throws and the runner stops there. */
  readonly failed = new Promise<ProjectionFailure>((resolve) => {
    this.reportFailure = resolve;
  });

  constructor(
    private readonly projection: Projection<Table>,
    readonly generation: number,
    private readonly store: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly registry: EventRegistry,
    private readonly reads: SharedLogReads,
    private readonly onFailure: (failure: ProjectionFailure) => void,
  ) {
    this.tables = physicalTableNames(projection, generation);
  }

  get progress(): RunnerProgress {
    return {
      generation: this.generation,
      position: this.position,
      status: this.status,
      eventsPerSecond: this.eventsPerSecond(),
      failure: this.failure,
      lastError: this.lastError,
    };
  }

  get name(): string {
    return this.projection.name;
  }

  /** Not writing the projection, but alive: its position comes from the holder's checkpoint (`followCheckpoint`). */
  get following(): boolean {
    return this.status === 'standby' || this.status === 'retrying' || this.status === 'starting';
  }

  /** A read is waiting for this runner to reach a position. */
  get awaited(): boolean {
    return this.waiters.size > 0;
  }

  /**
   * Runs the projection where this process holds its lease; otherwise stands by, following the holder's checkpoint
   * so reads here can wait for positions, and takes over once the holder is gone. Resolves once it runs, stands by,
   * retries or failed — when it runs, its tables exist.
   */
  async start(options: { readonly catchUpTo?: number } = {}): Promise<void> {
    this.catchUpTarget = options.catchUpTo;
    this.status = 'starting';
    this.failure = undefined;
    const stopping = new AbortController();
    this.stopping = stopping;
    let settled = () => undefined as void;
    const firstOutcome = new Promise<void>((resolve) => {
      settled = resolve;
    });
    this.supervision = this.supervise(stopping.signal, settled);
    await firstOutcome;
  }

  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.supervision;
    await this.releaseLease();
    if (this.status !== 'failed') this.status = 'stopped';
  }

  /** The holder's checkpoint as another process stored it: a runner that is not writing moves up to it. */
  followCheckpoint(position: number): void {
    if (this.following && position > this.position) this.advanceTo(position);
  }

  private get leaseName(): string {
    return `projection/${this.projection.name}/g${this.generation}`;
  }

  private async supervise(signal: AbortSignal, settled: () => void): Promise<void> {
    let attempts = 0;
    while (!signal.aborted) {
      try {
        this.lease = await this.readModels.lease(this.leaseName);
        if (this.lease) {
          const outcome = await this.runHolding(this.lease, signal, settled);
          // A failed projection keeps its lease: another process would only fail on the same event.
          if (outcome === 'failed') return settled();
          await this.releaseLease();
        } else if (!signal.aborted) {
          this.status = 'standby';
          settled();
          await abortableDelay(LEASE_ATTEMPT_INTERVAL_MS, signal);
        }
        attempts = 0;
      } catch (error) {
        await this.releaseLease();
        if (signal.aborted) return;
        if (!isTransient(error)) {
          this.fail({ message: messageOf(error), position: this.position, eventType: 'none' });
          return settled();
        }
        attempts += 1;
        this.status = 'retrying';
        this.lastError = { message: messageOf(error), at: new Date().toISOString(), attempts };
        settled();
        await abortableDelay(retryDelayMs(attempts), signal);
      }
    }
  }

  private async releaseLease(): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    await lease?.release().catch(() => undefined);
  }

  /** Applies events while it holds `lease`; ends when the lease is lost, another process moved the checkpoint, the
   * runner stops, or a handler failed. The store failing under it throws. */
  private async runHolding(lease: Lease, signal: AbortSignal, settled: () => void): Promise<'ended' | 'handed-over' | 'failed'> {
    const head = await this.store.headPosition();
    this.readIndexesAt = Math.min(head, this.catchUpTarget ?? head);
    this.position = await this.readModels.transaction(async (transaction) => {
      for (const [table, create] of Object.entries(this.projection.tables) as [Table, (name: string) => string[]][]) {
        for (const statement of create(this.tables[table])) await transaction.run(statement);
      }
      await transaction.run(
        `INSERT INTO ${CHECKPOINTS_TABLE} (name, generation, position) VALUES (?, ?, 0) ON CONFLICT (name, generation) DO NOTHING`,
        [this.projection.name, this.generation],
      );
      await transaction.run(
        `INSERT INTO ${SHAPES_TABLE} (name, generation, shape) VALUES (?, ?, ?) ON CONFLICT (name, generation) DO NOTHING`,
        [this.projection.name, this.generation, projectionShape(this.projection)],
      );
      const checkpoint = await this.storedCheckpoint(transaction);
      if (this.readIndexesDue(checkpoint)) await this.buildReadIndexes(transaction);
      return checkpoint;
    });
    if (this.readIndexesDue(this.position)) this.readIndexesAt = undefined;
    this.stored = this.position;
    // What an earlier subscription of this runner (before it lost its lease) had read past counts for nothing now.
    this.passedOver = this.position;
    this.applying = false;
    // Only the events this projection handles are handed to it (read and decoded once for every projection reading from
    // the same place); it is told how far the read has gone past the rest.
    const subscription = this.reads.subscribe({
      after: this.position,
      eventTypes: new Set(this.projection.handlers.keys()),
      onProgress: (position) => {
        this.passedOver = Math.max(this.passedOver, position);
        if (!this.applying) this.advanceTo(Math.max(this.position, this.passedOver));
      },
    });
    // The lease went with its connection, or the runner stops: stop writing at once.
    const close = () => void subscription.close();
    signal.addEventListener('abort', close, { once: true });
    void lease.lost.then(close);
    this.status = 'running';
    settled();
    try {
      return await this.consume(subscription);
    } finally {
      signal.removeEventListener('abort', close);
      await subscription.close();
    }
  }

  private readIndexesDue(position: number): boolean {
    return this.readIndexesAt !== undefined && position >= this.readIndexesAt;
  }

  /** `IF NOT EXISTS`: a generation that built them before (and now resumes far behind) only finds them there. */
  private async buildReadIndexes(transaction: SqlExecutor): Promise<void> {
    for (const [table, create] of Object.entries(this.projection.readIndexes) as [Table, (name: string) => string[]][]) {
      for (const statement of create(this.tables[table])) await transaction.run(statement);
    }
  }

  private async storedCheckpoint(executor: SqlExecutor): Promise<number> {
    const row = await executor.get<{ position: number | string }>(
      `SELECT position FROM ${CHECKPOINTS_TABLE} WHERE name = ? AND generation = ?`,
      [this.projection.name, this.generation],
    );
    return Number(row?.position ?? 0);
  }

  /** Resolves once every event up to `position` is applied; `false` when `signal` aborts first. */
  waitFor(position: number, signal?: AbortSignal): Promise<boolean> {
    if (this.position >= position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        position,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(true);
        },
      };
      const onAbort = () => {
        this.waiters.delete(waiter);
        resolve(false);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  /**
   * Drops this generation's tables unless a process still writes them — one of the version before an upgrade, still
   * running — and says whether it did.
   */
  async dropTablesIfAbandoned(): Promise<boolean> {
    const lease = await this.readModels.lease(this.leaseName);
    if (!lease) return false;
    try {
      await this.dropTables();
      return true;
    } finally {
      await lease.release();
    }
  }

  async dropTables(): Promise<void> {
    await this.readModels.transaction(async (transaction) => {
      for (const name of Object.values<string>(this.tables)) await transaction.run(`DROP TABLE IF EXISTS ${name}`);
      for (const table of [CHECKPOINTS_TABLE, SHAPES_TABLE]) {
        await transaction.run(`DELETE FROM ${table} WHERE name = ? AND generation = ?`, [this.projection.name, this.generation]);
      }
    });
  }

  private async consume(subscription: Subscription): Promise<'ended' | 'handed-over' | 'failed'> {
    const iterator = subscription[Symbol.asyncIterator]();
    // A read that fails while a batch is being applied is awaited only after it: until then it must not count as an
    // unhandled rejection, which would end the process.
    const nextEvent = () => {
      const next = iterator.next();
      next.catch(() => undefined);
      return next;
    };
    let pending = nextEvent();
    for (;;) {
      const first = await this.nextOrIdle(pending);
      if (first === IDLE) {
        // Nothing came for a while after events this projection ignored: store how far it has read, for the
        // processes following this checkpoint.
        const outcome = await this.applyBatch([]);
        if (outcome !== 'applied') return outcome;
        continue;
      }
      if (first.done) return 'ended';
      this.applying = true;
      const batch: RecordedEvent[] = [first.value];
      pending = nextEvent();
      let ended = false;
      // Take what the subscription already holds in memory; commit as soon as it would have to wait for I/O or a
      // timer, which is when this turn of the event loop ends.
      const turnEnded = nextTurn();
      while (batch.length < MAX_BATCH) {
        const next = await Promise.race([pending, turnEnded]);
        if (next === TURN) break;
        if (next.done) {
          ended = true;
          break;
        }
        batch.push(next.value);
        pending = nextEvent();
      }
      const outcome = await this.applyBatch(batch);
      this.applying = false;
      if (outcome !== 'applied') return outcome;
      if (this.passedOver > this.position) this.advanceTo(this.passedOver);
      if (ended) return 'ended';
    }
  }

  /**
   * The next event, or IDLE once the stored checkpoint has lagged the position for a while with nothing new — the
   * position also moves while waiting, as the subscription reports reading past events this projection ignores.
   */
  private async nextOrIdle<T>(pending: Promise<T>): Promise<T | typeof IDLE> {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<typeof IDLE>((resolve) => {
        timer = setTimeout(() => resolve(IDLE), IDLE_CHECKPOINT_MS);
      });
      try {
        const outcome = await Promise.race([pending, idle]);
        if (outcome !== IDLE || this.stored < this.position) return outcome;
      } finally {
        clearTimeout(timer);
      }
    }
  }

  /** `handed-over` when another process moved the checkpoint; `failed` when a handler threw. A store failure throws. */
  private async applyBatch(batch: readonly RecordedEvent[]): Promise<'applied' | 'handed-over' | 'failed'> {
    let current: RecordedEvent | undefined;
    const last = batch[batch.length - 1]?.position ?? this.position;
    try {
      await this.readModels.transaction(async (transaction: SqlExecutor) => {
        const slices = new TimeSlices();
        const handlers = batchTransaction(transaction);
        for (const recorded of batch) {
          await slices.pause();
          current = recorded;
          const handler = this.projection.handlers.get(recorded.type);
          if (!handler) continue;
          await handler(this.reads.decode(recorded), handlers, this.tables);
        }
        await handlers.end();
        // Conditional on the checkpoint this runner last stored: two writers can never both apply a batch.
        const moved = await transaction.get<{ position: number }>(
          `UPDATE ${CHECKPOINTS_TABLE} SET position = ? WHERE name = ? AND generation = ? AND position = ? RETURNING position`,
          [last, this.projection.name, this.generation, this.stored],
        );
        if (!moved) throw new CheckpointMovedError(`${this.projection.name} moved past ${this.stored} elsewhere`);
        if (this.readIndexesDue(last)) await this.buildReadIndexes(transaction);
      });
      if (this.readIndexesDue(last)) this.readIndexesAt = undefined;
      this.stored = last;
      // Before readers are told the erasure is applied: by then no copy of what it removed is left on disk.
      if (batch.some((event) => this.projection.handlers.has(event.type) && this.registry.erasesPersonalData(event.type))) {
        await this.readModels.forgetOverwritten();
      }
    } catch (error) {
      if (error instanceof CheckpointMovedError) return 'handed-over';
      if (isTransient(error)) throw error;
      this.fail({ message: messageOf(error), position: current?.position ?? this.position, eventType: current?.type ?? 'unknown' });
      return 'failed';
    }
    this.read += batch.length;
    this.advanceTo(last);
    this.recordRate();
    return 'applied';
  }

  private fail(failure: ProjectionFailure): void {
    this.status = 'failed';
    this.failure = failure;
    this.onFailure(failure);
    this.reportFailure(failure);
  }

  /**
   * Moves the position forward, never back: the subscription reports reading past ignored events while a batch's
   * transaction is under way, and the batch ending at an earlier event must not take that back — with nothing more
   * coming, nothing would report it again, and the projection would stand behind the log for good.
   */
  private advanceTo(position: number): void {
    this.position = Math.max(this.position, position);
    for (const waiter of this.waiters) {
      if (this.position >= waiter.position) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  private recordRate(): void {
    const now = performance.now();
    this.rateSamples.push({ at: now, read: this.read, position: this.position });
    while (this.rateSamples.length > 2 && (this.rateSamples[0]?.at ?? now) < now - RATE_WINDOW_MS) {
      this.rateSamples.shift();
    }
  }

  /** Events read (handled or not) per second over the last few seconds. */
  private eventsPerSecond(): number {
    const recent = this.recentSamples();
    return recent ? Math.round(((recent.last.read - recent.first.read) * 1000) / (recent.last.at - recent.first.at)) : 0;
  }

  /**
   * Seconds until the runner passes `target` at the pace its position moved over the last few seconds; undefined while
   * it does not move. Measured in positions, not events: a store's positions need not count events (PostgreSQL's
   * follow transaction ids, EventStoreDB's are offsets in its log).
   */
  secondsToReach(target: number): number | undefined {
    if (this.position >= target) return 0;
    const recent = this.recentSamples();
    const perSecond = recent ? ((recent.last.position - recent.first.position) * 1000) / (recent.last.at - recent.first.at) : 0;
    return perSecond > 0 ? Math.ceil((target - this.position) / perSecond) : undefined;
  }

  /** The first and last rate samples of the last few seconds; undefined when there are not two or they are stale. */
  private recentSamples() {
    const first = this.rateSamples[0];
    const last = this.rateSamples[this.rateSamples.length - 1];
    if (!first || !last || last.at === first.at || performance.now() - last.at > RATE_WINDOW_MS) return undefined;
    return { first, last };
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

const TURN = Symbol('turn');
const IDLE = Symbol('idle');
function nextTurn(): Promise<typeof TURN> {
  return new Promise((resolve) => setImmediate(() => resolve(TURN)));
}
