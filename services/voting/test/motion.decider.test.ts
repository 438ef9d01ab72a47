import t from 'tap';
import { deciderSpecification } from '@meent/eventsourcing/testing';
import { votingEvents } from '@meent/voting/events';
import {
  AssemblyCancelled,
  AssemblyClosed,
  MotionDecided,
  MotionTabled,
  ResultChallenged,
  SecretBallotCast,
  VoteCast,
  VotingClosed,
  VotingOpened,
  type Choice,
  type Tally,
} from '@meent/voting';
import type { EncryptedData } from '@meent/eventsourcing';
import { cooperativeRulesSchema, type DecisionType } from '@meent/membership';
import type { ConvenedAssembly } from '../src/domain/assembly.decider.js';
import type { AssemblyEvent } from '../src/domain/assembly.events.js';
import { motionAggregate, motionDecider, motionStream, type MotionCommand } from '../src/domain/motion.decider.js';
import type { DecisionRule } from '../src/domain/motion.events.js';
import {
  assemblyAfter,
  assemblyId,
  atMeeting,
  convened,
  convenedAt,
  cooperativeId,
  motionId,
  opened,
  outsider,
  present,
  proxy,
  voter,
} from './voting.fixture.js';

const spec = deciderSpecification(motionDecider, votingEvents);
const meeting = atMeeting.toISOString();
const votingFrom = new Date('2026-03-10T09:00:00.000Z');
const simple: DecisionRule = { majority: 'simple', quorum: null, basis: 'rules' };
const twoThirdsWithQuorum: DecisionRule = { majority: 'two-thirds', quorum: { numerator: 1, denominator: 2 }, basis: 'rules' };

const tabled = (
  options: {
    rule?: DecisionRule;
    ballot?: 'open' | 'secret';
    decisionType?: DecisionType;
    subject?: { kind: 'initiative'; id: string };
    recused?: { memberId: string; ground?: 'initiative-applicant' | 'contract-party'; reason: string }[];
  } = {},
) =>
  MotionTabled({
    motionId,
    assemblyId,
    cooperativeId,
    title: 'Buurtmoestuin',
    text: 'De vergadering besluit tot aanleg van een buurtmoestuin.',
    decisionType: options.decisionType ?? 'ordinary',
    rule: options.rule ?? simple,
    ballot: options.ballot ?? 'open',
    subject: options.subject ?? null,
    recused: options.recused ?? [],
    repeatsMotionId: null,
    tabledAt: convenedAt.toISOString(),
  });
const votingOpened = (round = 1, at = votingFrom) => VotingOpened({ motionId, round, openedAt: at.toISOString() });
const vote = (n: number, choice: Choice, castBy = n, round = 1) =>
  VoteCast({ motionId, round, voterId: voter(n), castBy: voter(castBy), choice, castAt: votingFrom.toISOString() });
const sealedAs = (choice: Choice) => ({
  algorithm: 'aes-256-gcm' as const,
  subject: `ballot-box-${motionId}-1`,
  iv: 'aXY=',
  ciphertext: Buffer.from(choice).toString('base64'),
  tag: 'dGFn',
});
const sealed = sealedAs('for');

const table = (assembly: ConvenedAssembly, overrides: Partial<Extract<MotionCommand, { type: 'TableMotion' }>> = {}): MotionCommand => ({
  type: 'TableMotion',
  motionId,
  assembly,
  title: 'Buurtmoestuin',
  text: 'De vergadering besluit tot aanleg van een buurtmoestuin.',
  decisionType: 'ordinary',
  ballot: 'open',
  subject: null,
  recused: [],
  subjectApplicant: null,
  repeats: null,
  now: convenedAt,
  ...overrides,
});
type CastVote = Extract<MotionCommand, { type: 'CastVote' }>;
const cast = (assembly: ConvenedAssembly, n: number, choice: Choice, castBy = n): CastVote => ({
  type: 'CastVote',
  voterId: voter(n),
  castBy: voter(castBy),
  paper: { kind: 'open', choice },
  assembly,
  suspendedNow: [],
  now: votingFrom,
});
const closeByChair = (assembly: ConvenedAssembly, unseal: ((sealedChoice: EncryptedData) => Choice) | null = null): MotionCommand => ({
  type: 'CloseVoting',
  reason: 'closed-by-chair',
  assembly,
  unseal,
  now: atMeeting,
});
const decided = (
  tally: Tally,
  outcome: 'passed' | 'rejected',
  explanation: string,
  options: { rule?: DecisionRule; eligibleWeight?: number; presentWeight?: number; quorumMet?: boolean; round?: number; ballot?: 'open' | 'secret' } = {},
) => {
  const round = options.round ?? 1;
  const turnoutWeight = tally.for + tally.against + tally.abstain;
  return [
    VotingClosed({ motionId, round, reason: 'closed-by-chair', closedAt: meeting }),
    MotionDecided({
      motionId,
      assemblyId,
      cooperativeId,
      round,
      decisionType: 'ordinary',
      subject: null,
      ballot: options.ballot ?? 'open',
      tally,
      eligibleWeight: options.eligibleWeight ?? 5,
      turnoutWeight,
      presentWeight: options.presentWeight ?? turnoutWeight,
      rule: options.rule ?? simple,
      quorumMet: options.quorumMet ?? true,
      outcome,
      explanation,
      decidedAt: meeting,
    }),
  ];
};
const inSession = (...extra: AssemblyEvent[]) => assemblyAfter(...convened(), ...extra, opened);

