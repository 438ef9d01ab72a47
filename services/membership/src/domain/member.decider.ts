import { assertNever, defineAggregate, type Decider, type EncryptedData } from '@meent/eventsourcing';
import {
  ApplicationRejected,
  ExpulsionAnnulled,
  ExpulsionAppealed,
  ExpulsionUpheld,
  MemberExpelled,
  MemberAdmitted,
  MemberDetailsChanged,
  MemberReinstated,
  MemberRegistered,
  MemberSuspended,
  MemberTerminated,
  MembershipKindAssigned,
  MemberTurnoverRecorded,
  PersonalDataErased,
  type MemberEvent,
  type TerminationKind,
} from './member.events.js';
import { resignationTakesEffect, type ResignationTerms } from './cooperative-rules.js';
import { membershipError } from './errors.js';

interface Registered {
  readonly memberId: string;
  readonly cooperativeId: string;
  readonly emailClaim: string;
  readonly erased: boolean;
  /** The kind of membership the secretary recorded; null: none, one vote (BW 2:38 lid 1). */
  readonly membershipKind: string | null;
  /** The assembly's latest round on an appeal against this member's expulsion, so a later round can undo it. */
  readonly appealDecision: { readonly motionId: string; readonly round: number } | null;
}

export type MemberState =
  | { readonly status: 'Unregistered' }
  | (Registered & { readonly status: 'Applied' | 'Admitted' | 'Suspended' | 'Rejected' })
  | (Registered & { readonly status: 'Terminated'; readonly kind: TerminationKind; readonly effectiveAt: string })
  | (Registered & {
      /** BW 2:35 lid 4: expelled by the board, suspended until the appeal term has run or the assembly has decided. */
      readonly status: 'Expelled';
      readonly appealUntil: string;
      readonly appealedAt: string | null;
    });

export type MemberStatus = Exclude<MemberState['status'], 'Unregistered'>;

export type MemberCommand =
  | {
      readonly type: 'RegisterMember';
      readonly memberId: string;
      readonly cooperativeId: string;
      readonly personalData: EncryptedData;
      readonly emailClaim: string;
      readonly channel: 'secretary' | 'self-application';
      /** Whether the cooperative's rules let people apply themselves. */
      readonly selfApplicationAllowed: boolean;
      readonly now: Date;
    }
  | { readonly type: 'AdmitMember'; readonly now: Date }
  | { readonly type: 'RejectApplication'; readonly reason: string; readonly now: Date }
  | {
      readonly type: 'ChangeDetails';
      readonly personalData: EncryptedData;
      readonly emailClaim: string;
      readonly now: Date;
    }
  | {
      readonly type: 'AssignMembershipKind';
      readonly kind: string | null;
      /** The kinds the statutes give votes to. */
      readonly kindsInStatutes: readonly string[];
      readonly now: Date;
    }
  | { readonly type: 'RecordTurnover'; readonly financialYear: number; readonly turnoverCents: number; readonly now: Date }
  | { readonly type: 'SuspendMember'; readonly reason: string; readonly now: Date }
  | { readonly type: 'ReinstateMember'; readonly now: Date }
  | {
      readonly type: 'TerminateMembership';
      readonly kind: TerminationKind;
      readonly reason: string | null;
      /** When an expulsion or a death takes effect; null: at once. A resignation's moment is the law's (BW 2:36). */
      readonly effectiveAt: string | null;
      /** The statutes' terms for a resignation. */
      readonly resignation: ResignationTerms;
      /** The statutes' term for appealing an expulsion, in months (BW 2:35 lid 4: one at least). */
      readonly expulsionAppealMonths: number;
      readonly now: Date;
    }
  | { readonly type: 'AppealExpulsion'; readonly now: Date }
  /** From the assembly's decision on an appeal, through a reaction: never refused, so the reaction never stalls. */
  | {
      readonly type: 'RecordAppealDecision';
      readonly motionId: string;
      readonly round: number;
      /** Whether the motion confirming the expulsion passed. */
      readonly confirmed: boolean;
      readonly now: Date;
    }
  | { readonly type: 'ErasePersonalData'; readonly now: Date };

export const memberStream = (memberId: string) => memberAggregate.stream(memberId);

export const initialState: MemberState = { status: 'Unregistered' };

