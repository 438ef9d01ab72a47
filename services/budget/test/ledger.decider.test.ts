import t from 'tap';
import { deciderSpecification } from '@meent/eventsourcing/testing';
import { budgetContextEvents } from '@meent/budget/events';
import {
  BookingRefused,
  BooksClosed,
  DisbursementBooked,
  EntryReversed,
  ExpenseApproved,
  ExpenseBooked,
  ExpensePaid,
  ExpenseSubmitted,
  FundsReserved,
  IncomeRecorded,
  ReservationRefused,
  ReservationReleased,
  type BudgetLine,
} from '@meent/budget';
import { availableCents, ledgerAggregate, ledgerDecider, ledgerStream, type BudgetInForce, type LedgerCommand } from '../src/domain/ledger.decider.js';

const spec = deciderSpecification(ledgerDecider, budgetContextEvents);
const now = new Date('2027-02-01T10:00:00.000Z');
const at = now.toISOString();
const today = '2027-02-01';
const id = (n: number) => `0193a6f0-0000-7000-8000-${String(n).padStart(12, '0')}`;
const treasurer = id(501);
const chair = id(502);

const garden: BudgetLine = { code: '4100', name: 'Buurtmoestuin', kind: 'expense', amountCents: 100_000 };
const rent: BudgetLine = { code: '8000', name: 'Huurinkomsten', kind: 'income', amountCents: 1_200_000 };
const year2027 = { firstDay: '2027-01-01', lastDay: '2027-12-31' };
const budget: BudgetInForce = { adopted: true, lines: new Map([garden, rent].map((line) => [line.code, line])), financialYear: 2027, period: year2027 };
const dated = { budget, today, now };

const submit = (expenseId: string, amountCents: number, override: { by: string; reason: string } | null = null): LedgerCommand => ({
  type: 'SubmitExpense',
  expenseId,
  lineCode: '4100',
  payee: 'Tuincentrum Groen',
  amountCents,
  invoiceReference: `F-${expenseId.slice(-3)}`,
  description: 'Zaden en gereedschap',
  by: treasurer,
  fourEyesThresholdCents: 50_000,
  override,
  ...dated,
});
const submitted = (expenseId: string, amountCents: number, needsSecondApprover = false) =>
  ExpenseSubmitted({
    expenseId,
    lineCode: '4100',
    payee: 'Tuincentrum Groen',
    amountCents,
    invoiceReference: `F-${expenseId.slice(-3)}`,
    description: 'Zaden en gereedschap',
    submittedBy: treasurer,
    needsSecondApprover,
    submittedAt: at,
  });
const booked = (expenseId: string, amountCents: number, override: { by: string; reason: string } | null = null) =>
  ExpenseBooked({ expenseId, lineCode: '4100', amountCents, override, bookedOn: today, bookedAt: at });
const reserved = (reservationId: string, amountCents: number) =>
  FundsReserved({ reservationId, lineCode: '4100', amountCents, reference: null, override: null, reservedOn: today, reservedAt: at });

t.test('income is recorded on an income line of the adopted budget', async (t) => {
  spec(t)
    .given()
    .when({ type: 'RecordIncome', entryId: id(1), lineCode: '8000', source: 'Woningcorporatie', amountCents: 100_000, receivedOn: '2027-01-31', by: treasurer, ...dated })
    .then(IncomeRecorded({ entryId: id(1), lineCode: '8000', source: 'Woningcorporatie', amountCents: 100_000, receivedOn: '2027-01-31', recordedBy: treasurer, recordedAt: at }));
});

t.test('rejects booking before adoption, to a line not in the budget, or to a line of the other kind', async (t) => {
  spec(t).given().when({ ...submit(id(1), 100), budget: { adopted: false } } as LedgerCommand).thenError('LEDGER.BUDGET_NOT_ADOPTED', { statusCode: 409 });
  spec(t).given().when({ ...submit(id(1), 100), lineCode: '9999' } as LedgerCommand).thenError('LEDGER.LINE_NOT_IN_BUDGET', { statusCode: 422 });
  spec(t).given().when({ ...submit(id(1), 100), lineCode: '8000' } as LedgerCommand).thenError('LEDGER.WRONG_LINE_KIND', { statusCode: 422 });
});

