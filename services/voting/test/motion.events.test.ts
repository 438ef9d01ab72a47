// Motion events: those stored by earlier versions read as the current one; what a motion may be about.
import t from 'tap';
import { EventRegistry } from '@meent/eventsourcing';
import { votingEvents } from '@meent/voting';
import { subjectSchema } from '../src/domain/motion.events.js';

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

t.test('a participatory budgeting motion: the round it opens, with the settings equalshares.net advises left out', async (t) => {
  const round = { kind: 'participatory-budget', title: 'Buurtbudget 2027', budgetId: '0193a6f0-0000-7000-8000-0000000000d1', lineCode: '4300', amountCents: 3_000_000 };
  t.strictSame(subjectSchema.parse(round), {
    ...round,
    settings: { minApprovals: 1, maxApprovals: 100, ballot: 'secret', residentsVote: false, completion: 'add1' },
  });
  const accepts = (subject: object) => subjectSchema.safeParse(subject).success;
  t.equal(accepts({ ...round, settings: { minApprovals: 3, maxApprovals: 3 } }), true, 'exactly so many approvals');
  t.equal(accepts({ ...round, settings: { minApprovals: 4, maxApprovals: 3 } }), false, 'more at least than at most');
  t.equal(accepts({ ...round, settings: { completion: 'add1u', ballot: 'open', residentsVote: true } }), true);
  t.equal(accepts({ ...round, title: 't'.repeat(200), lineCode: 'l'.repeat(20) }), true);
  t.equal(accepts({ ...round, title: 't'.repeat(201) }), false);
  t.equal(accepts({ ...round, lineCode: 'l'.repeat(21) }), false);
  t.equal(accepts({ ...round, amountCents: Number.MAX_SAFE_INTEGER }), true);
  t.equal(accepts({ ...round, amountCents: 0 }), false);
  t.equal(accepts({ kind: 'accounts-extension', id: round.budgetId, months: 4 }), true, 'BW 2:58 lid 1: four months at most');
  t.equal(accepts({ kind: 'accounts-extension', id: round.budgetId, months: 5 }), false);
});