t.test('when tabling a motion', async (t) => {
  t.test('takes its majority and quorum from the rules in force at convening', async (t) => {
    const assembly = assemblyAfter(...convened({ rules: { decisions: { ordinary: { quorum: { numerator: 1, denominator: 3 } } } } }));
    spec(t)
      .given()
      .when(table(assembly))
      .then(tabled({ rule: { majority: 'simple', quorum: { numerator: 1, denominator: 3 }, basis: 'rules' } }));
  });
  t.test('records who is recused, on which ground the statutes name, and why (BW 2:12)', async (t) => {
    const recused = [{ memberId: voter(4), ground: 'contract-party' as const, reason: 'verhuurt de tuin aan de coöperatie' }];
    spec(t).given().when(table(assemblyAfter(...convened()), { recused })).then(tabled({ recused }));
  });
  t.test('refuses a recusal for a conflict the statutes do not name: no vote is taken away on a whim', async (t) => {
    const recused = [{ memberId: voter(4), ground: 'contract-party' as const, reason: 'stemt altijd tegen' }];
    const withoutContracts = assemblyAfter(...convened({ rules: { conflictsOfInterest: ['initiative-applicant'] } }));
    spec(t)
      .given()
      .when(table(withoutContracts, { recused }))
      .thenError('MOTION.RECUSAL_WITHOUT_GROUND', { statusCode: 422, rule: 'BW 2:12' });
    const notTheApplicant = [{ memberId: voter(3), ground: 'initiative-applicant' as const, reason: 'aanvrager' }];
    spec(t)
      .given()
      .when(table(assemblyAfter(...convened()), { recused: notTheApplicant }))
      .thenError('MOTION.RECUSAL_WITHOUT_GROUND', { statusCode: 422, rule: 'BW 2:12' });
  });
  t.test("recuses an initiative's applicant on a motion about it, once, and nobody on a motion about anything else", async (t) => {
    const subject = { kind: 'initiative' as const, id: '0193a6f0-0000-7000-8000-0000000000e1' };
    const applicant = { memberId: voter(4), ground: 'initiative-applicant' as const, reason: 'applicant of the initiative' };
    const assembly = assemblyAfter(...convened());
    spec(t).given().when(table(assembly, { subject, subjectApplicant: voter(4) })).then(tabled({ subject, recused: [applicant] }));
    const named = [{ memberId: voter(4), ground: 'initiative-applicant' as const, reason: 'named by the secretary' }];
    spec(t).given().when(table(assembly, { subject, subjectApplicant: voter(4), recused: named })).then(tabled({ subject, recused: named }));
    spec(t).given().when(table(assembly, { subjectApplicant: voter(4) })).then(tabled());
    // Where the statutes do not name it, the applicant votes.
    const unnamed = assemblyAfter(...convened({ rules: { conflictsOfInterest: ['contract-party'] } }));
    spec(t).given().when(table(unnamed, { subject, subjectApplicant: voter(4) })).then(tabled({ subject }));
  });
  t.test('rejects a dissolution (BW 2:42, by the statutes) and a merger (BW 2:317) the notice did not announce', async (t) => {
    spec(t)
      .given()
      .when(table(assemblyAfter(...convened()), { decisionType: 'dissolution' }))
      .thenError('MOTION.DECISION_NOT_ANNOUNCED', { statusCode: 422, rule: 'BW 2:42' });
    spec(t)
      .given()
      .when(table(assemblyAfter(...convened()), { decisionType: 'merger' }))
      .thenError('MOTION.DECISION_NOT_ANNOUNCED', { statusCode: 422, rule: 'BW 2:317' });
  });
  t.test('takes a dissolution the notice announced; and one without, where the statutes do not ask for it', async (t) => {
    const announced = assemblyAfter(...convened({ announcesStatuteAmendment: true }));
    spec(t)
      .given()
      .when(table(announced, { decisionType: 'dissolution' }))
      .then(tabled({ decisionType: 'dissolution', rule: { majority: 'two-thirds', quorum: null, basis: 'rules' } }));
    const relaxed = assemblyAfter(...convened({ rules: { decisions: { dissolution: { announced: false } } } }));
    spec(t)
      .given()
      .when(table(relaxed, { decisionType: 'dissolution' }))
      .then(tabled({ decisionType: 'dissolution', rule: { majority: 'two-thirds', quorum: null, basis: 'rules' } }));
  });
  t.test('rejects a statute amendment the notice did not announce', async (t) => {
    spec(t)
      .given()
      .when(table(assemblyAfter(...convened()), { decisionType: 'statute-amendment' }))
      .thenError('MOTION.AMENDMENT_NOT_ANNOUNCED', { statusCode: 422, rule: 'BW 2:42' });
  });
  t.test('rejects a statute amendment deposited less than 5 days before the meeting', async (t) => {
    spec(t)
      .given()
      .when(
        table(assemblyAfter(...convened({ announcesStatuteAmendment: true })), {
          decisionType: 'statute-amendment',
          now: new Date('2026-03-27T19:00:01.000Z'),
        }),
      )
      .thenError('MOTION.TEXT_DEPOSITED_TOO_LATE', { statusCode: 422, rule: 'BW 2:42 statuteTextDepositDays' });
  });
  t.test('tables a statute amendment deposited exactly 5 days ahead, under two thirds', async (t) => {
    const now = new Date('2026-03-27T19:00:00.000Z');
    spec(t)
      .given()
      .when(table(assemblyAfter(...convened({ announcesStatuteAmendment: true })), { decisionType: 'statute-amendment', now }))
      .then(
        MotionTabled({
          ...tabled({ decisionType: 'statute-amendment', rule: { majority: 'two-thirds', quorum: null, basis: 'rules' } }).data,
          tabledAt: now.toISOString(),
        }),
      );
  });
  t.test('a statute amendment may carry the rules it sets; no other motion may', async (t) => {
    const now = new Date('2026-03-27T19:00:00.000Z');
    const assembly = assemblyAfter(...convened({ announcesStatuteAmendment: true }));
    const subject = { kind: 'rules' as const, rules: cooperativeRulesSchema.parse({ maxProxiesPerHolder: 2 }) };
    spec(t)
      .given()
      .when(table(assembly, { decisionType: 'statute-amendment', subject, now }))
      .then(
        MotionTabled({
          ...tabled({ decisionType: 'statute-amendment', rule: { majority: 'two-thirds', quorum: null, basis: 'rules' } }).data,
          subject,
          tabledAt: now.toISOString(),
        }),
      );
    for (const decisionType of ['ordinary', 'budget-adoption', 'dissolution'] as const) {
      spec(t)
        .given()
        .when(table(assembly, { decisionType, subject, now }))
        .thenError('MOTION.RULES_NEED_STATUTE_AMENDMENT', { statusCode: 422, rule: 'BW 2:43' });
    }
  });
  t.test('the accounts’ decisions and an expulsion appeal each act on their own kind of subject, and only they (BW 2:35 lid 4, 2:48 lid 3, 2:58 lid 1)', async (t) => {
    const now = new Date('2026-03-27T19:00:00.000Z');
    const assembly = assemblyAfter(...convened());
    const budgetId = '0193a6f0-0000-7000-8000-0000000000d1';
    const accounts = { kind: 'annual-accounts' as const, id: budgetId };
    for (const [decisionType, subject] of [
      ['annual-accounts', accounts],
      ['discharge', accounts],
      ['accounts-extension', { kind: 'accounts-extension' as const, id: budgetId, months: 4 }],
      ['expulsion-appeal', { kind: 'member' as const, id: '0193a6f0-0000-7000-8000-0000000000a9' }],
    ] as const) {
      spec(t)
        .given()
        .when(table(assembly, { decisionType, subject, now }))
        .then(MotionTabled({ ...tabled({ decisionType }).data, subject, tabledAt: now.toISOString() }));
      spec(t)
        .given()
        .when(table(assembly, { decisionType, subject: { kind: 'budget', id: budgetId }, now }))
        .thenError('MOTION.SUBJECT_DOES_NOT_FIT', { statusCode: 422, message: `A ${decisionType} decision needs a subject of kind ${subject.kind}` });
    }
    spec(t)
      .given()
      .when(table(assembly, { decisionType: 'ordinary', subject: accounts, now }))
      .thenError('MOTION.SUBJECT_DOES_NOT_FIT', { statusCode: 422, message: 'A subject of kind annual-accounts belongs only to these decisions: annual-accounts, discharge' });
  });
  t.test('refuses a statute amendment whose rules the law does not allow (BW 2:41 lid 1: a tenth at most)', async (t) => {
    const now = new Date('2026-03-27T19:00:00.000Z');
    const assembly = assemblyAfter(...convened({ announcesStatuteAmendment: true }));
    const rules = cooperativeRulesSchema.parse({ assemblyRequestShare: { numerator: 1, denominator: 5 } });
    spec(t)
      .given()
      .when(table(assembly, { decisionType: 'statute-amendment', subject: { kind: 'rules', rules }, now }))
      .thenError('MOTION.RULES_AGAINST_THE_LAW', { statusCode: 422, rule: 'BW 2:41 lid 1' });
  });
  t.test('at a second meeting, decides a statute amendment that missed its quorum without one', async (t) => {
    const assembly = assemblyAfter(
      ...convened({ announcesStatuteAmendment: true, rules: { decisions: { 'statute-amendment': { quorum: { numerator: 2, denominator: 3 } } } } }),
    );
    const repeats = { motionId: voter(77), decisionType: 'statute-amendment' as const, quorumMet: false, decidedAt: '2026-02-10T21:00:00.000Z' };
    spec(t)
      .given()
      .when(table(assembly, { decisionType: 'statute-amendment', repeats }))
      .then(
        MotionTabled({
          ...tabled({ decisionType: 'statute-amendment', rule: { majority: 'two-thirds', quorum: null, basis: 'second-meeting' } }).data,
          repeatsMotionId: voter(77),
        }),
      );
  });
  t.test('rejects a second meeting convened after the window', async (t) => {
    const assembly = assemblyAfter(...convened({ announcesStatuteAmendment: true, rules: { secondMeetingWindowDays: 14 } }));
    const repeats = { motionId: voter(77), decisionType: 'statute-amendment' as const, quorumMet: false, decidedAt: '2026-02-10T21:00:00.000Z' };
    spec(t)
      .given()
      .when(table(assembly, { decisionType: 'statute-amendment', repeats }))
      .thenError('MOTION.SECOND_MEETING_OUT_OF_WINDOW', { statusCode: 422, rule: 'secondMeetingWindowDays' });
  });
  t.test('rejects a second meeting for a decision that met its quorum', async (t) => {
    const assembly = assemblyAfter(...convened({ announcesStatuteAmendment: true }));
    const repeats = { motionId: voter(77), decisionType: 'statute-amendment' as const, quorumMet: true, decidedAt: '2026-02-10T21:00:00.000Z' };
    spec(t)
      .given()
      .when(table(assembly, { decisionType: 'statute-amendment', repeats }))
      .thenError('MOTION.NOT_A_SECOND_MEETING', { statusCode: 422 });
  });
  t.test('rejects a motion on a cancelled assembly', async (t) => {
    const cancelled = AssemblyCancelled({ assemblyId, reason: 'venue unavailable', cancelledAt: convenedAt.toISOString() });
    spec(t).given().when(table(assemblyAfter(...convened(), cancelled))).thenError('MOTION.ASSEMBLY_NOT_ACTIVE', { statusCode: 409 });
  });
});

