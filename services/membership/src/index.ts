// The membership context's public face: what the server composes, and the events other contexts may react to.
import type { KeyStore } from '@meent/eventsourcing';
import { cooperativeEvents } from './domain/cooperative.events.js';
import { emailClaimEvents } from './domain/email-claim.decider.js';
import { memberEvents } from './domain/member.events.js';
import { cooperativesProjection } from './projections/cooperatives.projection.js';
import { memberRegisterProjection } from './projections/member-register.projection.js';
import { amendRulesWhenStatuteAmendmentPassed } from './reactions/amend-rules-when-statute-amendment-passed.reaction.js';
import { membershipRoutes } from './routes.js';

export {
  CooperativeFounded,
  OfficerAppointed,
  OfficerDismissed,
  RulesAmended,
  OFFICES,
  type CooperativeEvent,
  type Office,
} from './domain/cooperative.events.js';
export {
  MemberRegistered,
  MemberAdmitted,
  ApplicationRejected,
  MemberDetailsChanged,
  MemberSuspended,
  MemberReinstated,
  MemberTerminated,
  PersonalDataErased,
  type MemberEvent,
} from './domain/member.events.js';
export {
  cooperativeRulesSchema,
  fractionSchema,
  majoritySchema,
  DECISION_TYPES,
  type CooperativeRules,
  type CooperativeRulesInput,
  type DecisionType,
  type Fraction,
} from './domain/cooperative-rules.js';

export interface MembershipDependencies {
  /** Where each member's personal-data key lives, apart from the event log. */
  readonly keys: KeyStore;
}

/** Every event this context records: its published language. */
export const membershipEvents = [...cooperativeEvents, ...memberEvents, ...emailClaimEvents];

export function createMembership({ keys }: MembershipDependencies) {
  const register = memberRegisterProjection(keys);
  return {
    name: 'membership',
    events: membershipEvents,
    projections: [cooperativesProjection, register],
    reactions: [amendRulesWhenStatuteAmendmentPassed],
    routes: membershipRoutes(keys, register),
  };
}

export { copiedRulesOf, rulesCopyHandlers, rulesCopyTable } from './projections/rules-copy.js';

/** Officer rights as the register records them, for other contexts' routes. */
export { ANY_OFFICE, callerResolver, holdsOffice, requireOffice, standingIn, type Caller } from './application/access.js';
export { cooperativeParams, readAfter } from './route-support.js';
