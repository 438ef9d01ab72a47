import t from 'tap';
import { deciderSpecification } from '@meent/eventsourcing/testing';
import { membershipEvents } from '@meent/membership/events';
import { cooperativeRulesSchema } from '@meent/membership';
import {
  ApplicationRejected,
  MemberAdmitted,
  MemberDetailsChanged,
  MembershipKindAssigned,
  MemberTurnoverRecorded,
  MemberRegistered,
  MemberReinstated,
  MemberSuspended,
  MemberTerminated,
  MemberExpelled,
  ExpulsionAppealed,
  ExpulsionUpheld,
  ExpulsionAnnulled,
  PersonalDataErased,
} from '@meent/membership';
import { memberAggregate, memberDecider, memberStream, type MemberCommand } from '../src/domain/member.decider.js';

const spec = deciderSpecification(memberDecider, membershipEvents);
const memberId = '0193a6f0-0000-7000-8000-00000000000a';
const cooperativeId = '0193a6f0-0000-7000-8000-000000000001';
const now = new Date('2026-03-01T10:00:00.000Z');
const at = now.toISOString();
const envelope = { algorithm: 'aes-256-gcm' as const, subject: memberId, iv: 'aXY=', ciphertext: 'Y2lwaGVy', tag: 'dGFn' };

const register = (overrides: Partial<Extract<MemberCommand, { type: 'RegisterMember' }>> = {}): MemberCommand => ({
  type: 'RegisterMember',
  memberId,
  cooperativeId,
  personalData: envelope,
  emailClaim: 'claim-1',
  channel: 'secretary',
  selfApplicationAllowed: true,
  now,
  ...overrides,
});
const registered = MemberRegistered({
  memberId,
  cooperativeId,
  personalData: envelope,
  emailClaim: 'claim-1',
  channel: 'secretary',
  registeredAt: at,
});
const admitted = MemberAdmitted({ memberId, admittedAt: at });
const suspended = MemberSuspended({ memberId, reason: 'unpaid contribution', suspendedAt: at });
/** A resignation given on 1 March takes effect when the (calendar) financial year ends. */
const yearEnd = '2027-01-01T00:00:00.000Z';
const terminated = MemberTerminated({
  memberId,
  kind: 'resigned',
  reason: null,
  effectiveAt: yearEnd,
  terminatedAt: at,
});
const defaultTerms = cooperativeRulesSchema.parse({});
const rejected = ApplicationRejected({ memberId, reason: 'lives outside the neighbourhood', rejectedAt: at });
const terminate = (kind: 'resigned' | 'expelled' | 'deceased', reason: string | null = null, resignation = defaultTerms): MemberCommand => ({
  type: 'TerminateMembership',
  kind,
  reason,
  effectiveAt: kind === 'deceased' ? yearEnd : null,
  resignation,
  expulsionAppealMonths: 1,
  now,
});

t.test('when nobody is registered under the id', async (t) => {
  t.test('the secretary registers them as an applicant', async (t) => {
    spec(t).given().when(register()).then(registered);
  });
  t.test('a person applies themselves where the rules allow it', async (t) => {
    spec(t)
      .given()
      .when(register({ channel: 'self-application' }))
      .then(MemberRegistered({ ...registered.data, channel: 'self-application' }));
  });
  t.test('rejects a self-application where the rules leave registering to the secretary', async (t) => {
    spec(t)
      .given()
      .when(register({ channel: 'self-application', selfApplicationAllowed: false }))
      .thenError('MEMBER.SELF_APPLICATION_NOT_ALLOWED', { statusCode: 422, rule: 'selfApplication' });
  });
  t.test('anything else is about a member who does not exist', async (t) => {
    spec(t).given().when({ type: 'AdmitMember', now }).thenError('MEMBER.NOT_FOUND', { statusCode: 404 });
  });
});

