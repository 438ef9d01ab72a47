import { createHash } from 'node:crypto';
import { DuplicateEventIdError, WrongExpectedVersionError, type EventStore, type EventToAppend } from '@meent/event-store';
import { v7 as uuidv7 } from 'uuid';
import { DomainError, type Decider } from './decider.js';
import type { Actor, DomainEvent, EventRegistry, StoredEvent } from './events.js';
import { newUuidV7 } from './ids.js';
import { chainEvents } from './tamper-evidence.js';

/**
 * A command aimed at a stream of another cooperative: to the caller it does not exist. Never worth retrying, so a
 * reaction that meets it reports it and moves on.
 */
export class ForeignStreamError extends DomainError {
  constructor(readonly stream: string) {
    super('NOT_FOUND', 404, `Nothing in this cooperative is stored as ${stream}`);
  }
}

/** Who asks, on behalf of which cooperative, and why: becomes every appended event's metadata. */
export interface CommandContext {
  readonly cooperativeId: string;
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId?: string | null;
  readonly occurredAt: Date;
  /**
   * Makes the command's event ids a function of this key, so repeating the command (a reaction run again after a
   * crash) finds them already appended and appends nothing. Unset, every event gets a fresh id.
   */
  readonly idempotencyKey?: string;
}

export interface CommandResult<Event extends DomainEvent, State = unknown> {
  readonly events: readonly Event[];
  readonly nextExpectedRevision: number;
  /** Global position of the last event appended; reads wait for it with `?minPosition=`. */
  readonly position: number;
  /** The stream's state once the command's batch was appended: what the next command will be decided on. */
  readonly state: State;
}

export interface CommandHandlerOptions {
  readonly store: EventStore;
  readonly registry: EventRegistry;
  /** Attempts after another process moved the stream on; each re-reads the stream and decides again. */
  readonly maxRetries?: number;
  /** Streams whose folded state is kept per decider, so a command reads only the events after it. */
  readonly cachedStreams?: number;
  /** Commands on one stream decided together and appended in one transaction. */
  readonly maxBatch?: number;
}

export interface LoadedStream<State> {
  readonly state: State;
  readonly revision: number | undefined;
  readonly lastHash: string | null;
  /** The cooperative the stream belongs to: its first event's. */
  readonly cooperativeId: string | undefined;
}

interface RememberedStream extends LoadedStream<unknown> {
  /** `performance.now()` when the store last confirmed this state, or this process appended it. */
  readonly confirmedAt: number;
}

// The handler keeps deciders of any state and command side by side; each entry is only ever used with its own.
type AnyDecider = Decider<unknown, unknown, DomainEvent>;

interface PendingCommand {
  readonly decider: AnyDecider;
  readonly command: unknown;
  readonly context: CommandContext;
  resolve(result: CommandResult<DomainEvent, unknown>): void;
  reject(error: unknown): void;
}

/**
 * Loads a stream's state, decides, and appends at the revision it read. Commands arriving for a stream while an
 * append to it is under way queue up and are decided one after another on the state each leaves, then appended
 * together in one transaction (group commit): a busy stream, such as a motion's votes, costs one commit per batch
 * instead of a conflict and a retry per command, and the store still checks the revision of every append.
 */
export class CommandHandler {
  private readonly maxRetries: number;
  private readonly cachedStreams: number;
  private readonly maxBatch: number;
  private readonly cache = new Map<AnyDecider, Map<string, RememberedStream>>();
  private readonly queues = new Map<string, PendingCommand[]>();
  private readonly owners = new Map<string, string>();
  private readonly readsUnderWay = new Map<AnyDecider, Map<string, Promise<LoadedStream<unknown>>>>();

  constructor(private readonly options: CommandHandlerOptions) {
    this.maxRetries = options.maxRetries ?? 3;
    this.cachedStreams = options.cachedStreams ?? 10_000;
    this.maxBatch = options.maxBatch ?? 500;
  }

  handle<State, Command, Event extends DomainEvent>(
    stream: string,
    decider: Decider<State, Command, Event>,
    command: Command,
    context: CommandContext,
  ): Promise<CommandResult<Event, State>> {
    return new Promise((resolve, reject) => {
      const pending: PendingCommand = {
        decider: decider as unknown as AnyDecider,
        command,
        context,
        resolve: resolve as (result: CommandResult<DomainEvent, unknown>) => void,
        reject,
      };
      const queue = this.queues.get(stream);
      if (queue) {
        queue.push(pending);
        return;
      }
      this.queues.set(stream, [pending]);
      // Deciding after the requests already received in this turn of the event loop lets them share the commit.
      setImmediate(() => void this.drain(stream));
    });
  }