t.test('when opening the vote', async (t) => {
  const assembly = assemblyAfter(...convened());
  t.test('rejects opening more than 30 days before the meeting', async (t) => {
    spec(t)
      .given(tabled())
      .when({ type: 'OpenVoting', assembly, now: new Date('2026-03-02T18:59:59.000Z') })
      .thenError('MOTION.VOTING_TOO_EARLY', { statusCode: 422, rule: 'BW 2:38 lid 7' });
  });
  t.test('opens exactly 30 days before the meeting', async (t) => {
    const now = new Date('2026-03-02T19:00:00.000Z');
    spec(t).given(tabled()).when({ type: 'OpenVoting', assembly, now }).then(votingOpened(1, now));
  });
  t.test('without electronic voting, opens only at the meeting', async (t) => {
    const offline = assemblyAfter(...convened({ rules: { electronicVoting: false } }));
    spec(t)
      .given(tabled())
      .when({ type: 'OpenVoting', assembly: offline, now: votingFrom })
      .thenError('MOTION.ELECTRONIC_VOTING_NOT_ALLOWED', { statusCode: 422, rule: 'electronicVoting' });
    const meetingHeld = assemblyAfter(...convened({ rules: { electronicVoting: false } }), opened);
    spec(t).given(tabled()).when({ type: 'OpenVoting', assembly: meetingHeld, now: atMeeting }).then(votingOpened(1, atMeeting));
  });
  t.test('rejects opening it twice', async (t) => {
    spec(t).given(tabled(), votingOpened()).when({ type: 'OpenVoting', assembly, now: votingFrom }).thenError('MOTION.WRONG_STATE', { statusCode: 409 });
  });
});