t.test('when an application is pending', async (t) => {
  t.test('registering again is refused', async (t) => {
    spec(t).given(registered).when(register()).thenError('MEMBER.ALREADY_REGISTERED', { statusCode: 409 });
  });
  t.test('admits', async (t) => {
    spec(t).given(registered).when({ type: 'AdmitMember', now }).then(admitted);
  });
  t.test('rejects, with the reason', async (t) => {
    spec(t)
      .given(registered)
      .when({ type: 'RejectApplication', reason: 'lives outside the neighbourhood', now })
      .then(rejected);
  });
  t.test('cannot suspend or terminate an applicant', async (t) => {
    spec(t).given(registered).when({ type: 'SuspendMember', reason: 'x', now }).thenError('MEMBER.NOT_ADMITTED');
    spec(t).given(registered).when(terminate('resigned')).thenError('MEMBER.NOT_ADMITTED');
  });
  t.test('details may change', async (t) => {
    spec(t)
      .given(registered)
      .when({ type: 'ChangeDetails', personalData: envelope, emailClaim: 'claim-2', now })
      .then(MemberDetailsChanged({ memberId, personalData: envelope, emailClaim: 'claim-2', changedAt: at }));
  });
});

t.test('when the member is admitted', async (t) => {
  t.test('admitting twice is refused', async (t) => {
    spec(t).given(registered, admitted).when({ type: 'AdmitMember', now }).thenError('MEMBER.ALREADY_ADMITTED', { statusCode: 409 });
  });
  t.test('an application no longer pending cannot be rejected', async (t) => {
    spec(t).given(registered, admitted).when({ type: 'RejectApplication', reason: 'x', now }).thenError('MEMBER.NOT_AN_APPLICANT');
  });
  t.test('suspends, with the reason', async (t) => {
    spec(t).given(registered, admitted).when({ type: 'SuspendMember', reason: 'unpaid contribution', now }).then(suspended);
  });
  t.test('reinstating someone not suspended is refused', async (t) => {
    spec(t).given(registered, admitted).when({ type: 'ReinstateMember', now }).thenError('MEMBER.NOT_SUSPENDED');
  });
  t.test('terminates on resignation, from the effective date', async (t) => {
    spec(t).given(registered, admitted).when(terminate('resigned')).then(terminated);
  });
  t.test('an expulsion states its reason', async (t) => {
    spec(t)
      .given(registered, admitted)
      .when(terminate('expelled'))
      .thenError('MEMBER.EXPULSION_WITHOUT_REASON', { statusCode: 422, rule: 'expulsion-reason' });
    spec(t)
      .given(registered, admitted)
      .when(terminate('expelled', 'acted against the cooperative'))
      .then(MemberExpelled({ memberId, reason: 'acted against the cooperative', appealUntil: '2026-04-01T10:00:00.000Z', expelledAt: at }));
  });
  t.test('personal data stays while the membership lasts', async (t) => {
    spec(t)
      .given(registered, admitted)
      .when({ type: 'ErasePersonalData', now })
      .thenError('MEMBER.ERASURE_WHILE_MEMBER', { statusCode: 422, rule: 'register-obligation' });
  });
});

t.test('erasure is refused while the register must hold the details', async (t) => {
  for (const [status, given] of [
    ['an applicant', [registered]],
    ['an admitted member', [registered, admitted]],
    ['a suspended member', [registered, admitted, suspended]],
  ] as const) {
    t.test(status, async (t) => {
      spec(t)
        .given(...given)
        .when({ type: 'ErasePersonalData', now })
        .thenError('MEMBER.ERASURE_WHILE_MEMBER', { statusCode: 422, rule: 'register-obligation' });
    });
  }
});

t.test('when the member is suspended', async (t) => {
  t.test('suspending again is refused', async (t) => {
    spec(t).given(registered, admitted, suspended).when({ type: 'SuspendMember', reason: 'x', now }).thenError('MEMBER.ALREADY_SUSPENDED');
  });
  t.test('reinstates', async (t) => {
    spec(t)
      .given(registered, admitted, suspended)
      .when({ type: 'ReinstateMember', now })
      .then(MemberReinstated({ memberId, reinstatedAt: at }));
  });
  t.test('may still be terminated (a death, say)', async (t) => {
    spec(t)
      .given(registered, admitted, suspended)
      .when(terminate('deceased'))
      .then(MemberTerminated({ ...terminated.data, kind: 'deceased' }));
  });
});

