import t from 'tap';
import { deciderSpecification } from '@meent/eventsourcing/testing';
import { initiativeEvents as initiativeContextEvents } from '@meent/initiative-funding/events';
import {
  FundingApproved,
  FundingRejected,
  FundingRevoked,
  IndicatorDefined,
  InitiativeAwaitingFunds,
  InitiativeCompleted,
  InitiativeFundsReserved,
  InitiativeReviewed,
  InitiativeSubmitted,
  InitiativeWithdrawn,
  ProgressReported,
  RepaymentClaimed,
  ReservationRetried,
  RevokedReservationReturned,
  TrancheApprovalGiven,
  TrancheApproved,
  TrancheDisbursed,
  TrancheRequested,
} from '@meent/initiative-funding';
import { EventRegistry } from '@meent/eventsourcing';
import { applicantSchema } from '../src/domain/initiative.events.js';
import { applicantMemberOf, initiativeAggregate, initiativeDecider, initiativeStream, type InitiativeCommand } from '../src/domain/initiative.decider.js';

const spec = deciderSpecification(initiativeDecider, initiativeContextEvents);
const id = (n: number) => `0193a6f0-0000-7000-8000-${String(n).padStart(12, '0')}`;
const initiativeId = id(1);
const cooperativeId = id(2);
const budgetId = id(3);
const applicant = id(10);
const chair = id(11);
const boardMember = id(12);
const treasurer = id(13);
const reservationId = id(20);
const now = new Date('2027-02-01T10:00:00.000Z');
const at = now.toISOString();
const MANDATE = 250_000;

const submittedFor = (requestedCents: number) =>
  InitiativeSubmitted({
    initiativeId,
    cooperativeId,
    applicant: { kind: 'member', memberId: applicant },
    submittedBy: applicant,
    title: 'Buurtmoestuin',
    description: 'Een moestuin voor de hele buurt',
    requestedCents,
    budgetId,
    lineCode: '4100',
    tranches: [
      { amountCents: Math.floor(requestedCents / 2), milestone: 'Grond bewerkt' },
      { amountCents: requestedCents - Math.floor(requestedCents / 2), milestone: 'Eerste oogst' },
    ],
    themes: ['meedoen', 'leren'],
    kind: 'community-initiative',
    submittedAt: at,
  });
const submitted = submittedFor(200_000);
const byBoard = { kind: 'board' as const, boardMembers: [chair, boardMember] };
const approved = FundingApproved({ initiativeId, cooperativeId, amountCents: 200_000, budgetId, lineCode: '4100', decidedBy: byBoard, approvedAt: at });
const reserved = InitiativeFundsReserved({ initiativeId, reservationId, amountCents: 200_000, reservedAt: at });
const requested = (trancheNumber: number) =>
  TrancheRequested({ initiativeId, trancheNumber, amountCents: 100_000, progressReport: 'Op schema', spentSoFarCents: 0, requestedAt: at });
const approval = (trancheNumber: number, by: string) => TrancheApprovalGiven({ initiativeId, trancheNumber, approvedBy: by, approvedAt: at });
const released = (trancheNumber: number) =>
  TrancheApproved({ initiativeId, cooperativeId, budgetId, reservationId, trancheNumber, amountCents: 100_000, approvers: [chair, treasurer], approvedAt: at });
const paid = (trancheNumber: number) => TrancheDisbursed({ initiativeId, trancheNumber, amountCents: 100_000, disbursedAt: at });
const decide = (requestedCents: number, deciders = [chair, boardMember], approve = true): InitiativeCommand => ({
  type: 'DecideByBoard',
  approve,
  reason: 'Past in het beleid',
  boardMandateCents: MANDATE,
  deciders,
  now,
});

