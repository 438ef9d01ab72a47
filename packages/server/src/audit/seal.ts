// Seals: an event on `seal-{cooperativeId}` recording the Merkle root over the heads of every stream of the
// cooperative, to be printed in the minutes or the annual accounts.
import type { EventStore } from '@meent/event-store';
import { defineEvent, merkleRoot, type Decider, type EventOf, type StreamHead } from '@meent/eventsourcing';
import { z } from 'zod';

export const AuditSealed = defineEvent('AuditSealed', {
  schema: z.object({
    cooperativeId: z.uuid(),
    root: z.string().regex(/^[0-9a-f]{64}$/),
    /** The heads are those of the events up to this position. */
    upToPosition: z.number().int().nonnegative(),
    heads: z.array(z.object({ stream: z.string(), revision: z.int().nonnegative(), hash: z.string() })),
    reason: z.enum(['on-demand', 'assembly-closed']),
    sealedAt: z.iso.datetime(),
  }),
});
export type AuditSealedEvent = EventOf<typeof AuditSealed>;
export const auditEvents = [AuditSealed];

export const sealStream = (cooperativeId: string) => `seal-${cooperativeId}`;
export const isSealStream = (stream: string) => stream.startsWith('seal-');

export type SealCommand = {
  readonly type: 'Seal';
  readonly cooperativeId: string;
  readonly heads: readonly StreamHead[];
  readonly upToPosition: number;
  readonly reason: 'on-demand' | 'assembly-closed';
  readonly now: Date;
};

/** Seals only accumulate; each is judged on the heads given to it. */
export const sealDecider: Decider<null, SealCommand, AuditSealedEvent> = {
  initialState: null,
  evolve: (state) => state,
  decide: (command) => [
    AuditSealed({
      cooperativeId: command.cooperativeId,
      root: merkleRoot(command.heads),
      upToPosition: command.upToPosition,
      heads: [...command.heads].sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0)),
      reason: command.reason,
      sealedAt: command.now.toISOString(),
    }),
  ],
};

/** Whether events of a type are bookkeeping that no history or seal shows (`EventRegistry.isWithheld`). */
export type IsWithheld = (eventType: string) => boolean;

/**
 * The last event of each of the cooperative's streams up to a position, seals aside and withheld streams too: a seal is
 * printed in the minutes, and a claim stream's revisions there would date when an address was first registered.
 */
export async function streamHeads(
  store: EventStore,
  cooperativeId: string,
  upToPosition: number,
  isWithheld: IsWithheld,
): Promise<StreamHead[]> {
  const heads = new Map<string, StreamHead>();
  for await (const event of store.readAll()) {
    if (event.position > upToPosition) break;
    if (event.metadata.cooperativeId !== cooperativeId || isSealStream(event.stream) || isWithheld(event.type)) continue;
    heads.set(event.stream, {
      stream: event.stream,
      revision: event.revision,
      hash: typeof event.metadata.hash === 'string' ? event.metadata.hash : '',
    });
  }
  return [...heads.values()];
}

/** Every cooperative the store has founding events for. */
export async function cooperativesInStore(store: EventStore): Promise<string[]> {
  const found: string[] = [];
  for await (const event of store.readAll({ filter: { eventTypes: ['CooperativeFounded'] } })) {
    if (typeof event.metadata.cooperativeId === 'string') found.push(event.metadata.cooperativeId);
  }
  return found;
}