t.test('when voting is open', async (t) => {
  const assembly = assemblyAfter(...convened(), proxy(1, 2));
  t.test('records a vote', async (t) => {
    spec(t).given(tabled(), votingOpened()).when(cast(assembly, 3, 'for')).then(vote(3, 'for'));
  });
  t.test('rejects a member not on the roll — one admitted after the record date', async (t) => {
    spec(t)
      .given(tabled(), votingOpened())
      .when({ ...cast(assembly, 3, 'for'), voterId: outsider, castBy: outsider })
      .thenError('MOTION.NOT_ON_ROLL', { statusCode: 403 });
  });
  t.test('accepts a member on the roll admitted before the record date, whoever was admitted since', async (t) => {
    spec(t).given(tabled(), votingOpened()).when(cast(assembly, 5, 'against')).then(vote(5, 'against'));
  });
  t.test('rejects a member on the roll who is suspended when voting (BW 2:38 lid 1)', async (t) => {
    spec(t)
      .given(tabled(), votingOpened())
      .when({ ...cast(assembly, 5, 'against'), suspendedNow: [voter(5)] })
      .thenError('MOTION.VOTER_SUSPENDED', { statusCode: 403, rule: 'BW 2:38 lid 1: a suspended member has no vote' });
  });
  t.test('accepts the same member once reinstated before the close (BW 2:38 lid 1)', async (t) => {
    spec(t).given(tabled(), votingOpened()).when({ ...cast(assembly, 5, 'against'), suspendedNow: [] }).then(vote(5, 'against'));
  });
  t.test('rejects a proxy vote for a suspended grantor, and one cast by a suspended holder (BW 2:38 lid 1)', async (t) => {
    const withProxy = assemblyAfter(...convened(), proxy(1, 2));
    spec(t)
      .given(tabled(), votingOpened())
      .when({ ...cast(withProxy, 1, 'for', 2), suspendedNow: [voter(1)] })
      .thenError('MOTION.VOTER_SUSPENDED', { statusCode: 403 });
    spec(t)
      .given(tabled(), votingOpened())
      .when({ ...cast(withProxy, 1, 'for', 2), suspendedNow: [voter(2)] })
      .thenError('MOTION.VOTER_SUSPENDED', { statusCode: 403 });
  });
  t.test('rejects a recused member, naming the recusal', async (t) => {
    spec(t)
      .given(tabled({ recused: [{ memberId: voter(3), reason: 'applicant of the initiative' }] }), votingOpened())
      .when(cast(assembly, 3, 'for'))
      .thenError('MOTION.RECUSED', { statusCode: 403, rule: 'BW 2:12 conflict of interest' });
  });
  t.test('rejects a proxy vote by a recused holder', async (t) => {
    spec(t)
      .given(tabled({ recused: [{ memberId: voter(2), reason: 'board member of the applicant' }] }), votingOpened())
      .when(cast(assembly, 1, 'for', 2))
      .thenError('MOTION.RECUSED', { statusCode: 403 });
  });
  t.test('the holder votes for the grantor', async (t) => {
    spec(t).given(tabled(), votingOpened()).when(cast(assembly, 1, 'for', 2)).then(vote(1, 'for', 2));
  });
  t.test('rejects a vote for someone whose proxy the caller does not hold', async (t) => {
    spec(t).given(tabled(), votingOpened()).when(cast(assembly, 4, 'for', 2)).thenError('MOTION.NO_PROXY', { statusCode: 403 });
  });
  t.test('rejects a second use of one proxy', async (t) => {
    spec(t)
      .given(tabled(), votingOpened(), vote(1, 'for', 2))
      .when(cast(assembly, 1, 'against', 2))
      .thenError('MOTION.PROXY_ALREADY_USED', { statusCode: 409 });
  });
  t.test('the grantor voting in person overrides the proxy', async (t) => {
    spec(t).given(tabled(), votingOpened(), vote(1, 'for', 2)).when(cast(assembly, 1, 'against')).then(vote(1, 'against'));
    spec(t)
      .given(tabled(), votingOpened(), vote(1, 'against'))
      .when(cast(assembly, 1, 'for', 2))
      .thenError('MOTION.PROXY_OVERRIDDEN', { statusCode: 409 });
  });
  t.test('a member changes their vote', async (t) => {
    spec(t).given(tabled(), votingOpened(), vote(3, 'for')).when(cast(assembly, 3, 'against')).then(vote(3, 'against'));
  });
  t.test('rejects a ballot sealed for a round that has ended', async (t) => {
    spec(t)
      .given(tabled({ ballot: 'secret' }), votingOpened(2))
      .when({ ...cast(assembly, 3, 'for'), paper: { kind: 'secret', sealedChoice: sealed } })
      .thenError('MOTION.ROUND_CHANGED', { statusCode: 409 });
  });
  t.test('rejects an open paper on a secret motion', async (t) => {
    spec(t).given(tabled({ ballot: 'secret' }), votingOpened()).when(cast(assembly, 3, 'for')).thenError('MOTION.WRONG_BALLOT', { statusCode: 422 });
  });
  t.test('records a sealed ballot on a secret motion, without the choice', async (t) => {
    spec(t)
      .given(tabled({ ballot: 'secret' }), votingOpened())
      .when({ ...cast(assembly, 3, 'for'), paper: { kind: 'secret', sealedChoice: sealed } })
      .then(SecretBallotCast({ motionId, round: 1, voterId: voter(3), castBy: voter(3), sealedChoice: sealed, castAt: votingFrom.toISOString() }));
  });
  t.test('rejects a vote once the assembly is cancelled', async (t) => {
    const cancelled = assemblyAfter(...convened(), AssemblyCancelled({ assemblyId, reason: 'storm', cancelledAt: votingFrom.toISOString() }));
    spec(t).given(tabled(), votingOpened()).when(cast(cancelled, 3, 'for')).thenError('MOTION.ASSEMBLY_NOT_ACTIVE', { statusCode: 409 });
  });
  t.test('rejects the chair closing voting before the meeting', async (t) => {
    spec(t).given(tabled(), votingOpened()).when(closeByChair(assembly)).thenError('MOTION.MEETING_NOT_IN_SESSION', { statusCode: 409 });
  });
  t.test('rejects closing early while someone has not voted', async (t) => {
    spec(t)
      .given(tabled(), votingOpened(), vote(1, 'for'))
      .when({ type: 'CloseVoting', reason: 'everyone-voted', assembly, unseal: null, now: votingFrom })
      .thenError('MOTION.NOT_EVERYONE_VOTED', { statusCode: 409 });
  });
  t.test('rejects closing early while one voter on the roll has not voted', async (t) => {
    spec(t)
      .given(tabled(), votingOpened(), vote(1, 'for'), vote(2, 'for'), vote(3, 'against'), vote(4, 'abstain'))
      .when({ type: 'CloseVoting', reason: 'everyone-voted', assembly, unseal: null, now: votingFrom })
      .thenError('MOTION.NOT_EVERYONE_VOTED', { statusCode: 409 });
  });
  t.test('closes early once everyone on the roll but the recused has voted', async (t) => {
    const [closed, decision] = motionDecider.decide(
      { type: 'CloseVoting', reason: 'everyone-voted', assembly, unseal: null, now: votingFrom },
      [tabled({ recused: [{ memberId: voter(5), reason: 'applicant' }] }), votingOpened(), vote(1, 'for', 2), vote(2, 'for'), vote(3, 'against'), vote(4, 'for')].reduce(
        motionDecider.evolve,
        motionDecider.initialState,
      ),
    );
    t.same(closed, VotingClosed({ motionId, round: 1, reason: 'everyone-voted', closedAt: votingFrom.toISOString() }));
    t.match(decision?.data, { tally: { for: 3, against: 1, abstain: 0, notVoted: 0 }, eligibleWeight: 4, outcome: 'passed' });
  });
});

