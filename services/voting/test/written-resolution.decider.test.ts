// BW 2:40 lid 2: a unanimous decision outside a meeting, specified as given events → when a command → then events.
import t from 'tap';
import { deciderSpecification } from '@meent/eventsourcing/testing';
import { votingEvents } from '@meent/voting/events';
import { MotionDecided, WrittenResolutionApproved, WrittenResolutionDeclined, WrittenResolutionProposed } from '@meent/voting';
import { writtenResolutionAggregate, writtenResolutionDecider, type WrittenResolutionCommand } from '../src/domain/written-resolution.decider.js';
import { cooperativeId, rulesWith, voter } from './voting.fixture.js';

const spec = deciderSpecification(writtenResolutionDecider, votingEvents);
const resolutionId = '0193a6f0-0000-7000-8000-0000000000e1';
const budgetId = '0193a6f0-0000-7000-8000-0000000000b1';
const now = new Date('2026-05-01T10:00:00.000Z');
const at = now.toISOString();
const subject = { kind: 'budget' as const, id: budgetId };

const propose = (overrides: Partial<Extract<WrittenResolutionCommand, { type: 'ProposeResolution' }>> = {}): WrittenResolutionCommand => ({
  type: 'ProposeResolution',
  resolutionId,
  cooperativeId,
  title: 'Begroting',
  text: 'De leden stellen de begroting vast.',
  decisionType: 'budget-adoption',
  subject,
  proposedBy: voter(1),
  rules: rulesWith({ votesByMembershipKind: { producent: 2 } }),
  eligibleVoters: [
    { memberId: voter(1), membershipKind: null, turnoverCents: null },
    { memberId: voter(2), membershipKind: 'producent', turnoverCents: null },
  ],
  now,
  ...overrides,
});
const proposed = WrittenResolutionProposed({
  resolutionId,
  cooperativeId,
  title: 'Begroting',
  text: 'De leden stellen de begroting vast.',
  decisionType: 'budget-adoption',
  subject,
  majority: 'simple',
  proposedBy: voter(1),
  voters: [
    { memberId: voter(1), weight: 1 },
    { memberId: voter(2), weight: 2 },
  ],
  totalWeight: 3,
  proposedAt: at,
});
const approved = (n: number) => WrittenResolutionApproved({ resolutionId, memberId: voter(n), approvedAt: at });
const approve = (n: number): WrittenResolutionCommand => ({ type: 'ApproveResolution', memberId: voter(n), now });

t.test('proposed to every member with a vote, with their votes', async (t) => {
  spec(t).given().when(propose()).then(proposed);
  spec(t).given(proposed).when(propose()).thenError('WRITTEN_RESOLUTION.ALREADY_PROPOSED', { statusCode: 409 });
  spec(t).given().when(propose({ eligibleVoters: [] })).thenError('ASSEMBLY.EMPTY_VOTER_ROLL');
});

t.test('BW 2:42: a decision the statutes tie to an announced meeting is not taken in writing', async (t) => {
  for (const decisionType of ['statute-amendment', 'dissolution', 'merger'] as const) {
    spec(t)
      .given()
      .when(propose({ decisionType, subject: null }))
      .thenError('WRITTEN_RESOLUTION.NEEDS_A_MEETING', { statusCode: 422, rule: 'BW 2:40 lid 2, 2:42' });
  }
  spec(t).given().when(propose({ decisionType: 'annual-accounts' })).thenError('MOTION.SUBJECT_DOES_NOT_FIT', { statusCode: 422 });
});

t.test('BW 2:40 lid 2: the last approval makes it a decision of the assembly, the same a meeting records', async (t) => {
  spec(t).given(proposed).when(approve(2)).then(approved(2));
  spec(t).given(proposed, approved(2)).when(approve(2)).then();
  spec(t)
    .given(proposed, approved(2))
    .when(approve(1))
    .then(
      approved(1),
      MotionDecided({
        motionId: resolutionId,
        assemblyId: null,
        cooperativeId,
        round: 1,
        decisionType: 'budget-adoption',
        subject,
        ballot: 'open',
        tally: { for: 3, against: 0, abstain: 0, notVoted: 0 },
        eligibleWeight: 3,
        turnoutWeight: 3,
        presentWeight: 3,
        rule: { majority: 'simple', quorum: null, basis: 'unanimous-in-writing' },
        quorumMet: true,
        outcome: 'passed',
        explanation: "Every member with a vote approved it in writing, outside a meeting, with the board's prior knowledge (BW 2:40 lid 2)",
        decidedAt: at,
      }),
    );
});

t.test('one member with a vote who declines ends it; only those on its roll answer, and only while it is open', async (t) => {
  const declined = WrittenResolutionDeclined({ resolutionId, memberId: voter(2), declinedAt: at });
  spec(t).given(proposed, approved(1)).when({ type: 'DeclineResolution', memberId: voter(2), now }).then(declined);
  spec(t).given(proposed, declined).when(approve(1)).thenError('WRITTEN_RESOLUTION.NOT_OPEN', { statusCode: 409 });
  spec(t).given(proposed).when(approve(3)).thenError('WRITTEN_RESOLUTION.NOT_A_VOTER', { statusCode: 403, rule: 'BW 2:40 lid 2' });
  spec(t).given().when(approve(1)).thenError('WRITTEN_RESOLUTION.NOT_FOUND', { statusCode: 404 });
});

t.test('a written resolution is its own stream, which exists once proposed', async (t) => {
  t.equal(writtenResolutionAggregate.stream(resolutionId), `written-resolution-${resolutionId}`);
  t.equal(writtenResolutionAggregate.exists(writtenResolutionDecider.initialState), false);
  t.equal(writtenResolutionAggregate.exists(writtenResolutionDecider.evolve(writtenResolutionDecider.initialState, proposed)), true);
});

t.test('a closed written resolution says how it ended; one tied to a meeting says which decision', async (t) => {
  const declined = WrittenResolutionDeclined({ resolutionId, memberId: voter(2), declinedAt: at });
  spec(t).given(proposed, declined).when(approve(1)).thenError('WRITTEN_RESOLUTION.NOT_OPEN', { message: 'The written resolution was declined' });
  const lastApproval = writtenResolutionDecider.decide(approve(1), [proposed, approved(2)].reduce(writtenResolutionDecider.evolve, writtenResolutionDecider.initialState));
  spec(t)
    .given(proposed, approved(2), ...lastApproval)
    .when({ type: 'DeclineResolution', memberId: voter(1), now })
    .thenError('WRITTEN_RESOLUTION.NOT_OPEN', { message: 'The written resolution was decided' });
  spec(t)
    .given()
    .when(propose({ decisionType: 'merger', subject: null }))
    .thenError('WRITTEN_RESOLUTION.NEEDS_A_MEETING', { message: 'A merger is decided at an assembly whose notice announces it' });
});
