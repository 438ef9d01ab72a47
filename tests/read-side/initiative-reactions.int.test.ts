// The initiative's reactions to its funding decision and its money, specified as given events → when an event → then
// the commands it sends.
import t from 'tap';
import { DisbursementBooked, ReservationRefused, budgetContextEvents } from '@meent/budget/events';
import { reactionSpecification, recorded } from '@meent/eventsourcing/testing';
import { InitiativeFundsReserved, TrancheApprovalGiven, TrancheRequested, initiativeEvents } from '@meent/initiative-funding/events';
import { votingEvents } from '@meent/voting/events';
import {
  decideFundingWhenMotionDecided,
  recordDisbursement,
  recordReservationOutcome,
} from '../../services/initiative-funding/src/reactions/follow-funding-decisions-and-money.reactions.js';
import {
  at,
  budgetId,
  applicantId,
  chairId,
  cooperativeId,
  fundingApproved,
  fundsReserved,
  greenLine,
  initiativeId,
  initiativeSubmitted,
  motionDecided,
  motionId,
  otherCooperativeId,
  reservationId,
  trancheApproved,
} from './fixtures.js';

const events = [...budgetContextEvents, ...votingEvents, ...initiativeEvents];
const initiative = `initiative-${initiativeId}`;
const aboutTheInitiative = { kind: 'initiative' as const, id: initiativeId };

t.test('a funding-decision motion about an initiative decides it, passed or not', async (t) => {
  const spec = reactionSpecification(t, decideFundingWhenMotionDecided, events);
  for (const outcome of ['passed', 'rejected'] as const) {
    await spec
      .given(initiativeSubmitted)
      .when(motionDecided({ decisionType: 'funding-decision', subject: aboutTheInitiative, outcome, day: '2027-01-25' }))
      .then([
        {
          stream: initiative,
          command: { type: 'RecordAssemblyDecision', motionId, round: 1, passed: outcome === 'passed', now: new Date(at('2027-01-25')) },
        },
      ]);
  }
});

t.test('a decision of another kind, or about another cooperative’s initiative, sends nothing', async (t) => {
  const spec = reactionSpecification(t, decideFundingWhenMotionDecided, events);
  await spec.given(initiativeSubmitted).when(motionDecided({ decisionType: 'ordinary', subject: aboutTheInitiative, outcome: 'passed' })).then([]);
  await spec
    .given(initiativeSubmitted)
    .when(motionDecided({ decisionType: 'funding-decision', subject: aboutTheInitiative, outcome: 'passed' }, otherCooperativeId))
    .then([], 'the motion’s cooperative is not the initiative’s');
  await spec.given().when(motionDecided({ decisionType: 'funding-decision', subject: aboutTheInitiative, outcome: 'passed' })).then([], 'no such initiative');
});

t.test('the budget’s reservation, or its refusal, is recorded on the initiative it was for', async (t) => {
  const spec = reactionSpecification(t, recordReservationOutcome, events);
  await spec
    .given(initiativeSubmitted, fundingApproved)
    .when(fundsReserved)
    .then([{ stream: initiative, command: { type: 'RecordReservation', reservationId, amountCents: 120_000, now: new Date(at('2027-01-20')) } }]);
  const refused = recorded(
    `ledger-${budgetId}`,
    ReservationRefused({
      reservationId,
      lineCode: greenLine.code,
      amountCents: 120_000,
      availableCents: 50_000,
      reference: aboutTheInitiative,
      reason: 'the line has 500.00 left',
      refusedAt: at('2027-01-20'),
    }),
    { at: at('2027-01-20'), cooperativeId },
  );
  await spec
    .given(initiativeSubmitted, fundingApproved)
    .when(refused)
    .then([
      {
        stream: initiative,
        command: { type: 'RecordReservationRefused', availableCents: 50_000, reason: 'the line has 500.00 left', now: new Date(at('2027-01-20')) },
      },
    ]);
});

t.test('a reservation for nothing in particular, or in another cooperative, sends nothing', async (t) => {
  const spec = reactionSpecification(t, recordReservationOutcome, events);
  const forNothing = recorded(`ledger-${budgetId}`, { ...fundsReserved.event, data: { ...(fundsReserved.event.data as Record<string, unknown>), reference: null } }, { at: at('2027-01-20'), cooperativeId });
  await spec.given(initiativeSubmitted, fundingApproved).when(forNothing).then([]);
  const elsewhere = recorded(`ledger-${budgetId}`, fundsReserved.event, { at: at('2027-01-20'), cooperativeId: otherCooperativeId });
  await spec.given(initiativeSubmitted, fundingApproved).when(elsewhere).then([]);
});

t.test('a disbursement booked against an initiative’s reservation is recorded on it', async (t) => {
  const on = (day: string) => ({ at: at(day), cooperativeId });
  const firstTrancheApproved = [
    initiativeSubmitted,
    fundingApproved,
    recorded(initiative, InitiativeFundsReserved({ initiativeId, reservationId, amountCents: 120_000, reservedAt: at('2027-01-20') }), on('2027-01-20')),
    recorded(
      initiative,
      TrancheRequested({ initiativeId, trancheNumber: 1, amountCents: 80_000, progressReport: 'Klaar om te beginnen', spentSoFarCents: 0, requestedAt: at('2027-01-30') }),
      { ...on('2027-01-30'), by: applicantId },
    ),
    recorded(initiative, TrancheApprovalGiven({ initiativeId, trancheNumber: 1, approvedBy: chairId, approvedAt: at('2027-01-31') }), on('2027-01-31')),
    trancheApproved,
  ];
  const disbursed = recorded(
    `ledger-${budgetId}`,
    DisbursementBooked({
      disbursementId: trancheApproved.id,
      reservationId,
      reference: aboutTheInitiative,
      lineCode: greenLine.code,
      amountCents: 80_000,
      description: `Tranche 1 of initiative ${initiativeId}`,
      bookedOn: '2027-02-01',
      bookedAt: at('2027-02-01'),
    }),
    on('2027-02-01'),
  );
  const spec = reactionSpecification(t, recordDisbursement, events);
  await spec
    .given(...firstTrancheApproved)
    .when(disbursed)
    .then([{ stream: initiative, command: { type: 'RecordDisbursement', amountCents: 80_000, now: new Date(at('2027-02-01')) } }]);
  const forNothing = recorded(`ledger-${budgetId}`, { ...disbursed.event, data: { ...(disbursed.event.data as Record<string, unknown>), reference: null } }, on('2027-02-01'));
  await spec.given(...firstTrancheApproved).when(forNothing).then([], 'a disbursement for nothing in particular is no initiative’s');
});