/** The garden's submission, on the themes given, in a cooperative with the default three. */
const submit = (themes = ['meedoen', 'leren']): Extract<InitiativeCommand, { type: 'SubmitInitiative' }> => ({
  type: 'SubmitInitiative',
  initiativeId,
  cooperativeId,
  applicant: { kind: 'member', memberId: applicant },
  submittedBy: applicant,
  title: 'Buurtmoestuin',
  description: 'Een moestuin voor de hele buurt',
  requestedCents: 200_000,
  budgetId,
  lineCode: '4100',
  tranches: submitted.data.tranches,
  themes,
  kind: 'community-initiative',
  cooperativeThemes: ['leren', 'werken', 'meedoen'],
  now,
});

t.test('an initiative is submitted with tranches that add up to the request', async (t) => {
  const command = submit();
  spec(t).given().when(command).then(submitted);
  spec(t)
    .given()
    .when({ ...command, requestedCents: 200_001 })
    .thenError('INITIATIVE.TRANCHES_DO_NOT_ADD_UP', { statusCode: 422 });
});

t.test('an initiative submitted before themes reads as a community initiative under no theme', async (t) => {
  const { themes: _themes, kind: _kind, ...before } = submitted.data;
  const stored = {
    id: id(90),
    stream: `initiative-${initiativeId}`,
    revision: 0,
    position: 1,
    type: 'InitiativeSubmitted',
    data: before as never,
    metadata: { eventId: id(90), cooperativeId, actor: { id: applicant, roles: ['member'] }, correlationId: id(91), causationId: null, occurredAt: at, schemaVersion: 1 },
  };
  const read = new EventRegistry([InitiativeSubmitted]).decode(stored);
  t.same(read.data, { ...before, themes: [], kind: 'community-initiative' });
  t.equal(read.metadata.schemaVersion, 2);
});

t.test("an initiative works on one or more of the cooperative's themes, each named once", async (t) => {
  spec(t).given().when(submit(['meedoen', 'leren', 'meedoen'])).then(submitted);
  spec(t).given().when(submit([])).thenError('INITIATIVE.NO_THEME', { statusCode: 422, rule: 'themes' });
  spec(t).given().when(submit(['meedoen', 'sport'])).thenError('INITIATIVE.UNKNOWN_THEME', {
    statusCode: 422,
    message: 'Not a theme of this cooperative: sport; its themes are leren, werken, meedoen',
  });
});

t.test('the board decides up to exactly its mandate; one cent more goes to the assembly', async (t) => {
  spec(t)
    .given(submittedFor(MANDATE))
    .when(decide(MANDATE))
    .then(FundingApproved({ initiativeId, cooperativeId, amountCents: MANDATE, budgetId, lineCode: '4100', decidedBy: byBoard, approvedAt: at }));
  spec(t).given(submittedFor(MANDATE + 1)).when(decide(MANDATE + 1)).thenError('INITIATIVE.ABOVE_BOARD_MANDATE', {
    statusCode: 422,
    rule: 'boardMandateCents',
  });
});

t.test('the applicant is recused from the decision, the review and the tranche approvals', async (t) => {
  spec(t).given(submitted).when(decide(200_000, [chair, applicant])).thenError('INITIATIVE.RECUSED', {
    statusCode: 403,
    rule: 'BW 2:12 conflict of interest',
  });
  spec(t)
    .given(submitted)
    .when({ type: 'ReviewInitiative', reviewedBy: applicant, advice: 'grant', notes: 'Mijn eigen plan', now })
    .thenError('INITIATIVE.RECUSED', { statusCode: 403 });
  spec(t)
    .given(submitted, approved, reserved, requested(1))
    .when({ type: 'ApproveTranche', trancheNumber: 1, approvedBy: applicant, now })
    .thenError('INITIATIVE.RECUSED', { statusCode: 403 });
});

t.test('a review is advice on record; a board rejection is a decision with its reason', async (t) => {
  spec(t)
    .given(submitted)
    .when({ type: 'ReviewInitiative', reviewedBy: treasurer, advice: 'grant-in-part', notes: 'Minder gereedschap', now })
    .then(InitiativeReviewed({ initiativeId, reviewedBy: treasurer, advice: 'grant-in-part', notes: 'Minder gereedschap', reviewedAt: at }));
  spec(t)
    .given(submitted)
    .when(decide(200_000, [chair], false))
    .then(FundingRejected({ initiativeId, decidedBy: { kind: 'board', boardMembers: [chair] }, reason: 'Past in het beleid', rejectedAt: at }));
});

