// A member linked to their account at the federation's identity provider (OIDC), so a token the provider signed for
// that account signs them in. One stream per (cooperative, issuer, subject), named by a blind index — so two links
// racing for one account meet on one stream, and the provider's identifier for the person is never written down.
import { assertNever, defineEvent, errorCatalogue, type Decider, type EventOf } from '@meent/eventsourcing';
import { z } from 'zod';

export const IdentityLinked = defineEvent('IdentityLinked', {
  schema: z.object({
    memberId: z.uuid(),
    issuer: z.string().min(1),
    /** Who recorded it: the secretary (or an admin) on the member's word, or the member with a token from the provider. */
    recordedBy: z.enum(['secretary', 'member']),
    linkedAt: z.iso.datetime(),
  }),
  // Its stream is named by the account's blind index: shown beside the member, it would tie the two together for good.
  withheld: true,
});

export const IdentityUnlinked = defineEvent('IdentityUnlinked', {
  schema: z.object({ memberId: z.uuid(), unlinkedAt: z.iso.datetime() }),
  withheld: true,
});

export type IdentityLinkEvent = EventOf<typeof IdentityLinked> | EventOf<typeof IdentityUnlinked>;
export const identityLinkEvents = [IdentityLinked, IdentityUnlinked];

export const identityError = errorCatalogue({
  'IDENTITY.LINKED_TO_ANOTHER': {
    status: 409,
    message: "This account at the identity provider is linked to another member of this cooperative; the secretary unlinks it first",
  },
  'IDENTITY.NOT_LINKED': { status: 404, message: 'This member has no link to that account' },
  'IDENTITY.MEMBERSHIP_ENDED': { status: 409, message: 'Only an applicant or a member is linked to an account' },
});

export type IdentityLinkState = { readonly status: 'Unlinked' } | { readonly status: 'Linked'; readonly memberId: string };

export type IdentityLinkCommand =
  | { readonly type: 'LinkIdentity'; readonly memberId: string; readonly issuer: string; readonly recordedBy: 'secretary' | 'member'; readonly now: Date }
  | { readonly type: 'UnlinkIdentity'; readonly memberId: string; readonly now: Date };

export const identityLinkStream = (link: string) => `identitylink-${link}`;

export const identityLinkDecider: Decider<IdentityLinkState, IdentityLinkCommand, IdentityLinkEvent> = {
  initialState: { status: 'Unlinked' },
  evolve: (_state, event) => {
    switch (event.type) {
      case 'IdentityLinked':
        return { status: 'Linked', memberId: event.data.memberId };
      case 'IdentityUnlinked':
        return { status: 'Unlinked' };
      default:
        return assertNever(event);
    }
  },
  decide: (command, state) => {
    const at = command.now.toISOString();
    switch (command.type) {
      case 'LinkIdentity':
        if (state.status === 'Linked') {
          if (state.memberId === command.memberId) return [];
          throw identityError('IDENTITY.LINKED_TO_ANOTHER');
        }
        return [IdentityLinked({ memberId: command.memberId, issuer: command.issuer, recordedBy: command.recordedBy, linkedAt: at })];
      case 'UnlinkIdentity':
        if (state.status !== 'Linked' || state.memberId !== command.memberId) throw identityError('IDENTITY.NOT_LINKED');
        return [IdentityUnlinked({ memberId: command.memberId, unlinkedAt: at })];
      default:
        return assertNever(command);
    }
  },
};
