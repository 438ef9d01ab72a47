import { assertNever, defineAggregate, type Decider } from '@meent/eventsourcing';
import { votesOf, type CooperativeRules, type VotingBasis } from '@meent/membership/events';
import type { z } from 'zod';
import {
  AgendaItemAdded,
  AssemblyCancelled,
  AssemblyClosed,
  AssemblyConvened,
  AssemblyOpened,
  AttendanceRecorded,
  ConvocationSent,
  ProxyGranted,
  ProxyRevoked,
  VoterRollFixed,
  type AgendaDocument,
  type AssemblyEvent,
  type convokedMotionSchema,
  type venueSchema,
} from './assembly.events.js';
import { votingError } from './errors.js';

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
  /** The agenda's items by number, as a convocation lists them. */
  readonly agenda: readonly string[];
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
      readonly eligibleVoters: readonly ({ readonly memberId: string } & VotingBasis)[];
      readonly now: Date;
    }
  | { readonly type: 'AddAgendaItem'; readonly title: string; readonly document?: AgendaDocument; readonly now: Date }
  | {
      readonly type: 'SendConvocation';
      /** The motions tabled for this assembly so far, as the voting context's read model has them. */
      readonly motions: readonly z.infer<typeof convokedMotionSchema>[];
      readonly now: Date;
    }
  | { readonly type: 'GrantProxy'; readonly grantorId: string; readonly holderId: string; readonly now: Date }
  | { readonly type: 'RevokeProxy'; readonly grantorId: string; readonly now: Date }
  | { readonly type: 'OpenMeeting'; readonly now: Date }
  | { readonly type: 'RecordAttendance'; readonly memberId: string; readonly now: Date }
  | { readonly type: 'CloseMeeting'; readonly motionsStillVoting: number; readonly now: Date }
  | { readonly type: 'CancelAssembly'; readonly reason: string; readonly now: Date };

export const assemblyStream = (assemblyId: string) => assemblyAggregate.stream(assemblyId);

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
      agenda: [],
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
      return { ...state, agendaItems: event.data.number, agenda: [...state.agenda, event.data.title] };
    case 'ConvocationSent':
      return state;
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
  if (state.status === 'NotConvened') throw votingError('ASSEMBLY.NOT_FOUND');
  const at = command.now.toISOString();
  const { assemblyId } = state;
  switch (command.type) {
    case 'AddAgendaItem':
      requireStatus(state, 'Convened', 'InSession');
      return [
        AgendaItemAdded({ assemblyId, number: state.agendaItems + 1, title: command.title, ...(command.document ? { document: { ...command.document } } : {}), addedAt: at }),
      ];
    case 'SendConvocation':
      return [sendConvocation(state, command.motions, command.now)];
    case 'GrantProxy':
      requireStatus(state, 'Convened', 'InSession');
      return [ProxyGranted({ assemblyId, ...grantable(state, command.grantorId, command.holderId), grantedAt: at })];
    case 'RevokeProxy': {
      requireStatus(state, 'Convened', 'InSession');
      const holderId = state.proxies.get(command.grantorId);
      if (!holderId) throw votingError('ASSEMBLY.NO_PROXY');
      return [ProxyRevoked({ assemblyId, grantorId: command.grantorId, holderId, revokedAt: at })];
    }
    case 'OpenMeeting':
      requireStatus(state, 'Convened');
      if (command.now.getTime() < new Date(state.scheduledAt).getTime()) {
        throw votingError('ASSEMBLY.TOO_EARLY', { message: `The meeting is scheduled for ${state.scheduledAt}` });
      }
      return [AssemblyOpened({ assemblyId, openedAt: at })];
    case 'RecordAttendance':
      requireStatus(state, 'InSession');
      requireOnRoll(state, command.memberId, 'ASSEMBLY.ATTENDEE_NOT_ON_ROLL');
      if (state.present.has(command.memberId)) return [];
      return [AttendanceRecorded({ assemblyId, memberId: command.memberId, recordedAt: at })];
    case 'CloseMeeting':
      requireStatus(state, 'InSession');
      if (command.motionsStillVoting > 0) {
        throw votingError('ASSEMBLY.VOTING_STILL_OPEN', {
          message: `Voting is still open on ${command.motionsStillVoting} motion(s) of this assembly`,
        });
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
  if (state.status !== 'NotConvened') throw votingError('ASSEMBLY.ALREADY_CONVENED');
  const { rules, now } = command;
  const noticeDays = daysBetween(now, command.scheduledAt);
  if (noticeDays < rules.noticeDays) {
    throw votingError('ASSEMBLY.NOTICE_TOO_SHORT', {
      message: `The rules require ${rules.noticeDays} days' notice; the meeting is ${Math.floor(noticeDays)} days away`,
      rule: 'noticeDays',
    });
  }
  if (command.announcesStatuteAmendment && noticeDays < rules.statuteAmendmentNoticeDays) {
    throw votingError('ASSEMBLY.NOTICE_TOO_SHORT', {
      message: `An assembly that is to amend the statutes needs ${rules.statuteAmendmentNoticeDays} days' notice`,
      rule: 'BW 2:42 statuteAmendmentNoticeDays',
    });
  }
  if (new Date(command.recordDate).getTime() > now.getTime()) {
    throw votingError('ASSEMBLY.RECORD_DATE_AHEAD');
  }
  if (command.eligibleVoters.length === 0) {
    throw votingError('ASSEMBLY.EMPTY_VOTER_ROLL');
  }
  // BW 2:38 lid 1: each voter weighs the votes the rules give them by turnover or kind of membership, one at least.
  const voters = command.eligibleVoters.map((voter) => ({ memberId: voter.memberId, weight: votesOf(rules, voter) }));
  const totalWeight = voters.reduce((sum, voter) => sum + voter.weight, 0);
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
      voters,
      totalWeight,
    }),
  ];
}