t.test("the assembly's decision on a funding motion decides, once", async (t) => {
  const motion = { motionId: id(30), round: 1 };
  spec(t)
    .given(submittedFor(300_000))
    .when({ type: 'RecordAssemblyDecision', ...motion, passed: true, now })
    .then(
      FundingApproved({
        initiativeId,
        cooperativeId,
        amountCents: 300_000,
        budgetId,
        lineCode: '4100',
        decidedBy: { kind: 'assembly', ...motion },
        approvedAt: at,
      }),
    );
  spec(t).given(submitted, approved).when({ type: 'RecordAssemblyDecision', ...motion, passed: false, now }).then();
});

t.test('BW 2:13 lid 4: a new vote after a challenge cancels the first vote’s effects on the funding', async (t) => {
  const motionId = id(30);
  const byAssembly = (round: number) => ({ kind: 'assembly' as const, motionId, round });
  const grantedBy = (round: number) =>
    FundingApproved({ initiativeId, cooperativeId, amountCents: 200_000, budgetId, lineCode: '4100', decidedBy: byAssembly(round), approvedAt: at });
  const refusedBy = (round: number) =>
    FundingRejected({ initiativeId, decidedBy: byAssembly(round), reason: 'The general assembly voted the funding down', rejectedAt: at });
  const round = (number: number, passed: boolean): InitiativeCommand => ({ type: 'RecordAssemblyDecision', motionId, round: number, passed, now });
  const revoked = (reservation: string | null) =>
    FundingRevoked({ initiativeId, cooperativeId, budgetId, reservationId: reservation, motionId, round: 2, revokedAt: at });

  spec(t).given(submitted, grantedBy(1)).when(round(2, false)).then(revoked(null));
  spec(t).given(submitted, grantedBy(1), reserved).when(round(2, false)).then(revoked(reservationId));
  spec(t).given(submitted, refusedBy(1)).when(round(2, true)).then(grantedBy(2));
  spec(t).given(submitted, grantedBy(1)).when(round(2, true)).then();
  spec(t).given(submitted, refusedBy(1)).when(round(2, false)).then();
  spec(t).given(submitted, grantedBy(2)).when(round(1, false)).then();
  spec(t).given(submitted, approved).when(round(2, false)).then();
});

t.test('money the budget reserved for a grant already revoked goes back', async (t) => {
  const motionId = id(30);
  const grantedBy1 = FundingApproved({
    initiativeId,
    cooperativeId,
    amountCents: 200_000,
    budgetId,
    lineCode: '4100',
    decidedBy: { kind: 'assembly', motionId, round: 1 },
    approvedAt: at,
  });
  const revokedBy2 = FundingRevoked({ initiativeId, cooperativeId, budgetId, reservationId: null, motionId, round: 2, revokedAt: at });
  spec(t)
    .given(submitted, grantedBy1, revokedBy2)
    .when({ type: 'RecordReservation', reservationId, amountCents: 200_000, now })
    .then(RevokedReservationReturned({ initiativeId, cooperativeId, budgetId, reservationId, returnedAt: at }));
});

t.test('the reservation: recorded once; refused, the initiative waits until the board retries or rejects', async (t) => {
  spec(t).given(submitted, approved).when({ type: 'RecordReservation', reservationId, amountCents: 200_000, now }).then(reserved);
  spec(t).given(submitted, approved, reserved).when({ type: 'RecordReservation', reservationId, amountCents: 200_000, now }).then();
  const waiting = InitiativeAwaitingFunds({ initiativeId, availableCents: 50_000, reason: 'Line 4100 has 50000 cents left', refusedAt: at });
  spec(t)
    .given(submitted, approved)
    .when({ type: 'RecordReservationRefused', availableCents: 50_000, reason: 'Line 4100 has 50000 cents left', now })
    .then(waiting);
  spec(t)
    .given(submitted, approved, waiting)
    .when({ type: 'RetryReservation', now })
    .then(ReservationRetried({ initiativeId, cooperativeId, attempt: 2, amountCents: 200_000, budgetId, lineCode: '4100', retriedAt: at }));
  spec(t)
    .given(submitted, approved, waiting)
    .when({ type: 'RejectForLackOfFunds', deciders: [chair], now })
    .then(
      FundingRejected({
        initiativeId,
        decidedBy: { kind: 'board', boardMembers: [chair] },
        reason: 'The budget line has too little left; the board rejects rather than waits',
        rejectedAt: at,
      }),
    );
});

