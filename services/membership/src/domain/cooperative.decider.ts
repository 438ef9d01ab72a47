import { assertNever, defineAggregate, type Decider } from '@meent/eventsourcing';
import { rulesAgainstTheLaw, type CooperativeRules } from './cooperative-rules.js';
import {
  CooperativeFounded,
  OfficerAppointed,
  OfficerDismissed,
  RulesAmended,
  RulesAmendmentUndone,
  type CooperativeEvent,
  type Office,
} from './cooperative.events.js';
import type { MemberState } from './member.decider.js';
import { membershipError } from './errors.js';

export interface Officer {
  readonly memberId: string;
  readonly office: Office;
}

/** Offices one person holds at a time; the board has as many members as the cooperative appoints. */
const SINGLE_HOLDER_OFFICES: readonly Office[] = ['chair', 'secretary', 'treasurer'];

interface Amendment {
  readonly replaced: CooperativeRules;
  readonly standing: boolean;
}

export type CooperativeState =
  | { readonly status: 'Unfounded' }
  | {
      readonly status: 'Founded';
      readonly cooperativeId: string;
      readonly name: string;
      readonly rules: CooperativeRules;
      readonly rulesVersion: number;
      /**
       * The statute amendments that set rules, by motion: the rules each replaced, and whether it still stands. Each
       * applies once however often its decision is delivered; a new vote after a challenge may undo it.
       */
      readonly amendments: ReadonlyMap<string, Amendment>;
      readonly officers: readonly Officer[];
    };

export type CooperativeCommand =
  | {
      readonly type: 'FoundCooperative';
      readonly cooperativeId: string;
      readonly name: string;
      readonly chamberOfCommerceNumber: string | null;
      readonly rules: CooperativeRules;
      readonly now: Date;
    }
  | {
      readonly type: 'AppointOfficer';
      readonly memberId: string;
      readonly office: Office;
      /** The appointee's standing in the register when the appointment is made. */
      readonly appointee: MemberState['status'];
      readonly now: Date;
    }
  | { readonly type: 'DismissOfficer'; readonly memberId: string; readonly office: Office; readonly now: Date }
  | {
      readonly type: 'AmendRules';
      /** The passed statute amendment that sets them. */
      readonly motionId: string;
      readonly rules: CooperativeRules;
      readonly now: Date;
    }
  | {
      /** A round of a statute amendment's vote went against it: after a challenge, that undoes it (BW 2:13 lid 4). */
      readonly type: 'RecordAmendmentRejected';
      readonly motionId: string;
      readonly now: Date;
    };

export const cooperativeStream = (cooperativeId: string) => cooperativeAggregate.stream(cooperativeId);

export const initialState: CooperativeState = { status: 'Unfounded' };

export function evolve(state: CooperativeState, event: CooperativeEvent): CooperativeState {
  if (event.type === 'CooperativeFounded') {
    return {
      status: 'Founded',
      cooperativeId: event.data.cooperativeId,
      name: event.data.name,
      rules: event.data.rules,
      rulesVersion: 1,
      amendments: new Map(),
      officers: [],
    };
  }
  if (state.status !== 'Founded') return state;
  switch (event.type) {
    case 'RulesAmended':
      return {
        ...state,
        rules: event.data.rules,
        rulesVersion: event.data.version,
        amendments: new Map(state.amendments).set(event.data.motionId, { replaced: state.rules, standing: true }),
      };
    case 'RulesAmendmentUndone': {
      const undone = state.amendments.get(event.data.motionId);
      return {
        ...state,
        rules: event.data.rules,
        rulesVersion: event.data.version,
        amendments: undone ? new Map(state.amendments).set(event.data.motionId, { ...undone, standing: false }) : state.amendments,
      };
    }
    case 'OfficerAppointed':
      return { ...state, officers: [...state.officers, { memberId: event.data.memberId, office: event.data.office }] };
    case 'OfficerDismissed':
      return {
        ...state,
        officers: state.officers.filter(
          (officer) => !(officer.memberId === event.data.memberId && officer.office === event.data.office),
        ),
      };
    default:
      return assertNever(event);
  }
}

export function officesOf(state: CooperativeState, memberId: string): Office[] {
  if (state.status !== 'Founded') return [];
  return state.officers.filter((officer) => officer.memberId === memberId).map((officer) => officer.office);
}

export function decide(command: CooperativeCommand, state: CooperativeState): CooperativeEvent[] {
  switch (command.type) {
    case 'FoundCooperative': {
      if (state.status !== 'Unfounded') {
        throw membershipError('COOPERATIVE.ALREADY_FOUNDED', {
          message: `Cooperative ${command.cooperativeId} already exists`,
        });
      }
      const unlawful = rulesAgainstTheLaw(command.rules);
      if (unlawful) throw membershipError('COOPERATIVE.RULES_AGAINST_THE_LAW', { message: unlawful.reason, rule: unlawful.rule });
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
    case 'AppointOfficer': {
      if (state.status !== 'Founded') throw notFounded();
      if (command.appointee !== 'Admitted') {
        throw membershipError('OFFICER.NOT_AN_ADMITTED_MEMBER');
      }
      if (officesOf(state, command.memberId).includes(command.office)) {
        throw membershipError('OFFICER.ALREADY_APPOINTED', {
          message: `This member already holds the office of ${command.office}`,
        });
      }
      const holder = state.officers.find((officer) => officer.office === command.office);
      if (holder && SINGLE_HOLDER_OFFICES.includes(command.office)) {
        throw membershipError('OFFICER.OFFICE_TAKEN', {
          message: `The office of ${command.office} is held; dismiss its holder first`,
        });
      }
      return [OfficerAppointed({ memberId: command.memberId, office: command.office, appointedAt: command.now.toISOString() })];
    }
    case 'AmendRules':
      if (state.status !== 'Founded') throw notFounded();
      if (state.amendments.get(command.motionId)?.standing) return [];
      return [
        RulesAmended({
          cooperativeId: state.cooperativeId,
          rules: command.rules,
          version: state.rulesVersion + 1,
          motionId: command.motionId,
          amendedAt: command.now.toISOString(),
        }),
      ];
    case 'RecordAmendmentRejected': {
      if (state.status !== 'Founded') throw notFounded();
      const amendment = state.amendments.get(command.motionId);
      // Decisions of one motion arrive in the order they were taken: a rejection after its amendment is a later round.
      if (!amendment?.standing) return [];
      return [
        RulesAmendmentUndone({
          cooperativeId: state.cooperativeId,
          rules: amendment.replaced,
          version: state.rulesVersion + 1,
          motionId: command.motionId,
          undoneAt: command.now.toISOString(),
        }),
      ];
    }
    case 'DismissOfficer':
      if (state.status !== 'Founded') throw notFounded();
      if (!officesOf(state, command.memberId).includes(command.office)) {
        throw membershipError('OFFICER.NOT_IN_OFFICE', {
          message: `This member does not hold the office of ${command.office}`,
        });
      }
      return [OfficerDismissed({ memberId: command.memberId, office: command.office, dismissedAt: command.now.toISOString() })];
    default:
      return assertNever(command);
  }
}

const notFounded = () => membershipError('COOPERATIVE.NOT_FOUND');

export const cooperativeDecider: Decider<CooperativeState, CooperativeCommand, CooperativeEvent> = {
  initialState,
  evolve,
  decide,
};

export type FoundedCooperative = Extract<CooperativeState, { status: 'Founded' }>;

export const cooperativeAggregate = defineAggregate({
  category: 'cooperative',
  decider: cooperativeDecider,
  exists: (state): state is FoundedCooperative => state.status === 'Founded',
});
