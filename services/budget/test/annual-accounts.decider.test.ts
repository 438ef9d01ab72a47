// The annual cycle (BW 2:48, 2:58, 2:10 through 2:53a), specified as given events → when a command → then events.
import t from 'tap';
import { deciderSpecification } from '@meent/eventsourcing/testing';
import { budgetContextEvents } from '@meent/budget/events';
import {
  AccountsExtensionDecided,
  AnnualAccountsAdopted,
  AnnualAccountsDrawnUp,
  AnnualAccountsNotAdopted,
  AuditCommitteeAppointed,
  AuditReportRecorded,
  BoardDischarged,
  DischargeNotGranted,
  DisbursementBooked,
  ExpenseBooked,
  ExpensePaid,
  ExpenseSubmitted,
  FundsReserved,
  IncomeRecorded,
  type BudgetLine,
} from '@meent/budget';
import {
  annualAccountsAggregate,
  annualAccountsDecider,
  deadlineStatus,
  presentationDeadline,
  statementsOf,
  type AnnualAccountsCommand,
} from '../src/domain/annual-accounts.decider.js';
import { ledgerDecider, type AdoptedBudget } from '../src/domain/ledger.decider.js';

const spec = deciderSpecification(annualAccountsDecider, budgetContextEvents);
const id = (n: number) => `0193a6f0-0000-7000-8000-${String(n).padStart(12, '0')}`;
const budgetId = id(1);
const [anna, bram, treasurer] = [id(11), id(12), id(13)];
const [motion, otherMotion] = [id(21), id(22)];
const now = new Date('2027-03-01T10:00:00.000Z');
const at = now.toISOString();
const year2026 = { firstDay: '2026-01-01', lastDay: '2026-12-31' };

const garden: BudgetLine = { code: '4100', name: 'Buurtmoestuin', kind: 'expense', amountCents: 100_000 };
const rent: BudgetLine = { code: '8000', name: 'Huurinkomsten', kind: 'income', amountCents: 150_000 };
// Listed income first: the statements list lines by code whatever order the budget keeps them in.
const budget: AdoptedBudget = { adopted: true, lines: new Map([rent, garden].map((line) => [line.code, line])), financialYear: 2026, period: year2026 };

const member = (memberId: string, offices: string[] = [], standing = 'member') => ({ memberId, standing, offices });
const appoint = (...candidates: ReturnType<typeof member>[]): AnnualAccountsCommand => ({
  type: 'AppointAuditCommittee',
  budgetId,
  candidates,
  by: treasurer,
  now,
});
const appointed = AuditCommitteeAppointed({ budgetId, memberIds: [anna, bram], appointedBy: treasurer, appointedAt: at });
const statements = statementsOf(ledgerDecider.initialState, budget);
const drawUp: AnnualAccountsCommand = { type: 'DrawUpAccounts', budgetId, statements, booksClosedOn: '2027-03-01', today: '2027-03-01', by: treasurer, now };
const drawnUp = AnnualAccountsDrawnUp({ budgetId, statements, drawnUpOn: '2027-03-01', drawnUpBy: treasurer, drawnUpAt: at });
const report: AnnualAccountsCommand = { type: 'RecordAuditReport', budgetId, by: anna, findings: 'In orde bevonden', advisesAdoption: true, now };
const reported = AuditReportRecorded({ budgetId, reportedBy: anna, findings: 'In orde bevonden', advisesAdoption: true, reportedAt: at });
const decision = (
  decisionType: 'annual-accounts' | 'discharge' | 'accounts-extension',
  passed: boolean,
  { round = 1, motionId = motion, months = null }: { round?: number; motionId?: string; months?: number | null } = {},
): AnnualAccountsCommand => ({ type: 'RecordAccountsDecision', budgetId, decisionType, motionId, round, passed, months, now });
const adopted = AnnualAccountsAdopted({ budgetId, motionId: motion, round: 1, adoptedAt: at });

