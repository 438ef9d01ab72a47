// The initiative-funding context's public face: what the server composes, and the events other contexts may react to.
import type { EventDefinition, KeyStore, Projection, Reaction, ServiceRuntime } from '@meent/eventsourcing';
import type { FastifyPluginAsync } from 'fastify';
import { initiativeEvents } from './events.js';
import { initiativeDecisionRoutes, initiativeProgressRoutes, initiativeReadRoutes } from './initiative.routes.js';
import { partnerCommandRoutes, partnerReadRoutes } from './partner.routes.js';
import { initiativeResultsRoutes } from './results.routes.js';
import { impactReportRoutes } from './impact-report.routes.js';
import { agreementReadRoutes, agreementRoutes } from './agreement.routes.js';
import { agreementsProjection } from './projections/agreements.projection.js';
import { durabilityProjection } from './projections/durability.projection.js';
import { impactProjection } from './projections/impact.projection.js';
import { grantContinuedYearWhenReviewed } from './reactions/grant-continued-year-when-reviewed.reaction.js';
import { pbBallotRoutes, pbRoundCommandRoutes, pbRoundReadRoutes } from './pb-round.routes.js';
import { initiativesProjection } from './projections/initiatives.projection.js';
import { partnersProjection } from './projections/partners.projection.js';
import { pbRoundsProjection } from './projections/pb-rounds.projection.js';
import {
  decideFundingWhenMotionDecided,
  recordDisbursement,
  recordReservationOutcome,
} from './reactions/follow-funding-decisions-and-money.reactions.js';
import {
  decideProposalsWhenRoundDecided,
  enterProposalWhenSubmitted,
  openRoundWhenMotionPassed,
  recordRoundFunds,
} from './reactions/run-pb-rounds.reactions.js';

export * from './events.js';

export interface InitiativeFundingService {
  readonly name: string;
  readonly events: readonly EventDefinition[];
  readonly projections: readonly Projection[];
  readonly reactions: readonly Reaction[];
  readonly routes: FastifyPluginAsync<ServiceRuntime>;
}

export interface InitiativeFundingDependencies {
  /** Where each secret participatory budgeting round's ballot key lives, apart from the event log. */
  readonly keys: KeyStore;
}

export function createInitiativeFunding({ keys }: InitiativeFundingDependencies): InitiativeFundingService {
  return {
    name: 'initiative-funding',
    events: initiativeEvents,
    projections: [initiativesProjection, pbRoundsProjection, partnersProjection, agreementsProjection, durabilityProjection, impactProjection],
    reactions: [
      decideFundingWhenMotionDecided,
      recordReservationOutcome,
      recordDisbursement,
      openRoundWhenMotionPassed,
      recordRoundFunds,
      enterProposalWhenSubmitted,
      decideProposalsWhenRoundDecided,
      grantContinuedYearWhenReviewed,
    ],
    routes: async (app, runtime) => {
      await app.register(initiativeDecisionRoutes, runtime);
      await app.register(initiativeReadRoutes, runtime);
      await app.register(initiativeProgressRoutes, runtime);
      await app.register(initiativeResultsRoutes, runtime);
      await app.register(impactReportRoutes, runtime);
      await app.register(agreementRoutes, runtime);
      await app.register(agreementReadRoutes, runtime);
      await app.register(pbRoundCommandRoutes(keys), runtime);
      await app.register(pbBallotRoutes(keys), runtime);
      await app.register(pbRoundReadRoutes(keys), runtime);
      await app.register(partnerCommandRoutes, runtime);
      await app.register(partnerReadRoutes, runtime);
    },
  };
}

/** Every code a command here can be refused with, for the README's list of errors. */
export { agreementError, initiativeError, partnerError, pbError } from './domain/errors.js';
