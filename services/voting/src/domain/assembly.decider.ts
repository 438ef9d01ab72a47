import { DomainError, assertNever, defineAggregate, type Decider } from '@meent/eventsourcing';
import type { CooperativeRules } from '@meent/membership/events';
import type { z } from 'zod';
import {
  AgendaItemAdded,
  AssemblyCancelled,
  AssemblyClosed,
  AssemblyConvened,
  AssemblyOpened,
  AttendanceRecorded,
  ProxyGranted,
  ProxyRevoked,
  VoterRollFixed,
  type AssemblyEvent,
  type venueSchema,
} from './assembly.events.js';

export const DAY_MS = 86_400_000;
export const daysBetween = (from: string | Date, to: string | Date) =>
  (new Date(to).getTime() - new Date(from).getTime()) / DAY_MS;

interface Convened {
  readonly assemblyId: string;
  readonly cooperativeId: string;
  readonly title: string;
  readonly scheduledAt: string;
  readonly convenedAt: string;
  readonly announcesStatuteAmendment: boolean;
  readonly rules: CooperativeRules;
  /** Weight per member on the voter roll. */
  readonly roll: ReadonlyMap<string, number>;
  readonly rollWeight: number;
  /** Holder per grantor. */
  readonly proxies: ReadonlyMap<string, string>;
  readonly present: ReadonlySet<string>;
  readonly agendaItems: number;
}

export type AssemblyState =
  | { readonly status: 'NotConvened' }
  | (Convened & { readonly status: 'Convened' | 'InSession' | 'Closed' | 'Cancelled' });

export type ConvenedAssembly = Exclude<AssemblyState, { status: 'NotConvened' }>;

export type AssemblyCommand =
  | {
      readonly type: 'ConveneAssembly';
      readonly assemblyId: string;
      readonly cooperativeId: string;
      readonly title: string;
      readonly scheduledAt: string;
      readonly venue: z.infer<typeof venueSchema>;
      readonly recordDate: string;
      readonly announcesStatuteAmendment: boolean;
      readonly requestId: string | null;
      readonly rules: CooperativeRules;
      readonly rulesVersion: number;
      /** Every member eligible at the record date, as the voting context's own membership projection has them. */
      readonly eligibleVoters: readonly { readonly memberId: string; readonly weight: number }[];
      readonly now: Date;
    }
  | { readonly type: 'AddAgendaItem'; readonly title: string; readonly now: Date }
  | { readonly type: 'GrantProxy'; readonly grantorId: string; readonly holderId: string; readonly now: Date }
  | { readonly type: 'RevokeProxy'; readonly grantorId: string; readonly now: Date }
  | { readonly type: 'OpenMeeting'; readonly now: Date }
  | { readonly type: 'RecordAttendance'; readonly memberId: string; readonly now: Date }
  | { readonly type: 'CloseMeeting'; readonly motionsStillVoting: number; readonly now: Date }
  | { readonly type: 'CancelAssembly'; readonly reason: string; readonly now: Date };

export const assemblyStream = (assemblyId: string) => `assembly-${assemblyId}`;

export const initialState: AssemblyState = { status: 'NotConvened' };

export function evolve(state: AssemblyState, event: AssemblyEvent): AssemblyState {
  if (event.type === 'AssemblyConvened') {
    return {
      status: 'Convened',
      assemblyId: event.data.assemblyId,
      cooperativeId: event.data.cooperativeId,
      title: event.data.title,
      scheduledAt: event.data.scheduledAt,
      convenedAt: event.data.convenedAt,
      announcesStatuteAmendment: event.data.announcesStatuteAmendment,
      rules: event.data.rules,
      roll: new Map(),
      rollWeight: 0,
      proxies: new Map(),
      present: new Set(),
      agendaItems: 0,
    };
  }
  if (state.status === 'NotConvened') return state;
  switch (event.type) {
    case 'VoterRollFixed':
      return {
        ...state,
        roll: new Map(event.data.voters.map((voter) => [voter.memberId, voter.weight])),
        rollWeight: event.data.totalWeight,
      };
    case 'AgendaItemAdded':
      return { ...state, agendaItems: event.data.number };
    case 'ProxyGranted':
      return { ...state, proxies: new Map(state.proxies).set(event.data.grantorId, event.data.holderId) };
    case 'ProxyRevoked': {
      const proxies = new Map(state.proxies);
      proxies.delete(event.data.grantorId);
      return { ...state, proxies };
    }
    case 'AssemblyOpened':
      return { ...state, status: 'InSession' };
    case 'AttendanceRecorded':
      return { ...state, present: new Set(state.present).add(event.data.memberId) };
    case 'AssemblyClosed':
      return { ...state, status: 'Closed' };
    case 'AssemblyCancelled':
      return { ...state, status: 'Cancelled' };
    default:
      return assertNever(event);
  }
}

