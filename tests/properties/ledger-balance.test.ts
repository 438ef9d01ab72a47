// The balance sheet a year's accounts are drawn up with balances after any history of the ledger: whatever was
// received, booked, paid, reserved, disbursed, released or reversed — in any order, with whatever the ledger refused —
// the cash is what is still owed plus the year's result, to the cent, and the result is the earmarked reserve plus the
// general one (BW 2:10 lid 1: the books show the cooperative's position at any time).
import t from 'tap';
import fc from 'fast-check';
import { DomainError } from '@meent/eventsourcing';
import { statementsOf } from '../../services/budget/src/domain/annual-accounts.decider.js';
import { ledgerDecider, type AdoptedBudget, type LedgerCommand, type LedgerState } from '../../services/budget/src/domain/ledger.decider.js';

const day = '2027-03-01';
const now = new Date(`${day}T10:00:00.000Z`);
const budget: AdoptedBudget = {
  adopted: true,
  lines: new Map([
    ['8000', { code: '8000', name: 'Bijdragen', kind: 'income', amountCents: 1_000_000 }],
    ['4100', { code: '4100', name: 'Buurtmoestuin', kind: 'expense', amountCents: 500_000 }],
    ['4200', { code: '4200', name: 'Buurtfeest', kind: 'expense', amountCents: 300_000 }],
  ]),
  financialYear: 2027,
  period: { firstDay: '2027-01-01', lastDay: '2027-12-31' },
};
const dated = { budget, today: day, now };
const id = (n: number) => `0193a6f0-0000-7000-8000-${String(n).padStart(12, '0')}`;
const line = fc.constantFrom('4100', '4200');
/** Mostly within the four-eyes threshold of 100,000 cents, some above it. */
const amount = fc.integer({ min: 1, max: 120_000 });
/** Which of the last steps' ids a step names: the entry or reservation it made, if it made one. */
const ref = fc.nat();

/** One step of a treasurer's or another context's bookings, given a new id and the id of an earlier step; the ledger may refuse it. */
type Step = (fresh: string, earlier: (ref: number) => string) => LedgerCommand;
const step: fc.Arbitrary<Step> = fc.oneof(
  amount.map((amountCents): Step => (fresh) => ({
    type: 'RecordIncome',
    entryId: fresh,
    lineCode: '8000',
    source: 'Gemeente',
    amountCents,
    receivedOn: day,
    by: 'treasurer',
    ...dated,
  })),
  fc.tuple(line, amount).map(([lineCode, amountCents]): Step => (fresh) => ({
    type: 'SubmitExpense',
    expenseId: fresh,
    lineCode,
    payee: 'Leverancier',
    amountCents,
    invoiceReference: fresh,
    description: 'Inkoop',
    by: 'treasurer',
    fourEyesThresholdCents: 100_000,
    override: null,
    ...dated,
  })),
  fc.tuple(ref, fc.boolean()).map(([expense, secondOfficer]): Step => (_fresh, earlier) =>
    secondOfficer
      ? { type: 'ApproveExpense', expenseId: earlier(expense), by: 'chair', override: null, ...dated }
      : { type: 'PayExpense', expenseId: earlier(expense), ...dated },
  ),
  fc.tuple(line, amount).map(([lineCode, amountCents]): Step => (fresh) => ({
    type: 'ReserveFunds',
    reservationId: fresh,
    lineCode,
    amountCents,
    reference: { kind: 'initiative', id: fresh },
    override: null,
    ...dated,
  })),
  fc.tuple(ref, amount).map(([reservation, amountCents]): Step => (fresh, earlier) => ({
    type: 'BookDisbursement',
    disbursementId: fresh,
    reservationId: earlier(reservation),
    amountCents,
    description: 'Tranche',
    ...dated,
  })),
  ref.map((reservation): Step => (_fresh, earlier) => ({ type: 'ReleaseReservation', reservationId: earlier(reservation), reason: 'Afgerond', ...dated })),
  ref.map((entry): Step => (fresh, earlier) => ({ type: 'ReverseEntry', reversalId: fresh, entryId: earlier(entry), reason: 'Correctie', by: 'treasurer', ...dated })),
);

t.test('after any history of the ledger the balance sheet balances to the cent', async (t) => {
  let histories = 0;
  fc.assert(
    fc.property(fc.array(step, { minLength: 10, maxLength: 60 }), (steps) => {
      let state: LedgerState = ledgerDecider.initialState;
      steps.forEach((make, index) => {
        // One of the last four steps: what a step names was mostly made shortly before it.
        const earlier = (ref: number) => id(Math.max(1, index - (ref % 4)));
        try {
          for (const event of ledgerDecider.decide(make(id(index + 1), earlier), state)) state = ledgerDecider.evolve(state, event);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
        }
        const { incomeAndExpenditure, balanceSheet } = statementsOf(state, budget);
        if (balanceSheet.cashCents !== balanceSheet.payablesCents + incomeAndExpenditure.resultCents) {
          throw new Error(`cash ${balanceSheet.cashCents} ≠ payables ${balanceSheet.payablesCents} + result ${incomeAndExpenditure.resultCents}`);
        }
        if (balanceSheet.earmarkedReserveCents + balanceSheet.generalReserveCents !== incomeAndExpenditure.resultCents) {
          throw new Error('the reserves do not add up to the result');
        }
        if (balanceSheet.payablesCents < 0 || balanceSheet.earmarkedReserveCents < 0) {
          throw new Error(`a negative balance: payables ${balanceSheet.payablesCents}, earmarked ${balanceSheet.earmarkedReserveCents}`);
        }
      });
      histories += 1;
    }),
    { numRuns: 500, seed: 20261128 },
  );
  t.equal(histories, 500, 'five hundred histories, each checked after every step');
});
