import { assertNever, defineAggregate, type Decider } from '@meent/eventsourcing';
import type { Fraction } from '@meent/membership/events';
import {
  AssemblyDemanded,
  AssemblyRequestSupported,
  AssemblyRequested,
  DemandedAssemblyConvened,
  type AssemblyRequestEvent,
} from './assembly-request.events.js';
import { DAY_MS } from './assembly.decider.js';
import { votingError } from './errors.js';

/** BW 2:41 lid 2: the demanded assembly is held within four weeks. */
export const DEMANDED_ASSEMBLY_DEADLINE_DAYS = 28;
/** BW 2:41 lid 2: the board has this long to convene it before the requesters may convene it themselves. */
export const BOARD_CONVENING_DAYS = 14;

interface Requested {
  readonly requestId: string;
  readonly cooperativeId: string;
  readonly supporters: ReadonlySet<string>;
  readonly supportingWeight: number;
}

/** The status decides what there is: a deadline once demanded, an assembly once convened. */
export type AssemblyRequestState =
  | { readonly status: 'NotRequested' }
  | (Requested & { readonly status: 'Gathering' })
  | (Requested & { readonly status: 'Demanded'; readonly demandedAt: string; readonly deadline: string })
  | (Requested & { readonly status: 'Convened'; readonly assemblyId: string });

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
  | ({ readonly type: 'SupportRequest' } & Standing)
  | {
      /** The demanded assembly is convened: by the board (the secretary or chair), or by a requester. */
      readonly type: 'ConveneDemandedAssembly';
      readonly assemblyId: string;
      readonly scheduledAt: string;
      readonly by: { readonly kind: 'board' } | { readonly kind: 'requester'; readonly memberId: string };
      readonly now: Date;
    };

export const assemblyRequestStream = (requestId: string) => assemblyRequestAggregate.stream(requestId);

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
      return { ...requestedPart(state), status: 'Demanded', demandedAt: event.data.demandedAt, deadline: event.data.deadline };
    case 'DemandedAssemblyConvened':
      if (state.status === 'NotRequested') return state;
      return { ...requestedPart(state), status: 'Convened', assemblyId: event.data.assemblyId };
    default:
      return assertNever(event);
  }
}

function requestedPart(state: Exclude<AssemblyRequestState, { status: 'NotRequested' }>): Requested {
  const { requestId, cooperativeId, supporters, supportingWeight } = state;
  return { requestId, cooperativeId, supporters, supportingWeight };
}

export function decide(command: AssemblyRequestCommand, state: AssemblyRequestState): AssemblyRequestEvent[] {
  if (command.type === 'ConveneDemandedAssembly') return convene(command, state);
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

/**
 * BW 2:41 lid 2: the board convenes a demanded assembly; when it has not within 14 days, the requesters may. The meeting
 * is to be held within four weeks of the demand: one convened for later is on record as late.
 */
function convene(command: Extract<AssemblyRequestCommand, { type: 'ConveneDemandedAssembly' }>, state: AssemblyRequestState): AssemblyRequestEvent[] {
  if (state.status === 'NotRequested') throw votingError('ASSEMBLY_REQUEST.NOT_FOUND');
  if (state.status === 'Gathering') throw votingError('ASSEMBLY_REQUEST.NOT_DEMANDED');
  if (state.status === 'Convened') {
    if (state.assemblyId === command.assemblyId) return [];
    throw votingError('ASSEMBLY_REQUEST.ALREADY_CONVENED', { message: `The demanded assembly is convened already: ${state.assemblyId}` });
  }
  if (command.by.kind === 'requester') {
    if (!state.supporters.has(command.by.memberId)) throw votingError('ASSEMBLY_REQUEST.NOT_A_REQUESTER');
    const boardUntil = Date.parse(state.demandedAt) + BOARD_CONVENING_DAYS * DAY_MS;
    if (command.now.getTime() < boardUntil) {
      throw votingError('ASSEMBLY_REQUEST.BOARD_STILL_IN_TIME', {
        message: `The board may convene the demanded assembly until ${new Date(boardUntil).toISOString()}; the requesters after that`,
      });
    }
  }
  return [
    DemandedAssemblyConvened({
      requestId: state.requestId,
      assemblyId: command.assemblyId,
      convenedBy: command.by.kind === 'board' ? 'board' : 'requesters',
      scheduledAt: command.scheduledAt,
      withinDeadline: Date.parse(command.scheduledAt) <= Date.parse(state.deadline),
      convenedAt: command.now.toISOString(),
    }),
  ];
}

function support(command: Standing, state: AssemblyRequestState): AssemblyRequestEvent[] {
  if (state.status === 'NotRequested') return [];
  if (state.status === 'Demanded' || state.status === 'Convened') {
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