t.test('an expense up to the four-eyes threshold is booked at once', async (t) => {
  spec(t).given().when(submit(id(1), 50_000)).then(submitted(id(1), 50_000), booked(id(1), 50_000));
});

t.test('an expense above the threshold waits for a second officer, who is not the submitter', async (t) => {
  spec(t).given().when(submit(id(1), 50_001)).then(submitted(id(1), 50_001, true));
  spec(t)
    .given(submitted(id(1), 50_001, true))
    .when({ type: 'ApproveExpense', expenseId: id(1), by: treasurer, override: null, ...dated })
    .thenError('LEDGER.SAME_APPROVER', { statusCode: 403, rule: 'fourEyesThresholdCents' });
  spec(t)
    .given(submitted(id(1), 50_001, true))
    .when({ type: 'ApproveExpense', expenseId: id(1), by: chair, override: null, ...dated })
    .then(ExpenseApproved({ expenseId: id(1), approvedBy: chair, approvedAt: at }), booked(id(1), 50_001));
});

t.test('a line is never exceeded, counting what is spent and what is reserved', async (t) => {
  spec(t)
    .given(submitted(id(1), 40_000), booked(id(1), 40_000), reserved(id(2), 50_000))
    .when(submit(id(3), 10_001))
    .thenError('LEDGER.LINE_EXHAUSTED', { statusCode: 422, rule: 'an expense or reservation never exceeds what its line has left' });
  spec(t)
    .given(submitted(id(1), 40_000), booked(id(1), 40_000), reserved(id(2), 50_000))
    .when(submit(id(3), 10_000))
    .then(submitted(id(3), 10_000), booked(id(3), 10_000));
});

t.test('unless the board overrides, with its reason on record', async (t) => {
  const override = { by: chair, reason: 'Storm damage, decided by the board on 30 January' };
  spec(t)
    .given(submitted(id(1), 40_000), booked(id(1), 40_000))
    .when(submit(id(3), 60_001, override))
    .then(submitted(id(3), 60_001, true));
  spec(t)
    .given(submitted(id(1), 90_000, true), ExpenseApproved({ expenseId: id(1), approvedBy: chair, approvedAt: at }), booked(id(1), 90_000))
    .when(submit(id(3), 20_000, override))
    .then(submitted(id(3), 20_000), booked(id(3), 20_000, override));
});

t.test('a booked expense is paid once', async (t) => {
  spec(t).given(submitted(id(1), 100), booked(id(1), 100)).when({ type: 'PayExpense', expenseId: id(1), ...dated }).then(
    ExpensePaid({ expenseId: id(1), paidOn: today, paidAt: at }),
  );
  spec(t)
    .given(submitted(id(1), 100), booked(id(1), 100), ExpensePaid({ expenseId: id(1), paidOn: today, paidAt: at }))
    .when({ type: 'PayExpense', expenseId: id(1), ...dated })
    .thenError('LEDGER.NOT_BOOKED', { statusCode: 409 });
});

t.test('a correction is a reversing entry that references the original, once', async (t) => {
  const reversal = EntryReversed({
    reversalId: id(9),
    entryId: id(1),
    entryKind: 'expense',
    lineCode: '4100',
    amountCents: 30_000,
    reason: 'double invoice',
    reversedBy: treasurer,
    reversedOn: today,
    reversedAt: at,
  });
  const reverse: LedgerCommand = { type: 'ReverseEntry', reversalId: id(9), entryId: id(1), reason: 'double invoice', by: treasurer, ...dated };
  spec(t).given(submitted(id(1), 30_000), booked(id(1), 30_000)).when(reverse).then(reversal);
  spec(t).given(submitted(id(1), 30_000), booked(id(1), 30_000), reversal).when(reverse).thenError('LEDGER.ALREADY_REVERSED', { statusCode: 409 });
  spec(t).given().when(reverse).thenError('LEDGER.NO_SUCH_ENTRY', { statusCode: 404 });
  const state = [submitted(id(1), 30_000), booked(id(1), 30_000), reversal].reduce(ledgerDecider.evolve, ledgerDecider.initialState);
  t.equal(availableCents(state, garden), 100_000, 'the reversal gives the line its money back');
});