t.test('before voting opens and after it closes', async (t) => {
  const assembly = inSession();
  t.test('rejects a vote before voting opens', async (t) => {
    spec(t).given(tabled()).when(cast(assembly, 1, 'for')).thenError('MOTION.VOTING_NOT_OPEN', { statusCode: 409 });
  });
  t.test('rejects a vote after voting closed', async (t) => {
    spec(t)
      .given(tabled(), votingOpened(), vote(1, 'for'), ...decided({ for: 1, against: 0, abstain: 0, notVoted: 4 }, 'passed', ''))
      .when(cast(assembly, 2, 'for'))
      .thenError('MOTION.VOTING_NOT_OPEN', { statusCode: 409 });
  });
  t.test('an early close racing a decided motion changes nothing', async (t) => {
    spec(t)
      .given(tabled(), votingOpened(), vote(1, 'for'), ...decided({ for: 1, against: 0, abstain: 0, notVoted: 4 }, 'passed', ''))
      .when({ type: 'CloseVoting', reason: 'everyone-voted', assembly, unseal: null, now: atMeeting })
      .then();
  });
});

t.test('when the chair closes voting, the result', async (t) => {
  const assembly = inSession();
  const result = (rule: DecisionRule, ...votes: ReturnType<typeof vote>[]) =>
    motionDecider.decide(
      closeByChair(assembly),
      [tabled({ rule }), votingOpened(), ...votes].reduce(motionDecider.evolve, motionDecider.initialState),
    )[1]?.data;

  t.test('rejects a tie', async (t) => {
    spec(t)
      .given(tabled(), votingOpened(), vote(1, 'for'), vote(2, 'against'))
      .when(closeByChair(assembly))
      .then(
        ...decided(
          { for: 1, against: 1, abstain: 0, notVoted: 3 },
          'rejected',
          'Rejected, a simple majority not reached: 1 for, 1 against (0 abstaining, not counted as cast).',
        ),
      );
  });
  t.test('passes a simple majority', async (t) => {
    spec(t)
      .given(tabled(), votingOpened(), vote(1, 'for'), vote(2, 'for'), vote(3, 'against'))
      .when(closeByChair(assembly))
      .then(
        ...decided(
          { for: 2, against: 1, abstain: 0, notVoted: 2 },
          'passed',
          'Passed with a simple majority: 2 for, 1 against (0 abstaining, not counted as cast).',
        ),
      );
  });
  t.test('2 for and 1 against passes a two-thirds motion', async (t) => {
    const rule = { ...simple, majority: 'two-thirds' as const };
    t.match(result(rule, vote(1, 'for'), vote(2, 'for'), vote(3, 'against')), { outcome: 'passed' });
  });
  t.test('3 for and 2 against does not pass a two-thirds motion', async (t) => {
    const rule = { ...simple, majority: 'two-thirds' as const };
    t.match(result(rule, vote(1, 'for'), vote(2, 'for'), vote(3, 'for'), vote(4, 'against'), vote(5, 'against')), {
      tally: { for: 3, against: 2 },
      outcome: 'rejected',
    });
  });
  t.test('a two-thirds motion with no votes cast is rejected', async (t) => {
    const rule = { ...simple, majority: 'two-thirds' as const };
    t.match(result(rule, vote(1, 'abstain')), { outcome: 'rejected' });
  });
  t.test('abstentions are not votes cast', async (t) => {
    t.match(result(simple, vote(1, 'for'), vote(2, 'abstain'), vote(3, 'abstain'), vote(4, 'abstain')), {
      tally: { for: 1, against: 0, abstain: 3, notVoted: 1 },
      turnoutWeight: 4,
      outcome: 'passed',
    });
  });
  t.test('the last vote of a member counts, once', async (t) => {
    t.match(result(simple, vote(1, 'for'), vote(1, 'against'), vote(2, 'for')), {
      tally: { for: 1, against: 1, notVoted: 3 },
      outcome: 'rejected',
    });
  });
  t.test('a grantor in person counts, not their proxy', async (t) => {
    t.match(result(simple, vote(1, 'for', 2), vote(1, 'against'), vote(3, 'for')), { tally: { for: 1, against: 1 } });
  });
  t.test('misses a quorum of those present or represented', async (t) => {
    spec(t)
      .given(tabled({ rule: twoThirdsWithQuorum }), votingOpened(), vote(1, 'for'), vote(2, 'for'))
      .when(closeByChair(assembly))
      .then(
        ...decided({ for: 2, against: 0, abstain: 0, notVoted: 3 }, 'rejected', 'Quorum not met: 2 of 5 present or represented, 1/2 required.', {
          rule: twoThirdsWithQuorum,
          quorumMet: false,
        }),
      );
  });
  t.test('counts the present who did not vote and those their proxy holder represents toward the quorum', async (t) => {
    const attended = assemblyAfter(...convened(), proxy(4, 3), opened, present(3));
    const [, decision] = motionDecider.decide(
      closeByChair(attended),
      [tabled({ rule: twoThirdsWithQuorum }), votingOpened(), vote(1, 'for'), vote(2, 'for')].reduce(motionDecider.evolve, motionDecider.initialState),
    );
    t.match(decision?.data, { presentWeight: 4, quorumMet: true, outcome: 'passed' });
  });
  t.test('counts weights, not heads', async (t) => {
    const weighted = assemblyAfter(
      ...convened().map((event) =>
        event.type === 'VoterRollFixed'
          ? { ...event, data: { ...event.data, voters: event.data.voters.map((v, index) => ({ ...v, weight: index === 0 ? 5 : 1 })), totalWeight: 9 } }
          : event,
      ),
      opened,
    );
    const [, decision] = motionDecider.decide(
      closeByChair(weighted),
      [tabled(), votingOpened(), vote(1, 'for'), vote(2, 'against'), vote(3, 'against')].reduce(motionDecider.evolve, motionDecider.initialState),
    );
    t.match(decision?.data, { tally: { for: 5, against: 2, notVoted: 2 }, eligibleWeight: 9, outcome: 'passed' });
  });
  t.test('a secret motion is counted from the unsealed choices', async (t) => {
    const secretVote = (n: number, choice: Choice) =>
      SecretBallotCast({ motionId, round: 1, voterId: voter(n), castBy: voter(n), sealedChoice: sealedAs(choice), castAt: votingFrom.toISOString() });
    const unseal = (sealedChoice: EncryptedData) => Buffer.from(sealedChoice.ciphertext, 'base64').toString() as Choice;
    spec(t)
      .given(tabled({ ballot: 'secret' }), votingOpened(), secretVote(1, 'for'), secretVote(2, 'against'), secretVote(3, 'for'))
      .when(closeByChair(assembly, unseal))
      .then(
        ...decided(
          { for: 2, against: 1, abstain: 0, notVoted: 2 },
          'passed',
          'Passed with a simple majority: 2 for, 1 against (0 abstaining, not counted as cast).',
          { ballot: 'secret' },
        ),
      );
  });
  t.test('a secret motion without its round’s key is refused as a conflict, not counted', async (t) => {
    const secretVote = SecretBallotCast({ motionId, round: 1, voterId: voter(1), castBy: voter(1), sealedChoice: sealedAs('for'), castAt: votingFrom.toISOString() });
    spec(t)
      .given(tabled({ ballot: 'secret' }), votingOpened(), secretVote)
      .when(closeByChair(assembly, null))
      .thenError('MOTION.BALLOT_KEY_LOST', { statusCode: 409 });
  });
});

