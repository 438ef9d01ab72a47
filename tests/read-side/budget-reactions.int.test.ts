// The budget's reactions, specified as given events → when an event → then the commands it sends.
import t from 'tap';
import { BooksClosed, DisbursementBooked, budgetContextEvents } from '@meent/budget/events';
import { reactionSpecification, recorded } from '@meent/eventsourcing/testing';
import { FundingRevoked, RevokedReservationReturned, initiativeEvents } from '@meent/initiative-funding/events';
import { votingEvents } from '@meent/voting/events';
import { adoptBudgetWhenMotionDecided } from '../../services/budget/src/reactions/adopt-budget-when-motion-decided.reaction.js';
import { decideAccountsWhenMotionDecided } from '../../services/budget/src/reactions/decide-accounts-when-motion-decided.reaction.js';
import {
  disburseWhenTrancheApproved,
  releaseReservationWhenInitiativeEnds,
  reserveFundsWhenFundingApproved,
} from '../../services/budget/src/reactions/initiative-money.reactions.js';
import {
  adoptedBudget,
  at,
  budgetId,
  cooperativeId,
  fundingApproved,
  fundsReserved,
  greenLine,
  initiativeCompleted,
  initiativeId,
  motionDecided,
  motionId,
  otherCooperativeId,
  reservationId,
  submittedBudget,
  trancheApproved,
} from './fixtures.js';

const events = [...budgetContextEvents, ...votingEvents, ...initiativeEvents];
const budgetSubject = { kind: 'budget' as const, id: budgetId };
const inForce = { adopted: true, lines: new Map([[greenLine.code, greenLine]]), financialYear: 2027, period: { firstDay: '2027-01-01', lastDay: '2027-12-31' } };
/** The disbursement the approved tranche asks the ledger for. */
const trancheDisbursement = {
  type: 'BookDisbursement',
  disbursementId: trancheApproved.id,
  reservationId,
  amountCents: 80_000,
  description: `Tranche 1 of initiative ${initiativeId}`,
  budget: inForce,
  today: '2027-02-01',
  now: new Date(at('2027-02-01')),
};

t.test('a budget-adoption motion decides the budget it is about', async (t) => {
  const spec = reactionSpecification(t, adoptBudgetWhenMotionDecided, events);
  await spec
    .given(...submittedBudget())
    .when(motionDecided({ decisionType: 'budget-adoption', subject: budgetSubject, outcome: 'passed' }))
    .then([
      {
        stream: `budget-${budgetId}`,
        command: { type: 'RecordAdoptionDecision', motionId: '0193a6f0-0000-7000-8000-0000000000d1', round: 1, passed: true, now: new Date(at('2026-12-01')) },
      },
    ]);
  await spec
    .given(...submittedBudget())
    .when(motionDecided({ decisionType: 'budget-adoption', subject: budgetSubject, outcome: 'rejected', round: 2 }))
    .then(
      [
        {
          stream: `budget-${budgetId}`,
          command: { type: 'RecordAdoptionDecision', motionId: '0193a6f0-0000-7000-8000-0000000000d1', round: 2, passed: false, now: new Date(at('2026-12-01')) },
        },
      ],
      'a rejection, or a later round, is recorded as well',
    );
});

t.test('a decision of another kind, about no budget, or about another cooperative’s budget sends nothing', async (t) => {
  const spec = reactionSpecification(t, adoptBudgetWhenMotionDecided, events);
  await spec.given(...submittedBudget()).when(motionDecided({ decisionType: 'ordinary', subject: budgetSubject, outcome: 'passed' })).then([]);
  await spec.given(...submittedBudget()).when(motionDecided({ decisionType: 'budget-adoption', subject: null, outcome: 'passed' })).then([]);
  await spec
    .given(...submittedBudget(otherCooperativeId))
    .when(motionDecided({ decisionType: 'budget-adoption', subject: budgetSubject, outcome: 'passed' }))
    .then([], 'the motion’s cooperative is not the budget’s');
  await spec.given().when(motionDecided({ decisionType: 'budget-adoption', subject: budgetSubject, outcome: 'passed' })).then([], 'no such budget');
});

t.test('the assembly’s decisions on a year’s accounts reach them, each round; none about another cooperative’s', async (t) => {
  const spec = reactionSpecification(t, decideAccountsWhenMotionDecided, events);
  const accounts = { kind: 'annual-accounts' as const, id: budgetId };
  const recordDecision = (decisionType: string, passed: boolean, round: number, months: number | null) => ({
    stream: `annual-accounts-${budgetId}`,
    command: { type: 'RecordAccountsDecision', budgetId, decisionType, motionId, round, passed, months, now: new Date(at('2026-12-01')) },
  });
  await spec.given(...adoptedBudget()).when(motionDecided({ decisionType: 'annual-accounts', subject: accounts, outcome: 'passed' })).then([recordDecision('annual-accounts', true, 1, null)]);
  await spec.given(...adoptedBudget()).when(motionDecided({ decisionType: 'discharge', subject: accounts, outcome: 'rejected', round: 2 })).then([recordDecision('discharge', false, 2, null)]);
  await spec
    .given(...adoptedBudget())
    .when(motionDecided({ decisionType: 'accounts-extension', subject: { kind: 'accounts-extension', id: budgetId, months: 2 }, outcome: 'passed' }))
    .then([recordDecision('accounts-extension', true, 1, 2)]);
  await spec.given(...adoptedBudget()).when(motionDecided({ decisionType: 'ordinary', subject: null, outcome: 'passed' })).then([]);
  await spec
    .given(...adoptedBudget(otherCooperativeId))
    .when(motionDecided({ decisionType: 'annual-accounts', subject: accounts, outcome: 'passed' }))
    .then([], 'the motion’s cooperative is not the budget’s');
});

