import t from 'tap';
import { deciderSpecification } from '@meent/eventsourcing/testing';
import { votingEvents } from '@meent/voting/events';
import {
  AgendaItemAdded,
  AssemblyCancelled,
  AssemblyClosed,
  AssemblyConvened,
  AssemblyOpened,
  AttendanceRecorded,
  ConvocationSent,
  ProxyGranted,
  ProxyRevoked,
  VoterRollFixed,
} from '@meent/voting';
import { assemblyAggregate, assemblyDecider, assemblyStream, type AssemblyCommand } from '../src/domain/assembly.decider.js';
import {
  assemblyId,
  atMeeting,
  convened,
  convenedAt,
  cooperativeId,
  opened,
  outsider,
  proxy,
  recordDate,
  rulesWith,
  scheduledAt,
  voter,
} from './voting.fixture.js';

const spec = deciderSpecification(assemblyDecider, votingEvents);
const now = convenedAt;
const at = now.toISOString();

const convene = (overrides: Partial<Extract<AssemblyCommand, { type: 'ConveneAssembly' }>> = {}): AssemblyCommand => ({
  type: 'ConveneAssembly',
  assemblyId,
  cooperativeId,
  title: 'Algemene ledenvergadering voorjaar',
  scheduledAt,
  venue: { kind: 'place', address: 'Buurthuis De Meent, Dorpsstraat 1' },
  recordDate,
  announcesStatuteAmendment: false,
  requestId: null,
  rules: rulesWith(),
  rulesVersion: 1,
  eligibleVoters: [1, 2, 3, 4, 5].map((n) => ({ memberId: voter(n), membershipKind: null, turnoverCents: null })),
  now,
  ...overrides,
});
const grant = (grantor: number, holder: number): AssemblyCommand => ({
  type: 'GrantProxy',
  grantorId: voter(grantor),
  holderId: voter(holder),
  now,
});

t.test('when no assembly is convened', async (t) => {
  t.test('convening fixes the voter roll beside the notice', async (t) => {
    spec(t).given().when(convene()).then(...convened());
  });
  t.test('BW 2:38 lid 1: each voter weighs the votes the statutes give their kind of membership, one at least', async (t) => {
    const votesByMembershipKind = { producent: 3, gebruiker: 1 };
    const rules = rulesWith({ votesByMembershipKind });
    const eligibleVoters = [
      { memberId: voter(1), membershipKind: 'producent', turnoverCents: null },
      { memberId: voter(2), membershipKind: 'gebruiker', turnoverCents: null },
      { memberId: voter(3), membershipKind: null, turnoverCents: null },
      { memberId: voter(4), membershipKind: 'vervallen-soort', turnoverCents: null },
    ];
    const voters = [
      { memberId: voter(1), weight: 3 },
      { memberId: voter(2), weight: 1 },
      { memberId: voter(3), weight: 1 },
      { memberId: voter(4), weight: 1 },
    ];
    spec(t)
      .given()
      .when(convene({ eligibleVoters, rules }))
      .then(convened({ rules: { votesByMembershipKind } })[0]!, VoterRollFixed({ assemblyId, recordDate, voters, totalWeight: 6 }));
  });
  t.test('BW 2:38 lid 1: or by their share of turnover — one vote and one per step of it, up to the statutes’ most', async (t) => {
    const votesByTurnover = { centsPerVote: 100_000, maxVotes: 3 };
    const eligibleVoters = [
      { memberId: voter(1), membershipKind: null, turnoverCents: null },
      { memberId: voter(2), membershipKind: null, turnoverCents: 99_999 },
      { memberId: voter(3), membershipKind: null, turnoverCents: 100_000 },
      { memberId: voter(4), membershipKind: null, turnoverCents: 5_000_000 },
    ];
    const voters = [1, 1, 2, 3].map((weight, index) => ({ memberId: voter(index + 1), weight }));
    spec(t)
      .given()
      .when(convene({ eligibleVoters, rules: rulesWith({ votesByTurnover }) }))
      .then(convened({ rules: { votesByTurnover } })[0]!, VoterRollFixed({ assemblyId, recordDate, voters, totalWeight: 7 }));
  });
  t.test('rejects less notice than the rules require', async (t) => {
    spec(t)
      .given()
      .when(convene({ scheduledAt: '2026-03-14T10:00:00.000Z' }))
      .thenError('ASSEMBLY.NOTICE_TOO_SHORT', { statusCode: 422, rule: 'noticeDays' });
  });
  t.test('accepts exactly the notice the rules require', async (t) => {
    const result = assemblyDecider.decide(convene({ scheduledAt: '2026-03-15T10:00:00.000Z' }), assemblyDecider.initialState);
    t.equal(result[0]?.type, 'AssemblyConvened');
  });
  t.test('rejects a statute amendment on less than 7 days, even where the rules ask less notice', async (t) => {
    spec(t)
      .given()
      .when(
        convene({
          rules: rulesWith({ noticeDays: 3 }),
          scheduledAt: '2026-03-07T10:00:00.000Z',
          announcesStatuteAmendment: true,
        }),
      )
      .thenError('ASSEMBLY.NOTICE_TOO_SHORT', { statusCode: 422, rule: 'BW 2:42 statuteAmendmentNoticeDays' });
  });
  t.test('rejects a record date that lies ahead', async (t) => {
    spec(t)
      .given()
      .when(convene({ recordDate: '2026-03-02T00:00:00.000Z' }))
      .thenError('ASSEMBLY.RECORD_DATE_AHEAD', { statusCode: 422 });
  });
  t.test('rejects an empty voter roll', async (t) => {
    spec(t).given().when(convene({ eligibleVoters: [] })).thenError('ASSEMBLY.EMPTY_VOTER_ROLL', { statusCode: 422 });
  });
  t.test('rejects any other command with 404', async (t) => {
    spec(t).given().when({ type: 'OpenMeeting', now }).thenError('ASSEMBLY.NOT_FOUND', { statusCode: 404 });
  });
});

