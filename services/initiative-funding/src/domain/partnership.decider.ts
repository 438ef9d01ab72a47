import { assertNever, defineAggregate, type Decider } from '@meent/eventsourcing';
import { partnerError } from './errors.js';
import {
  PartnerContributionBooked,
  PartnershipAgreed,
  PartnershipEnded,
  type ContributionKind,
  type PartnerOffer,
  type PartnershipEvent,
} from './partner.events.js';

interface Agreed {
  readonly partnershipId: string;
  readonly offer: PartnerOffer;
  readonly from: string;
  readonly until: string | null;
  readonly contributions: ReadonlyMap<string, string>;
}

/** Agreed while it runs; Ended once its last day is set. */
export type PartnershipState = { readonly status: 'None' } | (Agreed & { readonly status: 'Agreed' | 'Ended' });

type Dated = { readonly now: Date };

export type PartnershipCommand =
  | ({
      readonly type: 'AgreePartnership';
      readonly partnershipId: string;
      readonly cooperativeId: string;
      readonly partnerId: string;
      readonly initiativeId: string;
      /** Whether the initiative still runs: not rejected, withdrawn or completed. */
      readonly initiativeRuns: boolean;
      readonly offer: PartnerOffer;
      readonly from: string;
      readonly until: string | null;
      readonly agreedBy: string;
    } & Dated)
  | ({
      readonly type: 'BookContribution';
      readonly contributionId: string;
      readonly kind: ContributionKind;
      readonly quantity: number | null;
      readonly description: string;
      readonly on: string;
      readonly bookedBy: string;
    } & Dated)
  | ({ readonly type: 'EndPartnership'; readonly lastDay: string; readonly reason: string; readonly endedBy: string } & Dated);

export const initialState: PartnershipState = { status: 'None' };

export function evolve(state: PartnershipState, event: PartnershipEvent): PartnershipState {
  switch (event.type) {
    case 'PartnershipAgreed': {
      const { partnershipId, offer, from, until } = event.data;
      return { status: 'Agreed', partnershipId, offer, from, until, contributions: new Map() };
    }
    case 'PartnerContributionBooked':
      return state.status === 'None' ? state : { ...state, contributions: new Map(state.contributions).set(event.data.contributionId, event.data.on) };
    case 'PartnershipEnded':
      return state.status === 'None' ? state : { ...state, status: 'Ended', until: event.data.lastDay };
    default:
      return assertNever(event);
  }
}

/** Whether the partnership offered this kind of contribution: expertise covers a professional role too. */
function offers(offer: PartnerOffer, kind: ContributionKind): boolean {
  switch (kind) {
    case 'expertise':
      return offer.expertise !== null || offer.role !== null;
    case 'hours':
      return offer.hoursPerYear !== null;
    case 'co-funding':
      return offer.coFundingCents !== null;
    case 'space':
      return offer.space !== null;
    default:
      return assertNever(kind);
  }
}

export function decide(command: PartnershipCommand, state: PartnershipState): PartnershipEvent[] {
  const at = command.now.toISOString();
  if (command.type === 'AgreePartnership') {
    if (state.status !== 'None') throw partnerError('PARTNERSHIP.EXISTS');
    if (!command.initiativeRuns) throw partnerError('PARTNERSHIP.INITIATIVE_ENDED');
    if (command.until !== null && command.until < command.from) throw partnerError('PARTNERSHIP.ENDS_BEFORE_IT_BEGINS');
    const { now: _now, type: _type, initiativeRuns: _runs, ...agreed } = command;
    return [PartnershipAgreed({ ...agreed, agreedAt: at })];
  }
  if (state.status === 'None') throw partnerError('PARTNERSHIP.NOT_FOUND');
  switch (command.type) {
    case 'BookContribution': {
      if (state.contributions.has(command.contributionId)) return [];
      if (!offers(state.offer, command.kind)) {
        throw partnerError('PARTNERSHIP.NOT_OFFERED', { message: `The partnership does not bring ${command.kind}` });
      }
      const counted = command.kind === 'hours' || command.kind === 'co-funding';
      if (counted !== (command.quantity !== null)) {
        throw partnerError('PARTNERSHIP.QUANTITY', { message: counted ? `A ${command.kind} contribution states how much` : `A ${command.kind} contribution is an occasion, not a quantity` });
      }
      if (command.on < state.from || (state.until !== null && command.on > state.until)) {
        throw partnerError('PARTNERSHIP.OUTSIDE_PERIOD', { message: `The partnership runs from ${state.from}${state.until ? ` until ${state.until}` : ''}` });
      }
      const { contributionId, kind, quantity, description, on, bookedBy } = command;
      return [PartnerContributionBooked({ partnershipId: state.partnershipId, contributionId, kind, quantity, description, on, bookedBy, bookedAt: at })];
    }
    case 'EndPartnership': {
      if (state.status === 'Ended') throw partnerError('PARTNERSHIP.ENDED');
      if (command.lastDay < state.from || (state.until !== null && command.lastDay > state.until)) {
        throw partnerError('PARTNERSHIP.OUTSIDE_PERIOD', { message: `The partnership runs from ${state.from}${state.until ? ` until ${state.until}` : ''}` });
      }
      if ([...state.contributions.values()].some((on) => on > command.lastDay)) throw partnerError('PARTNERSHIP.CONTRIBUTIONS_AFTER');
      return [PartnershipEnded({ partnershipId: state.partnershipId, lastDay: command.lastDay, reason: command.reason, endedBy: command.endedBy, endedAt: at })];
    }
    default:
      return assertNever(command);
  }
}

export const partnershipDecider: Decider<PartnershipState, PartnershipCommand, PartnershipEvent> = { initialState, evolve, decide };

export const partnershipAggregate = defineAggregate({
  category: 'partnership',
  decider: partnershipDecider,
  exists: (state): state is Exclude<PartnershipState, { status: 'None' }> => state.status !== 'None',
});
