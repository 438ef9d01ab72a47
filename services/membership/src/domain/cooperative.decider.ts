import { DomainError, assertNever, type Decider } from '@meent/eventsourcing';
import type { CooperativeRules } from './cooperative-rules.js';
import { CooperativeFounded, type CooperativeEvent } from './cooperative.events.js';

export type CooperativeState =
  | { readonly status: 'Unfounded' }
  | {
      readonly status: 'Founded';
      readonly cooperativeId: string;
      readonly name: string;
      readonly rules: CooperativeRules;
      readonly rulesVersion: number;
    };

export type CooperativeCommand = {
  readonly type: 'FoundCooperative';
  readonly cooperativeId: string;
  readonly name: string;
  readonly chamberOfCommerceNumber: string | null;
  readonly rules: CooperativeRules;
  readonly now: Date;
};

export const cooperativeStream = (cooperativeId: string) => `cooperative-${cooperativeId}`;

export const initialState: CooperativeState = { status: 'Unfounded' };

export function evolve(state: CooperativeState, event: CooperativeEvent): CooperativeState {
  switch (event.type) {
    case 'CooperativeFounded':
      return {
        status: 'Founded',
        cooperativeId: event.data.cooperativeId,
        name: event.data.name,
        rules: event.data.rules,
        rulesVersion: 1,
      };
    default:
      return assertNever(event.type);
  }
}

export function decide(command: CooperativeCommand, state: CooperativeState): CooperativeEvent[] {
  switch (command.type) {
    case 'FoundCooperative': {
      if (state.status !== 'Unfounded') {
        throw new DomainError('COOPERATIVE.ALREADY_FOUNDED', 409, `Cooperative ${command.cooperativeId} already exists`);
      }
      return [
        CooperativeFounded({
          cooperativeId: command.cooperativeId,
          name: command.name,
          chamberOfCommerceNumber: command.chamberOfCommerceNumber,
          rules: command.rules,
          foundedAt: command.now.toISOString(),
        }),
      ];
    }
    default:
      return assertNever(command.type);
  }
}

export const cooperativeDecider: Decider<CooperativeState, CooperativeCommand, CooperativeEvent> = {
  initialState,
  evolve,
  decide,
};
