// The initiative-funding context's published language: its events, which other contexts may react to. Loads no
// fastify.
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
  FundingRevoked,
  RevokedReservationReturned,
  type InitiativeEvent,
} from './domain/initiative.events.js';

/** Every event this context records. */
export { initiativeEvents } from './domain/initiative.events.js';
