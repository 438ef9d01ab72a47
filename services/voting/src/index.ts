// The voting context's public face: what the server composes, and the events other contexts may react to.
import type { KeyStore, ServiceRuntime } from '@meent/eventsourcing';
import type { FastifyPluginAsync } from 'fastify';
import { votingEvents } from './events.js';
import { assembliesProjection } from './projections/assemblies.projection.js';
import { initiativeApplicantsProjection } from './projections/initiative-applicants.projection.js';
import { motionsProjection } from './projections/motions.projection.js';
import { votingRegisterProjection } from './projections/voting-register.projection.js';
import { writtenResolutionsProjection } from './projections/written-resolutions.projection.js';
import { assemblyRequestRoutes } from './assembly-request.routes.js';
import { assemblyConveningRoutes, assemblyReadRoutes, meetingRoutes } from './assembly.routes.js';
import { motionCommandRoutes, motionReadRoutes } from './motion.routes.js';
import { writtenResolutionRoutes } from './written-resolution.routes.js';

export * from './events.js';

export interface VotingDependencies {
  /** Where each secret round's ballot key lives, apart from the event log. */
  readonly keys: KeyStore;
}

export function createVoting({ keys }: VotingDependencies) {
  const routes: FastifyPluginAsync<ServiceRuntime> = async (app, runtime) => {
    await app.register(assemblyConveningRoutes, runtime);
    await app.register(assemblyReadRoutes, runtime);
    await app.register(meetingRoutes(keys), runtime);
    await app.register(motionCommandRoutes(keys), runtime);
    await app.register(motionReadRoutes, runtime);
    await app.register(assemblyRequestRoutes, runtime);
    await app.register(writtenResolutionRoutes, runtime);
  };
  return {
    name: 'voting',
    events: votingEvents,
    projections: [votingRegisterProjection, assembliesProjection, motionsProjection, initiativeApplicantsProjection, writtenResolutionsProjection],
    routes,
  };
}

/** Every code a command here can be refused with, for the README's list of errors. */
export { votingError } from './domain/errors.js';