t.test('BW 2:58 lid 1: the accounts are presented within six months after the year, four more if the assembly extends', async (t) => {
  t.equal(presentationDeadline(year2026, 0), '2027-06-30');
  t.equal(presentationDeadline(year2026, 4), '2027-10-31');
  t.equal(presentationDeadline({ firstDay: '2026-07-01', lastDay: '2027-06-30' }, 0), '2027-12-31', 'a year from July');
  t.equal(presentationDeadline({ firstDay: '2026-09-01', lastDay: '2027-08-31' }, 0), '2028-02-29', 'to the last day of a leap February');
  t.equal(deadlineStatus('2027-06-30', null, '2027-06-30'), 'open');
  t.equal(deadlineStatus('2027-06-30', null, '2027-07-01'), 'overdue');
  t.equal(deadlineStatus('2027-06-30', '2027-06-30', '2027-09-01'), 'met');
  t.equal(deadlineStatus('2027-06-30', '2027-07-01', '2027-09-01'), 'late');
});

t.test('BW 2:58 lid 1: the longest extension the assembly passed stands, and a new vote against one undoes it', async (t) => {
  const three = AccountsExtensionDecided({ budgetId, motionId: motion, round: 1, passed: true, months: 3, extensionMonths: 3, decidedAt: at });
  spec(t).given().when(decision('accounts-extension', true, { months: 3 })).then(three);
  spec(t)
    .given(three)
    .when(decision('accounts-extension', true, { motionId: otherMotion, months: 2 }))
    .then(AccountsExtensionDecided({ budgetId, motionId: otherMotion, round: 1, passed: true, months: 2, extensionMonths: 3, decidedAt: at }));
  spec(t)
    .given(three, AccountsExtensionDecided({ budgetId, motionId: otherMotion, round: 1, passed: true, months: 2, extensionMonths: 3, decidedAt: at }))
    .when(decision('accounts-extension', false, { round: 2, months: 3 }))
    .then(AccountsExtensionDecided({ budgetId, motionId: motion, round: 2, passed: false, months: 3, extensionMonths: 2, decidedAt: at }));
  spec(t).given(three).when(decision('accounts-extension', true, { months: 3 })).then();
});

t.test('BW 2:48 lid 2: an audit committee of at least two members, none of them on the board', async (t) => {
  spec(t).given().when(appoint(member(anna), member(bram))).then(appointed);
  spec(t).given().when(appoint(member(anna), member(anna))).thenError('ACCOUNTS.COMMITTEE_TOO_SMALL', { statusCode: 422, rule: 'BW 2:48 lid 2' });
  spec(t)
    .given()
    .when(appoint(member(anna), member(treasurer, ['treasurer'])))
    .thenError('ACCOUNTS.COMMITTEE_MEMBER_ON_THE_BOARD', { statusCode: 422, rule: 'BW 2:48 lid 2' });
  spec(t)
    .given()
    .when(appoint(member(anna), member(bram, [], 'suspended')))
    .thenError('ACCOUNTS.COMMITTEE_MEMBER_NOT_ADMITTED', { statusCode: 422, rule: 'BW 2:48 lid 2' });
  spec(t).given(appointed, drawnUp, reported).when(appoint(member(anna), member(bram))).thenError('ACCOUNTS.REPORT_ALREADY_RECORDED', { statusCode: 409 });
});

t.test('BW 2:10, 2:48 lid 1: the accounts are drawn up once, from closed books', async (t) => {
  spec(t).given().when(drawUp).then(drawnUp);
  spec(t).given().when({ ...drawUp, booksClosedOn: null } as AnnualAccountsCommand).thenError('ACCOUNTS.BOOKS_OPEN', { statusCode: 409, rule: 'BW 2:10' });
  spec(t).given(drawnUp).when(drawUp).thenError('ACCOUNTS.ALREADY_DRAWN_UP', { statusCode: 409 });
});

t.test("BW 2:48 lid 2: a committee member reports on the accounts drawn up, once", async (t) => {
  spec(t).given(appointed, drawnUp).when(report).then(reported);
  spec(t).given(appointed).when(report).thenError('ACCOUNTS.NOT_DRAWN_UP', { statusCode: 409 });
  spec(t)
    .given(appointed, drawnUp)
    .when({ ...report, by: treasurer } as AnnualAccountsCommand)
    .thenError('ACCOUNTS.NOT_ON_THE_COMMITTEE', { statusCode: 403, rule: 'BW 2:48 lid 2' });
  spec(t).given(appointed, drawnUp, reported).when(report).thenError('ACCOUNTS.REPORT_ALREADY_RECORDED', { statusCode: 409 });
});

