// The membership context's published language: its events, the rules they carry, and the copy of the rules other
// contexts keep from them. Loads no fastify.
import { cooperativeEvents } from './domain/cooperative.events.js';
import { emailClaimEvents } from './domain/email-claim.decider.js';
import { memberEvents } from './domain/member.events.js';

export {
  CooperativeFounded,
  OfficerAppointed,
  OfficerDismissed,
  RulesAmended,
  StatuteAmendmentAdopted,
  CooperativeDissolved,
  DissolutionUndone,
  StatuteAmendmentFiled,
  AdoptedAmendmentUndone,
  notarialDeedSchema,
  RulesAmendmentUndone,
  OFFICES,
  type CooperativeEvent,
  type Office,
} from './domain/cooperative.events.js';
export {
  MemberRegistered,
  MemberAdmitted,
  ApplicationRejected,
  MemberDetailsChanged,
  MembershipKindAssigned,
  MemberTurnoverRecorded,
  MemberSuspended,
  MemberReinstated,
  MemberTerminated,
  MemberExpelled,
  ExpulsionAppealed,
  ExpulsionUpheld,
  ExpulsionAnnulled,
  PersonalDataErased,
  type MemberEvent,
} from './domain/member.events.js';
export {
  cooperativeRulesSchema,
  fractionSchema,
  majoritySchema,
  legalNameOf,
  financialYearPeriod,
  membershipKindSchema,
  votesOf,
  type VotingBasis,
  rulesAgainstTheLaw,
  CONFLICT_GROUNDS,
  DECISION_TYPES,
  LIABILITIES,
  NOTICE_LANGUAGES,
  DEFAULT_THEMES,
  type Theme,
  type NoticeLanguage,
  type ConflictGround,
  type CooperativeRules,
  type CooperativeRulesInput,
  type DecisionType,
  type FinancialYearPeriod,
  type Fraction,
  type Liability,
} from './domain/cooperative-rules.js';

/** Every event this context records: its published language. */
export const membershipEvents = [...cooperativeEvents, ...memberEvents, ...emailClaimEvents];

export { copiedRulesOf, rulesCopyHandlers, rulesCopyTable } from './projections/rules-copy.js';