t.test('tranches: requested with a progress report, approved by two different officers, paid, one at a time', async (t) => {
  const funded = [submitted, approved, reserved];
  spec(t).given(...funded).when({ type: 'RequestTranche', progressReport: 'Op schema', spentSoFarCents: 0, results: null, now }).then(requested(1));
  spec(t).given(...funded, requested(1)).when({ type: 'ApproveTranche', trancheNumber: 1, approvedBy: chair, now }).then(approval(1, chair));
  spec(t)
    .given(...funded, requested(1), approval(1, chair))
    .when({ type: 'ApproveTranche', trancheNumber: 1, approvedBy: chair, now })
    .thenError('INITIATIVE.SAME_APPROVER', { statusCode: 409 });
  spec(t)
    .given(...funded, requested(1), approval(1, chair))
    .when({ type: 'ApproveTranche', trancheNumber: 1, approvedBy: treasurer, now })
    .then(approval(1, treasurer), released(1));
  spec(t)
    .given(...funded, requested(1), approval(1, chair), approval(1, treasurer), released(1))
    .when({ type: 'RequestTranche', progressReport: 'Te vroeg', spentSoFarCents: 0, results: null, now })
    .thenError('INITIATIVE.TRANCHE_PENDING', { statusCode: 409 });
  spec(t)
    .given(...funded, requested(1), approval(1, chair), approval(1, treasurer), released(1))
    .when({ type: 'RecordDisbursement', amountCents: 100_000, now })
    .then(paid(1));
  const allPaid = [...funded, requested(1), released(1), paid(1), requested(2), released(2), paid(2)];
  spec(t).given(...allPaid).when({ type: 'RequestTranche', progressReport: 'Meer', spentSoFarCents: 0, results: null, now }).thenError('INITIATIVE.NO_TRANCHES_LEFT', {
    statusCode: 409,
  });
});

t.test('completion, withdrawal and a claim for work not done', async (t) => {
  const onePaid = [submitted, approved, reserved, requested(1), released(1), paid(1)];
  spec(t)
    .given(...onePaid)
    .when({ type: 'CompleteInitiative', finalReport: 'De tuin bloeit', now })
    .then(InitiativeCompleted({ initiativeId, cooperativeId, budgetId, reservationId, finalReport: 'De tuin bloeit', completedAt: at }));
  spec(t)
    .given(...onePaid, requested(2))
    .when({ type: 'CompleteInitiative', finalReport: 'Klaar', now })
    .thenError('INITIATIVE.TRANCHE_PENDING', { statusCode: 409 });
  spec(t)
    .given(submitted, approved)
    .when({ type: 'WithdrawInitiative', reason: 'Geen vrijwilligers', now })
    .then(InitiativeWithdrawn({ initiativeId, cooperativeId, budgetId, reservationId: null, reason: 'Geen vrijwilligers', withdrawnAt: at }));
  spec(t)
    .given(...onePaid)
    .when({ type: 'ClaimRepayment', amountCents: 100_000, reason: 'Niet uitgevoerd', claimedBy: chair, now })
    .then(RepaymentClaimed({ initiativeId, amountCents: 100_000, reason: 'Niet uitgevoerd', claimedBy: chair, claimedAt: at }));
  spec(t)
    .given(...onePaid)
    .when({ type: 'ClaimRepayment', amountCents: 100_001, reason: 'Te veel', claimedBy: chair, now })
    .thenError('INITIATIVE.CLAIM_BEYOND_PAID', { statusCode: 422 });
});

