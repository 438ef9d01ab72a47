import { assertNever, defineAggregate, type Decider, type DomainError, type EncryptedData } from '@meent/eventsourcing';
import { rulesAgainstTheLaw, type ConflictGround, type DecisionType } from '@meent/membership/events';
import { BallotBox } from './ballot-box.js';
import { daysBetween, type ConvenedAssembly } from './assembly.decider.js';
import {
  MotionDecided,
  MotionTabled,
  ResultChallenged,
  SecretBallotCast,
  VoteCast,
  VotingClosed,
  VotingOpened,
  type BallotKind,
  type Choice,
  type DecisionRule,
  type MotionEvent,
  type Tally,
} from './motion.events.js';
import { outcomeOf } from './tally.js';
import { votingError } from './errors.js';

/** BW 2:38 lid 7: votes cast online count as cast at the meeting, and may be cast at most this long before it. */
export const ELECTRONIC_VOTING_DAYS = 30;

type Decision = ReturnType<typeof MotionDecided>['data'];

interface Tabled {
  readonly motionId: string;
  readonly assemblyId: string;
  readonly cooperativeId: string;
  readonly decisionType: DecisionType;
  readonly rule: DecisionRule;
  readonly ballot: BallotKind;
  readonly subject: Decision['subject'];
  /** Reason per recused member. */
  readonly recused: ReadonlyMap<string, string>;
  readonly round: number;
  readonly ballots: BallotBox;
}

/** The status decides what there is: a decision only while one stands — a challenge takes it away (BW 2:13). */
export type MotionState =
  | { readonly status: 'NotTabled' }
  | (Tabled & { readonly status: 'Tabled' | 'VotingOpen' | 'VotingClosed' | 'Challenged' })
  | (Tabled & { readonly status: 'Decided'; readonly decision: Decision });

export type TabledMotion = Exclude<MotionState, { status: 'NotTabled' }>;

export type BallotPaper = { readonly kind: 'open'; readonly choice: Choice } | { readonly kind: 'secret'; readonly sealedChoice: EncryptedData };

/** The first meeting's decision on a statute amendment, when this motion puts it to a second meeting. */
export interface RepeatedDecision {
  readonly motionId: string;
  readonly decisionType: DecisionType;
  readonly quorumMet: boolean;
  readonly decidedAt: string;
}

export type MotionCommand =
  | {
      readonly type: 'TableMotion';
      readonly motionId: string;
      readonly assembly: ConvenedAssembly;
      readonly title: string;
      readonly text: string;
      readonly decisionType: DecisionType;
      readonly ballot: BallotKind;
      readonly subject: Decision['subject'];
      /** Recused by the secretary, each for a conflict of interest the statutes name. */
      readonly recused: readonly { readonly memberId: string; readonly ground: ConflictGround; readonly reason: string }[];
      /** On a motion about an initiative: its applicant when a member, recused where the statutes name that conflict. */
      readonly subjectApplicant: string | null;
      readonly repeats: RepeatedDecision | null;
      readonly now: Date;
    }
  | { readonly type: 'OpenVoting'; readonly assembly: ConvenedAssembly; readonly now: Date }
  | {
      readonly type: 'CastVote';
      /** Whose vote: the caller's own, or that of the member whose proxy the caller holds. */
      readonly voterId: string;
      readonly castBy: string;
      readonly paper: BallotPaper;
      readonly assembly: ConvenedAssembly;
      /** Of the voter and the one casting the vote, who is suspended as the register stands when the vote is cast. */
      readonly suspendedNow: readonly string[];
      readonly now: Date;
    }
  | {
      readonly type: 'CloseVoting';
      readonly reason: 'closed-by-chair' | 'everyone-voted';
      readonly assembly: ConvenedAssembly;
      /** On a secret motion, opens a sealed ballot with the round's key; null on an open one. */
      readonly unseal: ((sealedChoice: EncryptedData) => Choice) | null;
      readonly now: Date;
    }
  | {
      readonly type: 'ChallengeResult';
      /** Who puts the meeting's request on record. */
      readonly challengedBy: string;
      /** The voters at the meeting who ask for a new vote. */
      readonly requestedBy: readonly string[];
      readonly reason: string;
      readonly assembly: ConvenedAssembly;
      readonly now: Date;
    };

export const motionStream = (motionId: string) => motionAggregate.stream(motionId);

/** The key a secret round's ballots are sealed under: one per round, destroyed once the round is counted. */
export const ballotKeySubject = (motionId: string, round: number) => `ballot-box-${motionId}-${round}`;

