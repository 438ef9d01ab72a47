import type { EventFilter } from '../event-store.js';

/** How many of the newest events the tail remembers: a subscription further behind reads its own pages. */
const REMEMBERED_EVENTS = 20_000;
/** Read at most this many a time, so one refresh after a long pause stays a bounded query. */
const READ_LIMIT = 5_000;

/** What the tail needs of the store: where the log is complete, and each event's stream and type from there. */
export interface TailSource {
  /** Below the first event after `after` that an older running transaction still hides; the head when none is. */
  completeUpTo(after: number): Promise<number>;
  /** The newest committed event's position, visible or not. */
  lastCommitted(): Promise<number>;
  /** Position, stream and type of the events in (`after`, `upTo`], in order, at most `limit`. */
  headers(after: number, upTo: number, limit: number): Promise<readonly EventHeader[]>;
}

export interface EventHeader {
  readonly position: number;
  readonly stream: string;
  readonly type: string;
}

function matches(header: EventHeader, filter: EventFilter): boolean {
  if (filter.streamPrefixes && !filter.streamPrefixes.some((prefix) => header.stream.startsWith(prefix))) return false;
  return !filter.eventTypes || filter.eventTypes.includes(header.type);
}

/**
 * The newest part of the log as this process knows it, learned once for every subscription: each event's stream and
 * type up to where the log is complete. A subscription none of those events is for moves past them without a query;
 * only one an event is for reads it. One refresh at a time serves every waiting subscription.
 */
export class LogTail {
  /** Every event with a position in (`start`, `end`] is in `known`; undefined until the first refresh. */
  private start: number | undefined;
  private end = 0;
  private known: EventHeader[] = [];
  private refreshing: Promise<{ end: number; committed: number }> | undefined;
  private refreshingNext: Promise<{ end: number; committed: number }> | undefined;

  constructor(private readonly source: TailSource) {}

  /**
   * The tail's end when every event after `after` up to it is known and none matches `filter`: a subscription there
   * moves to it without reading. Undefined when the tail cannot tell, or an event is for the subscription.
   */
  passedOver(after: number, filter: EventFilter): number | undefined {
    if (this.start === undefined || after < this.start || after > this.end) return undefined;
    for (let index = this.known.length - 1; index >= 0; index -= 1) {
      const header = this.known[index]!;
      if (header.position <= after) break;
      if (matches(header, filter)) return undefined;
    }
    return this.end;
  }

  /**
   * Learns the events committed since the last refresh, up to where the log is complete; resolves with that end and
   * the newest committed position (beyond the end while an older transaction hides events). One refresh runs at a
   * time. One under way may have begun before what a caller waits for was committed, so those who ask meanwhile share
   * the next one, begun when it ends.
   */
  refresh(): Promise<{ end: number; committed: number }> {
    if (!this.refreshing) {
      this.refreshing = this.read().finally(() => (this.refreshing = undefined));
      return this.refreshing;
    }
    this.refreshingNext ??= this.refreshing
      .catch(() => undefined)
      .then(() => {
        this.refreshingNext = undefined;
        return this.refresh();
      });
    return this.refreshingNext;
  }

  private async read(): Promise<{ end: number; committed: number }> {
    const [complete, committed] = await Promise.all([this.source.completeUpTo(this.end), this.source.lastCommitted()]);
    if (this.start === undefined) {
      // Nothing before now is known: subscriptions behind it read their own pages.
      this.start = complete;
      this.end = complete;
      return { end: complete, committed };
    }
    while (this.end < complete) {
      const headers = await this.source.headers(this.end, complete, READ_LIMIT);
      this.known.push(...headers);
      this.end = headers.length < READ_LIMIT ? complete : headers[headers.length - 1]!.position;
    }
    if (this.known.length > REMEMBERED_EVENTS) {
      const forgotten = this.known.splice(0, this.known.length - REMEMBERED_EVENTS);
      this.start = forgotten[forgotten.length - 1]!.position;
    }
    return { end: this.end, committed };
  }
}
