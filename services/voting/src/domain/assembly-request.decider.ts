import { assertNever, defineAggregate, type Decider } from '@meent/eventsourcing';
import type { Fraction } from '@meent/membership/events';
import {
  AssemblyDemanded,
  AssemblyRequestSupported,
  AssemblyRequested,
  type AssemblyRequestEvent,
} from './assembly-request.events.js';
import { DAY_MS } from './assembly.decider.js';
import { votingError } from './errors.js';

/** BW 2:41: the board convenes the demanded assembly within four weeks. */
export const DEMANDED_ASSEMBLY_DEADLINE_DAYS = 28;

export type AssemblyRequestState =
  | { readonly status: 'NotRequested' }
  | {
      readonly status: 'Gathering' | 'Demanded';
      readonly requestId: string;
      readonly cooperativeId: string;
      readonly supporters: ReadonlySet<string>;
      readonly supportingWeight: number;
    };

/** What the voting context's membership projection says about the supporter and the cooperative, right now. */
interface Standing {
  readonly memberId: string;
  /** The member's votes, 0 when not an eligible member. */
  readonly weight: number;
  readonly eligibleWeight: number;
  readonly share: Fraction;
  readonly now: Date;
}

export type AssemblyRequestCommand =
  | ({ readonly type: 'RequestAssembly'; readonly requestId: string; readonly cooperativeId: string; readonly subject: string } & Standing)
  | ({ readonly type: 'SupportRequest' } & Standing);

export const assemblyRequestStream = (requestId: string) => `assembly-request-${requestId}`;

export const initialState: AssemblyRequestState = { status: 'NotRequested' };

export function evolve(state: AssemblyRequestState, event: AssemblyRequestEvent): AssemblyRequestState {
  switch (event.type) {
    case 'AssemblyRequested':
      return {
        status: 'Gathering',
        requestId: event.data.requestId,
        cooperativeId: event.data.cooperativeId,
        supporters: new Set(),
        supportingWeight: 0,
      };
    case 'AssemblyRequestSupported':
      if (state.status === 'NotRequested') return state;
      return {
        ...state,
        supporters: new Set(state.supporters).add(event.data.memberId),
        supportingWeight: state.supportingWeight + event.data.weight,
      };
    case 'AssemblyDemanded':
      if (state.status === 'NotRequested') return state;
      return { ...state, status: 'Demanded' };
    default:
      return assertNever(event);
  }
}

export function decide(command: AssemblyRequestCommand, state: AssemblyRequestState): AssemblyRequestEvent[] {
  if (command.weight <= 0) {
    throw votingError('ASSEMBLY_REQUEST.NOT_ELIGIBLE');
  }
  const at = command.now.toISOString();
  switch (command.type) {
    case 'RequestAssembly': {
      if (state.status !== 'NotRequested') throw votingError('ASSEMBLY_REQUEST.EXISTS');
      const requested = AssemblyRequested({
        requestId: command.requestId,
        cooperativeId: command.cooperativeId,
        subject: command.subject,
        requestedBy: command.memberId,
        requestedAt: at,
      });
      const opened = evolve(state, requested);
      return [requested, ...support(command, opened)];
    }
    case 'SupportRequest':
      if (state.status === 'NotRequested') throw votingError('ASSEMBLY_REQUEST.NOT_FOUND');
      return support(command, state);
    default:
      return assertNever(command);
  }
}

function support(command: Standing, state: AssemblyRequestState): AssemblyRequestEvent[] {
  if (state.status === 'NotRequested') return [];
  if (state.status === 'Demanded') {
    throw votingError('ASSEMBLY_REQUEST.ALREADY_DEMANDED');
  }
  if (state.supporters.has(command.memberId)) {
    throw votingError('ASSEMBLY_REQUEST.ALREADY_SUPPORTED');
  }
  const at = command.now.toISOString();
  const supported = AssemblyRequestSupported({ requestId: state.requestId, memberId: command.memberId, weight: command.weight, supportedAt: at });
  const supportingWeight = state.supportingWeight + command.weight;
  const { numerator, denominator } = command.share;
  if (supportingWeight * denominator < numerator * command.eligibleWeight) return [supported];
  return [
    supported,
    AssemblyDemanded({
      requestId: state.requestId,
      cooperativeId: state.cooperativeId,
      supportingWeight,
      eligibleWeight: command.eligibleWeight,
      deadline: new Date(command.now.getTime() + DEMANDED_ASSEMBLY_DEADLINE_DAYS * DAY_MS).toISOString(),
      demandedAt: at,
    }),
  ];
}

export const assemblyRequestDecider: Decider<AssemblyRequestState, AssemblyRequestCommand, AssemblyRequestEvent> = {
  initialState,
  evolve,
  decide,
};

export type MadeAssemblyRequest = Exclude<AssemblyRequestState, { status: 'NotRequested' }>;

export const assemblyRequestAggregate = defineAggregate({
  category: 'assembly-request',
  decider: assemblyRequestDecider,
  exists: (state): state is MadeAssemblyRequest => state.status !== 'NotRequested',
});