t.test('when the announced result is challenged (BW 2:13)', async (t) => {
  const first = decided({ for: 2, against: 1, abstain: 0, notVoted: 2 }, 'passed', 'Passed');
  const history = [tabled(), votingOpened(), vote(1, 'for'), vote(2, 'for'), vote(3, 'against'), ...first];
  const challenge = (requestedBy: string[], assembly = inSession()): MotionCommand => ({
    type: 'ChallengeResult',
    challengedBy: 'secretary',
    requestedBy,
    reason: 'hands miscounted',
    assembly,
    now: atMeeting,
  });
  t.test('at once, a new vote is held when voters at the meeting with more than half of its votes ask', async (t) => {
    spec(t)
      .given(...history)
      .when(challenge([voter(1), voter(3), voter(3)]))
      .then(
        ResultChallenged({
          motionId,
          round: 1,
          challengedBy: 'secretary',
          requestedBy: [voter(1), voter(3)],
          reason: 'hands miscounted',
          challengedAt: meeting,
        }),
        votingOpened(2, atMeeting),
      );
  });
  t.test('refuses a request of half the meeting or less (lid 3), and of someone not at it', async (t) => {
    spec(t)
      .given(...history)
      .when(challenge([voter(3)]))
      .thenError('MOTION.CHALLENGE_WITHOUT_MAJORITY', { statusCode: 422, rule: 'BW 2:13 lid 3' });
    spec(t)
      .given(...history)
      .when(challenge([voter(1), voter(4)]))
      .thenError('MOTION.REQUESTER_NOT_PRESENT', { statusCode: 422, rule: 'BW 2:13 lid 3' });
  });
  t.test('the new vote starts empty and its decision supersedes the first', async (t) => {
    const challenged = ResultChallenged({
      motionId,
      round: 1,
      challengedBy: 'secretary',
      requestedBy: [voter(1), voter(3)],
      reason: 'miscounted',
      challengedAt: meeting,
    });
    const [, decision] = motionDecider.decide(
      closeByChair(inSession()),
      [...history, challenged, votingOpened(2, atMeeting), vote(1, 'against', 1, 2), vote(3, 'against', 3, 2)].reduce(
        motionDecider.evolve,
        motionDecider.initialState,
      ),
    );
    t.match(decision?.data, { round: 2, tally: { for: 0, against: 2, notVoted: 3 }, outcome: 'rejected' });
  });
  t.test('rejects a challenge after the meeting closed', async (t) => {
    const closed = assemblyAfter(...convened(), opened, AssemblyClosed({ assemblyId, cooperativeId, closedAt: meeting }));
    spec(t)
      .given(...history)
      .when(challenge([voter(1), voter(3)], closed))
      .thenError('MOTION.CHALLENGE_TOO_LATE', { statusCode: 409, rule: 'BW 2:13' });
  });
  t.test('rejects a request from someone not on the roll', async (t) => {
    spec(t)
      .given(...history)
      .when(challenge([voter(1), voter(2), outsider]))
      .thenError('MOTION.NOT_ON_ROLL', { statusCode: 403 });
  });
});