export const initialState: MotionState = { status: 'NotTabled' };

export const votingNotOpen = (status: MotionState['status']) =>
  votingError('MOTION.VOTING_NOT_OPEN', { message: `Voting on this motion is not open (${status})` });

/** What every tabled motion has, whatever its status: a decision that stood does not outlive its status. */
function tabledPart(state: TabledMotion): Tabled {
  if (state.status !== 'Decided') return state;
  const { decision: _decision, ...tabled } = state;
  return tabled;
}

export function evolve(state: MotionState, event: MotionEvent): MotionState {
  if (event.type === 'MotionTabled') {
    return {
      status: 'Tabled',
      motionId: event.data.motionId,
      assemblyId: event.data.assemblyId,
      cooperativeId: event.data.cooperativeId,
      decisionType: event.data.decisionType,
      rule: event.data.rule,
      ballot: event.data.ballot,
      subject: event.data.subject,
      recused: new Map(event.data.recused.map((recusal) => [recusal.memberId, recusal.reason])),
      round: 0,
      ballots: BallotBox.empty(),
    };
  }
  if (state.status === 'NotTabled') return state;
  switch (event.type) {
    case 'VotingOpened':
      return { ...tabledPart(state), status: 'VotingOpen', round: event.data.round, ballots: BallotBox.empty() };
    case 'VoteCast':
    case 'SecretBallotCast': {
      const { voterId, castBy } = event.data;
      const choice = event.type === 'VoteCast' ? event.data.choice : null;
      const sealedChoice = event.type === 'SecretBallotCast' ? event.data.sealedChoice : null;
      return { ...state, ballots: state.ballots.with({ voterId, castBy, choice, sealedChoice }) };
    }
    case 'VotingClosed':
      return { ...tabledPart(state), status: 'VotingClosed' };
    case 'MotionDecided':
      return { ...tabledPart(state), status: 'Decided', decision: event.data };
    case 'ResultChallenged':
      return { ...tabledPart(state), status: 'Challenged' };
    default:
      return assertNever(event);
  }
}

export function decide(command: MotionCommand, state: MotionState): MotionEvent[] {
  if (command.type === 'TableMotion') return table(command, state);
  if (state.status === 'NotTabled') throw votingError('MOTION.NOT_FOUND');
  const at = command.now.toISOString();
  const { motionId } = state;
  const { assembly } = command;
  switch (command.type) {
    case 'OpenVoting': {
      if (state.status !== 'Tabled') throw wrongState(state, 'Tabled');
      requireAssembly(assembly, 'Convened', 'InSession');
      const earliest = new Date(assembly.scheduledAt).getTime() - ELECTRONIC_VOTING_DAYS * 86_400_000;
      if (command.now.getTime() < earliest) {
        throw votingError('MOTION.VOTING_TOO_EARLY', {
          message: `Voting may open ${ELECTRONIC_VOTING_DAYS} days before the meeting at the earliest`,
        });
      }
      if (!assembly.rules.electronicVoting && assembly.status !== 'InSession') {
        throw votingError('MOTION.ELECTRONIC_VOTING_NOT_ALLOWED');
      }
      return [VotingOpened({ motionId, round: 1, openedAt: at })];
    }
    case 'CastVote':
      return [castVote(command, state)];
    case 'CloseVoting':
      if (command.reason === 'everyone-voted' && state.status !== 'VotingOpen') return [];
      if (state.status !== 'VotingOpen') throw wrongState(state, 'VotingOpen');
      if (command.reason === 'closed-by-chair' && assembly.status !== 'InSession') {
        throw votingError('MOTION.MEETING_NOT_IN_SESSION');
      }
      if (command.reason === 'everyone-voted' && !everyoneHasVoted(state, assembly)) {
        throw votingError('MOTION.NOT_EVERYONE_VOTED');
      }
      return [
        VotingClosed({ motionId, round: state.round, reason: command.reason, closedAt: at }),
        MotionDecided(count(state, assembly, command.unseal, at)),
      ];
    case 'ChallengeResult':
      if (state.status !== 'Decided') throw wrongState(state, 'Decided');
      if (assembly.status !== 'InSession') {
        throw votingError('MOTION.CHALLENGE_TOO_LATE');
      }
      requireMajorityOfTheMeeting(command.requestedBy, state, assembly);
      return [
        ResultChallenged({
          motionId,
          round: state.round,
          challengedBy: command.challengedBy,
          requestedBy: [...new Set(command.requestedBy)],
          reason: command.reason,
          challengedAt: at,
        }),
        VotingOpened({ motionId, round: state.round + 1, openedAt: at }),
      ];
    default:
      return assertNever(command);
  }
}

