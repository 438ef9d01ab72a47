// Keeps an e-mail address unique within a cooperative: one stream per (cooperative, address), named by a blind
// index, so two registrations racing for one address meet at the same stream and exactly one append wins.
import { assertNever, defineEvent, type Decider, type EventOf } from '@meent/eventsourcing';
import { z } from 'zod';
import { membershipError } from './errors.js';

export const EmailClaimed = defineEvent('EmailClaimed', {
  schema: z.object({ memberId: z.uuid(), claimedAt: z.iso.datetime() }),
  // The claim stream's name is the address's blind index and its events name the member: shown, they would tell
  // whoever registers an address that an erased member once had it.
  withheld: true,
});
/** The claim given back: the command it was made for was refused after all (a registration racing another). */
export const EmailClaimReleased = defineEvent('EmailClaimReleased', {
  schema: z.object({ memberId: z.uuid(), releasedAt: z.iso.datetime() }),
  withheld: true,
});
export type EmailClaimEvent = EventOf<typeof EmailClaimed> | EventOf<typeof EmailClaimReleased>;
export const emailClaimEvents = [EmailClaimed, EmailClaimReleased];

/**
 * A claim left by a registration that crashed before its member stream was written is taken over after this long;
 * until then it may be a registration still under way.
 */
export const ABANDONED_CLAIM_MS = 60_000;

export type EmailClaimState =
  | { readonly status: 'Free' }
  | { readonly status: 'Claimed'; readonly memberId: string; readonly claimedAt: string };

/** What the register says of the member holding the claim now. */
export type ClaimHolder = 'active' | 'former' | 'missing';

export type EmailClaimCommand =
  | {
      readonly type: 'ClaimEmail';
      readonly memberId: string;
      readonly holder: ClaimHolder;
      readonly now: Date;
    }
  | { readonly type: 'ReleaseClaim'; readonly memberId: string; readonly now: Date };

export const emailClaimStream = (claim: string) => `emailclaim-${claim}`;

export const emailClaimDecider: Decider<EmailClaimState, EmailClaimCommand, EmailClaimEvent> = {
  initialState: { status: 'Free' },
  evolve: (_state, event) => {
    switch (event.type) {
      case 'EmailClaimed':
        return { status: 'Claimed', memberId: event.data.memberId, claimedAt: event.data.claimedAt };
      case 'EmailClaimReleased':
        return { status: 'Free' };
      default:
        return assertNever(event);
    }
  },
  decide: (command, state) => {
    if (command.type === 'ReleaseClaim') {
      // Only the member who holds it gives it back; anyone else's claim stays as it is.
      if (state.status !== 'Claimed' || state.memberId !== command.memberId) return [];
      return [EmailClaimReleased({ memberId: command.memberId, releasedAt: command.now.toISOString() })];
    }
    const claim = [EmailClaimed({ memberId: command.memberId, claimedAt: command.now.toISOString() })];
    if (state.status === 'Free') return claim;
    if (state.memberId === command.memberId) return [];
    const abandoned = command.now.getTime() - Date.parse(state.claimedAt) > ABANDONED_CLAIM_MS;
    if (command.holder === 'former' || (command.holder === 'missing' && abandoned)) return claim;
    throw membershipError('MEMBER.EMAIL_TAKEN');
  },
};