export function decide(command: AssemblyCommand, state: AssemblyState): AssemblyEvent[] {
  if (command.type === 'ConveneAssembly') return convene(command, state);
  if (state.status === 'NotConvened') throw new DomainError('ASSEMBLY.NOT_FOUND', 404, 'No such assembly');
  const at = command.now.toISOString();
  const { assemblyId } = state;
  switch (command.type) {
    case 'AddAgendaItem':
      requireStatus(state, 'Convened', 'InSession');
      return [AgendaItemAdded({ assemblyId, number: state.agendaItems + 1, title: command.title, addedAt: at })];
    case 'GrantProxy':
      requireStatus(state, 'Convened', 'InSession');
      return [ProxyGranted({ assemblyId, ...grantable(state, command.grantorId, command.holderId), grantedAt: at })];
    case 'RevokeProxy': {
      requireStatus(state, 'Convened', 'InSession');
      const holderId = state.proxies.get(command.grantorId);
      if (!holderId) throw new DomainError('ASSEMBLY.NO_PROXY', 409, 'You have granted no proxy for this assembly');
      return [ProxyRevoked({ assemblyId, grantorId: command.grantorId, holderId, revokedAt: at })];
    }
    case 'OpenMeeting':
      requireStatus(state, 'Convened');
      if (command.now.getTime() < new Date(state.scheduledAt).getTime()) {
        throw new DomainError('ASSEMBLY.TOO_EARLY', 422, `The meeting is scheduled for ${state.scheduledAt}`, 'scheduledAt');
      }
      return [AssemblyOpened({ assemblyId, openedAt: at })];
    case 'RecordAttendance':
      requireStatus(state, 'InSession');
      requireOnRoll(state, command.memberId, 'ASSEMBLY.NOT_ON_ROLL', 422);
      if (state.present.has(command.memberId)) return [];
      return [AttendanceRecorded({ assemblyId, memberId: command.memberId, recordedAt: at })];
    case 'CloseMeeting':
      requireStatus(state, 'InSession');
      if (command.motionsStillVoting > 0) {
        throw new DomainError(
          'ASSEMBLY.VOTING_STILL_OPEN',
          409,
          `Voting is still open on ${command.motionsStillVoting} motion(s) of this assembly`,
        );
      }
      return [AssemblyClosed({ assemblyId, cooperativeId: state.cooperativeId, closedAt: at })];
    case 'CancelAssembly':
      requireStatus(state, 'Convened');
      return [AssemblyCancelled({ assemblyId, reason: command.reason, cancelledAt: at })];
    default:
      return assertNever(command);
  }
}

