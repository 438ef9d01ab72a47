import { assertNever, defineAggregate, type Decider } from '@meent/eventsourcing';
import { equalShares, greedyByApprovals } from './equal-shares.js';
import { pbError } from './errors.js';
import {
  PbBallotCast,
  PbProposalEntered,
  PbProposalRefused,
  PbProposalReviewed,
  PbProposalsClosed,
  PbResidentRegistered,
  PbRoundDecided,
  PbRoundFundsRefused,
  PbRoundFundsReserved,
  PbRoundOpened,
  PbVotingClosed,
  PbVotingOpened,
  type PbRoundEvent,
  type RoundSettings,
} from './pb-round.events.js';

interface Proposal {
  readonly proposalId: string;
  readonly costCents: number;
  readonly proposedBy: string | null;
  readonly review: { readonly eligible: boolean; readonly reason: string } | null;
}

interface Ballot {
  readonly voterKind: 'member' | 'resident';
  readonly approvals: readonly string[];
}

interface OpenedRound {
  readonly roundId: string;
  readonly cooperativeId: string;
  readonly budgetId: string;
  readonly lineCode: string;
  readonly amountCents: number;
  readonly settings: RoundSettings;
  readonly reservationId: string | null;
  readonly proposalsClosedAt: string | null;
  /** In the order they were entered. */
  readonly proposals: ReadonlyMap<string, Proposal>;
  /** Registered residents by id, each with the digest of their voting code. */
  readonly residents: ReadonlyMap<string, string>;
  readonly roll: ReadonlySet<string>;
  readonly closesAt: string | null;
  /** The standing ballot of each voter, in the order voters first cast one. */
  readonly ballots: ReadonlyMap<string, Ballot>;
}

/** Proposals → Review → Voting → Decided; Unfunded when the line could not hold the round's money. */
export type PbRoundState =
  | { readonly status: 'NotOpened' }
  | (OpenedRound & { readonly status: 'Proposals' | 'Review' | 'Voting' | 'Decided' | 'Unfunded' });

export type OpenRound = Exclude<PbRoundState, { status: 'NotOpened' }>;

type Dated = { readonly now: Date };

export type PbRoundCommand =
  | ({
      readonly type: 'OpenRound';
      readonly roundId: string;
      readonly cooperativeId: string;
      readonly motionId: string;
      readonly motionRound: number;
      readonly title: string;
      readonly budgetId: string;
      readonly lineCode: string;
      readonly amountCents: number;
      readonly settings: RoundSettings;
    } & Dated)
  | ({ readonly type: 'RecordRoundFunds'; readonly reservationId: string; readonly amountCents: number } & Dated)
  | ({ readonly type: 'RecordRoundFundsRefused'; readonly availableCents: number; readonly reason: string } & Dated)
  | ({
      readonly type: 'EnterProposal';
      readonly proposalId: string;
      readonly title: string;
      readonly costCents: number;
      readonly themes: readonly string[];
      readonly proposedBy: string | null;
      readonly submittedAt: string;
    } & Dated)
  | ({ readonly type: 'CloseProposals'; readonly closedBy: string } & Dated)
  | ({ readonly type: 'ReviewProposal'; readonly proposalId: string; readonly eligible: boolean; readonly reason: string; readonly reviewedBy: string } & Dated)
  | ({ readonly type: 'RegisterResident'; readonly residentId: string; readonly codeDigest: string; readonly registeredBy: string } & Dated)
  | ({ readonly type: 'OpenVoting'; readonly roll: readonly string[]; readonly closesAt: Date; readonly openedBy: string } & Dated)
  | ({
      readonly type: 'CastBallot';
      /** What the ballot is recorded under: the member, their pseudonym on a secret ballot, or the resident. */
      readonly voter: string;
      /** Who votes: a member on the roll, or a registered resident. */
      readonly voterKind: 'member' | 'resident';
      readonly votingAs: string;
      readonly approvals: readonly string[];
    } & Dated)
  | ({
      readonly type: 'CloseVoting';
      readonly closedBy: string;
      readonly lotSeed: string;
      /** A fresh id for each eligible proposal's reservation, should it win. */
      readonly reservationIds: Readonly<Record<string, string>>;
    } & Dated);