t.test('when the assembly is convened', async (t) => {
  t.test('rejects convening it again', async (t) => {
    spec(t).given(...convened()).when(convene()).thenError('ASSEMBLY.ALREADY_CONVENED', { statusCode: 409 });
  });
  t.test('numbers agenda items in order', async (t) => {
    spec(t)
      .given(...convened(), AgendaItemAdded({ assemblyId, number: 1, title: 'Opening', addedAt: at }))
      .when({ type: 'AddAgendaItem', title: 'Jaarrekening', now })
      .then(AgendaItemAdded({ assemblyId, number: 2, title: 'Jaarrekening', addedAt: at }));
  });
  t.test("puts a year's annual impact report before the assembly with an item, pinned at the item's position unless one is named", async (t) => {
    const report = { kind: 'impact-report', year: 2026, asOfPosition: null } as const;
    spec(t)
      .given(...convened())
      .when({ type: 'AddAgendaItem', title: 'Jaarverslag', document: report, now })
      .then(AgendaItemAdded({ assemblyId, number: 1, title: 'Jaarverslag', document: report, addedAt: at }));
  });
  t.test('a voter grants another voter a proxy', async (t) => {
    spec(t).given(...convened()).when(grant(1, 2)).then(proxy(1, 2));
  });
  t.test('rejects a proxy where the rules allow none', async (t) => {
    spec(t)
      .given(...convened({ rules: { proxiesAllowed: false } }))
      .when(grant(1, 2))
      .thenError('ASSEMBLY.PROXIES_NOT_ALLOWED', { statusCode: 422, rule: 'proxiesAllowed' });
  });
  t.test('rejects a proxy from someone not on the roll', async (t) => {
    spec(t)
      .given(...convened())
      .when({ type: 'GrantProxy', grantorId: outsider, holderId: voter(2), now })
      .thenError('ASSEMBLY.NOT_ON_ROLL', { statusCode: 403 });
  });
  t.test('rejects a proxy to someone not on the roll', async (t) => {
    spec(t)
      .given(...convened())
      .when({ type: 'GrantProxy', grantorId: voter(1), holderId: outsider, now })
      .thenError('ASSEMBLY.HOLDER_NOT_ON_ROLL', { statusCode: 422 });
  });
  t.test('rejects a proxy to oneself', async (t) => {
    spec(t).given(...convened()).when(grant(1, 1)).thenError('ASSEMBLY.PROXY_TO_SELF', { statusCode: 422 });
  });
  t.test('rejects a second proxy from one grantor', async (t) => {
    spec(t).given(...convened(), proxy(1, 2)).when(grant(1, 3)).thenError('ASSEMBLY.PROXY_ALREADY_GRANTED', { statusCode: 409 });
  });
  t.test('rejects a proxy beyond the holder cap', async (t) => {
    spec(t)
      .given(...convened(), proxy(1, 2))
      .when(grant(3, 2))
      .thenError('ASSEMBLY.PROXY_CAP_REACHED', { statusCode: 422, rule: 'maxProxiesPerHolder' });
  });
  t.test('lets a holder hold as many proxies as the rules allow', async (t) => {
    spec(t).given(...convened({ rules: { maxProxiesPerHolder: 2 } }), proxy(1, 2)).when(grant(3, 2)).then(proxy(3, 2));
  });
  t.test('a revoked proxy frees the holder for another', async (t) => {
    const revoked = ProxyRevoked({ assemblyId, grantorId: voter(1), holderId: voter(2), revokedAt: at });
    spec(t).given(...convened(), proxy(1, 2), revoked).when(grant(3, 2)).then(proxy(3, 2));
  });
  t.test('the grantor revokes their proxy', async (t) => {
    spec(t)
      .given(...convened(), proxy(1, 2))
      .when({ type: 'RevokeProxy', grantorId: voter(1), now })
      .then(ProxyRevoked({ assemblyId, grantorId: voter(1), holderId: voter(2), revokedAt: at }));
  });
  t.test('rejects revoking a proxy never granted', async (t) => {
    spec(t).given(...convened()).when({ type: 'RevokeProxy', grantorId: voter(1), now }).thenError('ASSEMBLY.NO_PROXY', { statusCode: 409 });
  });
  t.test('rejects opening the meeting before its time', async (t) => {
    spec(t)
      .given(...convened())
      .when({ type: 'OpenMeeting', now: new Date('2026-04-01T18:59:59.000Z') })
      .thenError('ASSEMBLY.TOO_EARLY', { statusCode: 422, rule: 'scheduledAt' });
  });
  t.test('rejects sending a convocation once the meeting has opened', async (t) => {
    spec(t).given(...convened(), opened).when({ type: 'SendConvocation', motions: [], now: atMeeting }).thenError('ASSEMBLY.WRONG_STATE', { statusCode: 409 });
  });
  t.test('rejects recording attendance before the meeting opens', async (t) => {
    spec(t)
      .given(...convened())
      .when({ type: 'RecordAttendance', memberId: voter(1), now })
      .thenError('ASSEMBLY.WRONG_STATE', { statusCode: 409 });
  });
  t.test('sends the convocation to everyone on the roll, with the agenda and the motions tabled so far', async (t) => {
    const motions = [{ motionId: voter(9), title: 'Moestuin', text: 'De coöperatie legt een moestuin aan.', decisionType: 'ordinary' }];
    spec(t)
      .given(...convened(), AgendaItemAdded({ assemblyId, number: 1, title: 'Jaarrekening', addedAt: at }))
      .when({ type: 'SendConvocation', motions, now })
      .then(ConvocationSent({ assemblyId, cooperativeId, agenda: ['Jaarrekening'], motions, recipients: 5, sentAt: at }));
  });
  t.test('notice runs from the convocation: exactly the rules’ days before the meeting, and not a second less', async (t) => {
    const lastMoment = new Date('2026-03-18T19:00:00.000Z');
    spec(t)
      .given(...convened())
      .when({ type: 'SendConvocation', motions: [], now: lastMoment })
      .then(ConvocationSent({ assemblyId, cooperativeId, agenda: [], motions: [], recipients: 5, sentAt: lastMoment.toISOString() }));
    spec(t)
      .given(...convened())
      .when({ type: 'SendConvocation', motions: [], now: new Date(lastMoment.getTime() + 1000) })
      .thenError('ASSEMBLY.NOTICE_TOO_SHORT', { statusCode: 422, rule: 'noticeDays' });
  });
  t.test('BW 2:42: a meeting to amend the statutes has their notice, and the proposal’s text goes with it', async (t) => {
    const rules = { noticeDays: 0, statuteAmendmentNoticeDays: 7 };
    const amendment = [{ motionId: voter(9), title: 'Artikel 5', text: 'Artikel 5 luidt voortaan: …', decisionType: 'statute-amendment' }];
    const lastMoment = new Date('2026-03-25T19:00:00.000Z');
    spec(t)
      .given(...convened({ rules, announcesStatuteAmendment: true }))
      .when({ type: 'SendConvocation', motions: amendment, now: lastMoment })
      .then(ConvocationSent({ assemblyId, cooperativeId, agenda: [], motions: amendment, recipients: 5, sentAt: lastMoment.toISOString() }));
    spec(t)
      .given(...convened({ rules, announcesStatuteAmendment: true }))
      .when({ type: 'SendConvocation', motions: amendment, now: new Date(lastMoment.getTime() + 1000) })
      .thenError('ASSEMBLY.NOTICE_TOO_SHORT', { statusCode: 422, rule: 'BW 2:42 statuteAmendmentNoticeDays' });
    const ordinary = [{ ...amendment[0]!, decisionType: 'ordinary' }];
    spec(t)
      .given(...convened({ rules, announcesStatuteAmendment: true }))
      .when({ type: 'SendConvocation', motions: ordinary, now })
      .thenError('ASSEMBLY.AMENDMENT_NOT_TABLED', { statusCode: 422, rule: 'BW 2:42 lid 1' });
  });
  t.test('cancels it with a reason', async (t) => {
    spec(t)
      .given(...convened())
      .when({ type: 'CancelAssembly', reason: 'venue unavailable', now })
      .then(AssemblyCancelled({ assemblyId, reason: 'venue unavailable', cancelledAt: at }));
  });
});