t.test('BW 2:36 lid 2: a resignation takes effect at the end of the financial year, after the notice', async (t) => {
  const resignedOn = (day: string, terms = defaultTerms): MemberCommand => ({ ...terminate('resigned', null, terms), now: new Date(`${day}T10:00:00.000Z`) } as MemberCommand);
  const effectiveOn = (day: string, effectiveAt: string) =>
    MemberTerminated({ memberId, kind: 'resigned', reason: null, effectiveAt, terminatedAt: `${day}T10:00:00.000Z` });
  spec(t).given(registered, admitted).when(resignedOn('2026-12-01')).then(effectiveOn('2026-12-01', '2027-01-01T00:00:00.000Z'));
  spec(t)
    .given(registered, admitted)
    .when(resignedOn('2026-12-10'))
    // Less than four weeks before the year ends: at the end of the next one.
    .then(effectiveOn('2026-12-10', '2028-01-01T00:00:00.000Z'));
  const julyYear = cooperativeRulesSchema.parse({ financialYearStartMonth: 7 });
  spec(t).given(registered, admitted).when(resignedOn('2026-03-01', julyYear)).then(effectiveOn('2026-03-01', '2026-07-01T00:00:00.000Z'));
  const atOnce = cooperativeRulesSchema.parse({ resignationAtYearEnd: false, resignationNoticeWeeks: 0 });
  // Where the statutes allow it at once.
  spec(t).given(registered, admitted).when(resignedOn('2026-03-01', atOnce)).then(effectiveOn('2026-03-01', '2026-03-01T10:00:00.000Z'));
  spec(t)
    .given(registered, admitted)
    .when({ ...terminate('resigned'), effectiveAt: '2026-04-01T00:00:00.000Z' } as MemberCommand)
    .thenError('MEMBER.RESIGNATION_DATE_BY_LAW', { statusCode: 422, rule: 'BW 2:36 lid 2' });
});

t.test('when the membership is terminated', async (t) => {
  const after = [registered, admitted, terminated];
  for (const command of [
    { type: 'AdmitMember', now },
    { type: 'SuspendMember', reason: 'x', now },
    { type: 'ReinstateMember', now },
    terminate('resigned'),
    { type: 'ChangeDetails', personalData: envelope, emailClaim: 'claim-2', now },
  ] satisfies MemberCommand[]) {
    t.test(`nothing happens: ${command.type} is refused`, async (t) => {
      spec(t).given(...after).when(command).thenError('MEMBER.TERMINATED', { statusCode: 409 });
    });
  }
  const effective = new Date(terminated.data.effectiveAt);
  t.test('the personal data stays until the termination takes effect: the membership lasts until then', async (t) => {
    spec(t)
      .given(...after)
      .when({ type: 'ErasePersonalData', now })
      .thenError('MEMBER.ERASURE_WHILE_MEMBER', { statusCode: 422, rule: 'register-obligation' });
    spec(t)
      .given(...after)
      .when({ type: 'ErasePersonalData', now: new Date(effective.getTime() - 1) })
      .thenError('MEMBER.ERASURE_WHILE_MEMBER', { statusCode: 422, rule: 'register-obligation' });
  });
  t.test('from the day it takes effect, the personal data may be erased, once', async (t) => {
    const erasedAt = effective.toISOString();
    spec(t).given(...after).when({ type: 'ErasePersonalData', now: effective }).then(PersonalDataErased({ memberId, erasedAt }));
    spec(t)
      .given(...after, PersonalDataErased({ memberId, erasedAt }))
      .when({ type: 'ErasePersonalData', now: effective })
      .thenError('MEMBER.ALREADY_ERASED', { statusCode: 409 });
  });
});

t.test('when the application was rejected', async (t) => {
  t.test('nothing more happens to it', async (t) => {
    spec(t).given(registered, rejected).when({ type: 'AdmitMember', now }).thenError('MEMBER.REJECTED', { statusCode: 409 });
  });
  t.test('the applicant’s personal data may be erased', async (t) => {
    spec(t).given(registered, rejected).when({ type: 'ErasePersonalData', now }).then(PersonalDataErased({ memberId, erasedAt: at }));
  });
});