t.test('reservations: made while the line has room, refused as an event when not, released, disbursed against', async (t) => {
  const reserve = (reservationId: string, amountCents: number): LedgerCommand => ({
    type: 'ReserveFunds',
    reservationId,
    lineCode: '4100',
    amountCents,
    reference: null,
    override: null,
    ...dated,
  });
  spec(t).given().when(reserve(id(2), 100_000)).then(reserved(id(2), 100_000));
  spec(t)
    .given(reserved(id(2), 60_000))
    .when(reserve(id(3), 40_001))
    .then(
      ReservationRefused({
        reservationId: id(3),
        lineCode: '4100',
        amountCents: 40_001,
        availableCents: 40_000,
        reference: null,
        reason: 'Line 4100 has 40000 cents left',
        refusedAt: at,
      }),
    );
  spec(t).given(reserved(id(2), 60_000)).when(reserve(id(2), 60_000)).then();
  const disbursed = DisbursementBooked({
    disbursementId: id(4),
    reservationId: id(2),
    reference: null,
    lineCode: '4100',
    amountCents: 25_000,
    description: 'Eerste tranche',
    bookedOn: today,
    bookedAt: at,
  });
  spec(t)
    .given(reserved(id(2), 60_000))
    .when({ type: 'BookDisbursement', disbursementId: id(4), reservationId: id(2), amountCents: 25_000, description: 'Eerste tranche', ...dated })
    .then(disbursed);
  spec(t)
    .given(reserved(id(2), 60_000), disbursed)
    .when({ type: 'BookDisbursement', disbursementId: id(5), reservationId: id(2), amountCents: 35_001, description: 'Te veel', ...dated })
    .thenError('LEDGER.BEYOND_RESERVATION', { statusCode: 422 });
  spec(t)
    .given(reserved(id(2), 60_000), disbursed)
    .when({ type: 'ReleaseReservation', reservationId: id(2), reason: 'Initiative completed', ...dated })
    .then(ReservationReleased({ reservationId: id(2), reference: null, lineCode: '4100', amountCents: 35_000, reason: 'Initiative completed', releasedOn: today, releasedAt: at }));
  const state = [reserved(id(2), 60_000), disbursed].reduce(ledgerDecider.evolve, ledgerDecider.initialState);
  t.equal(availableCents(state, garden), 40_000, 'a disbursement moves money from reserved to spent');
});

t.test("a decided participatory budgeting round's money becomes its winners' reservations in one stroke", async (t) => {
  const round = { kind: 'pb-round' as const, id: id(40) };
  const forRound = FundsReserved({ reservationId: id(41), lineCode: '4100', amountCents: 60_000, reference: round, override: null, reservedOn: today, reservedAt: at });
  const settle = (winners: { reservationId: string; initiativeId: string; amountCents: number }[]): LedgerCommand => ({
    type: 'SettleRound',
    reservationId: id(41),
    winners,
    reason: 'Round decided',
    ...dated,
  });
  const winners = [
    { reservationId: id(42), initiativeId: id(43), amountCents: 35_000 },
    { reservationId: id(44), initiativeId: id(45), amountCents: 25_000 },
  ];
  const released = ReservationReleased({ reservationId: id(41), reference: round, lineCode: '4100', amountCents: 60_000, reason: 'Round decided', releasedOn: today, releasedAt: at });
  const winner = (index: number) =>
    FundsReserved({
      reservationId: winners[index]!.reservationId,
      lineCode: '4100',
      amountCents: winners[index]!.amountCents,
      reference: { kind: 'initiative', id: winners[index]!.initiativeId },
      override: null,
      reservedOn: today,
      reservedAt: at,
    });
  // Exactly the round's money, to the cent: every cent goes to a winner.
  spec(t).given(forRound).when(settle(winners)).then(released, winner(0), winner(1));
  // A cent more than the round holds is refused; settled once, a second settlement changes nothing.
  spec(t)
    .given(forRound)
    .when(settle([winners[0]!, { ...winners[1]!, amountCents: 25_001 }]))
    .thenError('LEDGER.BEYOND_RESERVATION', { statusCode: 422 });
  spec(t).given(forRound, released, winner(0), winner(1)).when(settle(winners)).then();
  const state = [forRound, released, winner(0)].reduce(ledgerDecider.evolve, ledgerDecider.initialState);
  t.equal(availableCents(state, garden), 65_000, 'what the winners do not cost is back on the line');
});

