// The initiative-funding context's public face: what the server composes, and the events other contexts may react to.
import type { EventDefinition, Projection, Reaction, ServiceRuntime } from '@meent/eventsourcing';
import type { FastifyPluginAsync } from 'fastify';
import { initiativeEvents } from './domain/initiative.events.js';
import { initiativeRoutes } from './initiative.routes.js';
import { initiativesProjection } from './projections/initiatives.projection.js';
import {
  decideFundingWhenMotionDecided,
  recordDisbursement,
  recordReservationOutcome,
} from './reactions/follow-funding-decisions-and-money.reactions.js';

export {
  InitiativeSubmitted,
  InitiativeReviewed,
  FundingApproved,
  FundingRejected,
  InitiativeFundsReserved,
  InitiativeAwaitingFunds,
  ReservationRetried,
  TrancheRequested,
  TrancheApprovalGiven,
  TrancheApproved,
  TrancheDisbursed,
  InitiativeCompleted,
  InitiativeWithdrawn,
  RepaymentClaimed,
  type InitiativeEvent,
} from './domain/initiative.events.js';

export interface InitiativeFundingService {
  readonly name: string;
  readonly events: readonly EventDefinition[];
  readonly projections: readonly Projection[];
  readonly reactions: readonly Reaction[];
  readonly routes: FastifyPluginAsync<ServiceRuntime>;
}

export { initiativeEvents };

export function createInitiativeFunding(): InitiativeFundingService {
  return {
    name: 'initiative-funding',
    events: initiativeEvents,
    projections: [initiativesProjection],
    reactions: [decideFundingWhenMotionDecided, recordReservationOutcome, recordDisbursement],
    routes: initiativeRoutes,
  };
}
