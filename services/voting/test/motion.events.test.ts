// Events stored by earlier versions read as the current one.
import t from 'tap';
import { EventRegistry } from '@meent/eventsourcing';
import { votingEvents } from '@meent/voting';

t.test('a challenge stored as version 1 reads as asked for by its challenger alone', async (t) => {
  const registry = new EventRegistry(votingEvents);
  const challenger = '0193a6f0-0000-7000-8000-000000000101';
  const stored = registry.decode({
    id: '0193a6f0-0000-7000-8000-0000000000e1',
    stream: 'motion-0193a6f0-0000-7000-8000-0000000000d1',
    revision: 7,
    position: 42,
    type: 'ResultChallenged',
    data: {
      motionId: '0193a6f0-0000-7000-8000-0000000000d1',
      round: 1,
      challengedBy: challenger,
      reason: 'Er is verkeerd geteld',
      challengedAt: '2026-12-01T10:00:00.000Z',
    },
    metadata: {
      eventId: '0193a6f0-0000-7000-8000-0000000000e1',
      cooperativeId: '0193a6f0-0000-7000-8000-0000000000c1',
      actor: { id: challenger, roles: ['member'] },
      correlationId: 'request-1',
      causationId: null,
      occurredAt: '2026-12-01T10:00:00.000Z',
      schemaVersion: 1,
    },
  });
  t.same(stored.data, {
    motionId: '0193a6f0-0000-7000-8000-0000000000d1',
    round: 1,
    challengedBy: challenger,
    requestedBy: [challenger],
    reason: 'Er is verkeerd geteld',
    challengedAt: '2026-12-01T10:00:00.000Z',
  });
});