t.test('when a total would pass what a number holds exactly', async (t) => {
  const income = (entryId: string, amountCents: number) =>
    IncomeRecorded({ entryId, lineCode: '8000', source: 'Gemeente', amountCents, receivedOn: today, recordedBy: treasurer, recordedAt: at });
  const record = (entryId: string, amountCents: number): LedgerCommand => ({
    type: 'RecordIncome',
    entryId,
    lineCode: '8000',
    source: 'Gemeente',
    amountCents,
    receivedOn: today,
    by: treasurer,
    ...dated,
  });
  const nearlyAll = Number.MAX_SAFE_INTEGER - 1_000;
  t.test('accepts income up to exactly 2^53 − 1 cents in all', async (t) => {
    spec(t).given(income(id(1), nearlyAll)).when(record(id(2), 1_000)).then(income(id(2), 1_000));
  });
  t.test('refuses one cent more, naming the rule', async (t) => {
    spec(t)
      .given(income(id(1), nearlyAll))
      .when(record(id(2), 1_001))
      .thenError('LEDGER.SUM_NOT_EXACT', { statusCode: 422, rule: 'exact-sums' });
  });
  t.test('counts spending on every line together, for the cash position', async (t) => {
    spec(t)
      .given(income(id(1), nearlyAll), submitted(id(3), 500), booked(id(3), 500))
      .when(submit(id(4), 501))
      .thenError('LEDGER.SUM_NOT_EXACT', { statusCode: 422, rule: 'exact-sums' });
  });
});

/** A reservation of 100 cents on the garden line another context asked for, and its refusal for `reason`. */
const reserveHundred = { type: 'ReserveFunds', reservationId: id(3), lineCode: '4100', amountCents: 100, reference: null, override: null } as const;
const hundredRefused = (reason: string) =>
  ReservationRefused({ reservationId: id(3), lineCode: '4100', amountCents: 100, availableCents: 0, reference: null, reason, refusedAt: at });

t.test("BW 2:10a: a budget's books hold its financial year only", async (t) => {
  const july = { ...budget, financialYear: 2027, period: { firstDay: '2027-07-01', lastDay: '2028-06-30' } };
  const receiving = (receivedOn: string): LedgerCommand => ({
    type: 'RecordIncome',
    entryId: id(1),
    lineCode: '8000',
    source: 'Gemeente',
    amountCents: 100,
    receivedOn,
    by: treasurer,
    ...dated,
  });
  spec(t)
    .given()
    .when(receiving('2026-12-31'))
    .thenError('LEDGER.OUTSIDE_FINANCIAL_YEAR', { statusCode: 422, rule: 'BW 2:10a financialYearStartMonth' });
  spec(t).given().when(receiving('2028-01-01')).thenError('LEDGER.OUTSIDE_FINANCIAL_YEAR', { statusCode: 422 });
  spec(t)
    .given()
    .when({ ...submit(id(2), 100), budget: july } as LedgerCommand)
    .thenError('LEDGER.OUTSIDE_FINANCIAL_YEAR', { statusCode: 422, message: 'Financial year 2027 begins on 2027-07-01' });
  spec(t)
    .given()
    .when({ ...reserveHundred, ...dated, budget: july })
    .then(hundredRefused('Financial year 2027 begins on 2027-07-01'));
  spec(t)
    .given(submitted(id(4), 100), booked(id(4), 100))
    .when({ type: 'PayExpense', expenseId: id(4), ...dated, today: '2028-01-15' })
    .then(ExpensePaid({ expenseId: id(4), paidOn: '2028-01-15', paidAt: at }));
});