export function evolve(state: MemberState, event: MemberEvent): MemberState {
  if (event.type === 'MemberRegistered') {
    return {
      status: 'Applied',
      memberId: event.data.memberId,
      cooperativeId: event.data.cooperativeId,
      emailClaim: event.data.emailClaim,
      erased: false,
      membershipKind: null,
      appealDecision: null,
    };
  }
  if (state.status === 'Unregistered') return state;
  switch (event.type) {
    case 'MemberAdmitted':
    case 'MemberReinstated':
      return { ...state, status: 'Admitted' };
    case 'ApplicationRejected':
      return { ...state, status: 'Rejected' };
    case 'MemberDetailsChanged':
      return { ...state, emailClaim: event.data.emailClaim };
    case 'MembershipKindAssigned':
      return { ...state, membershipKind: event.data.kind };
    case 'MemberTurnoverRecorded':
      return state;
    case 'MemberSuspended':
      return { ...state, status: 'Suspended' };
    case 'MemberTerminated':
      return { ...state, status: 'Terminated', kind: event.data.kind, effectiveAt: event.data.effectiveAt };
    case 'MemberExpelled':
      return { ...state, status: 'Expelled', appealUntil: event.data.appealUntil, appealedAt: null };
    case 'ExpulsionAppealed':
      return state.status === 'Expelled' ? { ...state, appealedAt: event.data.appealedAt } : state;
    case 'ExpulsionUpheld': {
      const { motionId, round, effectiveAt } = event.data;
      return { ...state, status: 'Terminated', kind: 'expelled', effectiveAt, appealDecision: { motionId, round } };
    }
    case 'ExpulsionAnnulled': {
      const { motionId, round } = event.data;
      return { ...state, status: 'Admitted', appealDecision: { motionId, round } };
    }
    case 'PersonalDataErased':
      return { ...state, erased: true };
    default:
      return assertNever(event);
  }
}

const notRegistered = () => membershipError('MEMBER.NOT_FOUND', { message: 'No such member' });

export function decide(command: MemberCommand, state: MemberState): MemberEvent[] {
  const at = command.now.toISOString();
  if (command.type === 'RegisterMember') {
    if (state.status !== 'Unregistered') throw membershipError('MEMBER.ALREADY_REGISTERED');
    if (command.channel === 'self-application' && !command.selfApplicationAllowed) {
      throw membershipError('MEMBER.SELF_APPLICATION_NOT_ALLOWED');
    }
    return [
      MemberRegistered({
        memberId: command.memberId,
        cooperativeId: command.cooperativeId,
        personalData: command.personalData,
        emailClaim: command.emailClaim,
        channel: command.channel,
        registeredAt: at,
      }),
    ];
  }
  if (state.status === 'Unregistered') throw notRegistered();
  if (command.type === 'ErasePersonalData') {
    if (state.erased) throw membershipError('MEMBER.ALREADY_ERASED');
    // The register holds a member's details as long as the membership lasts (BW 2:30), so until a termination takes
    // effect too.
    const ended = state.status === 'Rejected' || Date.parse(endOf(state) ?? '9999-12-31T00:00:00.000Z') <= command.now.getTime();
    if (!ended) {
      throw membershipError('MEMBER.ERASURE_WHILE_MEMBER');
    }
    return [PersonalDataErased({ memberId: state.memberId, erasedAt: at })];
  }
  if (command.type === 'RecordAppealDecision') return recordAppealDecision(command, state);
  if (command.type === 'AppealExpulsion') {
    if (state.status !== 'Expelled') throw membershipError('MEMBER.NOT_EXPELLED');
    if (state.appealedAt !== null) throw membershipError('MEMBER.ALREADY_APPEALED');
    if (Date.parse(state.appealUntil) < command.now.getTime()) {
      throw membershipError('MEMBER.APPEAL_TERM_PASSED', { message: `The term to appeal ended at ${state.appealUntil}` });
    }
    return [ExpulsionAppealed({ memberId: state.memberId, appealedAt: at })];
  }
  if (state.status === 'Expelled' && command.type !== 'ChangeDetails') {
    throw membershipError('MEMBER.EXPELLED', {
      message: state.appealedAt === null ? `This member was expelled; the appeal term runs until ${state.appealUntil}` : 'This member was expelled and appealed; the assembly decides',
    });
  }
  if (state.status === 'Terminated') {
    throw membershipError('MEMBER.TERMINATED', {
      message: `This membership was terminated (${state.kind}, effective ${state.effectiveAt})`,
    });
  }
  if (state.status === 'Rejected') throw membershipError('MEMBER.REJECTED');
  const { memberId } = state;
  switch (command.type) {
    case 'AdmitMember':
      if (state.status !== 'Applied') throw membershipError('MEMBER.ALREADY_ADMITTED');
      return [MemberAdmitted({ memberId, admittedAt: at })];
    case 'RejectApplication':
      if (state.status !== 'Applied') throw membershipError('MEMBER.NOT_AN_APPLICANT');
      return [ApplicationRejected({ memberId, reason: command.reason, rejectedAt: at })];
    case 'ChangeDetails':
      return [
        MemberDetailsChanged({ memberId, personalData: command.personalData, emailClaim: command.emailClaim, changedAt: at }),
      ];
    case 'AssignMembershipKind':
      if (command.kind !== null && !command.kindsInStatutes.includes(command.kind)) {
        throw membershipError('MEMBER.UNKNOWN_MEMBERSHIP_KIND', {
          message: `The statutes name no membership kind ${command.kind} (they name: ${command.kindsInStatutes.join(', ') || 'none'})`,
        });
      }
      if (command.kind === state.membershipKind) return [];
      return [MembershipKindAssigned({ memberId, kind: command.kind, assignedAt: at })];
    case 'RecordTurnover':
      return [MemberTurnoverRecorded({ memberId, financialYear: command.financialYear, turnoverCents: command.turnoverCents, recordedAt: at })];
    case 'SuspendMember':
      if (state.status === 'Suspended') throw membershipError('MEMBER.ALREADY_SUSPENDED');
      if (state.status !== 'Admitted') throw membershipError('MEMBER.NOT_ADMITTED');
      return [MemberSuspended({ memberId, reason: command.reason, suspendedAt: at })];
    case 'ReinstateMember':
      if (state.status !== 'Suspended') throw membershipError('MEMBER.NOT_SUSPENDED');
      return [MemberReinstated({ memberId, reinstatedAt: at })];
    case 'TerminateMembership':
      if (state.status === 'Applied') {
        throw membershipError('MEMBER.NOT_ADMITTED', { message: 'An application is rejected, not terminated' });
      }
      if (command.kind === 'expelled') {
        if (!command.reason) throw membershipError('MEMBER.EXPULSION_WITHOUT_REASON');
        if (command.effectiveAt !== null) throw membershipError('MEMBER.EXPULSION_DATE_BY_LAW');
        const appealUntil = addMonths(command.now, command.expulsionAppealMonths).toISOString();
        return [MemberExpelled({ memberId, reason: command.reason, appealUntil, expelledAt: at })];
      }
      if (command.kind === 'resigned' && command.effectiveAt !== null) throw membershipError('MEMBER.RESIGNATION_DATE_BY_LAW');
      return [
        MemberTerminated({
          memberId,
          kind: command.kind,
          reason: command.reason,
          effectiveAt:
            command.kind === 'resigned'
              ? resignationTakesEffect(command.now, command.resignation).toISOString()
              : (command.effectiveAt ?? at),
          terminatedAt: at,
        }),
      ];
    default:
      return assertNever(command);
  }
}

