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
  IndicatorDefined,
  ProgressReported,
  type InitiativeEvent,
} from './domain/initiative.events.js';

export {
  PbRoundOpened,
  PbRoundFundsReserved,
  PbRoundFundsRefused,
  PbProposalEntered,
  PbProposalRefused,
  PbProposalsClosed,
  PbProposalReviewed,
  PbResidentRegistered,
  PbVotingOpened,
  PbBallotCast,
  PbVotingClosed,
  PbRoundDecided,
  type PbRoundEvent,
} from './domain/pb-round.events.js';

export { PartnerRegistered, PartnershipAgreed, PartnerContributionBooked, PartnershipEnded } from './domain/partner.events.js';
export { FundingAgreementMade, ContinuationReviewed } from './domain/agreement.events.js';

import { agreementEvents } from './domain/agreement.events.js';
import { initiativeEvents as initiativeOnly } from './domain/initiative.events.js';
import { partnerEvents } from './domain/partner.events.js';
import { pbRoundEvents } from './domain/pb-round.events.js';

/** Every event this context records: initiatives, their agreements, participatory budgeting rounds, partners. */
export const initiativeEvents = [...initiativeOnly, ...agreementEvents, ...pbRoundEvents, ...partnerEvents];
