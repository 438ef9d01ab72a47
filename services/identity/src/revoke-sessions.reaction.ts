// A member's sessions end with their membership: when the termination takes effect at once, when an application is
// rejected, when an expulsion is upheld, and when their personal data is erased. A termination that takes effect
// later is met at the next refresh, which asks the register again; an access token outlives it by minutes at most,
// and the access plugin refuses a former member's requests all the same.
import type { Reaction } from '@meent/eventsourcing';
import { ApplicationRejected, ExpulsionUpheld, MemberTerminated, PersonalDataErased } from '@meent/membership/events';
import type { SessionStore } from './session-store.js';

export function revokeSessionsWhenMembershipEnds(sessions: SessionStore): Reaction {
  return {
    name: 'revoke-sessions-when-membership-ends',
    eventTypes: [MemberTerminated.type, ApplicationRejected.type, ExpulsionUpheld.type, PersonalDataErased.type],
    async react(event) {
      const at = new Date(event.metadata.occurredAt);
      if (MemberTerminated.is(event)) {
        if (Date.parse(event.data.effectiveAt) <= at.getTime()) await sessions.revokeAllOf(event.data.memberId, 'the membership ended', at);
        return;
      }
      if (ApplicationRejected.is(event)) return sessions.revokeAllOf(event.data.memberId, 'the application was rejected', at);
      if (ExpulsionUpheld.is(event)) return sessions.revokeAllOf(event.data.memberId, 'the membership ended', at);
      if (PersonalDataErased.is(event)) return sessions.revokeAllOf(event.data.memberId, 'the personal data was erased', at);
    },
  };
}