t.test('when the meeting is in session', async (t) => {
  const meeting = atMeeting.toISOString();
  t.test('records who is present', async (t) => {
    spec(t)
      .given(...convened(), opened)
      .when({ type: 'RecordAttendance', memberId: voter(3), now: atMeeting })
      .then(AttendanceRecorded({ assemblyId, memberId: voter(3), recordedAt: meeting }));
  });
  t.test('records a voter present once', async (t) => {
    spec(t)
      .given(...convened(), opened, AttendanceRecorded({ assemblyId, memberId: voter(3), recordedAt: meeting }))
      .when({ type: 'RecordAttendance', memberId: voter(3), now: atMeeting })
      .then();
  });
  t.test('rejects attendance of someone not on the roll', async (t) => {
    spec(t)
      .given(...convened(), opened)
      .when({ type: 'RecordAttendance', memberId: outsider, now: atMeeting })
      .thenError('ASSEMBLY.ATTENDEE_NOT_ON_ROLL', { statusCode: 422 });
  });
  t.test('rejects closing while a motion is still being voted on', async (t) => {
    spec(t)
      .given(...convened(), opened)
      .when({ type: 'CloseMeeting', motionsStillVoting: 1, now: atMeeting })
      .thenError('ASSEMBLY.VOTING_STILL_OPEN', { statusCode: 409 });
  });
  t.test('closes', async (t) => {
    spec(t)
      .given(...convened(), opened)
      .when({ type: 'CloseMeeting', motionsStillVoting: 0, now: atMeeting })
      .then(AssemblyClosed({ assemblyId, cooperativeId, closedAt: meeting }));
  });
  t.test('rejects cancelling a meeting that has begun', async (t) => {
    spec(t)
      .given(...convened(), opened)
      .when({ type: 'CancelAssembly', reason: 'too late', now: atMeeting })
      .thenError('ASSEMBLY.WRONG_STATE', { statusCode: 409 });
  });
});