t.test('a motion is its own stream, which exists once tabled; nothing is done to one never tabled, nor is one tabled twice', async (t) => {
  t.equal(motionStream(motionId), `motion-${motionId}`);
  t.equal(motionAggregate.exists(motionDecider.initialState), false);
  t.equal(motionAggregate.exists(motionDecider.evolve(motionDecider.initialState, tabled())), true);
  spec(t).given().when(closeByChair(inSession())).thenError('MOTION.NOT_FOUND', { statusCode: 404 });
  spec(t).given(tabled()).when(table(inSession())).thenError('MOTION.ALREADY_TABLED', { statusCode: 409 });
});

t.test('a step out of turn says where the motion stands', async (t) => {
  const closedAndDecided = [tabled(), votingOpened(), vote(1, 'for'), ...decided({ for: 1, against: 0, abstain: 0, notVoted: 4 }, 'passed', 'Passed')];
  spec(t).given(...closedAndDecided).when(closeByChair(inSession())).thenError('MOTION.VOTING_CLOSED', { statusCode: 409 });
  spec(t)
    .given(tabled(), votingOpened())
    .when({ type: 'ChallengeResult', challengedBy: 'secretary', requestedBy: [voter(1)], reason: 'te vroeg', assembly: inSession(), now: atMeeting })
    .thenError('MOTION.WRONG_STATE', { statusCode: 409, message: 'The motion is VotingOpen; this needs Decided' });
  spec(t)
    .given(tabled())
    .when(closeByChair(inSession()))
    .thenError('MOTION.WRONG_STATE', { message: 'The motion is Tabled; this needs VotingOpen' });
  spec(t)
    .given(tabled())
    .when(cast(inSession(), 1, 'for'))
    .thenError('MOTION.VOTING_NOT_OPEN', { statusCode: 409, message: 'Voting on this motion is not open (Tabled)' });
});