export const initialState: PbRoundState = { status: 'NotOpened' };

export const pbBallotKeySubject = (roundId: string) => `pb-ballots-${roundId}`;

export function evolve(state: PbRoundState, event: PbRoundEvent): PbRoundState {
  if (event.type === 'PbRoundOpened') {
    const { roundId, cooperativeId, budgetId, lineCode, amountCents, settings } = event.data;
    return {
      status: 'Proposals',
      roundId,
      cooperativeId,
      budgetId,
      lineCode,
      amountCents,
      settings,
      reservationId: null,
      proposalsClosedAt: null,
      proposals: new Map(),
      residents: new Map(),
      roll: new Set(),
      closesAt: null,
      ballots: new Map(),
    };
  }
  if (state.status === 'NotOpened') return state;
  switch (event.type) {
    case 'PbRoundFundsReserved':
      return { ...state, reservationId: event.data.reservationId };
    case 'PbRoundFundsRefused':
      return { ...state, status: 'Unfunded' };
    case 'PbProposalEntered': {
      const { proposalId, costCents, proposedBy } = event.data;
      return { ...state, proposals: new Map(state.proposals).set(proposalId, { proposalId, costCents, proposedBy, review: null }) };
    }
    case 'PbProposalRefused':
      return state;
    case 'PbProposalsClosed':
      return { ...state, status: 'Review', proposalsClosedAt: event.data.closedAt };
    case 'PbProposalReviewed': {
      const { proposalId, eligible, reason } = event.data;
      const proposal = state.proposals.get(proposalId);
      if (!proposal) return state;
      return { ...state, proposals: new Map(state.proposals).set(proposalId, { ...proposal, review: { eligible, reason } }) };
    }
    case 'PbResidentRegistered':
      return { ...state, residents: new Map(state.residents).set(event.data.residentId, event.data.codeDigest) };
    case 'PbVotingOpened':
      return { ...state, status: 'Voting', roll: new Set(event.data.roll), closesAt: event.data.closesAt };
    case 'PbBallotCast': {
      const { voter, voterKind, approvals } = event.data;
      return { ...state, ballots: new Map(state.ballots).set(voter, { voterKind, approvals }) };
    }
    case 'PbVotingClosed':
      return state;
    case 'PbRoundDecided':
      return { ...state, status: 'Decided' };
    default:
      return assertNever(event);
  }
}

export function decide(command: PbRoundCommand, state: PbRoundState): PbRoundEvent[] {
  const at = command.now.toISOString();
  if (command.type === 'OpenRound') {
    if (state.status !== 'NotOpened') return [];
    const { now: _now, type: _type, ...opened } = command;
    return [PbRoundOpened({ ...opened, openedAt: at })];
  }
  if (state.status === 'NotOpened') throw pbError('PB.ROUND_NOT_FOUND');
  const { roundId } = state;
  switch (command.type) {
    case 'RecordRoundFunds':
      if (state.reservationId !== null || state.status === 'Unfunded') return [];
      return [PbRoundFundsReserved({ roundId, reservationId: command.reservationId, amountCents: command.amountCents, reservedAt: at })];
    case 'RecordRoundFundsRefused':
      if (state.reservationId !== null || state.status === 'Unfunded') return [];
      return [PbRoundFundsRefused({ roundId, availableCents: command.availableCents, reason: command.reason, refusedAt: at })];
    case 'EnterProposal':
      return enter(command, state);
    case 'CloseProposals':
      requirePhase(state, 'Proposals');
      return [PbProposalsClosed({ roundId, closedBy: command.closedBy, closedAt: at })];
    case 'ReviewProposal': {
      requirePhase(state, 'Review');
      const proposal = state.proposals.get(command.proposalId);
      if (!proposal) throw pbError('PB.PROPOSAL_NOT_FOUND');
      if (proposal.proposedBy === command.reviewedBy) throw pbError('PB.RECUSED');
      const { proposalId, eligible, reason, reviewedBy } = command;
      return [PbProposalReviewed({ roundId, proposalId, eligible, reason, reviewedBy, reviewedAt: at })];
    }
    case 'RegisterResident':
      if (!state.settings.residentsVote) throw pbError('PB.RESIDENTS_DO_NOT_VOTE');
      requirePhase(state, 'Proposals', 'Review', 'Voting');
      if (state.residents.has(command.residentId)) return [];
      return [PbResidentRegistered({ roundId, residentId: command.residentId, codeDigest: command.codeDigest, registeredBy: command.registeredBy, registeredAt: at })];
    case 'OpenVoting':
      return openVoting(command, state);
    case 'CastBallot':
      return castBallot(command, state);
    case 'CloseVoting':
      return closeVoting(command, state);
    default:
      return assertNever(command);
  }
}

