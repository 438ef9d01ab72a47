// The voting context's read side, specified as given events → then what a query answers.
import t from 'tap';
import { projectionSpecification, recorded } from '@meent/eventsourcing/testing';
import { initiativeEvents } from '@meent/initiative-funding/events';
import { cooperativeRulesSchema } from '@meent/membership/events';
import {
  AgendaItemAdded,
  ConvocationSent,
  AssemblyClosed,
  AssemblyConvened,
  AssemblyDemanded,
  AssemblyOpened,
  AssemblyRequestSupported,
  AssemblyRequested,
  AttendanceRecorded,
  MotionDecided,
  ProxyGranted,
  ProxyRevoked,
  VoterRollFixed,
  MotionTabled,
  ResultChallenged,
  SecretBallotCast,
  VoteCast,
  VotingClosed,
  VotingOpened,
  votingEvents,
} from '@meent/voting/events';
import {
  activeProxies,
  assembliesOf,
  assembliesProjection,
  assemblyOverview,
  assemblyRequest,
  rollEntry,
} from '../../services/voting/src/projections/assemblies.projection.js';
import { applicantOf, initiativeApplicantsProjection } from '../../services/voting/src/projections/initiative-applicants.projection.js';
import {
  motionView,
  motionsOfAssembly,
  motionsProjection,
  motionsStillVoting,
  turnoutOf,
} from '../../services/voting/src/projections/motions.projection.js';
import { applicantId, assemblyId, at, cooperativeId, initiativeId, initiativeSubmitted, motionDecided, motionId, otherCooperativeId } from './fixtures.js';

const voter = (n: number) => `0193a6f0-0000-7000-8000-0000000001${String(n).padStart(2, '0')}`;
const motion = `motion-${motionId}`;
const on = (day: string) => ({ at: at(day), cooperativeId });
const rule = { majority: 'simple' as const, quorum: null, basis: 'rules' as const };

const tabled = (ballot: 'open' | 'secret' = 'open') =>
  recorded(
    motion,
    MotionTabled({
      motionId,
      assemblyId,
      cooperativeId,
      title: 'Buurtmoestuin',
      text: 'De vergadering besluit tot aanleg van een buurtmoestuin.',
      decisionType: 'ordinary',
      rule,
      ballot,
      subject: null,
      recused: [{ memberId: voter(9), reason: 'applicant of the initiative' }],
      repeatsMotionId: null,
      tabledAt: at('2026-11-20'),
    }),
    on('2026-11-20'),
  );
const opened = (round = 1) => recorded(motion, VotingOpened({ motionId, round, openedAt: at('2026-12-01') }), on('2026-12-01'));
const vote = (voterId: string, choice: 'for' | 'against' | 'abstain', castBy = voterId, castAt = at('2026-12-01')) =>
  recorded(motion, VoteCast({ motionId, round: 1, voterId, castBy, choice, castAt }), on('2026-12-01'));
const closed = recorded(motion, VotingClosed({ motionId, round: 1, reason: 'closed-by-chair', closedAt: at('2026-12-01') }), on('2026-12-01'));
const decided = motionDecided({ decisionType: 'ordinary', subject: null, outcome: 'passed' });
const view = {
  id: motionId,
  assemblyId,
  title: 'Buurtmoestuin',
  text: 'De vergadering besluit tot aanleg van een buurtmoestuin.',
  decisionType: 'ordinary' as const,
  rule,
  ballot: 'open' as const,
  subject: null,
  recused: [{ memberId: voter(9), reason: 'applicant of the initiative' }],
  repeatsMotionId: null,
  tabledAt: at('2026-11-20'),
};
const decision = { ...MotionDecided.schema.parse(decided.event.data), challenge: null };

t.test('motions: the turnout holds each voter’s last vote in the round, by proxy where the holder cast it', async (t) => {
  const votes = [vote(voter(1), 'for'), vote(voter(2), 'against', voter(1)), vote(voter(1), 'against', voter(1), at('2026-12-01').replace('10:00', '11:00'))];
  const spec = projectionSpecification(t, motionsProjection, votingEvents).given(tabled(), opened(), ...votes);
  await spec.then((reader, tables) => turnoutOf(reader, tables, motionId, 1), [
    { memberId: voter(1), castBy: voter(1), byProxy: false, choice: 'against', castAt: '2026-12-01T11:00:00.000Z' },
    { memberId: voter(2), castBy: voter(1), byProxy: true, choice: 'against', castAt: at('2026-12-01') },
  ]);
  await spec.then((reader, tables) => turnoutOf(reader, tables, motionId, 1, voter(2)), [
    { memberId: voter(2), castBy: voter(1), byProxy: true, choice: 'against', castAt: at('2026-12-01') },
  ], 'one member’s vote');
  await spec.then((reader, tables) => motionsStillVoting(reader, tables, assemblyId), 1, 'voting is open on it');
  await spec.then(
    (reader, tables) => motionView(reader, tables, cooperativeId, motionId),
    { ...view, status: 'voting-open', round: 1, result: null, decisions: [] },
  );
});

