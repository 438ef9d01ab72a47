// The voting context's public face: what the server composes, and the events other contexts may react to.
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