t.test("indicators under the initiative's themes, with targets after their baseline; reports give actual values and counts", async (t) => {
  const indicatorId = id(70);
  const define = (theme: string, targets = [{ year: 2027, value: 40 }, { year: 2028, value: 60 }]): InitiativeCommand => ({
    type: 'DefineIndicator',
    indicatorId,
    name: 'Bewoners die meedoen',
    unit: 'bewoners',
    theme,
    baseline: { year: 2026, value: 12 },
    targets,
    definedBy: applicant,
    now,
  });
  const defined = IndicatorDefined({
    initiativeId,
    indicatorId,
    name: 'Bewoners die meedoen',
    unit: 'bewoners',
    theme: 'meedoen',
    baseline: { year: 2026, value: 12 },
    targets: [{ year: 2027, value: 40 }, { year: 2028, value: 60 }],
    definedBy: applicant,
    definedAt: at,
  });
  spec(t).given(submitted).when(define('meedoen')).then(defined);
  spec(t).given(submitted, defined).when(define('meedoen')).then();
  spec(t).given(submitted).when(define('werken')).thenError('INITIATIVE.UNKNOWN_THEME', { message: 'The initiative works on meedoen, leren, not werken' });
  spec(t).given(submitted).when(define('meedoen', [{ year: 2026, value: 20 }])).thenError('INITIATIVE.TARGETS_BEFORE_BASELINE', { statusCode: 422 });
  spec(t).given(submitted).when(define('meedoen', [{ year: 2027, value: 20 }, { year: 2027, value: 30 }])).thenError('INITIATIVE.TARGETS_BEFORE_BASELINE');

  const participation = { residentsReached: 35, volunteers: 6, volunteerHours: 120, intoWorkOrTraining: 2 };
  const results = { reportId: id(71), year: 2027, actuals: [{ indicatorId, value: 31 }], participation, ownIncomeCents: null, reportedBy: applicant };
  const reported = (trancheNumber: number | null) =>
    ProgressReported({
      initiativeId,
      reportId: id(71),
      year: 2027,
      actuals: [{ indicatorId, value: 31 }],
      participation,
      ownIncomeCents: null,
      trancheNumber,
      reportedBy: applicant,
      reportedAt: at,
    });
  const funded = [submitted, defined, approved, reserved];
  spec(t).given(...funded).when({ type: 'ReportProgress', results, now }).then(reported(null));
  spec(t).given(...funded, reported(null)).when({ type: 'ReportProgress', results, now }).then();
  // A tranche's progress report carries the year's figures too.
  spec(t).given(...funded).when({ type: 'RequestTranche', progressReport: 'Op schema', spentSoFarCents: 0, results, now }).then(requested(1), reported(1));
  spec(t)
    .given(...funded)
    .when({ type: 'ReportProgress', results: { ...results, actuals: [{ indicatorId: id(79), value: 1 }] }, now })
    .thenError('INITIATIVE.UNKNOWN_INDICATOR', { statusCode: 422 });
  spec(t)
    .given(...funded)
    .when({ type: 'ReportProgress', results: { ...results, actuals: [{ indicatorId, value: 1 }, { indicatorId, value: 2 }] }, now })
    .thenError('INITIATIVE.INDICATOR_TWICE');
  spec(t).given(submitted, defined).when({ type: 'ReportProgress', results, now }).thenError('INITIATIVE.WRONG_STATE');
  // Own income is a social enterprise's to report: how far it stands on its own.
  spec(t).given(...funded).when({ type: 'ReportProgress', results: { ...results, ownIncomeCents: 120_000 }, now }).thenError('INITIATIVE.NOT_A_SOCIAL_ENTERPRISE', { statusCode: 422 });
  const enterprise = InitiativeSubmitted({ ...submitted.data, kind: 'social-enterprise' });
  spec(t)
    .given(enterprise, defined, approved, reserved)
    .when({ type: 'ReportProgress', results: { ...results, ownIncomeCents: 120_000 }, now })
    .then(ProgressReported({ ...reported(null).data, ownIncomeCents: 120_000 }));
});