t.test('an approved funding reserves its amount on the budget’s line, keyed by the approval', async (t) => {
  await reactionSpecification(t, reserveFundsWhenFundingApproved, events)
    .given(...adoptedBudget())
    .when(fundingApproved)
    .then([
      {
        stream: `ledger-${budgetId}`,
        command: {
          type: 'ReserveFunds',
          reservationId: fundingApproved.id,
          lineCode: greenLine.code,
          amountCents: 120_000,
          reference: { kind: 'initiative', id: initiativeId },
          override: null,
          budget: inForce,
          today: '2027-01-20',
          now: new Date(at('2027-01-20')),
        },
      },
    ]);
});

t.test('an approved tranche is disbursed against the initiative’s reservation', async (t) => {
  await reactionSpecification(t, disburseWhenTrancheApproved, events)
    .given(...adoptedBudget(), fundsReserved)
    .when(trancheApproved)
    .then([{ stream: `ledger-${budgetId}`, command: trancheDisbursement }]);
});

t.test("after the year's books are closed, a disbursement asked for is refused by an event, not an error that holds the reaction", async (t) => {
  const closed = recorded(
    `ledger-${budgetId}`,
    BooksClosed({ financialYear: 2027, closedOn: '2028-02-01', closedBy: 'treasurer', closedAt: at('2028-02-01') }),
    { at: at('2028-02-01'), cooperativeId },
  );
  const refusal = {
    type: 'RefuseBooking',
    bookingId: trancheApproved.id,
    kind: 'disbursement',
    reservationId,
    budget: inForce,
    today: '2027-02-01',
    now: new Date(at('2027-02-01')),
  };
  await reactionSpecification(t, disburseWhenTrancheApproved, events)
    .given(...adoptedBudget(), fundsReserved, closed)
    .when(trancheApproved)
    .then([
      { stream: `ledger-${budgetId}`, command: trancheDisbursement },
      { stream: `ledger-${budgetId}`, command: refusal },
    ]);
});

t.test('an initiative that ends gives what is left of its reservation back to the line', async (t) => {
  const release = {
    stream: `ledger-${budgetId}`,
    command: {
      type: 'ReleaseReservation',
      reservationId,
      reason: 'The initiative is completed',
      budget: inForce,
      today: '2027-06-01',
      now: new Date(at('2027-06-01')),
    },
  };
  const spec = reactionSpecification(t, releaseReservationWhenInitiativeEnds, events);
  await spec.given(...adoptedBudget(), fundsReserved).when(initiativeCompleted).then([release]);
  const everyCentPaidOut = recorded(
    `ledger-${budgetId}`,
    DisbursementBooked({
      disbursementId: '0193a6f0-0000-7000-8000-0000000000ea',
      reservationId,
      reference: { kind: 'initiative', id: initiativeId },
      lineCode: greenLine.code,
      amountCents: 120_000,
      description: 'Both tranches',
      bookedOn: '2027-03-01',
      bookedAt: at('2027-03-01'),
    }),
    { at: at('2027-03-01'), cooperativeId },
  );
  await spec
    .given(...adoptedBudget(), fundsReserved, everyCentPaidOut)
    .when(initiativeCompleted)
    .then([release], 'with every cent paid out the ledger has nothing to release: done, not retried');
  await spec
    .given(...adoptedBudget(otherCooperativeId), fundsReserved)
    .when(initiativeCompleted)
    .thenRefused({ code: 'NOT_FOUND' }, 'another cooperative’s budget is not there for it');
});

t.test('a grant revoked by a new vote (BW 2:13 lid 4) gives its reservation back, however late it was made', async (t) => {
  const on = { at: at('2026-12-02'), cooperativeId };
  const release = {
    stream: `ledger-${budgetId}`,
    command: {
      type: 'ReleaseReservation',
      reservationId,
      reason: 'The grant was revoked by a new vote (BW 2:13 lid 4)',
      budget: inForce,
      today: '2026-12-02',
      now: new Date(at('2026-12-02')),
    },
  };
  const spec = reactionSpecification(t, releaseReservationWhenInitiativeEnds, events);
  const revoked = (reservation: string | null) =>
    recorded(
      `initiative-${initiativeId}`,
      FundingRevoked({ initiativeId, cooperativeId, budgetId, reservationId: reservation, motionId, round: 2, revokedAt: at('2026-12-02') }),
      on,
    );
  await spec.given(...adoptedBudget(), fundsReserved).when(revoked(reservationId)).then([release]);
  await spec.given(...adoptedBudget()).when(revoked(null)).then([], 'nothing reserved yet: nothing to give back');
  const returned = recorded(
    `initiative-${initiativeId}`,
    RevokedReservationReturned({ initiativeId, cooperativeId, budgetId, reservationId, returnedAt: at('2026-12-02') }),
    on,
  );
  await spec.given(...adoptedBudget(), fundsReserved).when(returned).then([release], 'reserved after the revocation: given back then');
});
