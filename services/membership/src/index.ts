// The membership context's public face: what the server composes, and the events other contexts may react to.
import type { KeyStore } from '@meent/eventsourcing';
import { membershipEvents } from './events.js';
import { cooperativesProjection } from './projections/cooperatives.projection.js';
import { memberRegisterProjection } from './projections/member-register.projection.js';
import { amendRulesWhenStatuteAmendmentPassed } from './reactions/amend-rules-when-statute-amendment-passed.reaction.js';
import { decideAppealWhenMotionDecided } from './reactions/decide-appeal-when-motion-decided.reaction.js';
import { dissolveWhenDissolutionDecided } from './reactions/dissolve-when-dissolution-decided.reaction.js';
import { membershipRoutes } from './routes.js';

export * from './events.js';

export interface MembershipDependencies {
  /** Where each member's personal-data key lives, apart from the event log. */
  readonly keys: KeyStore;
}

export function createMembership({ keys }: MembershipDependencies) {
  const register = memberRegisterProjection(keys);
  return {
    name: 'membership',
    events: membershipEvents,
    projections: [cooperativesProjection, register],
    reactions: [amendRulesWhenStatuteAmendmentPassed, decideAppealWhenMotionDecided, dissolveWhenDissolutionDecided],
    routes: membershipRoutes(keys, register),
  };
}

/** Who a caller is in a cooperative, from its record: what the server's access plugin asks. */
export { callerResolver, ensureNotInLiquidation } from './standing.js';

/** Every code a command here can be refused with, for the README's list of errors. */
export { membershipError } from './domain/errors.js';
