import type { EventStore, RecordedEvent, Subscription } from '@meent/event-store';
import type { EventRegistry, StoredEvent } from './events.js';

/**
 * How many events one projection may have waiting before the read it shares waits for it (catching up) or goes on
 * without it (caught up): enough for a few of its batches, so that the projections sharing a read go on one after the
 * other rather than in lockstep.
 */
const WAITING_LIMIT = 2000;
/**
 * How long a read that has caught up waits for a projection with too many events waiting before it goes on without
 * it: longer than a burst of appends takes every projection to work through, shorter than a reader would wait.
 */
const HELD_BACK_MS = 1000;

export interface SharedReadOptions {
  /** Exclusive: the projection's checkpoint. */
  readonly after: number;
  /** The events the projection handles; it is told of the others only by `onProgress`. */
  readonly eventTypes: ReadonlySet<string>;
  /** As the store's own subscription calls it: once every event up to the position has been handed out or passed over. */
  readonly onProgress: (position: number) => void;
}

/**
 * The log read once for the projections of a process that start from the same position — a first start, or a change
 * of shape, rebuilds several of them from the start of the log — instead of once for each: every event is read and
 * decoded once, and handed to each projection that handles it. A projection joins a read only where that read stands
 * now, so that no projection waits while a read goes over events it has applied already; one starting elsewhere reads
 * on its own (a replay asked for later, a projection that failed and restarts).
 *
 * Catching up, the read goes at the pace of the slowest projection: they all have the log to go through, and on one
 * thread no projection is faster for the others waiting. Once the read has reached the head it began behind, a
 * projection that keeps it waiting leaves it and reads on its own, so that one slow projection does not hold back
 * what the others show.
 */
export class SharedLogReads {
  private readonly reads = new Set<SharedRead>();
  private holding = 0;
  private readonly decoded = new WeakMap<RecordedEvent, StoredEvent>();

  constructor(
    private readonly store: EventStore,
    private readonly registry: EventRegistry,
  ) {}

  /**
   * Reads begun until the returned function is called wait for it before they read, so that projections started one
   * after another from the same checkpoint all find their read where it began.
   */
  hold(): () => void {
    this.holding += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holding -= 1;
      if (this.holding === 0) for (const read of this.reads) read.start();
    };
  }

  subscribe(options: SharedReadOptions): Subscription {
    let read = [...this.reads].find((candidate) => candidate.canJoin(options));
    if (!read) {
      read = new SharedRead(this.store, options.after, (ended) => this.reads.delete(ended));
      this.reads.add(read);
    }
    const reader = read.join(options);
    if (this.holding === 0) read.start();
    return reader;
  }

  /** The event decoded, validated once for every projection it is handed to; the projections must not change it. */
  decode(recorded: RecordedEvent): StoredEvent {
    let decoded = this.decoded.get(recorded);
    if (!decoded) {
      decoded = this.registry.decode(recorded);
      this.decoded.set(recorded, decoded);
    }
    return decoded;
  }
}

/** One subscription to the store, its events handed to every projection reading through it. */
class SharedRead {
  /** Every event up to here has been handed to the readers' queues, or was not theirs. */
  private position: number;
  private readonly eventTypes = new Set<string>();
  private readonly readers = new Set<Reader>();
  private started = false;
  private ended = false;
  private subscription: Subscription | undefined;
  private roomMade: (() => void) | undefined;

  constructor(
    private readonly store: EventStore,
    after: number,
    private readonly onEnd: (read: SharedRead) => void,
  ) {
    this.position = after;
  }

  /**
   * Only at the position it stands: events this read hands out later are all the joining projection has not seen. A
   * read under way must already read every event the projection handles (a read not begun reads what its readers
   * handle).
   */
  canJoin(options: SharedReadOptions): boolean {
    if (this.ended || options.after !== this.position) return false;
    return !this.started || [...options.eventTypes].every((type) => this.eventTypes.has(type));
  }

  join(options: SharedReadOptions): Reader {
    for (const type of options.eventTypes) this.eventTypes.add(type);
    const reader = new Reader(this.store, options, () => this.leave(reader), () => this.roomMade?.());
    this.readers.add(reader);
    return reader;
  }

  start(): void {
    if (this.started || this.ended) return;
    this.started = true;
    void this.pump();
  }