t.test('when the assembly is closed', async (t) => {
  const closed = AssemblyClosed({ assemblyId, cooperativeId, closedAt: atMeeting.toISOString() });
  t.test('rejects revoking a proxy: voting has closed', async (t) => {
    spec(t)
      .given(...convened(), proxy(1, 2), opened, closed)
      .when({ type: 'RevokeProxy', grantorId: voter(1), now: atMeeting })
      .thenError('ASSEMBLY.WRONG_STATE', { statusCode: 409 });
  });
  t.test('rejects granting a proxy', async (t) => {
    spec(t).given(...convened(), opened, closed).when(grant(1, 2)).thenError('ASSEMBLY.WRONG_STATE', { statusCode: 409 });
  });
});

t.test('the convening event carries the rules in force, so a later change never rejudges it', async (t) => {
  const [event] = assemblyDecider.decide(convene({ rules: rulesWith({ noticeDays: 21 }) }), assemblyDecider.initialState);
  t.equal(event?.type, AssemblyConvened.type);
  t.equal(event?.type === 'AssemblyConvened' && event.data.rules.noticeDays, 21);
});

t.test('an assembly is its own stream, which exists once convened', async (t) => {
  t.equal(assemblyStream(assemblyId), `assembly-${assemblyId}`);
  t.equal(assemblyAggregate.exists(assemblyDecider.initialState), false);
  t.equal(assemblyAggregate.exists(convened().reduce(assemblyDecider.evolve, assemblyDecider.initialState)), true);
});

