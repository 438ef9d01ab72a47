// Rechecks a cooperative's history: every hash, every link to the previous event of a stream, every seal. Names the
// first broken link, so a treasurer can say where the record was changed.
import type { EventStore, RecordedEvent } from '@meent/event-store';
import { checkEventHash, merkleRoot, type StreamHead } from '@meent/eventsourcing';
import { type z } from 'zod';
import { AuditSealed, isSealStream, type IsWithheld } from './seal.js';

export interface BrokenLink {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
  readonly problem: 'missing-event' | 'previous-hash' | 'content-hash' | 'seal';
  readonly expected: string;
  readonly found: string;
}

export interface Verification {
  readonly cooperativeId: string;
  readonly verified: boolean;
  readonly events: number;
  readonly streams: number;
  readonly seals: number;
  /** The newest seal's root: what the minutes or the annual accounts should show. */
  readonly latestRoot: string | null;
  readonly firstBrokenLink: BrokenLink | null;
}

const sealData = AuditSealed.schema;
type Seal = z.infer<typeof sealData> & { position: number; stream: string; revision: number };

/** How many events the verification reads between two reports of its progress. */
export const PROGRESS_EVERY_EVENTS = 10_000;

/**
 * Rechecks a cooperative's hashes, links and seals, reading the whole log once; `onProgress` hears the position read
 * up to every `PROGRESS_EVERY_EVENTS` events, for a command to show how far it is.
 */
export async function verifyCooperative(
  store: EventStore,
  cooperativeId: string,
  isWithheld: IsWithheld,
  onProgress: (position: number) => void = () => undefined,
): Promise<Verification> {
  const seals: Seal[] = [];
  for await (const event of store.readAll({ filter: { streamPrefixes: ['seal-'], eventTypes: ['AuditSealed'] } })) {
    const parsed = sealData.safeParse(event.data);
    if (parsed.success && parsed.data.cooperativeId === cooperativeId) {
      seals.push({ ...parsed.data, position: event.position, stream: event.stream, revision: event.revision });
    }
  }
  seals.sort((a, b) => a.upToPosition - b.upToPosition);

  const heads = new Map<string, StreamHead>();
  const withheldStreams = new Set<string>();
  let events = 0;
  let nextSeal = 0;
  const result = (firstBrokenLink: BrokenLink | null): Verification => ({
    cooperativeId,
    verified: firstBrokenLink === null,
    events,
    streams: heads.size,
    seals: seals.length,
    latestRoot: seals[seals.length - 1]?.root ?? null,
    firstBrokenLink,
  });
  const checkSealsUpTo = (position: number): BrokenLink | null => {
    for (; nextSeal < seals.length && (seals[nextSeal]?.upToPosition ?? Infinity) < position; nextSeal += 1) {
      const broken = checkSeal(seals[nextSeal] as Seal, heads, withheldStreams);
      if (broken) return broken;
    }
    return null;
  };

  let read = 0;
  for await (const event of store.readAll()) {
    read += 1;
    if (read % PROGRESS_EVERY_EVENTS === 0) onProgress(event.position);
    const sealBroken = checkSealsUpTo(event.position);
    if (sealBroken) return result(sealBroken);
    if (event.metadata.cooperativeId !== cooperativeId) continue;
    events += 1;
    const broken = checkLink(event, heads.get(event.stream));
    if (broken) return result(broken);
    if (isWithheld(event.type)) withheldStreams.add(event.stream);
    heads.set(event.stream, { stream: event.stream, revision: event.revision, hash: checkEventHash(event).computed });
  }
  return result(checkSealsUpTo(Infinity));
}

function checkLink(event: RecordedEvent, previous: StreamHead | undefined): BrokenLink | null {
  const at = { stream: event.stream, revision: event.revision, position: event.position };
  const expectedRevision = previous ? previous.revision + 1 : 0;
  if (event.revision !== expectedRevision) {
    return { ...at, problem: 'missing-event', expected: `revision ${expectedRevision}`, found: `revision ${event.revision}` };
  }
  const { stored, computed, previous: previousHash } = checkEventHash(event);
  const expectedPrevious = previous?.hash ?? null;
  if (previousHash !== expectedPrevious) {
    return { ...at, problem: 'previous-hash', expected: String(expectedPrevious), found: String(previousHash) };
  }
  if (stored !== computed) return { ...at, problem: 'content-hash', expected: String(stored), found: computed };
  return null;
}

/** A seal covers the streams it lists; withheld streams only where a seal made before they were withheld lists them. */
function checkSeal(seal: Seal, heads: ReadonlyMap<string, StreamHead>, withheldStreams: ReadonlySet<string>): BrokenLink | null {
  const current = [...heads.values()].filter(
    (head) =>
      !isSealStream(head.stream) &&
      (!withheldStreams.has(head.stream) || seal.heads.some((sealed) => sealed.stream === head.stream)),
  );
  if (merkleRoot(current) === seal.root) return null;
  const at = { stream: seal.stream, revision: seal.revision, position: seal.position, problem: 'seal' as const };
  for (const sealed of seal.heads) {
    const now = heads.get(sealed.stream);
    if (!now || now.revision !== sealed.revision || now.hash !== sealed.hash) {
      return {
        ...at,
        expected: `${sealed.stream} ends at revision ${sealed.revision} (${sealed.hash.slice(0, 12)}…)`,
        found: now ? `${sealed.stream} ends at revision ${now.revision} (${now.hash.slice(0, 12)}…)` : `${sealed.stream} is gone`,
      };
    }
  }
  const extra = current.find((head) => !seal.heads.some((sealed) => sealed.stream === head.stream));
  return { ...at, expected: `root ${seal.root}`, found: extra ? `a stream the seal does not know: ${extra.stream}` : `root ${merkleRoot(current)}` };
}
