// The domain errors of the budget context: budgets and their ledgers.
// Every code a command here can be refused with: its status, the rule it comes from and what it says. The README's
// list of errors is written from it (`pnpm readme`).
import { errorCatalogue } from '@meent/eventsourcing';

export const budgetError = errorCatalogue({
  'BUDGET.ALREADY_DRAFTED': { status: 409, message: 'This budget exists' },
  'BUDGET.EMPTY': { status: 422, message: 'A budget needs at least one line' },
  'BUDGET.NOTHING_TO_AMEND': { status: 422, message: 'The draft equals the budget in force' },
  'BUDGET.NOT_FOUND': { status: 404, message: 'No such budget' },
  'BUDGET.NO_SUCH_LINE': { status: 404, message: 'The draft has no such line' },
  'BUDGET.SUBMITTED': { status: 409, message: 'The budget is before the assembly; it cannot change until decided' },
  'LEDGER.ALREADY_REVERSED': { status: 409, message: 'This entry has been reversed already' },
  'LEDGER.BEYOND_RESERVATION': {
    status: 422,
    message: 'A disbursement exceeds what is left of its reservation',
    rule: 'a disbursement never exceeds its reservation',
  },
  'LEDGER.BUDGET_NOT_ADOPTED': { status: 409, message: 'Nothing is booked before the assembly adopts the budget' },
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
  'LEDGER.SAME_APPROVER': {
    status: 403,
    message: 'An expense above the four-eyes threshold is approved by an officer other than its submitter',
    rule: 'fourEyesThresholdCents',
  },
  'LEDGER.WRONG_LINE_KIND': { status: 422, message: 'The line is of the other kind (income or expense)' },
});