/** A proposal is on the ballot when it came in before the proposals closed and the round's money could pay for it. */
function enter(command: Extract<PbRoundCommand, { type: 'EnterProposal' }>, state: OpenRound): PbRoundEvent[] {
  const { roundId } = state;
  const { proposalId, title, costCents, themes, proposedBy, submittedAt } = command;
  const at = command.now.toISOString();
  if (state.proposals.has(proposalId)) return [];
  const late = state.status === 'Unfunded' || (state.proposalsClosedAt !== null && submittedAt > state.proposalsClosedAt);
  if (late) return [PbProposalRefused({ roundId, proposalId, reason: 'It came in after the proposals closed', refusedAt: at })];
  if (costCents > state.amountCents) {
    return [PbProposalRefused({ roundId, proposalId, reason: `It costs more than the round's ${state.amountCents} cents`, refusedAt: at })];
  }
  return [PbProposalEntered({ roundId, proposalId, title, costCents, themes: [...themes], proposedBy, enteredAt: at })];
}

function openVoting(command: Extract<PbRoundCommand, { type: 'OpenVoting' }>, state: OpenRound): PbRoundEvent[] {
  requirePhase(state, 'Review');
  if (state.reservationId === null) throw pbError('PB.NOT_FUNDED_YET');
  const proposals = [...state.proposals.values()];
  if (proposals.some((proposal) => proposal.review === null)) throw pbError('PB.REVIEW_UNFINISHED');
  const eligible = proposals.filter((proposal) => proposal.review?.eligible).length;
  if (eligible < state.settings.minApprovals) {
    throw pbError('PB.TOO_FEW_ELIGIBLE', { message: `${eligible} proposals are eligible; a ballot approves at least ${state.settings.minApprovals}` });
  }
  if (command.closesAt <= command.now) throw pbError('PB.CLOSES_IN_THE_PAST');
  return [
    PbVotingOpened({
      roundId: state.roundId,
      roll: [...command.roll],
      recordDate: command.now.toISOString(),
      closesAt: command.closesAt.toISOString(),
      openedBy: command.openedBy,
      openedAt: command.now.toISOString(),
    }),
  ];
}

function castBallot(command: Extract<PbRoundCommand, { type: 'CastBallot' }>, state: OpenRound): PbRoundEvent[] {
  requirePhase(state, 'Voting');
  if (command.now.toISOString() >= state.closesAt!) throw pbError('PB.VOTING_CLOSED');
  if (command.voterKind === 'member' && !state.roll.has(command.votingAs)) throw pbError('PB.NOT_ON_ROLL');
  if (command.voterKind === 'resident' && !state.residents.has(command.votingAs)) throw pbError('PB.NOT_ON_ROLL');
  const approvals = [...new Set(command.approvals)];
  if (approvals.length !== command.approvals.length) throw pbError('PB.APPROVED_TWICE');
  for (const proposalId of approvals) {
    if (!state.proposals.get(proposalId)?.review?.eligible) {
      throw pbError('PB.NOT_ON_BALLOT', { message: `Proposal ${proposalId} is not on this round's ballot` });
    }
  }
  const { minApprovals, maxApprovals } = state.settings;
  if (approvals.length < minApprovals || approvals.length > maxApprovals) {
    throw pbError('PB.APPROVALS_OUT_OF_RANGE', { message: `A ballot approves from ${minApprovals} to ${maxApprovals} proposals; this one ${approvals.length}` });
  }
  return [PbBallotCast({ roundId: state.roundId, voter: command.voter, voterKind: command.voterKind, approvals, castAt: command.now.toISOString() })];
}

