// The budget context's public face: what the server composes, and the events other contexts may react to.
import type { EventDefinition, Projection, Reaction, ServiceRuntime } from '@meent/eventsourcing';
import type { FastifyPluginAsync } from 'fastify';
import { budgetRoutes } from './budget.routes.js';
import { budgetEvents } from './domain/budget.events.js';
import { ledgerEvents } from './domain/ledger.events.js';
import { ledgerRoutes } from './ledger.routes.js';
import { budgetsProjection } from './projections/budgets.projection.js';
import { ledgerProjection } from './projections/ledger.projection.js';
import { adoptBudgetWhenMotionDecided } from './reactions/adopt-budget-when-motion-decided.reaction.js';
import {
  disburseWhenTrancheApproved,
  releaseReservationWhenInitiativeEnds,
  reserveFundsWhenFundingApproved,
} from './reactions/initiative-money.reactions.js';

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

export interface BudgetService {
  readonly name: string;
  readonly events: readonly EventDefinition[];
  readonly projections: readonly Projection[];
  readonly reactions: readonly Reaction[];
  readonly routes: FastifyPluginAsync<ServiceRuntime>;
}

/** Every event this context records: its published language. */
export const budgetContextEvents = [...budgetEvents, ...ledgerEvents];

export function createBudget(): BudgetService {
  return {
    name: 'budget',
    events: budgetContextEvents,
    projections: [budgetsProjection, ledgerProjection],
    reactions: [adoptBudgetWhenMotionDecided, reserveFundsWhenFundingApproved, disburseWhenTrancheApproved, releaseReservationWhenInitiativeEnds],
    routes: async (app, runtime) => {
      await app.register(budgetRoutes, runtime);
      await app.register(ledgerRoutes, runtime);
    },
  };
}