t.test('BW 2:35 lid 4: an expelled member is suspended, may appeal to the assembly within the term, and its decision ends it', async (t) => {
  const expelled = MemberExpelled({ memberId, reason: 'acted against the cooperative', appealUntil: '2026-04-01T10:00:00.000Z', expelledAt: at });
  const appealed = ExpulsionAppealed({ memberId, appealedAt: at });
  const motionId = '0193a6f0-0000-7000-8000-0000000000b1';
  const decided = (confirmed: boolean, round = 1): MemberCommand => ({ type: 'RecordAppealDecision', motionId, round, confirmed, now });
  const upheld = ExpulsionUpheld({ memberId, motionId, round: 1, effectiveAt: at });
  const annulled = ExpulsionAnnulled({ memberId, motionId, round: 1, annulledAt: at });
  t.test('the expulsion has no date of its own: its appeal term or the assembly sets it', async (t) => {
    spec(t)
      .given(registered, admitted)
      .when({ ...terminate('expelled', 'schade'), effectiveAt: yearEnd } as MemberCommand)
      .thenError('MEMBER.EXPULSION_DATE_BY_LAW', { statusCode: 422, rule: 'BW 2:35 lid 4' });
  });
  t.test('the statutes may give a longer term to appeal', async (t) => {
    spec(t)
      .given(registered, admitted)
      .when({ ...terminate('expelled', 'schade'), expulsionAppealMonths: 3 } as MemberCommand)
      .then(MemberExpelled({ memberId, reason: 'schade', appealUntil: '2026-06-01T10:00:00.000Z', expelledAt: at }));
  });
  t.test('the member appeals within the term, once', async (t) => {
    spec(t).given(registered, admitted, expelled).when({ type: 'AppealExpulsion', now }).then(appealed);
    spec(t).given(registered, admitted, expelled, appealed).when({ type: 'AppealExpulsion', now }).thenError('MEMBER.ALREADY_APPEALED', { statusCode: 409 });
    spec(t)
      .given(registered, admitted, expelled)
      .when({ type: 'AppealExpulsion', now: new Date('2026-04-01T10:00:00.001Z') })
      .thenError('MEMBER.APPEAL_TERM_PASSED', { statusCode: 422, rule: 'BW 2:35 lid 4 expulsionAppealMonths' });
    spec(t).given(registered, admitted).when({ type: 'AppealExpulsion', now }).thenError('MEMBER.NOT_EXPELLED', { statusCode: 409 });
    const lastMoment = new Date('2026-04-01T10:00:00.000Z');
    spec(t)
      .given(registered, admitted, expelled)
      .when({ type: 'AppealExpulsion', now: lastMoment })
      .then(ExpulsionAppealed({ memberId, appealedAt: lastMoment.toISOString() }));
  });
  t.test('meanwhile the board cannot act on the membership as if it were ordinary', async (t) => {
    spec(t).given(registered, admitted, expelled).when({ type: 'SuspendMember', reason: 'x', now }).thenError('MEMBER.EXPELLED', { statusCode: 409 });
    spec(t).given(registered, admitted, expelled).when(terminate('resigned')).thenError('MEMBER.EXPELLED', { statusCode: 409 });
    const details = { type: 'ChangeDetails', personalData: envelope, emailClaim: 'claim-2', now } as const;
    spec(t)
      .given(registered, admitted, expelled)
      .when(details)
      .then(MemberDetailsChanged({ memberId, personalData: envelope, emailClaim: 'claim-2', changedAt: at }));
  });
  t.test('the assembly confirms the expulsion, or it is annulled; a new vote on the same motion undoes the first (BW 2:13 lid 4)', async (t) => {
    spec(t).given(registered, admitted, expelled, appealed).when(decided(true)).then(upheld);
    spec(t).given(registered, admitted, expelled, appealed).when(decided(false)).then(annulled);
    spec(t).given(registered, admitted, expelled).when(decided(true)).then();
    spec(t).given(registered, admitted, expelled, appealed, upheld).when(decided(true)).then();
    spec(t)
      .given(registered, admitted, expelled, appealed, upheld)
      .when(decided(false, 2))
      .then(ExpulsionAnnulled({ memberId, motionId, round: 2, annulledAt: at }));
    spec(t)
      .given(registered, admitted, expelled, appealed, annulled)
      .when(decided(true, 2))
      .then(ExpulsionUpheld({ memberId, motionId, round: 2, effectiveAt: at }));
    spec(t)
      .given(registered, admitted, expelled, appealed, annulled)
      .when({ type: 'SuspendMember', reason: 'onbetaalde contributie', now })
      .then(MemberSuspended({ memberId, reason: 'onbetaalde contributie', suspendedAt: at }));
    spec(t).given(registered, admitted, expelled, appealed, upheld).when({ type: 'SuspendMember', reason: 'x', now }).thenError('MEMBER.TERMINATED');
  });
  t.test('the register holds the details until the unappealed expulsion takes effect', async (t) => {
    spec(t).given(registered, admitted, expelled).when({ type: 'ErasePersonalData', now }).thenError('MEMBER.ERASURE_WHILE_MEMBER', { statusCode: 422 });
    const later = new Date('2026-04-02T10:00:00.000Z');
    spec(t)
      .given(registered, admitted, expelled)
      .when({ type: 'ErasePersonalData', now: later })
      .then(PersonalDataErased({ memberId, erasedAt: later.toISOString() }));
    spec(t).given(registered, admitted, expelled, appealed).when({ type: 'ErasePersonalData', now: later }).thenError('MEMBER.ERASURE_WHILE_MEMBER', { statusCode: 422 });
  });
});