function table(command: Extract<MotionCommand, { type: 'TableMotion' }>, state: MotionState): MotionEvent[] {
  if (state.status !== 'NotTabled') throw votingError('MOTION.ALREADY_TABLED');
  const { assembly, now } = command;
  requireAssembly(assembly, 'Convened', 'InSession');
  const configured = assembly.rules.decisions[command.decisionType];
  let rule: DecisionRule = { majority: configured.majority, quorum: configured.quorum, basis: 'rules' };
  if (configured.announced) {
    // BW 2:42 for a statute amendment; the statutes give the same safeguards to the decision types they name (by
    // default dissolution and merger, BW 2:317 for a merger).
    const article = command.decisionType === 'merger' ? 'BW 2:317' : 'BW 2:42';
    if (!assembly.announcesStatuteAmendment) {
      throw command.decisionType === 'statute-amendment'
        ? votingError('MOTION.AMENDMENT_NOT_ANNOUNCED')
        : votingError('MOTION.DECISION_NOT_ANNOUNCED', {
            message: `The notice convening this assembly did not announce a ${command.decisionType}, which the statutes require`,
            rule: article,
          });
    }
    const depositDays = daysBetween(now, assembly.scheduledAt);
    if (depositDays < assembly.rules.statuteTextDepositDays) {
      throw votingError('MOTION.TEXT_DEPOSITED_TOO_LATE', {
        message: `The ${command.decisionType}'s text must be deposited ${assembly.rules.statuteTextDepositDays} days before the meeting`,
        rule: `${article} statuteTextDepositDays`,
      });
    }
  }
  requireSubjectFor(command.decisionType, command.subject);
  if (command.repeats) {
    const first = command.repeats;
    if (command.decisionType !== 'statute-amendment' || first.decisionType !== 'statute-amendment' || first.quorumMet) {
      throw votingError('MOTION.NOT_A_SECOND_MEETING');
    }
    const daysLater = daysBetween(first.decidedAt, assembly.convenedAt);
    if (daysLater < 0 || daysLater > assembly.rules.secondMeetingWindowDays) {
      throw votingError('MOTION.SECOND_MEETING_OUT_OF_WINDOW', {
        message: `The second assembly must be convened within ${assembly.rules.secondMeetingWindowDays} days of the first decision`,
      });
    }
    rule = { ...rule, quorum: null, basis: 'second-meeting' };
  }
  return [
    MotionTabled({
      motionId: command.motionId,
      assemblyId: assembly.assemblyId,
      cooperativeId: assembly.cooperativeId,
      title: command.title,
      text: command.text,
      decisionType: command.decisionType,
      rule,
      ballot: command.ballot,
      subject: command.subject,
      recused: recusedOn(command),
      repeatsMotionId: command.repeats?.motionId ?? null,
      tabledAt: now.toISOString(),
    }),
  ];
}

type SubjectKind = NonNullable<Decision['subject']>['kind'];

/** The decisions that act on one kind of subject, and only they do: each needs its subject to be acted on. */
const SUBJECT_OF: Readonly<Partial<Record<DecisionType, SubjectKind>>> = {
  'annual-accounts': 'annual-accounts',
  discharge: 'annual-accounts',
  'accounts-extension': 'accounts-extension',
  'expulsion-appeal': 'member',
  'participatory-budget': 'participatory-budget',
};
const BOUND_SUBJECTS = new Set(Object.values(SUBJECT_OF));

/** What a decision of this type may be about: the rules only for a lawful statute amendment, each other subject its own. */
export function requireSubjectFor(decisionType: DecisionType, subject: Decision['subject']): void {
  if (subject?.kind === 'rules') {
    const unlawful = rulesAgainstTheLaw(subject.rules);
    if (unlawful) throw votingError('MOTION.RULES_AGAINST_THE_LAW', { message: unlawful.reason, rule: unlawful.rule });
    if (decisionType !== 'statute-amendment') throw votingError('MOTION.RULES_NEED_STATUTE_AMENDMENT');
  }
  const needed = SUBJECT_OF[decisionType];
  const fits = needed ? subject?.kind === needed : !subject || !BOUND_SUBJECTS.has(subject.kind);
  if (!fits) {
    const decisions = Object.entries(SUBJECT_OF).filter(([, kind]) => kind === subject?.kind).map(([type]) => type);
    throw votingError('MOTION.SUBJECT_DOES_NOT_FIT', {
      message: needed
        ? `A ${decisionType} decision needs a subject of kind ${needed}`
        : `A subject of kind ${subject?.kind} belongs only to these decisions: ${decisions.join(', ')}`,
    });
  }
}

