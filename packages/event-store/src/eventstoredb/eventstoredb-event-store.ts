import {
  ANY,
  BACKWARDS,
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  NotLeaderError,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError as EventStoreDbWrongExpectedVersion,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type Filter,
  type ReadPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { abortableDelay } from '../catch-up-subscription.js';
import { readAllInPages, readStreamInPages } from '../paging.js';
import {
  EventStoreUnavailableError,
  WrongExpectedVersionError,
  type AppendResult,
  type EventFilter,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type JsonObject,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.js';

export interface EventStoreDbEventStoreOptions {
  /** `esdb://host:2113?tls=false`, or `esdb+discover://…` for a cluster found through gossip. */
  readonly connectionString: string;
  /**
   * Prefixed to every stream name (`{namespace}.member-…`), so several deployments, or test runs, share one cluster
   * and each sees only its own events. Empty by default.
   */
  readonly namespace?: string;
  /** Pause before a dropped subscription subscribes again from its last delivered position. */
  readonly reconnectDelayMs?: number;
}

const PAGE_SIZE = 1000;
/** gRPC's UNAVAILABLE: the client sometimes throws the raw status error instead of its own `UnavailableError`. */
const GRPC_UNAVAILABLE = 14;

/**
 * EventStoreDB behind the port. Every event an append writes gets its own place in the log (outside an explicit
 * transaction, its commit and prepare positions are both that place), so that log position is the global position;
 * reads of `$all` start at a position inclusively, hence the `> after` checks. Events of system streams (`$…`) and
 * link events are not Meent's and are never delivered. Positions of a stream's events need a server from 22.6 on.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly reconnectDelayMs: number;
  private readonly namespace: string;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  constructor(options: EventStoreDbEventStoreOptions) {
    this.client = EventStoreDBClient.connectionString(options.connectionString);
    this.reconnectDelayMs = options.reconnectDelayMs ?? 500;
    const namespace = options.namespace ?? '';
    if (!/^[a-z0-9_]*$/.test(namespace)) throw new Error(`namespace ${namespace} may hold only a-z, 0-9 and _`);
    this.namespace = namespace ? `${namespace}.` : '';
  }

  async append(stream: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    try {
      const result = await this.client.appendToStream(
        this.namespace + stream,
        events.map((event) => jsonEvent({ id: event.id, type: event.type, data: event.data, metadata: event.metadata })),
        { expectedRevision: toEventStoreDbExpectation(expectedRevision) },
      );
      const nextExpectedRevision = Number(result.nextExpectedRevision);
      // An idempotent re-append is answered without a position: the stored events have it.
      const position =
        result.position && result.position.commit >= 0n
          ? Number(result.position.commit)
          : await this.positionAt(stream, nextExpectedRevision);
      return { nextExpectedRevision, position };
    } catch (error) {
      if (error instanceof EventStoreDbWrongExpectedVersion) {
        const actual = error.actualVersion;
        throw new WrongExpectedVersionError(stream, expectedRevision, typeof actual === 'bigint' ? Number(actual) : 'no_stream');
      }
      throw unavailable(error);
    }
  }

  private async positionAt(stream: string, revision: number): Promise<number> {
    if (revision < 0) return 0;
    for await (const event of this.readStream(stream, { fromRevision: revision, maxCount: 1 })) return event.position;
    return 0;
  }

  readStream(stream: string, options: ReadStreamOptions = {}): AsyncGenerator<RecordedEvent> {
    return readStreamInPages(
      async (from, backwards, limit) => {
        const page: RecordedEvent[] = [];
        const fromEnd = backwards && options.fromRevision === undefined && from >= 2 ** 31 - 1;
        try {
          const read = this.client.readStream(this.namespace + stream, {
            fromRevision: fromEnd ? END : BigInt(from),
            direction: backwards ? BACKWARDS : FORWARDS,
            maxCount: limit,
          });
          for await (const resolved of read) {
            const event = this.toRecordedEvent(resolved);
            if (event) page.push(event);
          }
        } catch (error) {
          if (error instanceof StreamNotFoundError) return [];
          throw unavailable(error);
        }
        return page;
      },
      PAGE_SIZE,
      options,
    );
  }

  readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    return readAllInPages((after, limit, filter) => this.readPage(after, limit, filter), PAGE_SIZE, options);
  }

  /**
   * Up to `limit` matching events after `after`. `readAll` takes no filter in this client, so the log is read in
   * bounded pages and filtered here; subscriptions filter on the server.
   */
  private async readPage(after: number, limit: number, filter: EventFilter | undefined): Promise<RecordedEvent[]> {
    const page: RecordedEvent[] = [];
    let scannedTo = after;
    for (;;) {
      let scanned = 0;
      try {
        const read = this.client.readAll({ fromPosition: logPosition(scannedTo), direction: FORWARDS, maxCount: PAGE_SIZE });
        for await (const resolved of read) {
          scanned += 1;
          const position = resolved.event?.position.commit;
          if (position !== undefined) scannedTo = Math.max(scannedTo, Number(position));
          const event = this.toRecordedEvent(resolved);
          if (event && event.position > after && matches(event, filter)) page.push(event);
          if (page.length === limit) return page;
        }
      } catch (error) {
        throw unavailable(error);
      }
      if (scanned < PAGE_SIZE) return page;
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const closing = new AbortController();
    let native: AllStreamSubscription | undefined;
    let lastDelivered = options.after ?? 0;
    // The server's filter checkpoints say how far it has searched; one may only be passed on once every event before
    // it has been handed out, i.e. while this loop waits on an empty buffer.
    let waitingOnServer = false;
    let pendingProgress: number | undefined;
    const progress = (position: number) => {
      if (!options.onProgress || position <= lastDelivered) return;
      if (waitingOnServer && native?.readableLength === 0) options.onProgress(position);
      else pendingProgress = Math.max(pendingProgress ?? 0, position);
    };
    const deliver = async function* (this: EventStoreDbEventStore): AsyncGenerator<RecordedEvent> {
      while (!closing.signal.aborted) {
        try {
          native = this.client.subscribeToAll({
            fromPosition: logPosition(lastDelivered),
            filter: { ...this.serverFilter(options.filter), checkpointReached: (_, position) => progress(Number(position.commit)) },
          });
          const received = native[Symbol.asyncIterator]();
          for (;;) {
            if (pendingProgress !== undefined && native.readableLength === 0) {
              if (pendingProgress > lastDelivered) options.onProgress?.(pendingProgress);
              pendingProgress = undefined;
            }
            waitingOnServer = true;
            const next = (await received.next()) as IteratorResult<AllStreamResolvedEvent>;
            waitingOnServer = false;
            if (next.done) break;
            const event = this.toRecordedEvent(next.value);
            if (!event || event.position <= lastDelivered || !matches(event, options.filter)) continue;
            lastDelivered = event.position;
            yield event;
          }
        } catch (error) {
          waitingOnServer = false;
          if (closing.signal.aborted) return;
          if (!(unavailable(error) instanceof EventStoreUnavailableError)) throw error;
        }
        // Dropped by the server or the network: subscribe again from the last delivered position.
        await abortableDelay(this.reconnectDelayMs, closing.signal);
      }
    };

    const iterator = deliver.call(this);
    const subscription: Subscription = {
      [Symbol.asyncIterator]: () => iterator,
      close: async () => {
        this.subscriptions.delete(subscription);
        closing.abort();
        await native?.unsubscribe().catch(() => undefined);
        await iterator.return(undefined);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** A committed event is readable at once on the leader: the head is the newest committed one. */
  lastCommittedPosition(): Promise<number> {
    return this.headPosition();
  }

  /** The newest of Meent's events: the log's tail read backwards, past any system events written after it. */
  async headPosition(): Promise<number> {
    let before: ReadPosition = END;
    try {
      for (;;) {
        let scanned = 0;
        let oldest: bigint | undefined;
        const read = this.client.readAll({ fromPosition: before, direction: BACKWARDS, maxCount: PAGE_SIZE });
        for await (const resolved of read) {
          scanned += 1;
          const event = this.toRecordedEvent(resolved);
          if (event) return event.position;
          oldest = resolved.event?.position.commit ?? oldest;
        }
        if (scanned < PAGE_SIZE || oldest === undefined) return 0;
        before = { commit: oldest, prepare: oldest };
      }
    } catch (error) {
      throw unavailable(error);
    }
  }

  async ping(): Promise<void> {
    try {
      for await (const resolved of this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 })) void resolved;
    } catch (error) {
      throw unavailable(error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  /**
   * The server filters on event type or on stream name, not both: the types are the narrower choice when given, the
   * stream prefixes are then checked here. Without either, the server still leaves out other namespaces and system
   * events.
   */
  private serverFilter(filter: EventFilter | undefined): Filter {
    if (filter?.eventTypes) return eventTypeFilter({ regex: `^(${filter.eventTypes.map(escapeRegex).join('|')})$` });
    if (filter?.streamPrefixes) return streamNameFilter({ prefixes: filter.streamPrefixes.map((prefix) => this.namespace + prefix) });
    return this.namespace ? streamNameFilter({ prefixes: [this.namespace] }) : excludeSystemEvents();
  }

  /** This namespace's events only: other namespaces, system streams, system event types and links are not Meent's. */
  private toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
    const event = resolved.event;
    if (!event || resolved.link || event.type.startsWith('$')) return undefined;
    if (!event.streamId.startsWith(this.namespace) || event.streamId.startsWith('$')) return undefined;
    if (!event.isJson) throw new Error(`event ${event.id} in ${event.streamId} is not JSON: not written by Meent`);
    if (!event.position) throw new Error('EventStoreDB returned an event without its log position: Meent needs 22.6 or later');
    return {
      id: event.id,
      stream: event.streamId.slice(this.namespace.length),
      revision: Number(event.revision),
      position: Number(event.position.commit),
      type: event.type,
      data: event.data as JsonObject,
      metadata: (event.metadata ?? {}) as JsonObject,
    };
  }
}

function toEventStoreDbExpectation(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      return BigInt(expected);
  }
}

function logPosition(after: number): ReadPosition {
  return after === 0 ? START : { commit: BigInt(after), prepare: BigInt(after) };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function matches(event: RecordedEvent, filter: EventFilter | undefined): boolean {
  if (filter?.eventTypes && !filter.eventTypes.includes(event.type)) return false;
  if (filter?.streamPrefixes && !filter.streamPrefixes.some((prefix) => event.stream.startsWith(prefix))) return false;
  return true;
}

function unavailable(error: unknown): unknown {
  const isUnavailable =
    error instanceof UnavailableError ||
    error instanceof NotLeaderError ||
    error instanceof DeadlineExceededError ||
    (error instanceof Error && 'code' in error && error.code === GRPC_UNAVAILABLE);
  if (isUnavailable) return new EventStoreUnavailableError(`EventStoreDB is unreachable: ${error.message}`, { cause: error });
  return error;
}