t.test("the year's books close after its last day, with no expense awaiting approval, and then take nothing more", async (t) => {
  const afterTheYear = { ...dated, today: '2028-02-01' };
  const closed = BooksClosed({ financialYear: 2027, closedOn: '2028-02-01', closedBy: treasurer, closedAt: at });
  spec(t)
    .given()
    .when({ type: 'CloseBooks', by: treasurer, ...dated, today: '2027-12-31' })
    .thenError('LEDGER.YEAR_NOT_ENDED', { statusCode: 409, message: 'Financial year 2027 ends on 2027-12-31' });
  spec(t)
    .given(submitted(id(1), 50_001, true))
    .when({ type: 'CloseBooks', by: treasurer, ...afterTheYear })
    .thenError('LEDGER.EXPENSES_AWAITING_APPROVAL', { statusCode: 409 });
  spec(t)
    .given(submitted(id(1), 50_001, true), ExpenseApproved({ expenseId: id(1), approvedBy: chair, approvedAt: at }), booked(id(1), 50_001))
    .when({ type: 'CloseBooks', by: treasurer, ...afterTheYear })
    .then(closed);
  spec(t)
    .given(closed)
    .when({ type: 'PayExpense', expenseId: id(1), ...afterTheYear })
    .thenError('LEDGER.BOOKS_CLOSED', { statusCode: 409, rule: 'BW 2:10, 2:48', message: 'The books of financial year 2027 were closed on 2028-02-01' });
  spec(t)
    .given(closed)
    .when({ ...reserveHundred, ...afterTheYear })
    .then(hundredRefused('The books of financial year 2027 were closed on 2028-02-01'));
  const refusal: LedgerCommand = { type: 'RefuseBooking', bookingId: id(5), kind: 'disbursement', reservationId: id(2), ...afterTheYear };
  const refused = BookingRefused({
    bookingId: id(5),
    kind: 'disbursement',
    reservationId: id(2),
    reference: null,
    reason: 'The books were closed on 2028-02-01',
    refusedAt: at,
  });
  spec(t).given(reserved(id(2), 500), closed).when(refusal).then(refused);
  spec(t).given(reserved(id(2), 500), closed, refused).when(refusal).then();
  spec(t).given(reserved(id(2), 500)).when(refusal).thenError('LEDGER.BOOKS_OPEN', { statusCode: 409 });
});

t.test("a budget's ledger is its own stream, which exists from its first entry or its close", async (t) => {
  const budgetId = id(700);
  t.equal(ledgerStream(budgetId), `ledger-${budgetId}`);
  t.equal(ledgerAggregate.exists(ledgerDecider.initialState), false);
  t.equal(ledgerAggregate.exists(ledgerDecider.evolve(ledgerDecider.initialState, submitted(id(1), 100))), true);
  t.equal(
    ledgerAggregate.exists(ledgerDecider.evolve(ledgerDecider.initialState, BooksClosed({ financialYear: 2027, closedOn: '2028-01-05', closedBy: treasurer, closedAt: at }))),
    true,
  );
});

t.test('asked again with the same id, a booking changes nothing', async (t) => {
  const income = IncomeRecorded({ entryId: id(1), lineCode: '8000', source: 'Gemeente', amountCents: 100, receivedOn: today, recordedBy: treasurer, recordedAt: at });
  spec(t)
    .given(income)
    .when({ type: 'RecordIncome', entryId: id(1), lineCode: '8000', source: 'Gemeente', amountCents: 100, receivedOn: today, by: treasurer, ...dated })
    .then();
  spec(t).given(submitted(id(2), 100), booked(id(2), 100)).when(submit(id(2), 100)).then();
  const disbursement = { type: 'BookDisbursement', disbursementId: id(4), reservationId: id(3), amountCents: 10, description: 'Eerste tranche', ...dated } as const;
  const disbursed = DisbursementBooked({ disbursementId: id(4), reservationId: id(3), reference: null, lineCode: '4100', amountCents: 10, description: 'Eerste tranche', bookedOn: today, bookedAt: at });
  spec(t).given(reserved(id(3), 100), disbursed).when(disbursement).then();
  spec(t)
    .given(hundredRefused('Line 4100 has 0 cents left'))
    .when({ ...reserveHundred, ...dated })
    .then();
});