  /** A stream's events, upcast and validated. */
  async *read(stream: string, fromRevision = 0): AsyncGenerator<StoredEvent> {
    for await (const recorded of this.options.store.readStream(stream, { fromRevision })) {
      yield this.options.registry.decode(recorded);
    }
  }

  /** The stream's state: the cached fold caught up with the events appended since, by this process or another. */
  async load<State, Command, Event extends DomainEvent>(
    stream: string,
    decider: Decider<State, Command, Event>,
  ): Promise<LoadedStream<State>> {
    const known = this.cacheOf(decider as unknown as AnyDecider);
    const cached = known.get(stream) as LoadedStream<State> | undefined;
    let { state, revision, lastHash, cooperativeId } = cached ?? {
      state: decider.initialState,
      revision: undefined,
      lastHash: null,
      cooperativeId: undefined,
    };
    for await (const event of this.read(stream, (revision ?? -1) + 1)) {
      state = decider.evolve(state, event as StoredEvent & Event);
      revision = event.revision;
      lastHash = event.metadata.hash ?? null;
      cooperativeId ??= event.metadata.cooperativeId;
    }
    const loaded = { state, revision, lastHash, cooperativeId };
    if (revision !== undefined) this.remember(known, stream, loaded);
    return loaded;
  }

  /**
   * The state this process last saw of the stream, read again only when it has none or what it has was confirmed
   * longer than `maxAgeMs` ago. Appends by this process are always in it; another process's may be missing for up to
   * `maxAgeMs`. By default for facts that never change once recorded, such as the assembly a motion belongs to.
   */
  async recall<State, Command, Event extends DomainEvent>(
    stream: string,
    decider: Decider<State, Command, Event>,
    maxAgeMs = Number.POSITIVE_INFINITY,
  ): Promise<LoadedStream<State>> {
    const key = decider as unknown as AnyDecider;
    const cached = this.cacheOf(key).get(stream);
    if (cached && performance.now() - cached.confirmedAt <= maxAgeMs) return cached as LoadedStream<State>;
    // Requests that find the state too old at the same moment share one read: a burst of votes reads its assembly
    // once, not once a vote. The read under way began after the state was last confirmed, so it is as fresh as theirs.
    let underWay = this.readsUnderWay.get(key);
    if (!underWay) {
      underWay = new Map();
      this.readsUnderWay.set(key, underWay);
    }
    const reading = underWay.get(stream);
    if (reading) return reading as Promise<LoadedStream<State>>;
    const loading = this.load(stream, decider).finally(() => underWay.delete(stream));
    underWay.set(stream, loading);
    return loading;
  }

  /** The cooperative a stream belongs to (its first event's), or undefined when it has none. */
  async cooperativeOf(stream: string): Promise<string | undefined> {
    const known = this.owners.get(stream);
    if (known !== undefined) return known;
    for await (const event of this.options.store.readStream(stream, { maxCount: 1 })) {
      const owner = typeof event.metadata.cooperativeId === 'string' ? event.metadata.cooperativeId : undefined;
      // A stream's first event never changes, so neither does its owner: remembered, least recently used leaving first.
      if (owner !== undefined) {
        this.owners.set(stream, owner);
        if (this.owners.size > this.cachedStreams) this.owners.delete(this.owners.keys().next().value as string);
      }
      return owner;
    }
    return undefined;
  }

  private async drain(stream: string): Promise<void> {
    const queue = this.queues.get(stream) ?? [];
    while (queue.length > 0) {
      const decider = queue[0]!.decider;
      const batch: PendingCommand[] = [];
      for (let index = 0; index < queue.length && batch.length < this.maxBatch; ) {
        if (queue[index]!.decider === decider) batch.push(...queue.splice(index, 1));
        else index += 1;
      }
      await this.decideAndAppend(stream, decider, batch);
    }
    this.queues.delete(stream);
  }

