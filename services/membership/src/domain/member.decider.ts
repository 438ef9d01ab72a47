import { DomainError, assertNever, defineAggregate, type Decider, type EncryptedData } from '@meent/eventsourcing';
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
      readonly effectiveAt: string;
      readonly now: Date;
    }
  | { readonly type: 'ErasePersonalData'; readonly now: Date };

export const memberStream = (memberId: string) => `member-${memberId}`;

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

const notRegistered = () => new DomainError('MEMBER.NOT_FOUND', 404, 'No such member');
const wrongState = (code: string, message: string) => new DomainError(`MEMBER.${code}`, 409, message);

export function decide(command: MemberCommand, state: MemberState): MemberEvent[] {
  const at = command.now.toISOString();
  if (command.type === 'RegisterMember') {
    if (state.status !== 'Unregistered') throw wrongState('ALREADY_REGISTERED', 'This member is already registered');
    if (command.channel === 'self-application' && !command.selfApplicationAllowed) {
      throw new DomainError(
        'MEMBER.SELF_APPLICATION_NOT_ALLOWED',
        422,
        'The rules of this cooperative let only the secretary register members',
        'selfApplication',
      );
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
    if (state.erased) throw wrongState('ALREADY_ERASED', 'This member’s personal data is already erased');
    // The register holds a member's details as long as the membership lasts (BW 2:30), so until a termination takes
    // effect too.
    const ended = state.status === 'Rejected' || (state.status === 'Terminated' && Date.parse(state.effectiveAt) <= command.now.getTime());
    if (!ended) {
      throw new DomainError(
        'MEMBER.ERASURE_WHILE_MEMBER',
        422,
        'The register must hold a member’s details while the membership lasts; terminate it first',
        'register-obligation',
      );
    }
    return [PersonalDataErased({ memberId: state.memberId, erasedAt: at })];
  }
  if (state.status === 'Terminated') {
    throw wrongState('TERMINATED', `This membership was terminated (${state.kind}, effective ${state.effectiveAt})`);
  }
  if (state.status === 'Rejected') throw wrongState('REJECTED', 'This application was rejected');
  const { memberId } = state;
  switch (command.type) {
    case 'AdmitMember':
      if (state.status !== 'Applied') throw wrongState('ALREADY_ADMITTED', 'This member is already admitted');
      return [MemberAdmitted({ memberId, admittedAt: at })];
    case 'RejectApplication':
      if (state.status !== 'Applied') throw wrongState('NOT_AN_APPLICANT', 'Only a pending application can be rejected');
      return [ApplicationRejected({ memberId, reason: command.reason, rejectedAt: at })];
    case 'ChangeDetails':
      return [
        MemberDetailsChanged({ memberId, personalData: command.personalData, emailClaim: command.emailClaim, changedAt: at }),
      ];
    case 'SuspendMember':
      if (state.status === 'Suspended') throw wrongState('ALREADY_SUSPENDED', 'This member is already suspended');
      if (state.status !== 'Admitted') throw wrongState('NOT_ADMITTED', 'Only an admitted member can be suspended');
      return [MemberSuspended({ memberId, reason: command.reason, suspendedAt: at })];
    case 'ReinstateMember':
      if (state.status !== 'Suspended') throw wrongState('NOT_SUSPENDED', 'Only a suspended member can be reinstated');
      return [MemberReinstated({ memberId, reinstatedAt: at })];
    case 'TerminateMembership':
      if (state.status === 'Applied') {
        throw wrongState('NOT_ADMITTED', 'An application is rejected, not terminated');
      }
      if (command.kind === 'expelled' && !command.reason) {
        throw new DomainError('MEMBER.EXPULSION_WITHOUT_REASON', 422, 'An expulsion states its reason', 'expulsion-reason');
      }
      return [
        MemberTerminated({
          memberId,
          kind: command.kind,
          reason: command.reason,
          effectiveAt: command.effectiveAt,
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
