// The audit's reaction: when an assembly closes, the cooperative's streams are sealed as they stood at the closing.
import t from 'tap';
import { budgetContextEvents } from '@meent/budget/events';
import { EventRegistry } from '@meent/eventsourcing';
import { reactionSpecification, recorded } from '@meent/eventsourcing/testing';
import { auditEvents } from '@meent/server';
import { AssemblyClosed, votingEvents } from '@meent/voting/events';
import { sealWhenAssemblyClosed } from '../../packages/server/src/audit/seal-when-assembly-closed.reaction.js';
import { adoptedBudget, assemblyId, at, budgetId, cooperativeId, otherCooperativeId } from './fixtures.js';

const events = [...budgetContextEvents, ...votingEvents, ...auditEvents];
const registry = new EventRegistry(events);

t.test('a closing seals the head of each of the cooperative’s streams up to it, and of no other cooperative’s', async (t) => {
  const closed = recorded(`assembly-${assemblyId}`, AssemblyClosed({ assemblyId, cooperativeId, closedAt: at('2026-12-01') }), {
    at: at('2026-12-01'),
    cooperativeId,
  });
  const elsewhere = adoptedBudget(otherCooperativeId).map((event) => ({ ...event, stream: 'budget-0193a6f0-0000-7000-8000-0000000000b2' }));
  await reactionSpecification(t, (store) => sealWhenAssemblyClosed(store, (type) => registry.isWithheld(type)), events)
    .given(...adoptedBudget(), ...elsewhere)
    .when(closed)
    .then([
      {
        stream: `seal-${cooperativeId}`,
        command: {
          type: 'Seal',
          cooperativeId,
          // Given without the handler's chain, the events carry no hash.
          heads: [
            { stream: `budget-${budgetId}`, revision: 3, hash: '' },
            { stream: `assembly-${assemblyId}`, revision: 0, hash: '' },
          ],
          upToPosition: 9,
          reason: 'assembly-closed',
          now: new Date(at('2026-12-01')),
        },
      },
    ]);
});
