import t from 'tap';
import { EventRegistry } from '@meent/eventsourcing';
import { deciderSpecification } from '@meent/eventsourcing/testing';
import { membershipEvents } from '@meent/membership/events';
import {
  cooperativeRulesSchema,
  legalNameOf,
  CooperativeFounded,
  OfficerAppointed,
  OfficerDismissed,
  AdoptedAmendmentUndone,
  CooperativeDissolved,
  DissolutionUndone,
  RulesAmended,
  RulesAmendmentUndone,
  StatuteAmendmentAdopted,
  StatuteAmendmentFiled,
} from '@meent/membership';
import { cooperativeAggregate, cooperativeDecider, cooperativeStream } from '../src/domain/cooperative.decider.js';

const spec = deciderSpecification(cooperativeDecider, membershipEvents);
const cooperativeId = '0193a6f0-0000-7000-8000-000000000001';
const rules = cooperativeRulesSchema.parse({});
const now = new Date('2026-11-25T12:00:00.000Z');
const found = {
  type: 'FoundCooperative',
  cooperativeId,
  name: 'Wijkcoöperatie De Meent',
  chamberOfCommerceNumber: '12345678',
  rules,
  now,
} as const;
const founded = CooperativeFounded({
  cooperativeId,
  name: 'Wijkcoöperatie De Meent',
  chamberOfCommerceNumber: '12345678',
  rules,
  foundedAt: '2026-11-25T12:00:00.000Z',
});

t.test('when no cooperative exists yet', async (t) => {
  t.test('founds it with its rules, at the time on the command', async (t) => {
    spec(t).given().when(found).then(founded);
  });
});

t.test('BW 2:41 lid 1: the statutes may let members holding less than a tenth of the votes demand an assembly, never more', async (t) => {
  const withShare = (numerator: number, denominator: number) => ({
    ...found,
    rules: cooperativeRulesSchema.parse({ assemblyRequestShare: { numerator, denominator } }),
  });
  spec(t).given().when(withShare(1, 2)).thenError('COOPERATIVE.RULES_AGAINST_THE_LAW', { statusCode: 422, rule: 'BW 2:41 lid 1' });
  spec(t).given().when(withShare(1, 20)).then(CooperativeFounded({ ...founded.data, rules: withShare(1, 20).rules }));
  spec(t).given().when(withShare(3, 20)).thenError('COOPERATIVE.RULES_AGAINST_THE_LAW', { statusCode: 422 });
  spec(t).given().when(withShare(2, 20)).then(CooperativeFounded({ ...founded.data, rules: withShare(2, 20).rules }));
  spec(t).given().when(withShare(1, 10)).then(CooperativeFounded({ ...founded.data, rules: withShare(1, 10).rules }));
});

t.test('BW 2:35 lid 4: the statutes may give a member longer than the law’s month to appeal an expulsion, not shorter', async (t) => {
  t.equal(cooperativeRulesSchema.parse({}).expulsionAppealMonths, 1);
  t.equal(cooperativeRulesSchema.parse({ expulsionAppealMonths: 3 }).expulsionAppealMonths, 3);
  t.notOk(cooperativeRulesSchema.safeParse({ expulsionAppealMonths: 0 }).success, 'less than a month');
  t.notOk(cooperativeRulesSchema.safeParse({ expulsionAppealMonths: 13 }).success, 'more than a year');
});

t.test('BW 2:56 lid 1: the name states the members’ liability, W.A., B.A. or U.A.', async (t) => {
  t.equal(legalNameOf('Wijkcoöperatie De Meent', 'UA'), 'Wijkcoöperatie De Meent U.A.');
  t.equal(legalNameOf('Wijkcoöperatie De Meent', 'BA'), 'Wijkcoöperatie De Meent B.A.');
  t.equal(legalNameOf('Wijkcoöperatie De Meent W.A.', 'WA'), 'Wijkcoöperatie De Meent W.A.', 'not twice');
  t.equal(cooperativeRulesSchema.parse({}).liability, 'UA', 'excluded liability unless the statutes say otherwise');
});

t.test('when the cooperative was founded', async (t) => {
  t.test('rejects founding it again', async (t) => {
    spec(t).given(founded).when(found).thenError('COOPERATIVE.ALREADY_FOUNDED', { statusCode: 409 });
  });
});