t.test('motions: a secret ballot shows who voted, never how', async (t) => {
  const sealed = { algorithm: 'aes-256-gcm' as const, subject: `ballot-box-${motionId}-1`, iv: 'aXY=', ciphertext: 'Zm9y', tag: 'dGFn' };
  await projectionSpecification(t, motionsProjection, votingEvents)
    .given(
      tabled('secret'),
      opened(),
      recorded(motion, SecretBallotCast({ motionId, round: 1, voterId: voter(3), castBy: voter(3), sealedChoice: sealed, castAt: at('2026-12-01') }), on('2026-12-01')),
    )
    .then((reader, tables) => turnoutOf(reader, tables, motionId, 1), [
      { memberId: voter(3), castBy: voter(3), byProxy: false, choice: null, castAt: at('2026-12-01') },
    ]);
});

t.test('motions: decided, the decision stands; challenged, it is kept with the challenge and a new round opens', async (t) => {
  const spec = projectionSpecification(t, motionsProjection, votingEvents);
  const decidedMotion = spec.given(tabled(), opened(), vote(voter(1), 'for'), closed, decided);
  await decidedMotion.then((reader, tables) => motionView(reader, tables, cooperativeId, motionId), {
    ...view,
    status: 'decided',
    round: 1,
    result: decision,
    decisions: [decision],
  });
  await decidedMotion.then((reader, tables) => motionsStillVoting(reader, tables, assemblyId), 0);
  await decidedMotion.then((reader, tables) => motionView(reader, tables, otherCooperativeId, motionId), undefined, 'not another cooperative’s');
  const challenge = { challengedBy: voter(2), requestedBy: [voter(1), voter(2)], reason: 'De telling klopt niet', challengedAt: at('2026-12-01') };
  const challenged = recorded(motion, ResultChallenged({ motionId, round: 1, ...challenge }), on('2026-12-01'));
  await spec
    .given(tabled(), opened(), vote(voter(1), 'for'), closed, decided, challenged, opened(2))
    .then((reader, tables) => motionsOfAssembly(reader, tables, assemblyId), [
      { ...view, status: 'voting-open', round: 2, result: null, decisions: [{ ...decision, challenge }] },
    ]);
});

t.test('initiative applicants: the member who applied for an initiative, for recusal on its motions', async (t) => {
  const spec = projectionSpecification(t, initiativeApplicantsProjection, [...votingEvents, ...initiativeEvents]).given(initiativeSubmitted);
  await spec.then((reader, tables) => applicantOf(reader, tables, initiativeId), applicantId);
  await spec.then((reader, tables) => applicantOf(reader, tables, motionId), undefined, 'nothing for another id');
});

