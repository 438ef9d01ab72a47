// Tamper evidence: every event's metadata carries a hash over its content chained to the previous event of its
// stream, and a seal's Merkle root over all stream heads pins down the streams' ends as well.
import { createHash } from 'node:crypto';
import type { EventToAppend, JsonObject, JsonValue, RecordedEvent } from '@meent/event-store';

/** JSON with object keys sorted, so a store that reorders keys (PostgreSQL's jsonb) keeps the same hash. */
export function canonicalJson(value: JsonValue): string {
  // JSON.stringify of a copy built in key order is faster than joining the parts by hand, which only an object the
  // copy cannot mirror needs: JavaScript lists keys like "7" first whatever their insertion order, and assigning
  // "__proto__" sets the prototype instead of a key.
  const ordered = inKeyOrder(value);
  return ordered === undefined ? joinedInKeyOrder(value) : JSON.stringify(ordered);
}

const UNORDERABLE_KEY = /^(?:0|[1-9]\d*|__proto__)$/;

/** A copy whose objects list their keys sorted; undefined when an object has a key the copy cannot keep in order. */
function inKeyOrder(value: JsonValue): JsonValue | undefined {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items: JsonValue[] = [];
    for (const item of value) {
      const ordered = inKeyOrder(item);
      if (ordered === undefined) return undefined;
      items.push(ordered);
    }
    return items;
  }
  const copy: JsonObject = {};
  for (const key of Object.keys(value).sort()) {
    if (UNORDERABLE_KEY.test(key)) return undefined;
    const ordered = inKeyOrder(value[key] ?? null);
    if (ordered === undefined) return undefined;
    copy[key] = ordered;
  }
  return copy;
}

function joinedInKeyOrder(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(joinedInKeyOrder).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${joinedInKeyOrder(value[key] ?? null)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function eventHash(
  event: { readonly stream: string; readonly revision: number; readonly type: string; readonly data: JsonObject },
  metadataWithoutHash: JsonObject,
): string {
  return sha256(
    canonicalJson({
      stream: event.stream,
      revision: event.revision,
      type: event.type,
      data: event.data,
      metadata: metadataWithoutHash,
    }),
  );
}

/** Adds `previousHash` and `hash` to events about to be appended at `firstRevision` of `stream`. */
export function chainEvents(
  stream: string,
  firstRevision: number,
  previousHash: string | null,
  events: readonly EventToAppend[],
): EventToAppend[] {
  let previous = previousHash;
  return events.map((event, index) => {
    const metadata: JsonObject = { ...event.metadata, previousHash: previous };
    const hash = eventHash({ stream, revision: firstRevision + index, type: event.type, data: event.data }, metadata);
    previous = hash;
    return { ...event, metadata: { ...metadata, hash } };
  });
}

/** The hash an event carries, and the one its content gives now; they differ once it was altered. */
export function checkEventHash(event: RecordedEvent): { stored: string | null; computed: string; previous: string | null } {
  const { hash, ...withoutHash } = event.metadata;
  const previous = typeof withoutHash.previousHash === 'string' ? withoutHash.previousHash : null;
  return {
    stored: typeof hash === 'string' ? hash : null,
    computed: eventHash(event, withoutHash),
    previous,
  };
}

export interface StreamHead {
  readonly stream: string;
  readonly revision: number;
  readonly hash: string;
}

/** Merkle root over stream heads sorted by stream name; the root of no heads is the hash of nothing. */
export function merkleRoot(heads: readonly StreamHead[]): string {
  let level = [...heads]
    .sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0))
    .map((head) => sha256(`${head.stream}\n${head.revision}\n${head.hash}`));
  if (level.length === 0) return sha256('');
  while (level.length > 1) {
    const next: string[] = [];
    for (let index = 0; index < level.length; index += 2) {
      const left = level[index] ?? '';
      next.push(sha256(left + (level[index + 1] ?? left)));
    }
    level = next;
  }
  return level[0] ?? sha256('');
}
