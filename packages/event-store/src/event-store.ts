// The event store port: the one contract every adapter (sqlite, postgres, eventstoredb) fulfils.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A stream's revision counts from 0; `no_stream` and `stream_exists` mirror EventStoreDB's expectations. */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | number;

export interface EventToAppend {
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

export interface RecordedEvent {
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
  /** Global position: strictly increasing in commit order across all streams, never reused. */
  readonly position: number;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

export interface AppendResult {
  readonly nextExpectedRevision: number;
  /** Global position of the last event appended (or found, on an idempotent re-append). */
  readonly position: number;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  readonly fromRevision?: number;
  readonly direction?: Direction;
  readonly maxCount?: number;
}

export interface EventFilter {
  /** Keep events whose stream name starts with one of these prefixes (`member-`, `motion-`). */
  readonly streamPrefixes?: readonly string[];
  readonly eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  /** Exclusive: only events with a position greater than this. 0 reads from the start. */
  readonly after?: number;
  readonly filter?: EventFilter;
  readonly maxCount?: number;
}

export interface SubscribeOptions {
  readonly after?: number;
  readonly filter?: EventFilter;
  /**
   * How far a filtered subscription has read: every event up to `position` has been delivered or left out by the
   * filter. Called in order with delivery — never before an event at or below `position` has been handed out — so a
   * consumer that has finished with what it was handed is up to date to `position`.
   */
  readonly onProgress?: (position: number) => void;
}

export interface Subscription extends AsyncIterable<RecordedEvent> {
  /** Ends the iteration; a pending `next()` resolves as done. */
  close(): Promise<void>;
}

export interface EventStore {
  append(stream: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  /** Position of the newest event, 0 when the store is empty. */
  headPosition(): Promise<number>;
  /**
   * Position of the newest committed event, whether or not readers may see it yet (PostgreSQL hides an event while an
   * older transaction may still commit below it): no event will ever be read at a higher position without a new
   * append. 0 when the store is empty.
   */
  lastCommittedPosition(): Promise<number>;
  /** Throws when the store cannot be reached; used by readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** The stream's current revision, or `no_stream` when it has no events. */
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

/** An append reused event ids that the store already holds at a different place. */
export class DuplicateEventIdError extends Error {
  override readonly name = 'DuplicateEventIdError';
  constructor(
    readonly stream: string,
    readonly eventId: string,
  ) {
    super(`stream ${stream}: event id ${eventId} was already appended elsewhere`);
  }
}

/**
 * A store cannot be reached or cannot write for now (a database restarting, a network blip, a locked or full disk):
 * nothing was done, and the same request may succeed later. The API answers 503 with `retry-after`.
 */
export class StoreUnavailableError extends Error {
  override readonly name: string = 'StoreUnavailableError';
  readonly statusCode = 503;
  readonly code = 'STORE_UNAVAILABLE';
  /** How long a client should wait before trying again. */
  readonly retryAfterSeconds = 5;
}

export class EventStoreUnavailableError extends StoreUnavailableError {
  override readonly name = 'EventStoreUnavailableError';
}

export type UnavailableErrorClass = new (message: string, options: { cause: unknown }) => StoreUnavailableError;

export function satisfiesExpectation(expected: ExpectedRevision, actual: number | 'no_stream'): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === 'no_stream';
    case 'stream_exists':
      return actual !== 'no_stream';
    default:
      return actual === expected;
  }
}
