// The cooperative's history as the treasurer audits it: every event in global order, filtered, a page at a time or
// streamed whole as CSV.
import type { EventStore, JsonValue, RecordedEvent } from '@meent/event-store';
import { TimeSlices, type EventRegistry } from '@meent/eventsourcing';
import { CsvTable, UTF8_BOM, type CsvOptions } from '@meent/http';

export interface HistoryFilter {
  readonly cooperativeId: string;
  readonly after: number;
  readonly types?: readonly string[];
  /** Exact stream names. */
  readonly streams?: readonly string[];
  readonly actor?: string;
  readonly from?: string;
  readonly to?: string;
}

export interface HistoryEntry {
  readonly position: number;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly occurredAt: string;
  readonly actor: { readonly id: string; readonly roles: readonly string[] };
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly data: JsonValue;
}

const ENCRYPTED = '[personal data, encrypted]';

/** Personal data stays out of the history (and what webhooks are sent): encrypted envelopes are named, never shown. */
export function redact(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === 'object') {
    if (value.algorithm === 'aes-256-gcm' && typeof value.ciphertext === 'string') return ENCRYPTED;
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redact(inner)]));
  }
  return value;
}

function matches(event: RecordedEvent, filter: HistoryFilter): boolean {
  const { metadata } = event;
  if (metadata.cooperativeId !== filter.cooperativeId) return false;
  if (filter.streams && !filter.streams.includes(event.stream)) return false;
  const actor = metadata.actor as { id?: unknown } | null;
  if (filter.actor && actor?.id !== filter.actor) return false;
  const occurredAt = typeof metadata.occurredAt === 'string' ? metadata.occurredAt : '';
  if (filter.from && occurredAt < filter.from) return false;
  if (filter.to && occurredAt > filter.to) return false;
  return true;
}

/**
 * The events of the named streams after a position, in global order: each stream read through its own index and the
 * few streams merged, so a member's own history costs the same in a store of any size.
 */
async function* streamsInOrder(store: EventStore, streams: readonly string[], after: number): AsyncGenerator<RecordedEvent> {
  const readers = streams.map((stream) => store.readStream(stream)[Symbol.asyncIterator]());
  const heads = await Promise.all(readers.map((reader) => nextAfter(reader, after)));
  try {
    for (;;) {
      let first = -1;
      for (let index = 0; index < heads.length; index += 1) {
        const head = heads[index];
        if (head && (first < 0 || head.position < heads[first]!.position)) first = index;
      }
      if (first < 0) return;
      yield heads[first]!;
      heads[first] = await nextAfter(readers[first]!, after);
    }
  } finally {
    await Promise.all(readers.map((reader) => reader.return?.()));
  }
}

async function nextAfter(reader: AsyncIterator<RecordedEvent>, after: number): Promise<RecordedEvent | undefined> {
  for (;;) {
    const next = await reader.next();
    if (next.done) return undefined;
    if (next.value.position > after) return next.value;
  }
}

/** Events read from the store at once by the history: small, so that no read holds other requests up for long. */
const HISTORY_CHUNK = 250;

/** The whole log after a position, in chunks the history can interleave with other requests. */
async function* allInChunks(store: EventStore, after: number, types: readonly string[] | undefined): AsyncGenerator<RecordedEvent> {
  let from = after;
  for (;;) {
    let count = 0;
    for await (const event of store.readAll({ after: from, maxCount: HISTORY_CHUNK, ...(types ? { filter: { eventTypes: types } } : {}) })) {
      count += 1;
      from = event.position;
      yield event;
    }
    if (count < HISTORY_CHUNK) return;
  }
}

export async function* history(store: EventStore, registry: EventRegistry, filter: HistoryFilter): AsyncGenerator<HistoryEntry> {
  const events = filter.streams
    ? streamsInOrder(store, filter.streams, filter.after)
    : allInChunks(store, filter.after, filter.types);
  for await (const recorded of events) {
    if (filter.types && !filter.types.includes(recorded.type)) continue;
    if (!matches(recorded, filter) || registry.isWithheld(recorded.type)) continue;
    const event = registry.knows(recorded.type) ? registry.decode(recorded) : undefined;
    yield {
      position: recorded.position,
      stream: recorded.stream,
      revision: recorded.revision,
      type: recorded.type,
      occurredAt: event?.metadata.occurredAt ?? String(recorded.metadata.occurredAt ?? ''),
      actor: event?.metadata.actor ?? { id: 'unknown', roles: [] },
      correlationId: event?.metadata.correlationId ?? '',
      causationId: event?.metadata.causationId ?? null,
      data: redact(event ? (registry.shownData(event) as JsonValue) : recorded.data),
    };
  }
}

export const HISTORY_CSV_COLUMNS = ['position', 'stream', 'revision', 'type', 'occurred_at', 'actor', 'actor_roles', 'correlation_id', 'causation_id', 'data'];

/** An entry's cells, in the order of `HISTORY_CSV_COLUMNS`. */
export function historyCsvCells(entry: HistoryEntry): (string | number | null)[] {
  return [
    entry.position,
    entry.stream,
    entry.revision,
    entry.type,
    entry.occurredAt,
    entry.actor.id,
    entry.actor.roles.join(' '),
    entry.correlationId,
    entry.causationId ?? '',
    JSON.stringify(entry.data),
  ];
}

/** The longest an export works before letting other requests in: a few ms, so a health check never waits long. */
const EXPORT_SLICE_MS = 2;
const EXPORT_CHUNK_CHARACTERS = 32_768;

/**
 * The history as CSV text, a few dozen kilobytes at a time (written line by line it would cost a socket or a file far
 * more): an export of any length holds one page of the store in memory. `onEntry` hears each entry's position, for a
 * progress display.
 */
export async function* historyCsvChunks(
  store: EventStore,
  registry: EventRegistry,
  filter: HistoryFilter,
  separator: CsvOptions['separator'],
  onEntry?: (position: number) => void,
): AsyncGenerator<string> {
  const table = new CsvTable(HISTORY_CSV_COLUMNS, { separator, amounts: 'cents' });
  // Reading and encoding never wait on I/O on the embedded store: without a pause now and then an export of any size
  // would hold every other request of the process, health checks included, until it ends.
  const slices = new TimeSlices(EXPORT_SLICE_MS);
  let chunk = UTF8_BOM + table.header();
  for await (const entry of history(store, registry, filter)) {
    chunk += table.line(historyCsvCells(entry));
    onEntry?.(entry.position);
    if (chunk.length >= EXPORT_CHUNK_CHARACTERS) {
      yield chunk;
      chunk = '';
    }
    await slices.pause();
  }
  if (chunk) yield chunk;
}