t.test("BW 2:48 lid 3: the assembly adopts the accounts the committee reported on; a new vote against undoes it (2:13 lid 4)", async (t) => {
  const notAdopted = (reason: string, round = 1) => AnnualAccountsNotAdopted({ budgetId, motionId: motion, round, reason, decidedAt: at });
  spec(t).given(appointed, drawnUp, reported).when(decision('annual-accounts', true)).then(adopted);
  spec(t).given(appointed, drawnUp, reported, adopted).when(decision('annual-accounts', true)).then();
  spec(t).given(appointed, drawnUp, reported).when(decision('annual-accounts', false)).then(notAdopted('The assembly voted against the accounts'));
  spec(t)
    .given(appointed, drawnUp, reported, adopted)
    .when(decision('annual-accounts', false, { round: 2 }))
    .then(notAdopted('A new vote went against the accounts, which undoes their adoption (BW 2:13 lid 4)', 2));
  spec(t).given(appointed, drawnUp, reported, adopted).when(decision('annual-accounts', false, { motionId: otherMotion })).then();
  spec(t).given(appointed, drawnUp).when(decision('annual-accounts', true)).then(notAdopted("The audit committee's report was not on record (BW 2:48 lid 2)"));
  spec(t).given().when(decision('annual-accounts', true)).then(notAdopted('No accounts had been drawn up to adopt'));
  spec(t)
    .given(appointed, drawnUp, reported, notAdopted('The assembly voted against the accounts'))
    .when(decision('annual-accounts', true, { motionId: otherMotion }))
    .then(AnnualAccountsAdopted({ budgetId, motionId: otherMotion, round: 1, adoptedAt: at }));
});

t.test('the discharge of the board is a decision apart, on adopted accounts', async (t) => {
  spec(t).given(appointed, drawnUp, reported, adopted).when(decision('discharge', true, { motionId: otherMotion })).then(
    BoardDischarged({ budgetId, motionId: otherMotion, round: 1, dischargedAt: at }),
  );
  spec(t)
    .given(appointed, drawnUp, reported)
    .when(decision('discharge', true, { motionId: otherMotion }))
    .then(
      DischargeNotGranted({
        budgetId,
        motionId: otherMotion,
        round: 1,
        reason: 'The accounts are not adopted: the board is discharged for a year as its adopted accounts show it',
        decidedAt: at,
      }),
    );
  spec(t)
    .given(appointed, drawnUp, reported, adopted)
    .when(decision('discharge', false, { motionId: otherMotion }))
    .then(DischargeNotGranted({ budgetId, motionId: otherMotion, round: 1, reason: 'The assembly voted against the discharge', decidedAt: at }));
  const discharged = BoardDischarged({ budgetId, motionId: otherMotion, round: 1, dischargedAt: at });
  spec(t).given(appointed, drawnUp, reported, adopted, discharged).when(decision('discharge', true, { motionId: otherMotion })).then();
  spec(t).given(appointed, drawnUp, reported, adopted, discharged).when(decision('discharge', false, { motionId: id(23) })).then();
  spec(t)
    .given(appointed, drawnUp, reported, adopted, discharged)
    .when(decision('discharge', false, { motionId: otherMotion, round: 2 }))
    .then(DischargeNotGranted({ budgetId, motionId: otherMotion, round: 2, reason: 'A new vote went against the discharge, which undoes it (BW 2:13 lid 4)', decidedAt: at }));
  spec(t)
    .given(appointed, drawnUp, reported, AnnualAccountsNotAdopted({ budgetId, motionId: motion, round: 1, reason: 'The assembly voted against the accounts', decidedAt: at }))
    .when(decision('discharge', true, { motionId: otherMotion }))
    .then(
      DischargeNotGranted({
        budgetId,
        motionId: otherMotion,
        round: 1,
        reason: 'The accounts are not adopted: the board is discharged for a year as its adopted accounts show it',
        decidedAt: at,
      }),
    );
});

