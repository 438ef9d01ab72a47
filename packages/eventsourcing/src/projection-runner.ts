import type { EventStore, RecordedEvent, Subscription } from '@meent/event-store';
import type { EventRegistry } from './events.js';
import { physicalTableNames, type Projection, type TableNames } from './projection.js';
import type { Lease, ReadModelStore, SqlExecutor } from './read-model-store.js';
import { setTimeout as delay } from 'node:timers/promises';

/** `standby`: another process holds this projection's lease and writes it; this one follows its checkpoint. */
export type RunnerStatus = 'starting' | 'running' | 'standby' | 'failed' | 'stopped';

export interface ProjectionFailure {
  readonly message: string;
  /** Position of the event whose handler threw; the checkpoint stays just before it. */
  readonly position: number;
  readonly eventType: string;
}

export interface RunnerProgress {
  readonly generation: number;
  readonly position: number;
  readonly status: RunnerStatus;
  readonly eventsPerSecond: number;
  readonly failure: ProjectionFailure | undefined;
}

export const CHECKPOINTS_TABLE = 'meent_projection_checkpoints';
export const ACTIVE_GENERATIONS_TABLE = 'meent_projection_generations';

const MAX_BATCH = 1000;
const RATE_WINDOW_MS = 5000;
/** How often a standby follows the holder's checkpoint, and how many of those before it tries for the lease again. */
const FOLLOW_INTERVAL_MS = 100;
const FOLLOWS_PER_LEASE_ATTEMPT = 5;
/** How long a batch applies events before it lets the event loop serve requests. */
const SLICE_MS = 4;
/**
 * How long the position may run ahead of the stored checkpoint, past events this projection ignores, before it is
 * stored for the processes following it.
 */
const IDLE_CHECKPOINT_MS = 1000;

/** The checkpoint moved under this runner: another process holds the projection now. */
class CheckpointMovedError extends Error {
  override readonly name = 'CheckpointMovedError';
}

export async function ensureProjectionBookkeeping(readModels: ReadModelStore): Promise<void> {
  await readModels.transaction(async (transaction) => {
    await transaction.run(
      `CREATE TABLE IF NOT EXISTS ${CHECKPOINTS_TABLE} (name TEXT NOT NULL, generation INTEGER NOT NULL, position BIGINT NOT NULL, PRIMARY KEY (name, generation))`,
    );
    await transaction.run(
      `CREATE TABLE IF NOT EXISTS ${ACTIVE_GENERATIONS_TABLE} (name TEXT PRIMARY KEY, generation INTEGER NOT NULL)`,
    );
  });
}

/**
 * Runs one generation of one projection: subscribes after its checkpoint and applies events in batches, each batch
 * and the checkpoint it reaches committed in one transaction, so a crash never applies an event twice or skips one.
 */
