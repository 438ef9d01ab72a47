// The budget context's published language: its events, which other contexts may react to. Loads no fastify.
import { annualAccountsEvents } from './domain/annual-accounts.events.js';
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
  BooksClosed,
  BookingRefused,
  type LedgerEvent,
} from './domain/ledger.events.js';
export {
  AuditCommitteeAppointed,
  AnnualAccountsDrawnUp,
  AuditReportRecorded,
  AccountsExtensionDecided,
  AnnualAccountsAdopted,
  AnnualAccountsNotAdopted,
  BoardDischarged,
  DischargeNotGranted,
  type AnnualAccountsEvent,
} from './domain/annual-accounts.events.js';

/** Every event this context records: its published language. */
export const budgetContextEvents = [...budgetEvents, ...ledgerEvents, ...annualAccountsEvents];