/**
 * The lot, drawn once per round from the seed on record: the proposals in order of id, shuffled (Fisher–Yates) with
 * sfc32 seeded by the seed's four 32-bit words — anyone with the seed draws the same order.
 */
export function lotOrder(seed: string, proposalIds: readonly string[]): string[] {
  let [a, b, c, d] = [0, 8, 16, 24].map((offset) => Number.parseInt(seed.slice(offset, offset + 8), 16) >>> 0) as [number, number, number, number];
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 2 ** 32;
  };
  const order = [...proposalIds].sort();
  for (let index = order.length - 1; index > 0; index -= 1) {
    const pick = Math.floor(next() * (index + 1));
    [order[index], order[pick]] = [order[pick]!, order[index]!];
  }
  return order;
}

/** Voting closes at the end of its window; the Method of Equal Shares decides on the standing ballots. */
function closeVoting(command: Extract<PbRoundCommand, { type: 'CloseVoting' }>, state: OpenRound): PbRoundEvent[] {
  requirePhase(state, 'Voting');
  const at = command.now.toISOString();
  if (at < state.closesAt!) throw pbError('PB.VOTING_STILL_OPEN', { message: `Voting closes at ${state.closesAt}` });
  const { roundId, cooperativeId, budgetId, lineCode, amountCents, settings } = state;
  const eligible = [...state.proposals.values()].filter((proposal) => proposal.review?.eligible);
  const lot = lotOrder(command.lotSeed, eligible.map((proposal) => proposal.proposalId));
  const voters = [...state.ballots.keys()];
  const instance = {
    budgetCents: amountCents,
    projects: eligible.map((proposal) => ({ id: proposal.proposalId, costCents: proposal.costCents })),
    ballots: [...state.ballots.values()].map((ballot) => ballot.approvals),
  };
  const outcome = equalShares(instance, { completion: settings.completion, stepCents: 100, lot });
  const byCompletion = new Set(outcome.selectedByCompletion);
  const selected = outcome.selected.map((proposalId) => {
    const reservationId = command.reservationIds[proposalId];
    if (!reservationId) throw new RangeError(`no reservation id for proposal ${proposalId}`);
    return { proposalId, costCents: state.proposals.get(proposalId)!.costCents, reservationId, byCompletion: byCompletion.has(proposalId) };
  });
  const ineligible = [...state.proposals.values()]
    .filter((proposal) => !proposal.review?.eligible)
    .map((proposal) => ({ proposalId: proposal.proposalId, reason: { kind: 'ineligible' as const, reason: proposal.review?.reason ?? 'Not reviewed' } }));
  return [
    PbVotingClosed({ roundId, closedBy: command.closedBy, lotSeed: command.lotSeed, closedAt: at }),
    PbRoundDecided({
      roundId,
      cooperativeId,
      budgetId,
      lineCode,
      reservationId: state.reservationId!,
      amountCents,
      rule: `equalshares/${settings.completion}`,
      ballots: voters.length,
      lot,
      shares: { initial: outcome.shares.initial, final: outcome.shares.final, capped: outcome.shares.capped },
      selected,
      spentCents: outcome.spentCents,
      rounds: outcome.rounds.map(({ projectId, payments, ...round }) => ({
        ...round,
        proposalId: projectId,
        payments: payments.map(({ paid, ballots }) => ({ paid, voters: ballots.map((ballot) => voters[ballot]!) })),
      })),
      rejected: [...outcome.rejected.map(({ projectId, reason }) => ({ proposalId: projectId, reason })), ...ineligible],
      greedy: greedyByApprovals(instance, lot),
      decidedAt: at,
    }),
  ];
}

function requirePhase(state: OpenRound, ...allowed: OpenRound['status'][]): void {
  if (!allowed.includes(state.status)) {
    throw pbError('PB.WRONG_PHASE', { message: `The round is in its ${state.status} phase; this needs ${allowed.join(' or ')}` });
  }
}

export const pbRoundDecider: Decider<PbRoundState, PbRoundCommand, PbRoundEvent> = { initialState, evolve, decide };

export const pbRoundAggregate = defineAggregate({
  category: 'pb_round',
  decider: pbRoundDecider,
  exists: (state): state is OpenRound => state.status !== 'NotOpened',
});