  private async pump(): Promise<void> {
    try {
      const caughtUpAt = await this.store.headPosition();
      // Every projection may have left while the head was asked for.
      if (this.ended) return;
      const subscription = this.store.subscribeToAll({
        after: this.position,
        filter: { eventTypes: [...this.eventTypes] },
        onProgress: (position) => {
          this.position = Math.max(this.position, position);
          for (const reader of this.readers) reader.progress(position);
        },
      });
      this.subscription = subscription;
      for await (const event of subscription) {
        this.position = event.position;
        for (const reader of this.readers) reader.offer(event);
        while (this.behind()) {
          const madeRoom = await this.room(this.position >= caughtUpAt ? HELD_BACK_MS : undefined);
          if (!madeRoom) for (const reader of this.readers) if (reader.waiting > WAITING_LIMIT) this.goOnWithout(reader);
        }
      }
      for (const reader of this.readers) reader.end();
    } catch (error) {
      for (const reader of this.readers) reader.fail(error);
    } finally {
      this.end();
    }
  }

  /** Whether a projection has so many events waiting that the read must wait for it. */
  private behind(): boolean {
    for (const reader of this.readers) if (reader.waiting > WAITING_LIMIT) return true;
    return false;
  }

  /** True once a projection has taken enough for the read to go on; false if `timeoutMs` passes first. */
  private room(timeoutMs: number | undefined): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => resolve(false), timeoutMs);
      this.roomMade = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  /** The projection takes what it has been handed, then reads on its own from where this read stands. */
  private goOnWithout(reader: Reader): void {
    this.readers.delete(reader);
    reader.readOnAlone(this.position);
    if (this.readers.size === 0) this.close();
  }

  private leave(reader: Reader): void {
    this.readers.delete(reader);
    if (this.readers.size === 0) this.close();
    this.roomMade?.();
  }

  private close(): void {
    this.end();
    void this.subscription?.close();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd(this);
  }
}

/** What one projection reads: the events it handles and, between them, how far the read has gone past the others. */
class Reader implements Subscription {
  /** Events to hand out, and positions read past (only the last of a run of them is kept). */
  private queue: (RecordedEvent | number)[] = [];
  private next = 0;
  private outcome: { readonly failed: unknown } | 'ended' | undefined;
  private left = false;
  /** Where the shared read stood when this projection left it to read on alone. */
  private aloneAfter: number | undefined;
  private alone: Subscription | undefined;
  private wake: (() => void) | undefined;
  private progressWake: NodeJS.Immediate | undefined;
  private readonly iterator: AsyncGenerator<RecordedEvent>;
  /** Events in the queue not yet handed out. */
  waiting = 0;

  constructor(
    private readonly store: EventStore,
    private readonly options: SharedReadOptions,
    private readonly leave: () => void,
    private readonly madeRoom: () => void,
  ) {
    this.iterator = this.events();
  }

  offer(event: RecordedEvent): void {
    if (!this.options.eventTypes.has(event.type)) return this.progress(event.position);
    this.queue.push(event);
    this.waiting += 1;
    this.wakeUp();
  }

  /**
   * Told once the read has gone past the events of the turn: a projection that handles none of a page's events is
   * woken once for the page, not once an event.
   */
  progress(position: number): void {
    const last = this.queue.length - 1;
    if (last >= this.next && typeof this.queue[last] === 'number') this.queue[last] = position;
    else this.queue.push(position);
    this.progressWake ??= setImmediate(() => {
      this.progressWake = undefined;
      this.wakeUp();
    });
  }

  readOnAlone(after: number): void {
    this.left = true;
    this.aloneAfter = after;
    this.wakeUp();
  }

  end(): void {
    this.outcome ??= 'ended';
    this.wakeUp();
  }

  fail(error: unknown): void {
    this.outcome ??= { failed: error };
    this.wakeUp();
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return this.iterator;
  }

  async close(): Promise<void> {
    if (!this.left) {
      this.left = true;
      this.leave();
    }
    this.outcome = 'ended';
    this.queue = [];
    this.next = 0;
    this.wakeUp();
    await this.alone?.close();
    await this.iterator.return(undefined);
  }

  private async *events(): AsyncGenerator<RecordedEvent> {
    for (;;) {
      while (this.next < this.queue.length) {
        const item = this.queue[this.next] as RecordedEvent | number;
        this.next += 1;
        // What was handed out is let go of as the queue is refilled, not only when it runs empty.
        if (this.next === this.queue.length || this.next > WAITING_LIMIT) {
          this.queue = this.queue.slice(this.next);
          this.next = 0;
        }
        if (typeof item === 'number') {
          this.options.onProgress(item);
          continue;
        }
        this.waiting -= 1;
        if (this.waiting === WAITING_LIMIT) this.madeRoom();
        yield item;
      }
      if (this.outcome === 'ended') return;
      if (this.outcome) throw this.outcome.failed;
      if (this.aloneAfter !== undefined) {
        this.alone = this.store.subscribeToAll({
          after: this.aloneAfter,
          filter: { eventTypes: [...this.options.eventTypes] },
          onProgress: this.options.onProgress,
        });
        yield* this.alone;
        return;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
