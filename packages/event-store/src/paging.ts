// What every adapter does the same way: reading in pages, and recognising an idempotent re-append.
import type {
  AppendResult,
  EventFilter,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
} from './event-store.js';

/** Events in global order, a page at a time, so a reader of any store size holds one page. */
export async function* readAllInPages(
  readPage: (after: number, limit: number, filter: EventFilter | undefined) => Promise<readonly RecordedEvent[]>,
  pageSize: number,
  options: ReadAllOptions,
): AsyncGenerator<RecordedEvent> {
  let after = options.after ?? 0;
  let remaining = options.maxCount ?? Number.MAX_SAFE_INTEGER;
  while (remaining > 0) {
    const page = await readPage(after, Math.min(pageSize, remaining), options.filter);
    yield* page;
    remaining -= page.length;
    const last = page[page.length - 1];
    if (!last || page.length < pageSize) return;
    after = last.position;
  }
}

/** A stream's events from a revision, either way, a page at a time. */
export async function* readStreamInPages(
  readPage: (fromRevision: number, backwards: boolean, limit: number) => Promise<readonly RecordedEvent[]>,
  pageSize: number,
  options: ReadStreamOptions,
): AsyncGenerator<RecordedEvent> {
  const backwards = options.direction === 'backwards';
  let remaining = options.maxCount ?? Number.MAX_SAFE_INTEGER;
  let from = options.fromRevision ?? (backwards ? 2 ** 31 - 1 : 0);
  while (remaining > 0) {
    const page = await readPage(from, backwards, Math.min(pageSize, remaining));
    yield* page;
    remaining -= page.length;
    const last = page[page.length - 1];
    // Backwards, a full page ending at revision 0 is the stream's start: there is no revision -1 to read from.
    if (!last || page.length < pageSize || (backwards && last.revision === 0)) return;
    from = backwards ? last.revision - 1 : last.revision + 1;
  }
}

export interface StoredPlace {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
}

/**
 * Idempotent re-append: the same ids already stand, in order, in this stream where the expectation says they
 * should. Returns what the first append returned; undefined when it is not such a retry.
 */
export function earlierAppend(
  stream: string,
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
  placeOf: (eventId: string) => StoredPlace | undefined,
): AppendResult | undefined {
  const found = events.map((event) => placeOf(event.id));
  const first = found[0];
  if (!first || first.stream !== stream) return undefined;
  const consecutive = found.every((place, index) => place?.stream === stream && place.revision === first.revision + index);
  if (!consecutive) return undefined;
  if (typeof expected === 'number' && first.revision !== expected + 1) return undefined;
  if (expected === 'no_stream' && first.revision !== 0) return undefined;
  const last = found[found.length - 1];
  return last ? { nextExpectedRevision: last.revision, position: last.position } : undefined;
}