t.test("BW 2:42: an assembly that is to amend the statutes needs the longer notice; one that is not, only the rules' notice", async (t) => {
  const rules = rulesWith({ noticeDays: 7, statuteAmendmentNoticeDays: 21 });
  const DAY = 86_400_000;
  const ahead = (days: number) => new Date(new Date(scheduledAt).getTime() - days * DAY);
  const accepted = (announcesStatuteAmendment: boolean, at: Date) =>
    convened({ rules: { noticeDays: 7, statuteAmendmentNoticeDays: 21 }, announcesStatuteAmendment, at });
  spec(t).given().when(convene({ rules, now: ahead(10) })).then(...accepted(false, ahead(10)));
  spec(t)
    .given()
    .when(convene({ rules, announcesStatuteAmendment: true, now: ahead(10) }))
    .thenError('ASSEMBLY.NOTICE_TOO_SHORT', { message: "An assembly that is to amend the statutes needs 21 days' notice", rule: 'BW 2:42 statuteAmendmentNoticeDays' });
  spec(t).given().when(convene({ rules, announcesStatuteAmendment: true, now: ahead(21) })).then(...accepted(true, ahead(21)));
  spec(t)
    .given()
    .when(convene({ rules, now: ahead(6.5) }))
    .thenError('ASSEMBLY.NOTICE_TOO_SHORT', { message: "The rules require 7 days' notice; the meeting is 6 days away", rule: 'noticeDays' });
  const onRecordDate = new Date(recordDate);
  spec(t).given().when(convene({ now: onRecordDate })).then(...convened({ at: onRecordDate }));
});

t.test('the meeting opens at its scheduled time, not before, and closes with no motion still voting', async (t) => {
  spec(t).given(...convened()).when({ type: 'OpenMeeting', now: new Date(scheduledAt) }).then(AssemblyOpened({ assemblyId, openedAt: scheduledAt }));
  spec(t)
    .given(...convened())
    .when({ type: 'OpenMeeting', now: new Date(new Date(scheduledAt).getTime() - 1) })
    .thenError('ASSEMBLY.TOO_EARLY', { message: `The meeting is scheduled for ${scheduledAt}` });
  spec(t)
    .given(...convened(), opened)
    .when({ type: 'CloseMeeting', motionsStillVoting: 2, now: atMeeting })
    .thenError('ASSEMBLY.VOTING_STILL_OPEN', { message: 'Voting is still open on 2 motion(s) of this assembly' });
});

t.test('a closed or cancelled assembly takes nothing more, and says what it is', async (t) => {
  const closed = AssemblyClosed({ assemblyId, cooperativeId, closedAt: atMeeting.toISOString() });
  spec(t)
    .given(...convened(), opened, closed)
    .when({ type: 'RecordAttendance', memberId: voter(1), now: atMeeting })
    .thenError('ASSEMBLY.WRONG_STATE', { statusCode: 409, message: 'The assembly is Closed; this needs InSession' });
  spec(t)
    .given(...convened(), AssemblyCancelled({ assemblyId, reason: 'zaal niet beschikbaar', cancelledAt: at }))
    .when(grant(1, 2))
    .thenError('ASSEMBLY.WRONG_STATE', { message: 'The assembly is Cancelled; this needs Convened or InSession' });
  spec(t)
    .given(...convened(), opened)
    .when({ type: 'RecordAttendance', memberId: outsider, now: atMeeting })
    .thenError('ASSEMBLY.ATTENDEE_NOT_ON_ROLL', { message: `Member ${outsider} is not on this assembly's voter roll` });
});

t.test("a holder's proxies are counted against the cap, not everyone's", async (t) => {
  spec(t)
    .given(...convened({ rules: { maxProxiesPerHolder: 2 } }), proxy(1, 5), proxy(2, 5), proxy(3, 4))
    .when(grant(4, 3))
    .then(ProxyGranted({ assemblyId, grantorId: voter(4), holderId: voter(3), grantedAt: at }));
  spec(t)
    .given(...convened({ rules: { maxProxiesPerHolder: 2 } }), proxy(1, 5), proxy(2, 5))
    .when(grant(3, 5))
    .thenError('ASSEMBLY.PROXY_CAP_REACHED', { message: 'The holder already holds 2 proxy(ies); the rules allow 2' });
});