t.test('rules amended by a passed statute amendment, in force from its notarial deed (BW 2:43 lid 5)', async (t) => {
  const motionId = '0193a6f0-0000-7000-8000-0000000000a1';
  const laterMotionId = '0193a6f0-0000-7000-8000-0000000000a2';
  const amendedRules = cooperativeRulesSchema.parse({ maxProxiesPerHolder: 2 });
  const deed = { executedOn: '2026-11-25', notary: 'mr. J. de Notaris' };
  const amend = (motion = motionId, newRules = amendedRules) => ({ type: 'AmendRules', motionId: motion, rules: newRules, now } as const);
  const adopted = (motion = motionId, newRules = amendedRules) =>
    StatuteAmendmentAdopted({ cooperativeId, rules: newRules, motionId: motion, adoptedAt: '2026-11-25T12:00:00.000Z' });
  const recordDeed = (motion = motionId, executedOn = deed.executedOn) =>
    ({ type: 'RecordNotarialDeed', motionId: motion, executedOn, notary: deed.notary, now }) as const;
  const amended = (version: number, motion = motionId, newRules = amendedRules) =>
    RulesAmended({ cooperativeId, rules: newRules, version, motionId: motion, deed, amendedAt: '2026-11-25T12:00:00.000Z' });

  t.test('the decision adopts the amendment; the rules in force stay until the deed', async (t) => {
    spec(t).given(founded).when(amend()).then(adopted());
    spec(t).given(founded, adopted()).when(amend()).then();
  });
  t.test('the deed puts the new rules in force as the next version', async (t) => {
    spec(t).given(founded, adopted()).when(recordDeed()).then(amended(2));
    const stricter = cooperativeRulesSchema.parse({ maxProxiesPerHolder: 0 });
    spec(t)
      .given(founded, adopted(), amended(2), adopted(laterMotionId, stricter))
      .when(recordDeed(laterMotionId))
      .then(amended(3, laterMotionId, stricter));
  });
  t.test('a deed needs a passed amendment awaiting it, and a date between the decision and today', async (t) => {
    spec(t).given(founded).when(recordDeed()).thenError('COOPERATIVE.NO_AMENDMENT_AWAITING_DEED', { statusCode: 409, rule: 'BW 2:43 lid 5' });
    spec(t).given(founded, adopted(), amended(2)).when(recordDeed()).thenError('COOPERATIVE.NO_AMENDMENT_AWAITING_DEED');
    spec(t).given(founded, adopted()).when(recordDeed(motionId, '2026-11-24')).thenError('COOPERATIVE.DEED_DATE_IMPOSSIBLE', { statusCode: 422, rule: 'BW 2:43 lid 5' });
    spec(t).given(founded, adopted()).when(recordDeed(motionId, '2026-11-26')).thenError('COOPERATIVE.DEED_DATE_IMPOSSIBLE');
  });
  t.test('the filing at the trade register is recorded once, for an amendment in force', async (t) => {
    const file = { type: 'RecordTradeRegisterFiling', motionId, filedOn: '2026-11-25', now } as const;
    const filed = StatuteAmendmentFiled({ cooperativeId, motionId, filedOn: '2026-11-25', filedAt: '2026-11-25T12:00:00.000Z' });
    spec(t).given(founded, adopted(), amended(2)).when(file).then(filed);
    spec(t).given(founded, adopted(), amended(2), filed).when(file).thenError('COOPERATIVE.AMENDMENT_ALREADY_FILED', { statusCode: 409 });
    spec(t).given(founded, adopted()).when(file).thenError('COOPERATIVE.NO_AMENDMENT_IN_FORCE', { statusCode: 409 });
  });
  t.test('a cooperative never founded has no rules to amend', async (t) => {
    spec(t).given().when(amend()).thenError('COOPERATIVE.NOT_FOUND', { statusCode: 404 });
  });
  t.test('BW 2:13 lid 4: voted down in a new round after a challenge, the amendment is undone, before or after its deed', async (t) => {
    const rejected = (motion = motionId) => ({ type: 'RecordAmendmentRejected', motionId: motion, now }) as const;
    const undone = (version: number, restored = rules) =>
      RulesAmendmentUndone({ cooperativeId, rules: restored, version, motionId, undoneAt: '2026-11-25T12:00:00.000Z' });
    const undoneBeforeDeed = AdoptedAmendmentUndone({ cooperativeId, motionId, undoneAt: '2026-11-25T12:00:00.000Z' });
    spec(t).given(founded, adopted()).when(rejected()).then(undoneBeforeDeed);
    spec(t).given(founded, adopted(), undoneBeforeDeed).when(recordDeed()).thenError('COOPERATIVE.NO_AMENDMENT_AWAITING_DEED');
    spec(t).given(founded, adopted(), amended(2)).when(rejected()).then(undone(3));
    spec(t).given(founded).when(rejected()).then();
    spec(t).given(founded, adopted(), amended(2)).when(rejected(laterMotionId)).then();
    spec(t).given(founded, adopted(), amended(2), undone(3)).when(rejected()).then();
    spec(t).given(founded, adopted(), amended(2), undone(3)).when(amend()).then(adopted());
  });
});

