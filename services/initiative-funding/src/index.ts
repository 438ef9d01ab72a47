// The initiative-funding context's public face: what the server composes, and the events other contexts may react to.
import type { EventDefinition, Projection, Reaction, ServiceRuntime } from '@meent/eventsourcing';
import type { FastifyPluginAsync } from 'fastify';
import { initiativeEvents } from './events.js';
import { initiativeDecisionRoutes, initiativeProgressRoutes, initiativeReadRoutes } from './initiative.routes.js';
import { initiativesProjection } from './projections/initiatives.projection.js';
import {
  decideFundingWhenMotionDecided,
  recordDisbursement,
  recordReservationOutcome,
} from './reactions/follow-funding-decisions-and-money.reactions.js';

export * from './events.js';

export interface InitiativeFundingService {
  readonly name: string;
  readonly events: readonly EventDefinition[];
  readonly projections: readonly Projection[];
  readonly reactions: readonly Reaction[];
  readonly routes: FastifyPluginAsync<ServiceRuntime>;
}

export function createInitiativeFunding(): InitiativeFundingService {
  return {
    name: 'initiative-funding',
    events: initiativeEvents,
    projections: [initiativesProjection],
    reactions: [decideFundingWhenMotionDecided, recordReservationOutcome, recordDisbursement],
    routes: async (app, runtime) => {
      await app.register(initiativeDecisionRoutes, runtime);
      await app.register(initiativeReadRoutes, runtime);
      await app.register(initiativeProgressRoutes, runtime);
    },
  };
}

/** Every code a command here can be refused with, for the README's list of errors. */
export { initiativeError } from './domain/errors.js';