t.test('an initiative is its own stream, which exists once submitted', async (t) => {
  t.equal(initiativeStream(initiativeId), `initiative-${initiativeId}`);
  t.equal(initiativeAggregate.exists(initiativeDecider.initialState), false);
  t.equal(initiativeAggregate.exists(initiativeDecider.evolve(initiativeDecider.initialState, submittedFor(200_000))), true);
});

t.test('what is repaid is claimed once: a second claim reaches only what is still unclaimed', async (t) => {
  const onePaid = [submitted, approved, reserved, requested(1), released(1), paid(1)];
  const claimed = RepaymentClaimed({ initiativeId, amountCents: 60_000, reason: 'Niet uitgevoerd', claimedBy: chair, claimedAt: at });
  const claim = (amountCents: number): InitiativeCommand => ({ type: 'ClaimRepayment', amountCents, reason: 'Rest', claimedBy: chair, now });
  spec(t)
    .given(...onePaid, claimed)
    .when(claim(40_000))
    .then(RepaymentClaimed({ initiativeId, amountCents: 40_000, reason: 'Rest', claimedBy: chair, claimedAt: at }));
  spec(t)
    .given(...onePaid, claimed)
    .when(claim(40_001))
    .thenError('INITIATIVE.CLAIM_BEYOND_PAID', { message: 'Only 40000 cents were paid out and not yet claimed' });
});

t.test('a completed or withdrawn initiative takes no more steps, and says so', async (t) => {
  const onePaid = [submitted, approved, reserved, requested(1), released(1), paid(1)];
  const completed = InitiativeCompleted({ initiativeId, cooperativeId, budgetId, reservationId, finalReport: 'Klaar', completedAt: at });
  spec(t)
    .given(...onePaid, completed)
    .when({ type: 'RequestTranche', progressReport: 'Meer', spentSoFarCents: 0, results: null, now })
    .thenError('INITIATIVE.WRONG_STATE', { statusCode: 409, message: 'The initiative is Completed; this needs Funded' });
  const withdrawn = InitiativeWithdrawn({ initiativeId, cooperativeId, budgetId, reservationId: null, reason: 'Geen vrijwilligers', withdrawnAt: at });
  spec(t)
    .given(submitted, approved, withdrawn)
    .when({ type: 'WithdrawInitiative', reason: 'Nogmaals', now })
    .thenError('INITIATIVE.WRONG_STATE', { message: 'The initiative is Withdrawn; this needs Submitted or Approved or AwaitingFunds or Funded' });
  spec(t)
    .given(...onePaid, requested(2))
    .when({ type: 'CompleteInitiative', finalReport: 'Klaar', now })
    .thenError('INITIATIVE.TRANCHE_PENDING', { message: 'A tranche is still on its way' });
});

t.test('a retried reservation is recorded as for the first attempt; nothing to disburse without an approved tranche', async (t) => {
  const waiting = InitiativeAwaitingFunds({ initiativeId, availableCents: 50_000, reason: 'Line 4100 has 50000 cents left', refusedAt: at });
  const retried = ReservationRetried({ initiativeId, cooperativeId, attempt: 2, amountCents: 200_000, budgetId, lineCode: '4100', retriedAt: at });
  spec(t).given(submitted, approved, waiting, retried).when({ type: 'RecordReservation', reservationId, amountCents: 200_000, now }).then(reserved);
  spec(t).given(submitted, approved, waiting).when({ type: 'RecordReservation', reservationId, amountCents: 200_000, now }).then();
  spec(t)
    .given(submitted, approved, waiting, retried, InitiativeAwaitingFunds({ ...waiting.data }))
    .when({ type: 'RetryReservation', now })
    .then(ReservationRetried({ ...retried.data, attempt: 3 }));
  spec(t).given(submitted, approved, reserved, requested(1)).when({ type: 'RecordDisbursement', amountCents: 100_000, now }).then();
  spec(t)
    .given(submitted, approved, reserved, requested(1))
    .when({ type: 'ApproveTranche', trancheNumber: 2, approvedBy: chair, now })
    .thenError('INITIATIVE.TRANCHE_NOT_AWAITING_APPROVAL', { statusCode: 409, message: 'Tranche 2 awaits no approval' });
  spec(t)
    .given(submitted, approved, reserved, requested(1), released(1))
    .when({ type: 'ApproveTranche', trancheNumber: 1, approvedBy: boardMember, now })
    .thenError('INITIATIVE.TRANCHE_NOT_AWAITING_APPROVAL', { message: 'Tranche 1 awaits no approval' });
});