/**
 * Who does not vote (BW 2:12): only members with a conflict of interest the statutes name, each with its ground — those
 * the secretary names, and on an initiative its applicant, whose own interest it is.
 */
function recusedOn(command: Extract<MotionCommand, { type: 'TableMotion' }>): { memberId: string; ground: ConflictGround; reason: string }[] {
  const named = command.assembly.rules.conflictsOfInterest;
  const applicant = command.subject?.kind === 'initiative' ? command.subjectApplicant : null;
  for (const { memberId, ground } of command.recused) {
    if (!named.includes(ground)) {
      throw votingError('MOTION.RECUSAL_WITHOUT_GROUND', { message: `The statutes name no ${ground} conflict: member ${memberId} keeps their vote` });
    }
    if (ground === 'initiative-applicant' && memberId !== applicant) {
      throw votingError('MOTION.RECUSAL_WITHOUT_GROUND', { message: `Member ${memberId} is not the applicant of the initiative this motion is about` });
    }
  }
  const recused = command.recused.map(({ memberId, ground, reason }) => ({ memberId, ground, reason }));
  if (applicant !== null && named.includes('initiative-applicant') && !recused.some((recusal) => recusal.memberId === applicant)) {
    recused.push({ memberId: applicant, ground: 'initiative-applicant', reason: APPLICANT_RECUSAL });
  }
  return recused;
}

export const APPLICANT_RECUSAL = 'applicant of the initiative';

function castVote(command: Extract<MotionCommand, { type: 'CastVote' }>, state: TabledMotion): MotionEvent {
  const { voterId, castBy, assembly, paper } = command;
  if (state.status !== 'VotingOpen') {
    throw votingNotOpen(state.status);
  }
  requireAssembly(assembly, 'Convened', 'InSession');
  if (!assembly.roll.has(castBy)) {
    throw votingError('MOTION.NOT_ON_ROLL', { message: "You are not on this assembly's voter roll" });
  }
  const byProxy = voterId !== castBy;
  // BW 2:38 lid 1: only members who are not suspended have a vote. The roll stays as fixed at the record date; a
  // suspension in force when the vote is cast takes it away, and a reinstatement before the close gives it back.
  for (const member of byProxy ? [voterId, castBy] : [voterId]) {
    if (command.suspendedNow.includes(member)) {
      throw votingError('MOTION.VOTER_SUSPENDED', {
        message: member === voterId ? 'A suspended member has no vote while the suspension lasts' : 'A suspended member cannot vote as a proxy holder',
      });
    }
  }
  if (byProxy && assembly.proxies.get(voterId) !== castBy) {
    throw votingError('MOTION.NO_PROXY', { message: `You hold no proxy of member ${voterId} for this assembly` });
  }
  for (const member of byProxy ? [voterId, castBy] : [voterId]) {
    const reason = state.recused.get(member);
    if (reason !== undefined) {
      throw votingError('MOTION.RECUSED', { message: `Member ${member} is recused from this decision: ${reason}` });
    }
  }
  if (paper.kind !== state.ballot) {
    throw votingError('MOTION.WRONG_BALLOT', { message: `This motion is voted on by ${state.ballot} ballot` });
  }
  if (paper.kind === 'secret' && paper.sealedChoice.subject !== ballotKeySubject(state.motionId, state.round)) {
    throw votingError('MOTION.ROUND_CHANGED');
  }
  const previous = state.ballots.latest(voterId);
  if (byProxy && previous?.castBy === voterId) {
    throw votingError('MOTION.PROXY_OVERRIDDEN');
  }
  if (byProxy && previous?.castBy === castBy) {
    throw votingError('MOTION.PROXY_ALREADY_USED');
  }
  const vote = { motionId: state.motionId, round: state.round, voterId, castBy, castAt: command.now.toISOString() };
  return paper.kind === 'open' ? VoteCast({ ...vote, choice: paper.choice }) : SecretBallotCast({ ...vote, sealedChoice: paper.sealedChoice });
}

/** Voters on the roll who may vote on this motion: the recused are left out of the count and the quorum base. */
function eligibleVoters(state: TabledMotion, assembly: ConvenedAssembly): { count: number; weight: number } {
  let count = assembly.roll.size;
  let weight = assembly.rollWeight;
  for (const memberId of state.recused.keys()) {
    const recusedWeight = assembly.roll.get(memberId);
    if (recusedWeight === undefined) continue;
    count -= 1;
    weight -= recusedWeight;
  }
  return { count, weight };
}