/**
 * The convocation goes out before the meeting with the notice the rules require, counted from its sending; an assembly
 * announced to amend the statutes sends the proposal's verbatim text with it (BW 2:42 lid 1).
 */
function sendConvocation(state: ConvenedAssembly, motions: readonly z.infer<typeof convokedMotionSchema>[], now: Date) {
  requireStatus(state, 'Convened');
  const noticeDays = daysBetween(now, state.scheduledAt);
  if (noticeDays < state.rules.noticeDays) {
    throw votingError('ASSEMBLY.NOTICE_TOO_SHORT', {
      message: `The rules require ${state.rules.noticeDays} days' notice; the meeting is ${Math.floor(noticeDays)} days away`,
      rule: 'noticeDays',
    });
  }
  if (state.announcesStatuteAmendment) {
    if (noticeDays < state.rules.statuteAmendmentNoticeDays) {
      throw votingError('ASSEMBLY.NOTICE_TOO_SHORT', {
        message: `An assembly that is to amend the statutes needs ${state.rules.statuteAmendmentNoticeDays} days' notice`,
        rule: 'BW 2:42 statuteAmendmentNoticeDays',
      });
    }
    if (!motions.some((motion) => motion.decisionType === 'statute-amendment')) throw votingError('ASSEMBLY.AMENDMENT_NOT_TABLED');
  }
  return ConvocationSent({
    assemblyId: state.assemblyId,
    cooperativeId: state.cooperativeId,
    agenda: [...state.agenda],
    motions: [...motions],
    recipients: state.roll.size,
    sentAt: now.toISOString(),
  });
}

function grantable(state: ConvenedAssembly, grantorId: string, holderId: string) {
  if (!state.rules.proxiesAllowed) {
    throw votingError('ASSEMBLY.PROXIES_NOT_ALLOWED');
  }
  requireOnRoll(state, grantorId, 'ASSEMBLY.NOT_ON_ROLL');
  requireOnRoll(state, holderId, 'ASSEMBLY.HOLDER_NOT_ON_ROLL');
  if (grantorId === holderId) throw votingError('ASSEMBLY.PROXY_TO_SELF');
  if (state.proxies.has(grantorId)) {
    throw votingError('ASSEMBLY.PROXY_ALREADY_GRANTED');
  }
  const held = [...state.proxies.values()].filter((holder) => holder === holderId).length;
  if (held >= state.rules.maxProxiesPerHolder) {
    throw votingError('ASSEMBLY.PROXY_CAP_REACHED', {
      message: `The holder already holds ${held} proxy(ies); the rules allow ${state.rules.maxProxiesPerHolder}`,
    });
  }
  return { grantorId, holderId };
}

function requireOnRoll(
  state: ConvenedAssembly,
  memberId: string,
  code: 'ASSEMBLY.NOT_ON_ROLL' | 'ASSEMBLY.HOLDER_NOT_ON_ROLL' | 'ASSEMBLY.ATTENDEE_NOT_ON_ROLL',
): void {
  if (!state.roll.has(memberId)) throw votingError(code, { message: `Member ${memberId} is not on this assembly's voter roll` });
}

function requireStatus(state: ConvenedAssembly, ...allowed: ConvenedAssembly['status'][]): void {
  if (!allowed.includes(state.status)) {
    throw votingError('ASSEMBLY.WRONG_STATE', {
      message: `The assembly is ${state.status}; this needs ${allowed.join(' or ')}`,
    });
  }
}

export const assemblyDecider: Decider<AssemblyState, AssemblyCommand, AssemblyEvent> = { initialState, evolve, decide };

export const assemblyAggregate = defineAggregate({
  category: 'assembly',
  decider: assemblyDecider,
  exists: (state): state is ConvenedAssembly => state.status !== 'NotConvened',
});
