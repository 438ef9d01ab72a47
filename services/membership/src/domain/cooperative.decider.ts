import { assertNever, defineAggregate, type Decider } from '@meent/eventsourcing';
import { rulesAgainstTheLaw, type CooperativeRules } from './cooperative-rules.js';
import {
  AdoptedAmendmentUndone,
  CooperativeDissolved,
  CooperativeFounded,
  DissolutionUndone,
  OfficerAppointed,
  OfficerDismissed,
  RulesAmended,
  RulesAmendmentUndone,
  StatuteAmendmentAdopted,
  StatuteAmendmentFiled,
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
  readonly filed: boolean;
}

/** A passed statute amendment waiting for its notarial deed (BW 2:43 lid 5). */
interface AwaitingDeed {
  readonly rules: CooperativeRules;
  readonly adoptedOn: string;
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
      readonly awaitingDeed: ReadonlyMap<string, AwaitingDeed>;
      readonly officers: readonly Officer[];
      /** The decision that dissolved it, while its liquidation lasts (BW 2:19 lid 5). */
      readonly dissolvedBy: string | null;
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
      /** BW 2:43 lid 5: the notary executed the deed of a passed statute amendment, which puts it in force. */
      readonly type: 'RecordNotarialDeed';
      readonly motionId: string;
      readonly executedOn: string;
      readonly notary: string;
      readonly now: Date;
    }
  | { readonly type: 'RecordTradeRegisterFiling'; readonly motionId: string; readonly filedOn: string; readonly now: Date }
  /** From the assembly's dissolution decision, each round, through a reaction (BW 2:19 lid 1 sub a, 2:13 lid 4). */
  | { readonly type: 'RecordDissolutionDecision'; readonly motionId: string; readonly passed: boolean; readonly now: Date }
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
      awaitingDeed: new Map(),
      officers: [],
      dissolvedBy: null,
    };
  }
  if (state.status !== 'Founded') return state;
  switch (event.type) {
    case 'StatuteAmendmentAdopted':
      return {
        ...state,
        awaitingDeed: new Map(state.awaitingDeed).set(event.data.motionId, { rules: event.data.rules, adoptedOn: event.data.adoptedAt.slice(0, 10) }),
      };
    case 'RulesAmended':
      return {
        ...state,
        rules: event.data.rules,
        rulesVersion: event.data.version,
        amendments: new Map(state.amendments).set(event.data.motionId, { replaced: state.rules, standing: true, filed: false }),
        awaitingDeed: without(state.awaitingDeed, event.data.motionId),
      };
    case 'StatuteAmendmentFiled': {
      const filed = state.amendments.get(event.data.motionId);
      return filed ? { ...state, amendments: new Map(state.amendments).set(event.data.motionId, { ...filed, filed: true }) } : state;
    }
    case 'AdoptedAmendmentUndone':
      return { ...state, awaitingDeed: without(state.awaitingDeed, event.data.motionId) };
    case 'CooperativeDissolved':
      return { ...state, dissolvedBy: event.data.motionId };
    case 'DissolutionUndone':
      return { ...state, dissolvedBy: null };
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
      if (state.amendments.get(command.motionId)?.standing || state.awaitingDeed.has(command.motionId)) return [];
      return [
        StatuteAmendmentAdopted({
          cooperativeId: state.cooperativeId,
          rules: command.rules,
          motionId: command.motionId,
          adoptedAt: command.now.toISOString(),
        }),
      ];
    case 'RecordNotarialDeed': {
      if (state.status !== 'Founded') throw notFounded();
      const adopted = state.awaitingDeed.get(command.motionId);
      if (!adopted) throw membershipError('COOPERATIVE.NO_AMENDMENT_AWAITING_DEED');
      if (command.executedOn < adopted.adoptedOn || command.executedOn > command.now.toISOString().slice(0, 10)) {
        throw membershipError('COOPERATIVE.DEED_DATE_IMPOSSIBLE', {
          message: `The deed is executed between the decision (${adopted.adoptedOn}) and today`,
        });
      }
      return [
        RulesAmended({
          cooperativeId: state.cooperativeId,
          rules: adopted.rules,
          version: state.rulesVersion + 1,
          motionId: command.motionId,
          deed: { executedOn: command.executedOn, notary: command.notary },
          amendedAt: command.now.toISOString(),
        }),
      ];
    }
    case 'RecordTradeRegisterFiling': {
      if (state.status !== 'Founded') throw notFounded();
      const amendment = state.amendments.get(command.motionId);
      if (!amendment?.standing) throw membershipError('COOPERATIVE.NO_AMENDMENT_IN_FORCE');
      if (amendment.filed) throw membershipError('COOPERATIVE.AMENDMENT_ALREADY_FILED');
      return [
        StatuteAmendmentFiled({ cooperativeId: state.cooperativeId, motionId: command.motionId, filedOn: command.filedOn, filedAt: command.now.toISOString() }),
      ];
    }
    case 'RecordDissolutionDecision': {
      if (state.status !== 'Founded') throw notFounded();
      const { motionId, passed } = command;
      const at = command.now.toISOString();
      if (passed) {
        if (state.dissolvedBy !== null) return [];
        // BW 2:23 lid 1: the board members become its liquidators.
        const liquidators = [...new Set(state.officers.map((officer) => officer.memberId))];
        return [CooperativeDissolved({ cooperativeId: state.cooperativeId, motionId, liquidators, dissolvedAt: at })];
      }
      return state.dissolvedBy === motionId ? [DissolutionUndone({ cooperativeId: state.cooperativeId, motionId, undoneAt: at })] : [];
    }
    case 'RecordAmendmentRejected': {
      if (state.status !== 'Founded') throw notFounded();
      if (state.awaitingDeed.has(command.motionId)) {
        return [AdoptedAmendmentUndone({ cooperativeId: state.cooperativeId, motionId: command.motionId, undoneAt: command.now.toISOString() })];
      }
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

function without<Value>(map: ReadonlyMap<string, Value>, key: string): ReadonlyMap<string, Value> {
  const rest = new Map(map);
  rest.delete(key);
  return rest;
}

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
