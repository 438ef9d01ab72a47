// The names, and current versions, that stored events are read back by. A stored event names its type; renamed, it no
// longer reads, and a new version reads older ones only through an upcaster. So each list is part of the store's
// contract: changing it is a migration, decided, never a side effect of a refactoring.
import t from 'tap';
import { budgetContextEvents } from '@meent/budget/events';
import { EventRegistry, type EventDefinition } from '@meent/eventsourcing';
import { identityLinkEvents } from '@meent/identity';
import { initiativeEvents } from '@meent/initiative-funding/events';
import { membershipEvents } from '@meent/membership/events';
import { votingEvents } from '@meent/voting/events';

const named = (definitions: readonly EventDefinition[]) =>
  definitions.map((definition) => (definition.version > 1 ? `${definition.type}@${definition.version}` : definition.type));

t.test('each context reads its events by these names, at these versions', async (t) => {
  t.strictSame(named(membershipEvents), [
    'CooperativeFounded', 'StatuteAmendmentAdopted', 'RulesAmended@2', 'StatuteAmendmentFiled', 'AdoptedAmendmentUndone',
    'RulesAmendmentUndone', 'CooperativeDissolved', 'DissolutionUndone', 'OfficerAppointed', 'OfficerDismissed',
    'MemberRegistered', 'MemberAdmitted', 'ApplicationRejected', 'MemberDetailsChanged', 'MembershipKindAssigned',
    'MemberTurnoverRecorded', 'MemberSuspended', 'MemberReinstated', 'MemberTerminated', 'MemberExpelled',
    'ExpulsionAppealed', 'ExpulsionUpheld', 'ExpulsionAnnulled', 'PersonalDataErased', 'EmailClaimed', 'EmailClaimReleased',
  ]);
  t.strictSame(named(votingEvents), [
    'AssemblyConvened', 'VoterRollFixed', 'AgendaItemAdded', 'ConvocationSent', 'ProxyGranted', 'ProxyRevoked',
    'AssemblyOpened', 'AttendanceRecorded', 'AssemblyClosed', 'AssemblyCancelled', 'MotionTabled', 'VotingOpened',
    'VoteCast', 'SecretBallotCast', 'VotingClosed', 'MotionDecided', 'ResultChallenged@2', 'AssemblyRequested',
    'AssemblyRequestSupported', 'AssemblyDemanded', 'DemandedAssemblyConvened', 'WrittenResolutionProposed',
    'WrittenResolutionApproved', 'WrittenResolutionDeclined',
  ]);
  t.strictSame(named(budgetContextEvents), [
    'BudgetDrafted@2', 'BudgetLineSet', 'BudgetLineRemoved', 'BudgetSubmitted', 'BudgetAdopted', 'BudgetAdoptionRefused',
    'BudgetAdoptionWithdrawn', 'IncomeRecorded', 'ExpenseSubmitted', 'ExpenseApproved', 'ExpenseBooked', 'ExpensePaid',
    'FundsReserved', 'ReservationRefused', 'ReservationReleased', 'DisbursementBooked', 'EntryReversed', 'BooksClosed',
    'BookingRefused', 'AuditCommitteeAppointed', 'AnnualAccountsDrawnUp', 'AuditReportRecorded', 'AccountsExtensionDecided',
    'AnnualAccountsAdopted', 'AnnualAccountsNotAdopted', 'BoardDischarged', 'DischargeNotGranted',
  ]);
  t.strictSame(named(initiativeEvents), [
    'IndicatorDefined', 'ProgressReported', 'InitiativeSubmitted@2', 'InitiativeReviewed', 'FundingApproved',
    'FundingRejected', 'InitiativeFundsReserved', 'InitiativeAwaitingFunds', 'ReservationRetried', 'TrancheRequested',
    'TrancheApprovalGiven', 'TrancheApproved', 'TrancheDisbursed', 'InitiativeCompleted', 'InitiativeWithdrawn',
    'RepaymentClaimed', 'FundingRevoked', 'RevokedReservationReturned', 'FundingAgreementMade', 'ContinuationReviewed',
    'PbRoundOpened', 'PbRoundFundsReserved', 'PbRoundFundsRefused', 'PbProposalEntered', 'PbProposalRefused',
    'PbProposalsClosed', 'PbProposalReviewed', 'PbResidentRegistered', 'PbVotingOpened', 'PbBallotCast', 'PbVotingClosed',
    'PbRoundDecided', 'PartnerRegistered', 'PartnershipAgreed', 'PartnerContributionBooked', 'PartnershipEnded',
  ]);
  t.strictSame(named(identityLinkEvents), ['IdentityLinked', 'IdentityUnlinked']);
});

t.test('no two contexts name an event alike: one process reads them all', async (t) => {
  const everyContext = [...membershipEvents, ...votingEvents, ...budgetContextEvents, ...initiativeEvents, ...identityLinkEvents];
  t.equal(new EventRegistry(everyContext).types().length, everyContext.length);
});