t.test('officers', async (t) => {
  const memberId = '0193a6f0-0000-7000-8000-00000000000a';
  const otherId = '0193a6f0-0000-7000-8000-00000000000b';
  const appointed = (office: 'chair' | 'secretary' | 'treasurer' | 'board-member', who = memberId) =>
    OfficerAppointed({ memberId: who, office, appointedAt: '2026-11-25T12:00:00.000Z' });
  const appoint = (office: 'chair' | 'secretary' | 'treasurer' | 'board-member', who = memberId, appointee: 'Admitted' | 'Applied' | 'Suspended' | 'Unregistered' = 'Admitted') =>
    ({ type: 'AppointOfficer', memberId: who, office, appointee, now } as const);

  t.test('appoints an admitted member', async (t) => {
    spec(t).given(founded).when(appoint('treasurer')).then(appointed('treasurer'));
  });
  t.test('refuses anyone not admitted', async (t) => {
    for (const appointee of ['Applied', 'Suspended', 'Unregistered'] as const) {
      spec(t)
        .given(founded)
        .when(appoint('treasurer', memberId, appointee))
        .thenError('OFFICER.NOT_AN_ADMITTED_MEMBER', { statusCode: 422, rule: 'officers-are-members' });
    }
  });
  t.test('one chair, secretary or treasurer at a time; many board members', async (t) => {
    spec(t).given(founded, appointed('chair')).when(appoint('chair', otherId)).thenError('OFFICER.OFFICE_TAKEN', { statusCode: 409 });
    spec(t)
      .given(founded, appointed('board-member'))
      .when(appoint('board-member', otherId))
      .then(appointed('board-member', otherId));
  });
  t.test('the same office twice is refused', async (t) => {
    spec(t).given(founded, appointed('board-member')).when(appoint('board-member')).thenError('OFFICER.ALREADY_APPOINTED');
  });
  t.test('dismisses an officer, after which the office is free', async (t) => {
    const dismissed = OfficerDismissed({ memberId, office: 'treasurer', dismissedAt: '2026-11-25T12:00:00.000Z' });
    spec(t).given(founded, appointed('treasurer')).when({ type: 'DismissOfficer', memberId, office: 'treasurer', now }).then(dismissed);
    spec(t).given(founded, appointed('treasurer'), dismissed).when(appoint('treasurer', otherId)).then(appointed('treasurer', otherId));
  });
  t.test('dismissing someone not in the office is refused', async (t) => {
    spec(t)
      .given(founded, appointed('treasurer'))
      .when({ type: 'DismissOfficer', memberId: otherId, office: 'treasurer', now })
      .thenError('OFFICER.NOT_IN_OFFICE', { statusCode: 409 });
  });
  t.test('nothing happens to a cooperative that was never founded', async (t) => {
    spec(t).given().when(appoint('chair')).thenError('COOPERATIVE.NOT_FOUND', { statusCode: 404 });
  });
});

t.test('BW 2:19 lid 1 sub a, 2:23 lid 1: a passed dissolution puts the cooperative in liquidation, the board its liquidators', async (t) => {
  const motionId = '0193a6f0-0000-7000-8000-0000000000a1';
  const [chairId, treasurerId] = ['0193a6f0-0000-7000-8000-00000000000a', '0193a6f0-0000-7000-8000-00000000000b'];
  const board = [
    OfficerAppointed({ memberId: chairId, office: 'chair', appointedAt: '2026-11-25T12:00:00.000Z' }),
    OfficerAppointed({ memberId: treasurerId, office: 'treasurer', appointedAt: '2026-11-25T12:00:00.000Z' }),
    OfficerAppointed({ memberId: treasurerId, office: 'board-member', appointedAt: '2026-11-25T12:00:00.000Z' }),
  ];
  const decided = (passed: boolean) => ({ type: 'RecordDissolutionDecision', motionId, passed, now }) as const;
  const dissolved = CooperativeDissolved({ cooperativeId, motionId, liquidators: [chairId, treasurerId], dissolvedAt: '2026-11-25T12:00:00.000Z' });
  spec(t).given(founded, ...board).when(decided(true)).then(dissolved);
  spec(t).given(founded, ...board, dissolved).when(decided(true)).then();
  spec(t).given(founded, ...board).when(decided(false)).then();
  spec(t)
    .given(founded, ...board, dissolved)
    .when(decided(false))
    .then(DissolutionUndone({ cooperativeId, motionId, undoneAt: '2026-11-25T12:00:00.000Z' }));
});