t.test("the first and the last day belong to the financial year", async (t) => {
  const receiving = (receivedOn: string): LedgerCommand => ({ type: 'RecordIncome', entryId: id(1), lineCode: '8000', source: 'Gemeente', amountCents: 100, receivedOn, by: treasurer, ...dated });
  const received = (receivedOn: string) =>
    IncomeRecorded({ entryId: id(1), lineCode: '8000', source: 'Gemeente', amountCents: 100, receivedOn, recordedBy: treasurer, recordedAt: at });
  spec(t).given().when(receiving('2027-01-01')).then(received('2027-01-01'));
  spec(t).given().when(receiving('2027-12-31')).then(received('2027-12-31'));
  spec(t)
    .given()
    .when(receiving('2028-01-01'))
    .thenError('LEDGER.OUTSIDE_FINANCIAL_YEAR', { message: 'Income received on 2028-01-01 is not of financial year 2027 (2027-01-01 to 2027-12-31)' });
  const firstDay = { ...dated, today: '2027-01-01' };
  spec(t)
    .given()
    .when({ ...submit(id(2), 100), ...firstDay })
    .then(submitted(id(2), 100), ExpenseBooked({ expenseId: id(2), lineCode: '4100', amountCents: 100, override: null, bookedOn: '2027-01-01', bookedAt: at }));
  spec(t)
    .given()
    .when({ ...reserveHundred, ...firstDay })
    .then(FundsReserved({ reservationId: id(3), lineCode: '4100', amountCents: 100, reference: null, override: null, reservedOn: '2027-01-01', reservedAt: at }));
});

t.test('each refusal names what it is about', async (t) => {
  spec(t)
    .given(submitted(id(1), 100), booked(id(1), 100))
    .when({ type: 'ApproveExpense', expenseId: id(1), by: chair, override: null, ...dated })
    .thenError('LEDGER.NOT_AWAITING_APPROVAL', { statusCode: 409, message: 'The expense is Booked' });
  spec(t)
    .given(submitted(id(1), 50_001, true))
    .when({ type: 'PayExpense', expenseId: id(1), ...dated })
    .thenError('LEDGER.NOT_BOOKED', { statusCode: 409, message: 'The expense is AwaitingApproval' });
  spec(t)
    .given()
    .when({ type: 'PayExpense', expenseId: id(1), ...dated })
    .thenError('LEDGER.NO_SUCH_EXPENSE', { statusCode: 404, message: `No expense ${id(1)}` });
  spec(t)
    .given(IncomeRecorded({ entryId: id(1), lineCode: '8000', source: 'Gemeente', amountCents: 100, receivedOn: today, recordedBy: treasurer, recordedAt: at }))
    .when({ type: 'PayExpense', expenseId: id(1), ...dated })
    .thenError('LEDGER.NO_SUCH_EXPENSE', { message: `No expense ${id(1)}` });
  spec(t)
    .given()
    .when({ type: 'ReleaseReservation', reservationId: id(3), reason: 'niet nodig', ...dated })
    .thenError('LEDGER.NO_SUCH_RESERVATION', { statusCode: 404, message: `No reservation ${id(3)}` });
  spec(t)
    .given()
    .when({ type: 'ReverseEntry', reversalId: id(9), entryId: id(1), reason: 'dubbel', by: treasurer, ...dated })
    .thenError('LEDGER.NO_SUCH_ENTRY', { message: `No entry ${id(1)} in this ledger` });
  spec(t).given().when({ ...submit(id(1), 100), lineCode: '9999' } as LedgerCommand).thenError('LEDGER.LINE_NOT_IN_BUDGET', { message: 'The adopted budget has no line 9999' });
  spec(t).given().when({ ...submit(id(1), 100), lineCode: '8000' } as LedgerCommand).thenError('LEDGER.WRONG_LINE_KIND', { message: 'Line 8000 is an income line' });
  spec(t)
    .given(submitted(id(1), 60_000), booked(id(1), 60_000))
    .when(submit(id(2), 40_000))
    .then(submitted(id(2), 40_000), booked(id(2), 40_000));
  spec(t)
    .given(submitted(id(1), 60_000), booked(id(1), 60_000))
    .when(submit(id(2), 40_001))
    .thenError('LEDGER.LINE_EXHAUSTED', { message: 'Line 4100 has 40000 cents left; 40001 asked' });
  spec(t)
    .given(submitted(id(1), 50_001, true), submitted(id(2), 50_002, true))
    .when({ type: 'CloseBooks', by: treasurer, ...dated, today: '2028-01-02' })
    .thenError('LEDGER.EXPENSES_AWAITING_APPROVAL', { message: '2 expense(s) await a second approver; approve them before closing the books' });
});

