import { assertNever, defineAggregate, type Decider } from '@meent/eventsourcing';
import { votesOf, type CooperativeRules, type DecisionType, type VotingBasis } from '@meent/membership/events';
import type { z } from 'zod';
import { votingError } from './errors.js';
import { requireSubjectFor } from './motion.decider.js';
import { MotionDecided, type subjectSchema } from './motion.events.js';
import {
  WrittenResolutionApproved,
  WrittenResolutionDeclined,
  WrittenResolutionProposed,
  type WrittenResolutionEvent,
} from './written-resolution.events.js';

type Subject = z.infer<typeof subjectSchema>;

interface Proposed {
  readonly resolutionId: string;
  readonly cooperativeId: string;
  readonly decisionType: DecisionType;
  readonly subject: Subject | null;
  /** The statutes' majority for its decision type, which unanimity meets. */
  readonly majority: 'simple' | 'two-thirds';
  readonly voters: ReadonlyMap<string, number>;
  readonly totalWeight: number;
  readonly approved: ReadonlySet<string>;
}

export type WrittenResolutionState =
  | { readonly status: 'NotProposed' }
  | (Proposed & { readonly status: 'Open' | 'Decided' | 'Declined' });

export type WrittenResolutionCommand =
  | {
      readonly type: 'ProposeResolution';
      readonly resolutionId: string;
      readonly cooperativeId: string;
      readonly title: string;
      readonly text: string;
      readonly decisionType: DecisionType;
      readonly subject: Subject | null;
      readonly proposedBy: string;
      /** The rules in force, and every member with a vote now with their kind of membership. */
      readonly rules: CooperativeRules;
      readonly eligibleVoters: readonly ({ readonly memberId: string } & VotingBasis)[];
      readonly now: Date;
    }
  | { readonly type: 'ApproveResolution'; readonly memberId: string; readonly now: Date }
  | { readonly type: 'DeclineResolution'; readonly memberId: string; readonly now: Date };

export const initialState: WrittenResolutionState = { status: 'NotProposed' };

export function evolve(state: WrittenResolutionState, event: WrittenResolutionEvent): WrittenResolutionState {
  if (event.type === 'WrittenResolutionProposed') {
    const { resolutionId, cooperativeId, decisionType, subject, majority, voters, totalWeight } = event.data;
    return {
      status: 'Open',
      resolutionId,
      cooperativeId,
      decisionType,
      subject,
      majority,
      voters: new Map(voters.map((voter) => [voter.memberId, voter.weight])),
      totalWeight,
      approved: new Set(),
    };
  }
  if (state.status === 'NotProposed') return state;
  switch (event.type) {
    case 'WrittenResolutionApproved':
      return { ...state, approved: new Set(state.approved).add(event.data.memberId) };
    case 'WrittenResolutionDeclined':
      return { ...state, status: 'Declined' };
    case 'MotionDecided':
      return { ...state, status: 'Decided' };
    default:
      return assertNever(event);
  }
}

export function decide(command: WrittenResolutionCommand, state: WrittenResolutionState): WrittenResolutionEvent[] {
  const at = command.now.toISOString();
  if (command.type === 'ProposeResolution') return propose(command, state);
  if (state.status === 'NotProposed') throw votingError('WRITTEN_RESOLUTION.NOT_FOUND');
  if (state.status !== 'Open') {
    throw votingError('WRITTEN_RESOLUTION.NOT_OPEN', { message: `The written resolution was ${state.status.toLowerCase()}` });
  }
  if (!state.voters.has(command.memberId)) throw votingError('WRITTEN_RESOLUTION.NOT_A_VOTER');
  const { resolutionId } = state;
  switch (command.type) {
    case 'ApproveResolution': {
      if (state.approved.has(command.memberId)) return [];
      const approved = WrittenResolutionApproved({ resolutionId, memberId: command.memberId, approvedAt: at });
      // The last approval makes it a decision of the assembly: every member with a vote agreed.
      return state.approved.size + 1 === state.voters.size ? [approved, decision(state, at)] : [approved];
    }
    case 'DeclineResolution':
      return [WrittenResolutionDeclined({ resolutionId, memberId: command.memberId, declinedAt: at })];
    default:
      return assertNever(command);
  }
}

function propose(command: Extract<WrittenResolutionCommand, { type: 'ProposeResolution' }>, state: WrittenResolutionState): WrittenResolutionEvent[] {
  if (state.status !== 'NotProposed') throw votingError('WRITTEN_RESOLUTION.ALREADY_PROPOSED');
  const { rules, decisionType, subject } = command;
  // Decisions the statutes tie to an announced meeting — a statute amendment (BW 2:42), dissolution, merger — need one.
  if (rules.decisions[decisionType].announced) {
    throw votingError('WRITTEN_RESOLUTION.NEEDS_A_MEETING', {
      message: `A ${decisionType} is decided at an assembly whose notice announces it`,
    });
  }
  requireSubjectFor(decisionType, subject);
  if (command.eligibleVoters.length === 0) throw votingError('ASSEMBLY.EMPTY_VOTER_ROLL');
  const voters = command.eligibleVoters.map((voter) => ({ memberId: voter.memberId, weight: votesOf(rules, voter) }));
  return [
    WrittenResolutionProposed({
      resolutionId: command.resolutionId,
      cooperativeId: command.cooperativeId,
      title: command.title,
      text: command.text,
      decisionType,
      subject,
      majority: rules.decisions[decisionType].majority,
      proposedBy: command.proposedBy,
      voters,
      totalWeight: voters.reduce((sum, voter) => sum + voter.weight, 0),
      proposedAt: command.now.toISOString(),
    }),
  ];
}

/** BW 2:40 lid 2: the decision of the general assembly that every member with a vote approving in writing amounts to. */
function decision(state: Proposed, decidedAt: string) {
  return MotionDecided({
    motionId: state.resolutionId,
    assemblyId: null,
    cooperativeId: state.cooperativeId,
    round: 1,
    decisionType: state.decisionType,
    subject: state.subject,
    ballot: 'open',
    tally: { for: state.totalWeight, against: 0, abstain: 0, notVoted: 0 },
    eligibleWeight: state.totalWeight,
    turnoutWeight: state.totalWeight,
    presentWeight: state.totalWeight,
    rule: { majority: state.majority, quorum: null, basis: 'unanimous-in-writing' },
    quorumMet: true,
    outcome: 'passed',
    explanation: "Every member with a vote approved it in writing, outside a meeting, with the board's prior knowledge (BW 2:40 lid 2)",
    decidedAt,
  });
}

export const writtenResolutionDecider: Decider<WrittenResolutionState, WrittenResolutionCommand, WrittenResolutionEvent> = {
  initialState,
  evolve,
  decide,
};

export type ProposedResolution = Exclude<WrittenResolutionState, { status: 'NotProposed' }>;

export const writtenResolutionAggregate = defineAggregate({
  category: 'written-resolution',
  decider: writtenResolutionDecider,
  exists: (state): state is ProposedResolution => state.status !== 'NotProposed',
});