t.test('BW 2:38 lid 1: the secretary records a kind of membership the statutes name, for the votes it gives', async (t) => {
  const assign = (kind: string | null): MemberCommand => ({ type: 'AssignMembershipKind', kind, kindsInStatutes: ['producent'], now });
  const assigned = MembershipKindAssigned({ memberId, kind: 'producent', assignedAt: at });
  spec(t).given(registered, admitted).when(assign('producent')).then(assigned);
  spec(t).given(registered, admitted, assigned).when(assign('producent')).then();
  spec(t).given(registered, admitted, assigned).when(assign(null)).then(MembershipKindAssigned({ memberId, kind: null, assignedAt: at }));
  spec(t)
    .given(registered, admitted)
    .when(assign('investeerder'))
    .thenError('MEMBER.UNKNOWN_MEMBERSHIP_KIND', { statusCode: 422, rule: 'BW 2:38 lid 1 votesByMembershipKind' });
  spec(t).given(registered, admitted, terminated).when(assign('producent')).thenError('MEMBER.TERMINATED');
});

t.test('BW 2:38 lid 1: the treasurer records a member’s turnover for a financial year', async (t) => {
  spec(t)
    .given(registered, admitted)
    .when({ type: 'RecordTurnover', financialYear: 2026, turnoverCents: 1_250_000, now })
    .then(MemberTurnoverRecorded({ memberId, financialYear: 2026, turnoverCents: 1_250_000, recordedAt: at }));
  spec(t).given(registered, rejected).when({ type: 'RecordTurnover', financialYear: 2026, turnoverCents: 1, now }).thenError('MEMBER.REJECTED');
});

t.test('BW 2:36 lid 2: notice that runs out exactly as a financial year ends takes effect then, not a year later', async (t) => {
  const justInTime = new Date('2026-12-04T00:00:00.000Z');
  spec(t)
    .given(registered, admitted)
    .when({ ...terminate('resigned'), now: justInTime } as MemberCommand)
    .then(MemberTerminated({ memberId, kind: 'resigned', reason: null, effectiveAt: yearEnd, terminatedAt: justInTime.toISOString() }));
});

t.test('a death without a date ends the membership at once', async (t) => {
  spec(t)
    .given(registered, admitted)
    .when({ ...terminate('deceased'), effectiveAt: null } as MemberCommand)
    .then(MemberTerminated({ memberId, kind: 'deceased', reason: null, effectiveAt: at, terminatedAt: at }));
});

t.test('a member is their own stream, which exists once registered', async (t) => {
  t.equal(memberStream(memberId), `member-${memberId}`);
  t.equal(memberAggregate.exists(memberDecider.initialState), false);
  t.equal(memberAggregate.exists(memberDecider.evolve(memberDecider.initialState, registered)), true);
});