t.test('a reservation is drawn to its last cent, and then has nothing left to release', async (t) => {
  const disburse = (disbursementId: string, amountCents: number): LedgerCommand => ({
    type: 'BookDisbursement',
    disbursementId,
    reservationId: id(3),
    amountCents,
    description: 'Tranche',
    ...dated,
  });
  const disbursed = (disbursementId: string, amountCents: number) =>
    DisbursementBooked({ disbursementId, reservationId: id(3), reference: null, lineCode: '4100', amountCents, description: 'Tranche', bookedOn: today, bookedAt: at });
  spec(t).given(reserved(id(3), 100)).when(disburse(id(4), 100)).then(disbursed(id(4), 100));
  spec(t)
    .given(reserved(id(3), 100), disbursed(id(4), 60))
    .when(disburse(id(5), 41))
    .thenError('LEDGER.BEYOND_RESERVATION', { statusCode: 422, message: 'The reservation has 40 cents left' });
  const release: LedgerCommand = { type: 'ReleaseReservation', reservationId: id(3), reason: 'klaar', ...dated };
  spec(t).given(reserved(id(3), 100), disbursed(id(4), 100)).when(release).thenError('LEDGER.NOTHING_RESERVED', { statusCode: 409 });
  const released = ReservationReleased({ reservationId: id(3), reference: null, lineCode: '4100', amountCents: 100, reason: 'klaar', releasedOn: today, releasedAt: at });
  spec(t).given(reserved(id(3), 100), released).when(release).thenError('LEDGER.NOTHING_RESERVED');
  spec(t).given(reserved(id(3), 100), released).when(disburse(id(4), 1)).thenError('LEDGER.BEYOND_RESERVATION', { message: 'The reservation has 0 cents left' });
  spec(t)
    .given(reserved(id(3), 60_000), released)
    .when(submit(id(6), 40_000))
    .then(submitted(id(6), 40_000), booked(id(6), 40_000));
  const releasedAll = ReservationReleased({ reservationId: id(3), reference: null, lineCode: '4100', amountCents: 60_000, reason: 'klaar', releasedOn: today, releasedAt: at });
  spec(t)
    .given(reserved(id(3), 60_000), releasedAll)
    .when(submit(id(6), 50_000))
    .then(submitted(id(6), 50_000), booked(id(6), 50_000));
});

t.test('income and disbursements are reversed once, an expense only once booked', async (t) => {
  const reverse: LedgerCommand = { type: 'ReverseEntry', reversalId: id(9), entryId: id(1), reason: 'vergissing', by: treasurer, ...dated };
  const income = IncomeRecorded({ entryId: id(1), lineCode: '8000', source: 'Gemeente', amountCents: 100, receivedOn: today, recordedBy: treasurer, recordedAt: at });
  const reversal = (entryKind: 'income' | 'disbursement' | 'expense', lineCode: string) =>
    EntryReversed({ reversalId: id(9), entryId: id(1), entryKind, lineCode, amountCents: 100, reason: 'vergissing', reversedBy: treasurer, reversedOn: today, reversedAt: at });
  spec(t).given(income).when(reverse).then(reversal('income', '8000'));
  spec(t).given(income, reversal('income', '8000')).when(reverse).thenError('LEDGER.ALREADY_REVERSED', { statusCode: 409 });
  const disbursed = DisbursementBooked({ disbursementId: id(1), reservationId: id(3), reference: null, lineCode: '4100', amountCents: 100, description: 'Tranche', bookedOn: today, bookedAt: at });
  spec(t).given(reserved(id(3), 100), disbursed).when(reverse).then(reversal('disbursement', '4100'));
  spec(t).given(reserved(id(3), 100), disbursed, reversal('disbursement', '4100')).when(reverse).thenError('LEDGER.ALREADY_REVERSED');
  spec(t).given(submitted(id(1), 50_001, true)).when(reverse).thenError('LEDGER.NOT_BOOKED', { statusCode: 409 });
  spec(t)
    .given(submitted(id(1), 100), booked(id(1), 100), ExpensePaid({ expenseId: id(1), paidOn: today, paidAt: at }))
    .when(reverse)
    .then(reversal('expense', '4100'));
});