export function everyoneHasVoted(state: MotionState, assembly: ConvenedAssembly): boolean {
  return state.status === 'VotingOpen' && state.ballots.voterCount >= eligibleVoters(state, assembly).count;
}

function count(
  state: TabledMotion,
  assembly: ConvenedAssembly,
  unseal: ((sealedChoice: EncryptedData) => Choice) | null,
  decidedAt: string,
): Decision {
  const tally: Tally = { for: 0, against: 0, abstain: 0, notVoted: 0 };
  const voted = new Set<string>();
  let turnoutWeight = 0;
  for (const ballot of state.ballots.counted()) {
    const choice = ballot.choice ?? (ballot.sealedChoice && unseal?.(ballot.sealedChoice));
    if (!choice) throw votingError('MOTION.BALLOT_KEY_LOST', {
      message: `The ballot of ${ballot.voterId} cannot be counted without its round's key`,
    });
    const weight = assembly.roll.get(ballot.voterId) ?? 0;
    tally[choice] += weight;
    turnoutWeight += weight;
    voted.add(ballot.voterId);
  }
  const eligible = eligibleVoters(state, assembly);
  tally.notVoted = eligible.weight - turnoutWeight;
  let presentWeight = 0;
  for (const [memberId, weight] of assembly.roll) {
    if (state.recused.has(memberId)) continue;
    const holder = assembly.proxies.get(memberId);
    const represented = holder !== undefined && assembly.present.has(holder);
    if (voted.has(memberId) || assembly.present.has(memberId) || represented) presentWeight += weight;
  }
  const outcome = outcomeOf(state.rule, tally, presentWeight, eligible.weight);
  return {
    motionId: state.motionId,
    assemblyId: state.assemblyId,
    cooperativeId: state.cooperativeId,
    round: state.round,
    decisionType: state.decisionType,
    subject: state.subject,
    ballot: state.ballot,
    tally,
    eligibleWeight: eligible.weight,
    turnoutWeight,
    presentWeight,
    rule: state.rule,
    ...outcome,
    decidedAt,
  };
}

/**
 * BW 2:13 lid 3: a new vote is held when the majority of the meeting asks for it. (One voter present may ask alone only
 * where the vote was neither by name nor in writing; Meent's votes are always one or the other: an open vote records
 * each voter's choice, a secret one is a sealed ballot.) The meeting is the weight present or represented when the
 * result was announced, as the decision records it.
 */
function requireMajorityOfTheMeeting(requestedBy: readonly string[], state: Extract<TabledMotion, { status: 'Decided' }>, assembly: ConvenedAssembly): void {
  const requesters = new Set(requestedBy);
  const voted = new Set([...state.ballots.counted()].map((ballot) => ballot.voterId));
  for (const memberId of requesters) {
    if (!assembly.roll.has(memberId)) throw votingError('MOTION.NOT_ON_ROLL', { message: `Member ${memberId} is not on this assembly's voter roll` });
    if (!assembly.present.has(memberId) && !voted.has(memberId)) {
      throw votingError('MOTION.REQUESTER_NOT_PRESENT', { message: `Member ${memberId} is not at the meeting` });
    }
  }
  const requestedWeight = [...requesters].reduce((sum, memberId) => sum + (assembly.roll.get(memberId) ?? 0), 0);
  if (2 * requestedWeight <= state.decision.presentWeight) {
    throw votingError('MOTION.CHALLENGE_WITHOUT_MAJORITY', {
      message: `The request carries ${requestedWeight} of the ${state.decision.presentWeight} votes at the meeting: a new vote needs more than half`,
    });
  }
}

function requireAssembly(assembly: ConvenedAssembly, ...allowed: ConvenedAssembly['status'][]): void {
  if (!allowed.includes(assembly.status)) {
    throw votingError('MOTION.ASSEMBLY_NOT_ACTIVE', { message: `The assembly is ${assembly.status}` });
  }
}

function wrongState(state: TabledMotion, expected: TabledMotion['status']): DomainError {
  if (state.status === 'Decided' || state.status === 'VotingClosed') {
    return votingError('MOTION.VOTING_CLOSED');
  }
  return votingError('MOTION.WRONG_STATE', { message: `The motion is ${state.status}; this needs ${expected}` });
}

export const motionDecider: Decider<MotionState, MotionCommand, MotionEvent> = { initialState, evolve, decide };

export const motionAggregate = defineAggregate({
  category: 'motion',
  decider: motionDecider,
  exists: (state): state is TabledMotion => state.status !== 'NotTabled',
});