t.test('a cooperative is its own stream, which exists once founded', async (t) => {
  t.equal(cooperativeStream(cooperativeId), `cooperative-${cooperativeId}`);
  t.equal(cooperativeAggregate.exists(cooperativeDecider.initialState), false);
  t.equal(cooperativeAggregate.exists(cooperativeDecider.evolve(cooperativeDecider.initialState, founded)), true);
});

t.test("a cooperative is founded once; nothing is done to one never founded", async (t) => {
  spec(t).given(founded).when(found).thenError('COOPERATIVE.ALREADY_FOUNDED', { statusCode: 409, message: `Cooperative ${cooperativeId} already exists` });
  const motionId = '0193a6f0-0000-7000-8000-0000000000a1';
  const memberId = '0193a6f0-0000-7000-8000-00000000000a';
  const commands = [
    { type: 'AmendRules', motionId, rules, now },
    { type: 'RecordNotarialDeed', motionId, executedOn: '2026-11-25', notary: 'mr. J. de Vries', now },
    { type: 'RecordTradeRegisterFiling', motionId, filedOn: '2026-11-25', now },
    { type: 'RecordDissolutionDecision', motionId, passed: true, now },
    { type: 'RecordAmendmentRejected', motionId, now },
    { type: 'DismissOfficer', memberId, office: 'chair', now },
  ] as const;
  for (const command of commands) spec(t).given().when(command).thenError('COOPERATIVE.NOT_FOUND', { statusCode: 404 });
});

t.test('officers: the refusals name the office, and a dismissal ends only that office', async (t) => {
  const memberId = '0193a6f0-0000-7000-8000-00000000000a';
  const otherId = '0193a6f0-0000-7000-8000-00000000000b';
  const appointed = (office: 'chair' | 'secretary' | 'treasurer' | 'board-member', who = memberId) =>
    OfficerAppointed({ memberId: who, office, appointedAt: '2026-11-25T12:00:00.000Z' });
  const appoint = (office: 'chair' | 'secretary' | 'treasurer' | 'board-member', who = memberId) => ({ type: 'AppointOfficer', memberId: who, office, appointee: 'Admitted', now }) as const;
  const dismissed = (office: 'chair' | 'treasurer') => OfficerDismissed({ memberId, office, dismissedAt: '2026-11-25T12:00:00.000Z' });
  spec(t)
    .given(founded, appointed('treasurer'))
    .when(appoint('treasurer'))
    .thenError('OFFICER.ALREADY_APPOINTED', { statusCode: 409, message: 'This member already holds the office of treasurer' });
  spec(t)
    .given(founded, appointed('secretary', otherId))
    .when(appoint('secretary'))
    .thenError('OFFICER.OFFICE_TAKEN', { message: 'The office of secretary is held; dismiss its holder first' });
  spec(t).given(founded, appointed('chair', otherId)).when(appoint('treasurer')).then(appointed('treasurer'));
  spec(t)
    .given(founded, appointed('treasurer'))
    .when({ type: 'DismissOfficer', memberId, office: 'chair', now })
    .thenError('OFFICER.NOT_IN_OFFICE', { message: 'This member does not hold the office of chair' });
  const twoOffices = [founded, appointed('chair'), appointed('treasurer')];
  spec(t).given(...twoOffices, dismissed('chair')).when(appoint('chair', otherId)).then(appointed('chair', otherId));
  spec(t)
    .given(...twoOffices, dismissed('chair'))
    .when(appoint('treasurer', otherId))
    .thenError('OFFICER.OFFICE_TAKEN', { message: 'The office of treasurer is held; dismiss its holder first' });
});

t.test('an amendment put in force before Meent recorded deeds reads as one without a deed', async (t) => {
  const motionId = '0193a6f0-0000-7000-8000-0000000000a1';
  const before = { cooperativeId, rules, version: 2, motionId, amendedAt: '2026-11-25T12:00:00.000Z' };
  const read = new EventRegistry(membershipEvents).decode({
    id: motionId,
    stream: cooperativeStream(cooperativeId),
    revision: 1,
    position: 2,
    type: 'RulesAmended',
    data: before,
    metadata: { eventId: motionId, cooperativeId, actor: { id: 'secretary', roles: ['secretary'] }, correlationId: 'c', causationId: null, occurredAt: before.amendedAt, schemaVersion: 1 },
  });
  t.strictSame(read.data, { ...before, deed: null });
  t.equal(read.metadata.schemaVersion, 2);
});
