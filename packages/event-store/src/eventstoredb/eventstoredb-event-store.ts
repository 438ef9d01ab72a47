import {
  ANY,
  AccessDeniedError,
  BACKWARDS,
  CancelledError,
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
  UnknownError,
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
  type StreamingRead,
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
  /**
   * `esdb://admin:changeit@host:2113?tls=true&tlsCAFile=ca.crt`; for a cluster, every node as a gossip seed
   * (`esdb://…@a:2113,b:2113,c:2113?…`) or `esdb+discover://…@cluster.example` for a DNS name listing them.
   */
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
 * Every call goes to the leader: a follower may lag behind it, and a reader must see what was just written. A follower
 * answers with where the leader is, and the client reconnects there.
 */
const ON_LEADER = { requiresLeader: true } as const;
/**
 * The server reports a filtered subscription's progress each time it has searched `maxSearchWindow ×
 * checkpointInterval` events — with the client's defaults every 32 — so a projection on a quiet store would not learn
 * that it passed the events it leaves out. Searched one at a time, it learns after each.
 */
const REPORT_EVERY_EVENT = { maxSearchWindow: 1, checkpointInterval: 1 } as const;

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
    this.client = EventStoreDBClient.connectionString(gossipSeeds(options.connectionString));
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
        { expectedRevision: toEventStoreDbExpectation(expectedRevision), ...ON_LEADER },
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
            ...ON_LEADER,
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
   * bounded batches and filtered here; subscriptions filter on the server. A forward read of `$all` includes the event
   * at its start, so each batch after the first begins with the last one scanned, which is passed over.
   */
  private async readPage(after: number, limit: number, filter: EventFilter | undefined): Promise<RecordedEvent[]> {
    const page: RecordedEvent[] = [];
    let scannedTo = after;
    for (;;) {
      let scanned = 0;
      try {
        const read = this.client.readAll({ fromPosition: logPosition(scannedTo), direction: FORWARDS, maxCount: PAGE_SIZE, ...ON_LEADER });
        await readUntil(read, (resolved) => {
          scanned += 1;
          const position = Number(resolved.event?.position?.commit ?? resolved.commitPosition ?? -1);
          if (position <= scannedTo) return true;
          scannedTo = position;
          const event = this.toRecordedEvent(resolved);
          if (event && matches(event, filter)) page.push(event);
          return page.length < limit;
        });
      } catch (error) {
        throw unavailable(error);
      }
      if (page.length === limit || scanned < PAGE_SIZE) return page;
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
            ...ON_LEADER,
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
        let head: number | undefined;
        const read = this.client.readAll({ fromPosition: before, direction: BACKWARDS, maxCount: PAGE_SIZE, ...ON_LEADER });
        await readUntil(read, (resolved) => {
          scanned += 1;
          head = this.toRecordedEvent(resolved)?.position;
          oldest = resolved.event?.position?.commit ?? oldest;
          return head === undefined;
        });
        if (head !== undefined) return head;
        if (scanned < PAGE_SIZE || oldest === undefined) return 0;
        before = { commit: oldest, prepare: oldest };
      }
    } catch (error) {
      throw unavailable(error);
    }
  }

  async ping(): Promise<void> {
    try {
      await readUntil(this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1, ...ON_LEADER }), () => true);
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
    if (filter?.eventTypes) return eventTypeFilter({ regex: `^(${filter.eventTypes.map(escapeRegex).join('|')})$`, ...REPORT_EVERY_EVENT });
    if (filter?.streamPrefixes) {
      return streamNameFilter({ prefixes: filter.streamPrefixes.map((prefix) => this.namespace + prefix), ...REPORT_EVERY_EVENT });
    }
    return this.namespace ? streamNameFilter({ prefixes: [this.namespace], ...REPORT_EVERY_EVENT }) : excludeSystemEvents(REPORT_EVERY_EVENT);
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

/**
 * Reads a call to its end, or until `take` answers false — and then cancels it: leaving a `for await` early does not
 * end the gRPC call, and with 100 calls open on its one connection the server takes no more.
 */
async function readUntil<T>(read: StreamingRead<T>, take: (item: T) => boolean): Promise<void> {
  let stoppedEarly = false;
  try {
    for await (const item of read) {
      if (!take(item as T)) {
        stoppedEarly = true;
        break;
      }
    }
  } finally {
    if (stoppedEarly) await read.cancel();
  }
}

/**
 * The failures after which the same call may succeed later — the node down, not ready or not the leader any more,
 * a call the server cancelled, discovery that found no node, credentials it refuses — are the port's unavailable
 * error, so a command answers 503 and a subscription subscribes again.
 */
function unavailable(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const reason = unavailableReason(error);
  return reason ? new EventStoreUnavailableError(`EventStoreDB ${reason}: ${error.message}`, { cause: error }) : error;
}

function unavailableReason(error: Error): string | undefined {
  if (error instanceof AccessDeniedError) return 'refuses these credentials';
  if (
    error instanceof UnavailableError ||
    error instanceof NotLeaderError ||
    error instanceof DeadlineExceededError ||
    error instanceof CancelledError ||
    ('code' in error && error.code === GRPC_UNAVAILABLE) ||
    // Discovery gives up with a plain error once every gossip seed has failed its attempts.
    /^Failed to discover after \d+ attempts/.test(error.message)
  ) {
    return 'is unreachable';
  }
  // A batch append to a node that is not ready is answered with a status whose detail the client does not know.
  if (error instanceof UnknownError && /Server Is (Not Ready|Busy)/.test(error.message)) return 'is not ready';
  return undefined;
}

/**
 * `esdb+discover://a,b,c` names gossip seeds, but the client takes only the first host for DNS discovery (it logs
 * "Using first"), so with that node down nothing connects. Several hosts become `esdb://a:2113,b:2113,c:2113`, which
 * the client asks in turn; one host stays a DNS name to discover.
 */
export function gossipSeeds(connectionString: string): string {
  const parts = /^esdb\+discover:\/\/(?<credentials>[^@/?]*@)?(?<hosts>[^/?]*)(?<rest>.*)$/.exec(connectionString)?.groups;
  const hosts = parts?.hosts?.split(',') ?? [];
  if (!parts || hosts.length < 2) return connectionString;
  const seeds = hosts.map((host) => (/:\d+$/.test(host) ? host : `${host}:2113`));
  return `esdb://${parts.credentials ?? ''}${seeds.join(',')}${parts.rest ?? ''}`;
}
