import { assertNever, defineAggregate, type Decider, type EncryptedData } from '@meent/eventsourcing';
import {
  ApplicationRejected,
  MemberAdmitted,
  MemberDetailsChanged,
  MemberReinstated,
  MemberRegistered,
  MemberSuspended,
  MemberTerminated,
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
}

export type MemberState =
  | { readonly status: 'Unregistered' }
  | (Registered & { readonly status: 'Applied' | 'Admitted' | 'Suspended' | 'Rejected' })
  | (Registered & { readonly status: 'Terminated'; readonly kind: TerminationKind; readonly effectiveAt: string });

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
    case 'MemberSuspended':
      return { ...state, status: 'Suspended' };
    case 'MemberTerminated':
      return { ...state, status: 'Terminated', kind: event.data.kind, effectiveAt: event.data.effectiveAt };
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
    const ended = state.status === 'Rejected' || (state.status === 'Terminated' && Date.parse(state.effectiveAt) <= command.now.getTime());
    if (!ended) {
      throw membershipError('MEMBER.ERASURE_WHILE_MEMBER');
    }
    return [PersonalDataErased({ memberId: state.memberId, erasedAt: at })];
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
      if (command.kind === 'expelled' && !command.reason) {
        throw membershipError('MEMBER.EXPULSION_WITHOUT_REASON');
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

export const memberDecider: Decider<MemberState, MemberCommand, MemberEvent> = { initialState, evolve, decide };

export type RegisteredMember = Exclude<MemberState, { status: 'Unregistered' }>;

export const memberAggregate = defineAggregate({
  category: 'member',
  decider: memberDecider,
  exists: (state): state is RegisteredMember => state.status !== 'Unregistered',
});