t.test('a reservation another context asks for is refused as an event, never thrown', async (t) => {
  spec(t)
    .given()
    .when({ ...reserveHundred, ...dated, budget: { adopted: false } })
    .then(hundredRefused('The budget has not been adopted'));
  spec(t)
    .given()
    .when({ ...reserveHundred, ...dated, lineCode: '8000' })
    .then(ReservationRefused({ reservationId: id(3), lineCode: '8000', amountCents: 100, availableCents: 0, reference: null, reason: 'The adopted budget has no expense line 8000', refusedAt: at }));
  spec(t)
    .given()
    .when({ ...reserveHundred, ...dated, lineCode: '9999' })
    .then(ReservationRefused({ reservationId: id(3), lineCode: '9999', amountCents: 100, availableCents: 0, reference: null, reason: 'The adopted budget has no expense line 9999', refusedAt: at }));
  const override = { by: chair, reason: 'Besluit van het bestuur' };
  spec(t)
    .given(submitted(id(1), 40_000), booked(id(1), 40_000))
    .when({ ...reserveHundred, ...dated, amountCents: 60_000, override })
    .then(FundsReserved({ reservationId: id(3), lineCode: '4100', amountCents: 60_000, reference: null, override: null, reservedOn: today, reservedAt: at }));
  spec(t)
    .given(submitted(id(1), 40_000), booked(id(1), 40_000))
    .when({ ...reserveHundred, ...dated, amountCents: 60_001, override })
    .then(FundsReserved({ reservationId: id(3), lineCode: '4100', amountCents: 60_001, reference: null, override, reservedOn: today, reservedAt: at }));
});

t.test('a total past exact sums is refused whichever booking would make it', async (t) => {
  const nearlyAll = Number.MAX_SAFE_INTEGER - 10;
  const override = { by: chair, reason: 'Besluit van het bestuur' };
  const spentNearlyAll = [submitted(id(1), nearlyAll, true), ExpenseApproved({ expenseId: id(1), approvedBy: chair, approvedAt: at }), booked(id(1), nearlyAll, override)];
  spec(t)
    .given(...spentNearlyAll, submitted(id(2), 50_020, true))
    .when({ type: 'ApproveExpense', expenseId: id(2), by: chair, override, ...dated })
    .thenError('LEDGER.SUM_NOT_EXACT', { statusCode: 422 });
  spec(t)
    .given(reserved(id(3), 100), ...spentNearlyAll)
    .when({ type: 'BookDisbursement', disbursementId: id(4), reservationId: id(3), amountCents: 20, description: 'Tranche', ...dated })
    .thenError('LEDGER.SUM_NOT_EXACT');
  spec(t)
    .given(FundsReserved({ reservationId: id(5), lineCode: '4100', amountCents: nearlyAll, reference: null, override, reservedOn: today, reservedAt: at }))
    .when({ ...reserveHundred, ...dated, amountCents: 20, override })
    .thenError('LEDGER.SUM_NOT_EXACT');
});

t.test('a booking refused after the close names the reservation it was for', async (t) => {
  const closed = BooksClosed({ financialYear: 2027, closedOn: '2028-02-01', closedBy: treasurer, closedAt: at });
  const reference = { kind: 'initiative', id: id(80) } as const;
  const forInitiative = FundsReserved({ reservationId: id(2), lineCode: '4100', amountCents: 100, reference, override: null, reservedOn: today, reservedAt: at });
  const refuse = (reservationId: string): LedgerCommand => ({ type: 'RefuseBooking', bookingId: id(5), kind: 'release', reservationId, ...dated, today: '2028-02-02' });
  const refused = (reservationId: string, ref: typeof reference | null) =>
    BookingRefused({ bookingId: id(5), kind: 'release', reservationId, reference: ref, reason: 'The books were closed on 2028-02-01', refusedAt: at });
  spec(t).given(forInitiative, closed).when(refuse(id(2))).then(refused(id(2), reference));
  spec(t).given(closed).when(refuse(id(7))).then(refused(id(7), null));
});
