import { assertNever, defineAggregate, type Decider } from '@meent/eventsourcing';
import { partnerError } from './errors.js';
import { PartnerRegistered, type PARTNER_KINDS, type PartnerEvent } from './partner.events.js';

export type PartnerState =
  | { readonly status: 'Unknown' }
  | { readonly status: 'Registered'; readonly partnerId: string; readonly name: string; readonly kind: (typeof PARTNER_KINDS)[number] };

export type PartnerCommand = {
  readonly type: 'RegisterPartner';
  readonly partnerId: string;
  readonly cooperativeId: string;
  readonly name: string;
  readonly kind: (typeof PARTNER_KINDS)[number];
  readonly registeredBy: string;
  readonly now: Date;
};

export const initialState: PartnerState = { status: 'Unknown' };

export function evolve(_state: PartnerState, event: PartnerEvent): PartnerState {
  switch (event.type) {
    case 'PartnerRegistered':
      return { status: 'Registered', partnerId: event.data.partnerId, name: event.data.name, kind: event.data.kind };
    default:
      return assertNever(event.type);
  }
}

export function decide(command: PartnerCommand, state: PartnerState): PartnerEvent[] {
  if (state.status !== 'Unknown') throw partnerError('PARTNER.EXISTS');
  const { now, type: _type, ...registered } = command;
  return [PartnerRegistered({ ...registered, registeredAt: now.toISOString() })];
}

export const partnerDecider: Decider<PartnerState, PartnerCommand, PartnerEvent> = { initialState, evolve, decide };

export const partnerAggregate = defineAggregate({
  category: 'partner',
  decider: partnerDecider,
  exists: (state): state is Extract<PartnerState, { status: 'Registered' }> => state.status === 'Registered',
});
