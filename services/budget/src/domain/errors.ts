// The domain errors of the budget context: budgets and their ledgers.
// Every code a command here can be refused with: its status, the rule it comes from and what it says. The README's
// list of errors is written from it (`pnpm readme`).
import { errorCatalogue } from '@meent/eventsourcing';

export const budgetError = errorCatalogue({
  'ACCOUNTS.ALREADY_DRAWN_UP': { status: 409, message: "The year's accounts are drawn up" },
  'ACCOUNTS.BOOKS_OPEN': { status: 409, message: "The accounts are drawn up from the year's closed books", rule: 'BW 2:10' },
  'ACCOUNTS.COMMITTEE_MEMBER_NOT_ADMITTED': {
    status: 422,
    message: 'The audit committee is made of admitted members in good standing',
    rule: 'BW 2:48 lid 2',
  },
  'ACCOUNTS.COMMITTEE_MEMBER_ON_THE_BOARD': {
    status: 422,
    message: 'No one on the board sits on the audit committee',
    rule: 'BW 2:48 lid 2',
  },
  'ACCOUNTS.COMMITTEE_TOO_SMALL': { status: 422, message: 'The audit committee has at least two members', rule: 'BW 2:48 lid 2' },
  'ACCOUNTS.NOT_DRAWN_UP': { status: 409, message: 'The accounts have not been drawn up' },
  'ACCOUNTS.NOT_ON_THE_COMMITTEE': { status: 403, message: 'Only a member of the audit committee reports on its findings', rule: 'BW 2:48 lid 2' },
  'ACCOUNTS.REPORT_ALREADY_RECORDED': { status: 409, message: "The audit committee's report is on record" },
  'BUDGET.ALREADY_DRAFTED': { status: 409, message: 'This budget exists' },
  'BUDGET.EMPTY': { status: 422, message: 'A budget needs at least one line' },
  'BUDGET.NOTHING_TO_AMEND': { status: 422, message: 'The draft equals the budget in force' },
  'BUDGET.NOT_FOUND': { status: 404, message: 'No such budget' },
  'BUDGET.NO_SUCH_LINE': { status: 404, message: 'The draft has no such line' },
  'BUDGET.SUBMITTED': { status: 409, message: 'The budget is before the assembly; it cannot change until decided' },
  'LEDGER.ALREADY_REVERSED': { status: 409, message: 'This entry has been reversed already' },
  'LEDGER.BOOKS_CLOSED': {
    status: 409,
    message: "The year's books are closed: its accounts are drawn up from them",
    rule: 'BW 2:10, 2:48',
  },
  'LEDGER.BOOKS_OPEN': { status: 409, message: 'The books are open: the booking is decided, not refused' },
  'LEDGER.BEYOND_RESERVATION': {
    status: 422,
    message: 'A disbursement exceeds what is left of its reservation',
    rule: 'a disbursement never exceeds its reservation',
  },
  'LEDGER.BUDGET_NOT_ADOPTED': { status: 409, message: 'Nothing is booked before the assembly adopts the budget' },
  'LEDGER.EXPENSES_AWAITING_APPROVAL': {
    status: 409,
    message: 'Expenses await a second approver; the books do not close over them',
    rule: 'fourEyesThresholdCents',
  },
  'LEDGER.LINE_EXHAUSTED': {
    status: 422,
    message: 'The line has too little left',
    rule: 'an expense or reservation never exceeds what its line has left',
  },
  'LEDGER.LINE_NOT_IN_BUDGET': {
    status: 422,
    message: 'The adopted budget has no such line',
    rule: 'booked only to lines of the adopted budget',
  },
  'LEDGER.NOTHING_RESERVED': { status: 409, message: 'Nothing is left of this reservation' },
  'LEDGER.NOT_AWAITING_APPROVAL': { status: 409, message: 'The expense awaits no approval' },
  'LEDGER.NOT_BOOKED': { status: 409, message: 'An expense not yet booked has nothing to reverse' },
  'LEDGER.NO_SUCH_ENTRY': { status: 404, message: 'No such entry in this ledger' },
  'LEDGER.NO_SUCH_EXPENSE': { status: 404, message: 'No such expense' },
  'LEDGER.NO_SUCH_RESERVATION': { status: 404, message: 'No such reservation' },
  'LEDGER.OUTSIDE_FINANCIAL_YEAR': {
    status: 422,
    message: "The booking falls outside the budget's financial year",
    rule: 'BW 2:10a financialYearStartMonth',
  },
  'LEDGER.SAME_APPROVER': {
    status: 403,
    message: 'An expense above the four-eyes threshold is approved by an officer other than its submitter',
    rule: 'fourEyesThresholdCents',
  },
  'LEDGER.YEAR_NOT_ENDED': {
    status: 409,
    message: 'A financial year\'s books close after its last day',
    rule: 'BW 2:10a',
  },
  'LEDGER.WRONG_LINE_KIND': { status: 422, message: 'The line is of the other kind (income or expense)' },
});
