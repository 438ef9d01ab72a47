// The voting context's public face: what the server composes, and the events other contexts may react to.
import type { KeyStore, ServiceRuntime } from '@meent/eventsourcing';
import type { FastifyPluginAsync } from 'fastify';
import { assemblyRequestEvents } from './domain/assembly-request.events.js';
import { assemblyEvents } from './domain/assembly.events.js';
import { motionEvents } from './domain/motion.events.js';
import { assembliesProjection } from './projections/assemblies.projection.js';
import { initiativeApplicantsProjection } from './projections/initiative-applicants.projection.js';
import { motionsProjection } from './projections/motions.projection.js';
import { votingRegisterProjection } from './projections/voting-register.projection.js';
import { assemblyRequestRoutes } from './assembly-request.routes.js';
import { assemblyRoutes } from './assembly.routes.js';
import { motionRoutes } from './motion.routes.js';

export {
  AssemblyConvened,
  VoterRollFixed,
  AgendaItemAdded,
  ProxyGranted,
  ProxyRevoked,
  AssemblyOpened,
  AttendanceRecorded,
  AssemblyClosed,
  AssemblyCancelled,
  type AssemblyEvent,
} from './domain/assembly.events.js';
export {
  MotionTabled,
  VotingOpened,
  VoteCast,
  SecretBallotCast,
  VotingClosed,
  MotionDecided,
  ResultChallenged,
  CHOICES,
  type Choice,
  type MotionEvent,
  type Tally,
} from './domain/motion.events.js';
export { AssemblyRequested, AssemblyRequestSupported, AssemblyDemanded } from './domain/assembly-request.events.js';

export interface VotingDependencies {
  /** Where each secret round's ballot key lives, apart from the event log. */
  readonly keys: KeyStore;
}

/** Every event this context records: its published language. */
export const votingEvents = [...assemblyEvents, ...motionEvents, ...assemblyRequestEvents];

export function createVoting({ keys }: VotingDependencies) {
  const routes: FastifyPluginAsync<ServiceRuntime> = async (app, runtime) => {
    await app.register(assemblyRoutes(keys), runtime);
    await app.register(motionRoutes(keys), runtime);
    await app.register(assemblyRequestRoutes, runtime);
  };
  return {
    name: 'voting',
    events: votingEvents,
    projections: [votingRegisterProjection, assembliesProjection, motionsProjection, initiativeApplicantsProjection],
    routes,
  };
}