  private async decideAndAppend(stream: string, decider: AnyDecider, commands: readonly PendingCommand[]): Promise<void> {
    let batch = commands;
    // Deciding on the remembered state is optimistic: if another process appended since, the append's revision
    // check fails and the batch is decided again on a fresh read. Only an append vouches for a remembered state, so
    // a refusal, or a batch with nothing to append, is decided again on a fresh read before it is reported.
    let fresh = false;
    for (let attempt = 0; ; attempt += 1) {
      let loaded: LoadedStream<unknown>;
      try {
        const remembered = fresh ? undefined : this.cacheOf(decider).get(stream);
        fresh = remembered === undefined;
        loaded = remembered ?? (await this.load(stream, decider));
      } catch (error) {
        for (const pending of batch) pending.reject(error);
        return;
      }
      let state = loaded.state;
      const decided: { pending: PendingCommand; events: readonly DomainEvent[]; encoded: EventToAppend[] }[] = [];
      const refused: { pending: PendingCommand; error: unknown }[] = [];
      for (const pending of batch) {
        try {
          // Every command names its cooperative; a stream of another is not there for it, whoever asks.
          if (loaded.cooperativeId !== undefined && loaded.cooperativeId !== pending.context.cooperativeId) {
            throw new ForeignStreamError(stream);
          }
          const events = decider.decide(pending.command, state);
          const encoded = events.map((event, index) => this.encode(event, pending.context, index));
          // Evolving with the encoded data (defaults applied) keeps this state equal to one folded from the store.
          for (const event of encoded) state = decider.evolve(state, { type: event.type, data: event.data });
          decided.push({ pending, events, encoded });
        } catch (error) {
          refused.push({ pending, error });
        }
      }
      const toAppend = chainEvents(
        stream,
        (loaded.revision ?? -1) + 1,
        loaded.lastHash,
        decided.flatMap((entry) => entry.encoded),
      );
      if (!fresh && (refused.length > 0 || toAppend.length === 0)) {
        fresh = true;
        continue;
      }
      let position = 0;
      let nextExpectedRevision = loaded.revision ?? -1;
      const stateAfter = toAppend.length > 0 ? state : loaded.state;
      if (toAppend.length > 0) {
        try {
          ({ position, nextExpectedRevision } = await this.options.store.append(
            stream,
            toAppend,
            loaded.revision ?? 'no_stream',
          ));
        } catch (error) {
          this.cacheOf(decider).delete(stream);
          // Another process appended since the read: every command is decided again on the newer state.
          if (error instanceof WrongExpectedVersionError && attempt < this.maxRetries) {
            fresh = true;
            continue;
          }
          const repeated = error instanceof DuplicateEventIdError ? repeatedCommand(decided, error.eventId) : undefined;
          if (repeated) {
            // A command repeated under its idempotency key: it took effect before, so it succeeds without appending.
            repeated.resolve({ events: [], nextExpectedRevision: loaded.revision ?? -1, position: 0, state: loaded.state });
            batch = batch.filter((pending) => pending !== repeated);
            fresh = true;
            if (batch.length === 0) return;
            continue;
          }
          for (const pending of batch) pending.reject(error);
          return;
        }
        this.remember(this.cacheOf(decider), stream, {
          state,
          revision: nextExpectedRevision,
          lastHash: toAppend.at(-1)?.metadata.hash as string,
          cooperativeId: loaded.cooperativeId ?? (toAppend[0]?.metadata.cooperativeId as string),
        });
      }
      for (const { pending, error } of refused) pending.reject(error);
      for (const { pending, events } of decided) {
        // Every command of a batch reports the batch's last position: its own events are durable by then.
        pending.resolve({ events, nextExpectedRevision, position: events.length > 0 ? position : 0, state: stateAfter });
      }
      return;
    }
  }

  private encode(event: DomainEvent, context: CommandContext, index: number): EventToAppend {
    return this.options.registry.encode(event, {
      eventId: context.idempotencyKey === undefined ? newUuidV7() : idempotentEventId(context, index),
      cooperativeId: context.cooperativeId,
      actor: context.actor,
      correlationId: context.correlationId,
      causationId: context.causationId ?? null,
      occurredAt: context.occurredAt.toISOString(),
    });
  }

  private cacheOf(decider: AnyDecider): Map<string, RememberedStream> {
    let known = this.cache.get(decider);
    if (!known) {
      known = new Map();
      this.cache.set(decider, known);
    }
    return known;
  }

  /** Least recently used streams leave first: a Map iterates in insertion order. A slower read never replaces a
   * newer state. */
  private remember(known: Map<string, RememberedStream>, stream: string, loaded: LoadedStream<unknown>): void {
    const cached = known.get(stream);
    if (cached && (cached.revision ?? -1) > (loaded.revision ?? -1)) return;
    known.delete(stream);
    known.set(stream, { ...loaded, confirmedAt: performance.now() });
    if (known.size > this.cachedStreams) known.delete(known.keys().next().value as string);
  }
}

function repeatedCommand(
  decided: readonly { pending: PendingCommand; encoded: readonly EventToAppend[] }[],
  eventId: string,
): PendingCommand | undefined {
  const entry = decided.find(({ encoded }) => encoded.some((event) => event.id === eventId));
  return entry?.pending.context.idempotencyKey === undefined ? undefined : entry.pending;
}

/** A uuid v7 for the `index`th event of a keyed command: its time the command's, its random bits the key's hash. */
function idempotentEventId(context: CommandContext, index: number): string {
  const random = createHash('sha256').update(`${context.idempotencyKey}\u0000${index}`).digest().subarray(0, 16);
  return uuidv7({ msecs: context.occurredAt.getTime(), random });
}