function convene(command: Extract<AssemblyCommand, { type: 'ConveneAssembly' }>, state: AssemblyState): AssemblyEvent[] {
  if (state.status !== 'NotConvened') throw new DomainError('ASSEMBLY.ALREADY_CONVENED', 409, 'This assembly is already convened');
  const { rules, now } = command;
  const noticeDays = daysBetween(now, command.scheduledAt);
  if (noticeDays < rules.noticeDays) {
    throw new DomainError(
      'ASSEMBLY.NOTICE_TOO_SHORT',
      422,
      `The rules require ${rules.noticeDays} days' notice; the meeting is ${Math.floor(noticeDays)} days away`,
      'noticeDays',
    );
  }
  if (command.announcesStatuteAmendment && noticeDays < rules.statuteAmendmentNoticeDays) {
    throw new DomainError(
      'ASSEMBLY.NOTICE_TOO_SHORT',
      422,
      `An assembly that is to amend the statutes needs ${rules.statuteAmendmentNoticeDays} days' notice`,
      'BW 2:42 statuteAmendmentNoticeDays',
    );
  }
  if (new Date(command.recordDate).getTime() > now.getTime()) {
    throw new DomainError('ASSEMBLY.RECORD_DATE_AHEAD', 422, 'The record date may not lie ahead: the roll is fixed now', 'recordDate');
  }
  if (command.eligibleVoters.length === 0) {
    throw new DomainError('ASSEMBLY.EMPTY_VOTER_ROLL', 422, 'Nobody was an eligible member at the record date', 'recordDate');
  }
  const totalWeight = command.eligibleVoters.reduce((sum, voter) => sum + voter.weight, 0);
  return [
    AssemblyConvened({
      assemblyId: command.assemblyId,
      cooperativeId: command.cooperativeId,
      title: command.title,
      scheduledAt: command.scheduledAt,
      venue: command.venue,
      recordDate: command.recordDate,
      announcesStatuteAmendment: command.announcesStatuteAmendment,
      requestId: command.requestId,
      rules,
      rulesVersion: command.rulesVersion,
      convenedAt: now.toISOString(),
    }),
    VoterRollFixed({
      assemblyId: command.assemblyId,
      recordDate: command.recordDate,
      voters: command.eligibleVoters.map(({ memberId, weight }) => ({ memberId, weight })),
      totalWeight,
    }),
  ];
}

function grantable(state: ConvenedAssembly, grantorId: string, holderId: string) {
  if (!state.rules.proxiesAllowed) {
    throw new DomainError('ASSEMBLY.PROXIES_NOT_ALLOWED', 422, "The cooperative's rules do not allow proxies", 'proxiesAllowed');
  }
  requireOnRoll(state, grantorId, 'ASSEMBLY.NOT_ON_ROLL', 403);
  requireOnRoll(state, holderId, 'ASSEMBLY.HOLDER_NOT_ON_ROLL', 422);
  if (grantorId === holderId) throw new DomainError('ASSEMBLY.PROXY_TO_SELF', 422, 'A proxy goes to another voter');
  if (state.proxies.has(grantorId)) {
    throw new DomainError('ASSEMBLY.PROXY_ALREADY_GRANTED', 409, 'You have already granted a proxy; revoke it first');
  }
  const held = [...state.proxies.values()].filter((holder) => holder === holderId).length;
  if (held >= state.rules.maxProxiesPerHolder) {
    throw new DomainError(
      'ASSEMBLY.PROXY_CAP_REACHED',
      422,
      `The holder already holds ${held} proxy(ies); the rules allow ${state.rules.maxProxiesPerHolder}`,
      'maxProxiesPerHolder',
    );
  }
  return { grantorId, holderId };
}

function requireOnRoll(state: ConvenedAssembly, memberId: string, code: string, statusCode: 403 | 422): void {
  if (!state.roll.has(memberId)) {
    throw new DomainError(code, statusCode, `Member ${memberId} is not on this assembly's voter roll`, 'recordDate');
  }
}

function requireStatus(state: ConvenedAssembly, ...allowed: ConvenedAssembly['status'][]): void {
  if (!allowed.includes(state.status)) {
    throw new DomainError('ASSEMBLY.WRONG_STATE', 409, `The assembly is ${state.status}; this needs ${allowed.join(' or ')}`);
  }
}

export const assemblyDecider: Decider<AssemblyState, AssemblyCommand, AssemblyEvent> = { initialState, evolve, decide };

export const assemblyAggregate = defineAggregate({
  category: 'assembly',
  decider: assemblyDecider,
  exists: (state): state is ConvenedAssembly => state.status !== 'NotConvened',
});
