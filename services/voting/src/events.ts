// The voting context's published language: its events — a motion's decision above all — which other contexts react
// to. Loads no fastify.
import { assemblyRequestEvents } from './domain/assembly-request.events.js';
import { assemblyEvents } from './domain/assembly.events.js';
import { motionEvents } from './domain/motion.events.js';
import { writtenResolutionEvents } from './domain/written-resolution.events.js';

export {
  AssemblyConvened,
  VoterRollFixed,
  AgendaItemAdded,
  ConvocationSent,
  venueSchema,
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
  roundSettingsSchema,
  type RoundSettings,
  type Choice,
  type MotionEvent,
  type Tally,
} from './domain/motion.events.js';
export { AssemblyRequested, AssemblyRequestSupported, AssemblyDemanded, DemandedAssemblyConvened } from './domain/assembly-request.events.js';
export {
  WrittenResolutionProposed,
  WrittenResolutionApproved,
  WrittenResolutionDeclined,
  type WrittenResolutionEvent,
} from './domain/written-resolution.events.js';

/** Every event this context records: its published language. */
export const votingEvents = [...assemblyEvents, ...motionEvents, ...assemblyRequestEvents, ...writtenResolutionEvents];