t.test('the secretary registers whoever the rules leave to self-application too; refusals say what they are about', async (t) => {
  spec(t)
    .given()
    .when(register({ selfApplicationAllowed: false }))
    .then(registered);
  spec(t).given().when({ type: 'AdmitMember', now }).thenError('MEMBER.NOT_FOUND', { message: 'No such member' });
  spec(t)
    .given(registered, admitted)
    .when({ type: 'AssignMembershipKind', kind: 'investeerder', kindsInStatutes: ['producent', 'afnemer'], now })
    .thenError('MEMBER.UNKNOWN_MEMBERSHIP_KIND', { message: 'The statutes name no membership kind investeerder (they name: producent, afnemer)' });
  spec(t)
    .given(registered, admitted)
    .when({ type: 'AssignMembershipKind', kind: 'investeerder', kindsInStatutes: [], now })
    .thenError('MEMBER.UNKNOWN_MEMBERSHIP_KIND', { message: 'The statutes name no membership kind investeerder (they name: none)' });
  spec(t)
    .given(registered)
    .when(terminate('resigned'))
    .thenError('MEMBER.NOT_ADMITTED', { message: 'An application is rejected, not terminated' });
});

t.test('an expulsion under appeal, and one decided: the refusals say which', async (t) => {
  const expelled = MemberExpelled({ memberId, reason: 'acted against the cooperative', appealUntil: '2026-04-01T10:00:00.000Z', expelledAt: at });
  const appealed = ExpulsionAppealed({ memberId, appealedAt: at });
  spec(t)
    .given(registered, admitted, expelled)
    .when({ type: 'SuspendMember', reason: 'x', now })
    .thenError('MEMBER.EXPELLED', { message: 'This member was expelled; the appeal term runs until 2026-04-01T10:00:00.000Z' });
  spec(t)
    .given(registered, admitted, expelled, appealed)
    .when({ type: 'SuspendMember', reason: 'x', now })
    .thenError('MEMBER.EXPELLED', { message: 'This member was expelled and appealed; the assembly decides' });
  spec(t)
    .given(registered, admitted, expelled)
    .when({ type: 'AppealExpulsion', now: new Date('2026-04-01T10:00:00.001Z') })
    .thenError('MEMBER.APPEAL_TERM_PASSED', { message: 'The term to appeal ended at 2026-04-01T10:00:00.000Z' });
  const terminated = MemberTerminated({ memberId, kind: 'resigned', reason: null, effectiveAt: '2026-12-31T23:00:00.000Z', terminatedAt: at });
  spec(t)
    .given(registered, admitted, terminated)
    .when({ type: 'SuspendMember', reason: 'x', now })
    .thenError('MEMBER.TERMINATED', { message: 'This membership was terminated (resigned, effective 2026-12-31T23:00:00.000Z)' });
});

t.test("an appeal's decision counts once: a repeated or another motion's decision changes nothing, a later round of the same motion undoes the first", async (t) => {
  const expelled = MemberExpelled({ memberId, reason: 'acted against the cooperative', appealUntil: '2026-04-01T10:00:00.000Z', expelledAt: at });
  const appealed = ExpulsionAppealed({ memberId, appealedAt: at });
  const motionId = '0193a6f0-0000-7000-8000-0000000000b1';
  const otherMotion = '0193a6f0-0000-7000-8000-0000000000b2';
  const decided = (confirmed: boolean, round = 1, motion = motionId): MemberCommand => ({ type: 'RecordAppealDecision', motionId: motion, round, confirmed, now });
  const upheld = ExpulsionUpheld({ memberId, motionId, round: 1, effectiveAt: at });
  const annulled = ExpulsionAnnulled({ memberId, motionId, round: 1, annulledAt: at });
  spec(t).given(registered, admitted, expelled, appealed, upheld).when(decided(false, 1)).then();
  spec(t).given(registered, admitted, expelled, appealed, upheld).when(decided(false, 2, otherMotion)).then();
  spec(t).given(registered, admitted, expelled, appealed, upheld).when(decided(true, 2)).then();
  spec(t).given(registered, admitted, expelled, appealed, annulled).when(decided(false, 2)).then();
  spec(t).given(registered, admitted, expelled, appealed, annulled).when(decided(true, 1)).then();
  spec(t).given(registered, admitted, expelled, appealed, annulled).when(decided(true, 2, otherMotion)).then();
});