/** When the membership ends, or ended: a termination's effective moment, an unappealed expulsion's appeal term's end. */
export function endOf(state: MemberState): string | undefined {
  if (state.status === 'Terminated') return state.effectiveAt;
  if (state.status === 'Expelled' && state.appealedAt === null) return state.appealUntil;
  return undefined;
}

const addMonths = (moment: Date, months: number) => {
  const at = new Date(moment);
  at.setUTCMonth(at.getUTCMonth() + months);
  return at;
};

/**
 * BW 2:35 lid 4: the assembly's decision on an appeal ends it — confirmed, the expulsion takes effect; not, the member is
 * restored. A later round of the same motion, after a challenge, undoes the earlier (BW 2:13 lid 4).
 */
function recordAppealDecision(command: Extract<MemberCommand, { type: 'RecordAppealDecision' }>, state: RegisteredMember): MemberEvent[] {
  const { motionId, round, confirmed } = command;
  const at = command.now.toISOString();
  const { memberId, appealDecision } = state;
  const pending = state.status === 'Expelled' && state.appealedAt !== null;
  const laterRound = appealDecision?.motionId === motionId && round > appealDecision.round;
  const expulsionStands = state.status === 'Terminated' && state.kind === 'expelled';
  if (pending || (laterRound && (confirmed ? state.status === 'Admitted' : expulsionStands))) {
    return confirmed
      ? [ExpulsionUpheld({ memberId, motionId, round, effectiveAt: at })]
      : [ExpulsionAnnulled({ memberId, motionId, round, annulledAt: at })];
  }
  return [];
}

export const memberDecider: Decider<MemberState, MemberCommand, MemberEvent> = { initialState, evolve, decide };

export type RegisteredMember = Exclude<MemberState, { status: 'Unregistered' }>;

export const memberAggregate = defineAggregate({
  category: 'member',
  decider: memberDecider,
  exists: (state): state is RegisteredMember => state.status !== 'Unregistered',
});