t.test('a second meeting is for a statute amendment that missed its quorum, convened within the window of its first decision (BW 2:42 lid 2)', async (t) => {
  const assembly = assemblyAfter(...convened({ announcesStatuteAmendment: true }));
  const DAY = 86_400_000;
  const repeats = (decidedAt: Date, overrides: { decisionType?: DecisionType; quorumMet?: boolean } = {}) => ({
    motionId: voter(77),
    decisionType: overrides.decisionType ?? ('statute-amendment' as const),
    quorumMet: overrides.quorumMet ?? false,
    decidedAt: decidedAt.toISOString(),
  });
  const secondMeeting = MotionTabled({
    ...tabled({ decisionType: 'statute-amendment', rule: { majority: 'two-thirds', quorum: null, basis: 'second-meeting' } }).data,
    repeatsMotionId: voter(77),
  });
  spec(t)
    .given()
    .when(table(assembly, { decisionType: 'statute-amendment', repeats: repeats(convenedAt) }))
    .then(secondMeeting);
  spec(t)
    .given()
    .when(table(assembly, { decisionType: 'statute-amendment', repeats: repeats(new Date(convenedAt.getTime() - 42 * DAY)) }))
    .then(secondMeeting);
  spec(t)
    .given()
    .when(table(assembly, { decisionType: 'statute-amendment', repeats: repeats(new Date(convenedAt.getTime() - 42 * DAY - 1)) }))
    .thenError('MOTION.SECOND_MEETING_OUT_OF_WINDOW', { message: 'The second assembly must be convened within 42 days of the first decision' });
  spec(t)
    .given()
    .when(table(assembly, { decisionType: 'statute-amendment', repeats: repeats(new Date(convenedAt.getTime() + 1)) }))
    .thenError('MOTION.SECOND_MEETING_OUT_OF_WINDOW');
  spec(t).given().when(table(assembly, { repeats: repeats(convenedAt) })).thenError('MOTION.NOT_A_SECOND_MEETING');
  spec(t)
    .given()
    .when(table(assembly, { decisionType: 'statute-amendment', repeats: repeats(convenedAt, { decisionType: 'ordinary' }) }))
    .thenError('MOTION.NOT_A_SECOND_MEETING');
});

t.test('a new vote needs more than half of the meeting: exactly half is not enough (BW 2:13 lid 3)', async (t) => {
  const tie = [
    tabled(),
    votingOpened(),
    vote(1, 'for'),
    vote(2, 'for'),
    vote(3, 'against'),
    vote(4, 'against'),
    ...decided({ for: 2, against: 2, abstain: 0, notVoted: 1 }, 'rejected', 'Rejected'),
  ];
  const challenge = (requestedBy: string[]): MotionCommand => ({ type: 'ChallengeResult', challengedBy: 'secretary', requestedBy, reason: 'recount', assembly: inSession(), now: atMeeting });
  spec(t)
    .given(...tie)
    .when(challenge([voter(1), voter(3)]))
    .thenError('MOTION.CHALLENGE_WITHOUT_MAJORITY', { message: 'The request carries 2 of the 4 votes at the meeting: a new vote needs more than half' });
  spec(t)
    .given(...tie)
    .when(challenge([voter(1), voter(2), voter(3)]))
    .then(
      ResultChallenged({ motionId, round: 1, challengedBy: 'secretary', requestedBy: [voter(1), voter(2), voter(3)], reason: 'recount', challengedAt: meeting }),
      votingOpened(2, atMeeting),
    );
  spec(t)
    .given(...tie)
    .when(challenge([voter(1), outsider]))
    .thenError('MOTION.NOT_ON_ROLL', { message: `Member ${outsider} is not on this assembly's voter roll` });
  spec(t)
    .given(...tie)
    .when(challenge([voter(5), voter(1), voter(2)]))
    .thenError('MOTION.REQUESTER_NOT_PRESENT', { message: `Member ${voter(5)} is not at the meeting` });
});

t.test('who counts as present: not a grantor whose holder stayed away, not the recused though there', async (t) => {
  const presentWeightAt = (assembly: ConvenedAssembly, history: Parameters<typeof motionDecider.evolve>[1][]) => {
    const [, decision] = motionDecider.decide(closeByChair(assembly), history.reduce(motionDecider.evolve, motionDecider.initialState));
    return decision?.type === 'MotionDecided' ? decision.data : undefined;
  };
  const voted = [votingOpened(), vote(1, 'for'), vote(2, 'for')];
  t.equal(presentWeightAt(assemblyAfter(...convened(), proxy(4, 3), opened), [tabled(), ...voted])?.presentWeight, 2, 'the holder is not there');
  t.equal(presentWeightAt(assemblyAfter(...convened(), proxy(4, 3), opened, present(3)), [tabled(), ...voted])?.presentWeight, 4, 'the holder is there');
  const recusing = tabled({ recused: [{ memberId: voter(3), ground: 'contract-party', reason: 'levert de tuinaarde' }, { memberId: outsider, ground: 'contract-party', reason: 'niet op de lijst' }] });
  const withRecusal = presentWeightAt(assemblyAfter(...convened(), proxy(4, 3), opened, present(3), present(5)), [recusing, ...voted]);
  t.match(withRecusal, { presentWeight: 4, eligibleWeight: 4, tally: { for: 2, against: 0, abstain: 0, notVoted: 2 } }, 'voters 1 and 2 voted, 4 represented by their holder, 5 there; 3 recused, the outsider on no roll');
});