t.test('the statements balance to the cent: the cash is what is owed plus the result, its earmarked part reserved', async (t) => {
  const day = '2026-06-01';
  const ledger = [
    IncomeRecorded({ entryId: id(31), lineCode: '8000', source: 'Gemeente', amountCents: 150_000, receivedOn: day, recordedBy: treasurer, recordedAt: at }),
    ExpenseSubmitted({
      expenseId: id(32),
      lineCode: '4100',
      payee: 'Tuincentrum',
      amountCents: 20_000,
      invoiceReference: 'F-1',
      description: 'Zaden',
      submittedBy: treasurer,
      needsSecondApprover: false,
      submittedAt: at,
    }),
    ExpenseBooked({ expenseId: id(32), lineCode: '4100', amountCents: 20_000, override: null, bookedOn: day, bookedAt: at }),
    ExpenseSubmitted({
      expenseId: id(33),
      lineCode: '4100',
      payee: 'Drukkerij',
      amountCents: 5_000,
      invoiceReference: 'F-2',
      description: 'Folders',
      submittedBy: treasurer,
      needsSecondApprover: false,
      submittedAt: at,
    }),
    ExpenseBooked({ expenseId: id(33), lineCode: '4100', amountCents: 5_000, override: null, bookedOn: day, bookedAt: at }),
    ExpensePaid({ expenseId: id(32), paidOn: day, paidAt: at }),
    FundsReserved({ reservationId: id(34), lineCode: '4100', amountCents: 60_000, reference: null, override: null, reservedOn: day, reservedAt: at }),
    DisbursementBooked({
      disbursementId: id(35),
      reservationId: id(34),
      reference: null,
      lineCode: '4100',
      amountCents: 25_000,
      description: 'Tranche 1',
      bookedOn: day,
      bookedAt: at,
    }),
  ].reduce(ledgerDecider.evolve, ledgerDecider.initialState);
  t.same(statementsOf(ledger, budget), {
    financialYear: 2026,
    period: year2026,
    incomeAndExpenditure: {
      lines: [
        { code: '4100', name: 'Buurtmoestuin', kind: 'expense', budgetedCents: 100_000, actualCents: 50_000 },
        { code: '8000', name: 'Huurinkomsten', kind: 'income', budgetedCents: 150_000, actualCents: 150_000 },
      ],
      incomeCents: 150_000,
      expenditureCents: 50_000,
      resultCents: 100_000,
    },
    // 150,000 received, 20,000 paid and 25,000 disbursed: 105,000 in cash = 5,000 owed + 100,000 result.
    balanceSheet: { cashCents: 105_000, payablesCents: 5_000, earmarkedReserveCents: 35_000, generalReserveCents: 65_000 },
  });
  const amended: AdoptedBudget = { ...budget, lines: new Map([[rent.code, rent]]) };
  t.same(
    statementsOf(ledger, amended).incomeAndExpenditure.lines[0],
    { code: '4100', name: '4100', kind: 'expense', budgetedCents: 0, actualCents: 50_000 },
    'a line an amendment took out of the budget still shows what was booked on it',
  );
});

t.test("a year's accounts are a stream under the budget's id, which exists from whichever step of the cycle comes first", async (t) => {
  t.equal(annualAccountsAggregate.stream(budgetId), `annual-accounts-${budgetId}`);
  const after = (event: Parameters<typeof annualAccountsDecider.evolve>[1]) =>
    annualAccountsAggregate.exists(annualAccountsDecider.evolve(annualAccountsDecider.initialState, event));
  t.equal(annualAccountsAggregate.exists(annualAccountsDecider.initialState), false);
  t.equal(after(appointed), true, 'the audit committee appointed');
  t.equal(after(drawnUp), true, 'the accounts drawn up');
  t.equal(after(AccountsExtensionDecided({ budgetId, motionId: motion, round: 1, passed: true, months: 2, extensionMonths: 2, decidedAt: at })), true, 'an extension decided');
  t.equal(after(AnnualAccountsAdopted({ budgetId, motionId: motion, round: 1, adoptedAt: at })), true, 'an adoption recorded');
  t.equal(after(BoardDischarged({ budgetId, motionId: motion, round: 1, dischargedAt: at })), true, 'a discharge recorded');
});
