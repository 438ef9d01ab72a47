import type { EventStore } from '@meent/event-store';
import { causedBy, type Reaction } from '@meent/eventsourcing';
import { AssemblyClosed } from '@meent/voting';
import { sealDecider, sealStream, streamHeads, type IsWithheld } from './seal.js';

/** When an assembly closes, its decisions are sealed: the Merkle root over every stream's head, for the minutes. */
export function sealWhenAssemblyClosed(store: EventStore, isWithheld: IsWithheld): Reaction {
  const reaction: Reaction = {
    name: 'seal-when-assembly-closed',
    eventTypes: [AssemblyClosed.type],
    async react(event, commands) {
      const { cooperativeId, closedAt } = AssemblyClosed.schema.parse(event.data);
      // Sealing up to the closing itself, at its time: a repeat after a crash decides exactly the same seal.
      const heads = await streamHeads(store, cooperativeId, event.position, isWithheld);
      await commands.handle(
        sealStream(cooperativeId),
        sealDecider,
        { type: 'Seal', cooperativeId, heads, upToPosition: event.position, reason: 'assembly-closed', now: new Date(closedAt) },
        causedBy(reaction, event),
      );
    },
  };
  return reaction;
}