t.test('a grant the assembly revokes in a new vote: from waiting for money too, with nothing reserved yet', async (t) => {
  const motionId = id(30);
  const grantedByAssembly = FundingApproved({ initiativeId, cooperativeId, amountCents: 200_000, budgetId, lineCode: '4100', decidedBy: { kind: 'assembly', motionId, round: 1 }, approvedAt: at });
  const waiting = InitiativeAwaitingFunds({ initiativeId, availableCents: 0, reason: 'Line 4100 has 0 cents left', refusedAt: at });
  spec(t)
    .given(submitted, grantedByAssembly, waiting)
    .when({ type: 'RecordAssemblyDecision', motionId, round: 2, passed: false, now })
    .then(FundingRevoked({ initiativeId, cooperativeId, budgetId, reservationId: null, motionId, round: 2, revokedAt: at }));
  spec(t).given(submitted, grantedByAssembly).when({ type: 'RecordAssemblyDecision', motionId, round: 1, passed: false, now }).then();
});

t.test('the refusals of a submission and of the board name the figures', async (t) => {
  spec(t)
    .given()
    .when({ ...submit(), requestedCents: 200_001 })
    .thenError('INITIATIVE.TRANCHES_DO_NOT_ADD_UP', { message: 'The tranches add up to 200000 cents; 200001 requested' });
  spec(t)
    .given()
    .when(submit(['meedoen', 'sport']))
    .thenError('INITIATIVE.UNKNOWN_THEME', { message: 'Not a theme of this cooperative: sport; its themes are leren, werken, meedoen' });
  spec(t)
    .given(submittedFor(MANDATE + 1))
    .when(decide(MANDATE + 1))
    .thenError('INITIATIVE.ABOVE_BOARD_MANDATE', { message: "250001 cents is above the board's mandate of 250000: the assembly decides" });
  spec(t).given(submitted).when(submit()).thenError('INITIATIVE.EXISTS', { statusCode: 409 });
  spec(t).given().when(decide(100)).thenError('INITIATIVE.NOT_FOUND', { statusCode: 404 });
});

t.test('an outside applicant is no member of the cooperative', async (t) => {
  t.equal(applicantMemberOf({ kind: 'outside', name: 'Stichting Buurtkracht', chamberOfCommerceNumber: '12345678', contact: 'info@buurtkracht.nl' }), null);
  t.equal(applicantMemberOf({ kind: 'member', memberId: applicant }), applicant);
});

t.test('an outside applicant: named, reachable, and registered at the Chamber of Commerce by eight digits or not at all', async (t) => {
  const outside = { kind: 'outside', name: 'Stichting Buurtkracht', chamberOfCommerceNumber: '12345678', contact: 'info@buurtkracht.nl' };
  const accepts = (applicant: object) => applicantSchema.safeParse(applicant).success;
  t.equal(accepts(outside), true);
  t.equal(accepts({ ...outside, chamberOfCommerceNumber: null }), true, 'an informal group has no registration');
  for (const number of ['1234567', '123456789', '1234567a', ' 12345678']) t.equal(accepts({ ...outside, chamberOfCommerceNumber: number }), false, number);
  t.equal(accepts({ ...outside, name: 'n'.repeat(200), contact: 'c'.repeat(500) }), true);
  t.equal(accepts({ ...outside, name: 'n'.repeat(201) }), false);
  t.equal(accepts({ ...outside, contact: 'c'.repeat(501) }), false);
  t.equal(accepts({ ...outside, kind: 'member' }), false);
  t.equal(accepts({ kind: 'member', memberId: applicant }), true);
});