export class GenerationRunner<Table extends string = string> {
  readonly tables: TableNames<Table>;
  private position = 0;
  private status: RunnerStatus = 'starting';
  private failure: ProjectionFailure | undefined;
  private subscription: Subscription | undefined;
  private loop: Promise<void> | undefined;
  private lease: Lease | undefined;
  private following: AbortController | undefined;
  /** The checkpoint as stored, which the next batch's update is conditional on. */
  private stored = 0;
  /** Events handed over by the subscription and not yet applied: reported progress must wait for them. */
  private applying = false;
  /** How far the subscription has read past events this projection does not handle. */
  private passedOver = 0;
  private readonly waiters = new Set<{ position: number; resolve: () => void }>();
  private readonly rateSamples: { at: number; read: number }[] = [];
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
    };
  }

  /**
   * Runs the projection where this process holds its lease; otherwise stands by, following the holder's checkpoint
   * so reads here can wait for positions, and takes over once the holder is gone.
   */
  async start(): Promise<void> {
    this.status = 'starting';
    this.failure = undefined;
    this.lease = await this.readModels.lease(this.leaseName);
    if (this.lease) await this.run(this.lease);
    else this.follow();
  }

  async stop(): Promise<void> {
    if (this.status === 'running' || this.status === 'starting' || this.status === 'standby') this.status = 'stopped';
    this.following?.abort();
    await this.subscription?.close();
    await this.loop;
    await this.lease?.release();
    this.lease = undefined;
  }

  private get leaseName(): string {
    return `projection/${this.projection.name}/g${this.generation}`;
  }

  private async run(lease: Lease): Promise<void> {
    this.position = await this.readModels.transaction(async (transaction) => {
      for (const [table, create] of Object.entries(this.projection.tables) as [Table, (name: string) => string[]][]) {
        for (const statement of create(this.tables[table])) await transaction.run(statement);
      }
      await transaction.run(
        `INSERT INTO ${CHECKPOINTS_TABLE} (name, generation, position) VALUES (?, ?, 0) ON CONFLICT (name, generation) DO NOTHING`,
        [this.projection.name, this.generation],
      );
      return this.storedCheckpoint(transaction);
    });
    this.stored = this.position;
    // What an earlier subscription of this runner (before it lost its lease) had read past counts for nothing now.
    this.passedOver = this.position;
    this.applying = false;
    this.status = 'running';
    // Only the events this projection handles are read and parsed; the store reports how far it has read past the rest.
    this.subscription = this.store.subscribeToAll({
      after: this.position,
      filter: { eventTypes: [...this.projection.handlers.keys()] },
      onProgress: (position) => {
        this.passedOver = Math.max(this.passedOver, position);
        if (!this.applying) this.advanceTo(Math.max(this.position, this.passedOver));
      },
    });
    this.loop = this.consume(this.subscription);
    void lease.lost.then(() => this.handOver(lease));
  }

  /** The lease went with its connection: stop writing at once, and stand by like any other process. */
  private async handOver(lease: Lease): Promise<void> {
    if (this.lease !== lease || this.status !== 'running') return;
    this.lease = undefined;
    await this.subscription?.close();
    await this.loop;
    this.follow();
  }

  private follow(): void {
    this.status = 'standby';
    const following = new AbortController();
    this.following = following;
    void (async () => {
      try {
        while (!following.signal.aborted) {
          for (let follow = 0; follow < FOLLOWS_PER_LEASE_ATTEMPT; follow += 1) {
            this.advanceTo(await this.storedCheckpoint(this.readModels.reader));
            await delay(FOLLOW_INTERVAL_MS, undefined, { signal: following.signal });
          }
          const lease = await this.readModels.lease(this.leaseName);
          if (lease && !following.signal.aborted) {
            this.lease = lease;
            await this.run(lease);
            return;
          }
          await lease?.release();
        }
      } catch (error) {
        if (following.signal.aborted) return;
        this.fail({ message: error instanceof Error ? error.message : String(error), position: this.position, eventType: 'none' });
      }
    })();
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

  async dropTables(): Promise<void> {
    await this.readModels.transaction(async (transaction) => {
      for (const name of Object.values<string>(this.tables)) await transaction.run(`DROP TABLE IF EXISTS ${name}`);
      await transaction.run(`DELETE FROM ${CHECKPOINTS_TABLE} WHERE name = ? AND generation = ?`, [
        this.projection.name,
        this.generation,
      ]);
    });
  }

  private async consume(subscription: Subscription): Promise<void> {
    const iterator = subscription[Symbol.asyncIterator]();
    let pending = iterator.next();
    for (;;) {
      const first = await this.nextOrIdle(pending);
      if (first === IDLE) {
        // Nothing came for a while after events this projection ignored: store how far it has read, for the
        // processes following this checkpoint.
        if (!(await this.applyBatch([]))) {
          await subscription.close();
          return;
        }
        continue;
      }
      if (first.done) return;
      this.applying = true;
      const batch: RecordedEvent[] = [first.value];
      pending = iterator.next();
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
        pending = iterator.next();
      }
      const applied = await this.applyBatch(batch);
      this.applying = false;
      if (!applied) {
        await subscription.close();
        return;
      }
      if (this.passedOver > this.position) this.advanceTo(this.passedOver);
      if (ended) return;
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

  private async applyBatch(batch: readonly RecordedEvent[]): Promise<boolean> {
    let current: RecordedEvent | undefined;
    const last = batch[batch.length - 1]?.position ?? this.position;
    try {
      await this.readModels.transaction(async (transaction: SqlExecutor) => {
        let slice = performance.now();
        for (const recorded of batch) {
          if (performance.now() - slice > SLICE_MS) {
            // An embedded store's statements run synchronously: without a pause a big batch holds every request back.
            await yieldToEventLoop();
            slice = performance.now();
          }
          current = recorded;
          const handler = this.projection.handlers.get(recorded.type);
          if (!handler) continue;
          await handler(this.registry.decode(recorded), transaction, this.tables);
        }
        // Conditional on the checkpoint this runner last stored: two writers can never both apply a batch.
        const moved = await transaction.get<{ position: number }>(
          `UPDATE ${CHECKPOINTS_TABLE} SET position = ? WHERE name = ? AND generation = ? AND position = ? RETURNING position`,
          [last, this.projection.name, this.generation, this.stored],
        );
        if (!moved) throw new CheckpointMovedError(`${this.projection.name} moved past ${this.stored} elsewhere`);
      });
      this.stored = last;
      // Before readers are told the erasure is applied: by then no copy of what it removed is left on disk.
      if (batch.some((event) => this.projection.handlers.has(event.type) && this.registry.erasesPersonalData(event.type))) {
        await this.readModels.forgetOverwritten();
      }
    } catch (error) {
      if (error instanceof CheckpointMovedError) {
        void this.lease?.release();
        this.lease = undefined;
        this.follow();
        return false;
      }
      this.fail({
        message: error instanceof Error ? error.message : String(error),
        position: current?.position ?? this.position,
        eventType: current?.type ?? 'unknown',
      });
      return false;
    }
    this.read += batch.length;
    this.advanceTo(last);
    this.recordRate();
    return true;
  }

  private fail(failure: ProjectionFailure): void {
    this.status = 'failed';
    this.failure = failure;
    this.onFailure(failure);
    this.reportFailure(failure);
  }

  private advanceTo(position: number): void {
    this.position = position;
    for (const waiter of this.waiters) {
      if (this.position >= waiter.position) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  private recordRate(): void {
    const now = performance.now();
    this.rateSamples.push({ at: now, read: this.read });
    while (this.rateSamples.length > 2 && (this.rateSamples[0]?.at ?? now) < now - RATE_WINDOW_MS) {
      this.rateSamples.shift();
    }
  }

  /** Events read (handled or not) per second over the last few seconds. */
  private eventsPerSecond(): number {
    const first = this.rateSamples[0];
    const last = this.rateSamples[this.rateSamples.length - 1];
    if (!first || !last || last.at === first.at || performance.now() - last.at > RATE_WINDOW_MS) return 0;
    return Math.round(((last.read - first.read) * 1000) / (last.at - first.at));
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const TURN = Symbol('turn');
const IDLE = Symbol('idle');
function nextTurn(): Promise<typeof TURN> {
  return new Promise((resolve) => setImmediate(() => resolve(TURN)));
}
