// The budget context's published language: its events, which other contexts may react to. Loads no fastify.
import { budgetEvents } from './domain/budget.events.js';
import { ledgerEvents } from './domain/ledger.events.js';

export {
  BudgetDrafted,
  BudgetLineSet,
  BudgetLineRemoved,
  BudgetSubmitted,
  BudgetAdopted,
  BudgetAdoptionRefused,
  BudgetAdoptionWithdrawn,
  type BudgetEvent,
  type BudgetLine,
} from './domain/budget.events.js';
export {
  IncomeRecorded,
  ExpenseSubmitted,
  ExpenseApproved,
  ExpenseBooked,
  ExpensePaid,
  FundsReserved,
  ReservationRefused,
  ReservationReleased,
  DisbursementBooked,
  EntryReversed,
  type LedgerEvent,
} from './domain/ledger.events.js';

/** Every event this context records: its published language. */
export const budgetContextEvents = [...budgetEvents, ...ledgerEvents];