t.test('assemblies: the roll, agenda, the convocation sent, attendance with its weight, and the proxies still in force', async (t) => {
  const assembly = `assembly-${assemblyId}`;
  const venue = { kind: 'place' as const, address: 'Buurthuis De Meent, Meentweg 1' };
  const events = [
    recorded(
      assembly,
      AssemblyConvened({
        assemblyId,
        cooperativeId,
        title: 'Algemene ledenvergadering',
        scheduledAt: at('2026-12-15'),
        venue,
        recordDate: at('2026-11-20'),
        announcesStatuteAmendment: false,
        requestId: null,
        rules: cooperativeRulesSchema.parse({}),
        rulesVersion: 1,
        convenedAt: at('2026-11-20'),
      }),
      on('2026-11-20'),
    ),
    recorded(
      assembly,
      VoterRollFixed({ assemblyId, recordDate: at('2026-11-20'), voters: [{ memberId: voter(1), weight: 1 }, { memberId: voter(2), weight: 2 }, { memberId: voter(3), weight: 1 }], totalWeight: 4 }),
      on('2026-11-20'),
    ),
    recorded(assembly, AgendaItemAdded({ assemblyId, number: 1, title: 'Jaarrekening', addedAt: at('2026-11-21') }), on('2026-11-21')),
    // The report as it stood when the item was added: pinned at the item's own position, the fourth in the log.
    recorded(
      assembly,
      AgendaItemAdded({ assemblyId, number: 2, title: 'Jaarverslag', document: { kind: 'impact-report', year: 2026, asOfPosition: null }, addedAt: at('2026-11-21') }),
      on('2026-11-21'),
    ),
    recorded(
      assembly,
      AgendaItemAdded({ assemblyId, number: 3, title: 'Jaarverslag vorig jaar', document: { kind: 'impact-report', year: 2025, asOfPosition: 2 }, addedAt: at('2026-11-21') }),
      on('2026-11-21'),
    ),
    recorded(
      assembly,
      ConvocationSent({ assemblyId, cooperativeId, agenda: ['Jaarrekening'], motions: [], recipients: 3, sentAt: at('2026-11-21') }),
      on('2026-11-21'),
    ),
    recorded(assembly, ProxyGranted({ assemblyId, grantorId: voter(3), holderId: voter(1), grantedAt: at('2026-11-22') }), on('2026-11-22')),
    recorded(assembly, ProxyGranted({ assemblyId, grantorId: voter(2), holderId: voter(1), grantedAt: at('2026-11-23') }), on('2026-11-23')),
    recorded(assembly, ProxyRevoked({ assemblyId, grantorId: voter(2), holderId: voter(1), revokedAt: at('2026-11-24') }), on('2026-11-24')),
    recorded(assembly, AssemblyOpened({ assemblyId, openedAt: at('2026-12-15') }), on('2026-12-15')),
    recorded(assembly, AttendanceRecorded({ assemblyId, memberId: voter(2), recordedAt: at('2026-12-15') }), on('2026-12-15')),
    recorded(assembly, AssemblyClosed({ assemblyId, cooperativeId, closedAt: at('2026-12-16') }), on('2026-12-16')),
  ];
  const summary = {
    id: assemblyId,
    title: 'Algemene ledenvergadering',
    scheduledAt: at('2026-12-15'),
    venue,
    recordDate: at('2026-11-20'),
    announcesStatuteAmendment: false,
    requestId: null,
    rulesVersion: 1,
    status: 'closed' as const,
    rollSize: 3,
    rollWeight: 4,
    convenedAt: at('2026-11-20'),
    openedAt: at('2026-12-15'),
    closedAt: at('2026-12-16'),
    cancelledAt: null,
    cancellationReason: null,
  };
  const proxy = { grantorId: voter(3), holderId: voter(1), grantedAt: at('2026-11-22') };
  const spec = projectionSpecification(t, assembliesProjection, votingEvents).given(...events);
  await spec.then((reader, tables) => assembliesOf(reader, tables, cooperativeId), [summary]);
  await spec.then((reader, tables) => assembliesOf(reader, tables, otherCooperativeId), [], 'another cooperative has none');
  await spec.then((reader, tables) => assemblyOverview(reader, tables, cooperativeId, assemblyId), {
    ...summary,
    agenda: [
      { number: 1, title: 'Jaarrekening', document: null },
      {
        number: 2,
        title: 'Jaarverslag',
        document: { kind: 'impact-report', year: 2026, asOfPosition: 4, href: `/cooperatives/${cooperativeId}/impact-report.html?year=2026&asOfPosition=4` },
      },
      {
        number: 3,
        title: 'Jaarverslag vorig jaar',
        document: { kind: 'impact-report', year: 2025, asOfPosition: 2, href: `/cooperatives/${cooperativeId}/impact-report.html?year=2025&asOfPosition=2` },
      },
    ],
    attendance: [{ memberId: voter(2), recordedAt: at('2026-12-15') }],
    presentWeight: 2,
    proxies: [proxy],
    convocations: [{ sentAt: at('2026-11-21'), recipients: 3, agendaItems: 1, motions: 0 }],
  });
  await spec.then((reader, tables) => activeProxies(reader, tables, assemblyId, voter(2)), [], 'a revoked proxy is not in force');
  await spec.then((reader, tables) => rollEntry(reader, tables, assemblyId, voter(2)), { weight: 2 });
  await spec.then((reader, tables) => rollEntry(reader, tables, assemblyId, voter(9)), undefined, 'not on the roll');
});

t.test('assemblies: a request for an assembly gathers support until it is demanded, with the board’s deadline', async (t) => {
  const requestId = '0193a6f0-0000-7000-8000-0000000000aa';
  const request = `assembly-request-${requestId}`;
  const requested = recorded(request, AssemblyRequested({ requestId, cooperativeId, subject: 'De begroting', requestedBy: voter(1), requestedAt: at('2026-10-01') }), on('2026-10-01'));
  const supported = (n: number, day: string) =>
    recorded(request, AssemblyRequestSupported({ requestId, memberId: voter(n), weight: 1, supportedAt: at(day) }), on(day));
  const demanded = recorded(
    request,
    AssemblyDemanded({ requestId, cooperativeId, supportingWeight: 2, eligibleWeight: 12, deadline: at('2026-10-30'), demandedAt: at('2026-10-02') }),
    on('2026-10-02'),
  );
  const gathering = {
    id: requestId,
    subject: 'De begroting',
    requestedBy: voter(1),
    requestedAt: at('2026-10-01'),
    supporters: 1,
    supportingWeight: 1,
    demanded: false,
    eligibleWeight: null,
    demandedAt: null,
    deadline: null,
    convocation: null,
  };
  const spec = projectionSpecification(t, assembliesProjection, votingEvents);
  await spec.given(requested, supported(1, '2026-10-01')).then((reader, tables) => assemblyRequest(reader, tables, cooperativeId, requestId), gathering);
  await spec
    .given(requested, supported(1, '2026-10-01'), supported(2, '2026-10-02'), demanded)
    .then((reader, tables) => assemblyRequest(reader, tables, cooperativeId, requestId), {
      ...gathering,
      supporters: 2,
      supportingWeight: 2,
      demanded: true,
      eligibleWeight: 12,
      demandedAt: at('2026-10-02'),
      deadline: at('2026-10-30'),
    });
});
