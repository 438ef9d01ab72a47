// The budget context's public face: what the server composes, and the events other contexts may react to.
import type { EventDefinition, Projection, Reaction, ServiceRuntime } from '@meent/eventsourcing';
import type { FastifyPluginAsync } from 'fastify';
import { annualAccountsRoutes } from './annual-accounts.routes.js';
import { budgetDraftRoutes, budgetReadRoutes } from './budget.routes.js';
import { budgetContextEvents } from './events.js';
import { ledgerBookingRoutes, ledgerReservationRoutes } from './ledger.routes.js';
import { annualAccountsProjection } from './projections/annual-accounts.projection.js';
import { budgetsProjection } from './projections/budgets.projection.js';
import { ledgerProjection } from './projections/ledger.projection.js';
import { adoptBudgetWhenMotionDecided } from './reactions/adopt-budget-when-motion-decided.reaction.js';
import { decideAccountsWhenMotionDecided } from './reactions/decide-accounts-when-motion-decided.reaction.js';
import {
  reserveFundsWhenRoundOpened,
  settleRoundWhenDecided,
  disburseWhenTrancheApproved,
  releaseReservationWhenInitiativeEnds,
  reserveFundsWhenFundingApproved,
} from './reactions/initiative-money.reactions.js';

export * from './events.js';

export interface BudgetService {
  readonly name: string;
  readonly events: readonly EventDefinition[];
  readonly projections: readonly Projection[];
  readonly reactions: readonly Reaction[];
  readonly routes: FastifyPluginAsync<ServiceRuntime>;
}

export function createBudget(): BudgetService {
  return {
    name: 'budget',
    events: budgetContextEvents,
    projections: [budgetsProjection, ledgerProjection, annualAccountsProjection],
    reactions: [
      adoptBudgetWhenMotionDecided,
      decideAccountsWhenMotionDecided,
      reserveFundsWhenFundingApproved,
      disburseWhenTrancheApproved,
      releaseReservationWhenInitiativeEnds,
      reserveFundsWhenRoundOpened,
      settleRoundWhenDecided,
    ],
    routes: async (app, runtime) => {
      await app.register(budgetDraftRoutes, runtime);
      await app.register(budgetReadRoutes, runtime);
      await app.register(ledgerBookingRoutes, runtime);
      await app.register(ledgerReservationRoutes, runtime);
      await app.register(annualAccountsRoutes, runtime);
    },
  };
}

/** Every code a command here can be refused with, for the README's list of errors. */
export { budgetError } from './domain/errors.js';
