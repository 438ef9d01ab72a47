// The motion's use cases: tabling on an assembly, opening the vote, casting and closing it, challenging the result.
// They need more than the motion's stream: the assembly's roll and proxies, the register's suspensions, the
// applicant of an initiative, and for a secret motion the round's ballot key.
import {
  KeyDestroyedError,
  type Accepted,
  type CommandOrigin,
  type KeyStore,
  type ServiceRuntime,
} from '@meent/eventsourcing';
import { readEverything } from '@meent/http';
import { standingIn } from '@meent/membership/standing';
import { assemblyAggregate, type ConvenedAssembly } from '../domain/assembly.decider.js';
import {
  everyoneHasVoted,
  motionAggregate,
  votingNotOpen,
  type BallotPaper,
  type MotionCommand,
  type TabledMotion,
} from '../domain/motion.decider.js';
import type { Choice } from '../domain/motion.events.js';
import { applicantOf, initiativeApplicantsProjection } from '../projections/initiative-applicants.projection.js';
import { ballotOpener, destroyBallotKey, openBallotBox, sealChoice } from './secret-ballot.js';
import { votingError } from '../domain/errors.js';

const ASSEMBLY_FRESHNESS_MS = 50;

/** A motion as the secretary tables it: what the pipeline and the records add is left out. */
export type MotionProposal = Omit<Extract<MotionCommand, { type: 'TableMotion' }>, 'type' | 'motionId' | 'assembly' | 'subjectApplicant' | 'repeats' | 'now'> & {
  /** A statute amendment that missed its quorum at a first meeting (BW 2:42). */
  readonly repeatsMotionId?: string | undefined;
};

export class MotionCommands {
  private readonly motions;
  private readonly assemblies;

  constructor(
    private readonly runtime: ServiceRuntime,
    private readonly keys: KeyStore,
  ) {
    this.motions = runtime.aggregate(motionAggregate);
    this.assemblies = runtime.aggregate(assemblyAggregate);
  }

  /** Tables a motion on the assembly; on an initiative its applicant is recused by the decider. */
  async table(origin: CommandOrigin, assemblyId: string, proposal: MotionProposal): Promise<Accepted> {
    const { cooperativeId } = origin;
    const assembly = await this.assemblies.load(cooperativeId, assemblyId);
    const { repeatsMotionId, ...motion } = proposal;
    const repeats = repeatsMotionId === undefined ? null : await this.firstDecision(cooperativeId, repeatsMotionId);
    const { subject } = motion;
    let subjectApplicant: string | null = null;
    if (subject?.kind === 'initiative') {
      await readEverything(this.runtime, initiativeApplicantsProjection);
      subjectApplicant =
        (await this.runtime.projections.query(initiativeApplicantsProjection, (reader, tables) => applicantOf(reader, tables, subject.id))) ?? null;
    }
    const motionId = this.runtime.newId();
    const { position } = await this.motions.append(origin, motionId, (now) => ({
      type: 'TableMotion',
      motionId,
      assembly,
      ...motion,
      subjectApplicant,
      repeats,
      now,
    }));
    return { id: motionId, position };
  }

  /** Opens the vote; a secret motion's first round gets its ballot key first. */
  async open(origin: CommandOrigin, motionId: string): Promise<Accepted> {
    const motion = await this.motions.load(origin.cooperativeId, motionId, { maxAgeMs: Number.POSITIVE_INFINITY });
    const assembly = await this.assemblies.load(origin.cooperativeId, motion.assemblyId);
    if (motion.ballot === 'secret') await openBallotBox(this.keys, motionId, 1);
    // Loaded a moment ago: decided on the state the handler holds, not read a second time.
    const { id, position } = await this.motions.append(origin, motionId, (now) => ({ type: 'OpenVoting', assembly, now }));
    return { id, position };
  }

  /** Casts a vote; when it was the last one the roll was waiting for, closes voting. Answers the last position. */
  async castVote(origin: CommandOrigin, motionId: string, voterId: string, castBy: string, choice: Choice): Promise<Accepted> {
    // What a vote needs of the motion (its assembly, ballot kind, round) is fixed once tabled, or checked again when
    // the vote is decided: the state this process last saw serves.
    const motion = await this.motions.load(origin.cooperativeId, motionId, { maxAgeMs: Number.POSITIVE_INFINITY });
    // Votes come in bursts; a proxy granted or revoked in another process a moment ago may be missed for as long as
    // two requests racing each other could be ordered either way.
    const assembly = await this.assemblies.load(motion.cooperativeId, motion.assemblyId, { maxAgeMs: ASSEMBLY_FRESHNESS_MS });
    const paper: BallotPaper =
      motion.ballot === 'secret'
        ? { kind: 'secret', sealedChoice: await this.seal(motion, choice) }
        : { kind: 'open', choice };
    const suspendedNow = await this.suspendedAmong(motion.cooperativeId, [...new Set([voterId, castBy])], this.runtime.clock());
    const cast = await this.motions.append(origin, motionId, (now) => ({ type: 'CastVote', voterId, castBy, paper, assembly, suspendedNow, now }));
    if (!everyoneHasVoted(cast.state, assembly)) return { id: motionId, position: cast.position };
    const closed = await this.closeVoting(origin, cast.state, 'everyone-voted');
    return { id: motionId, position: Math.max(cast.position, closed) };
  }

  /** Closes voting at the chair's word and records the decision. */
  async close(origin: CommandOrigin, motionId: string): Promise<Accepted> {
    const motion = await this.motions.load(origin.cooperativeId, motionId);
    return { id: motionId, position: await this.closeVoting(origin, motion, 'closed-by-chair') };
  }

  /** The meeting's request for a new vote on the announced result: a new round, for a secret motion under a key of its own. */
  async challenge(origin: CommandOrigin, motionId: string, request: { challengedBy: string; requestedBy: readonly string[]; reason: string }): Promise<Accepted> {
    const motion = await this.motions.load(origin.cooperativeId, motionId);
    const assembly = await this.assemblies.load(origin.cooperativeId, motion.assemblyId);
    if (motion.ballot === 'secret') await openBallotBox(this.keys, motionId, motion.round + 1);
    const { id, position } = await this.motions.append(origin, motionId, (now) => ({
      type: 'ChallengeResult',
      ...request,
      assembly,
      now,
    }));
    return { id, position };
  }

  /** The first meeting's decision a second meeting decides again (BW 2:42). */
  private async firstDecision(cooperativeId: string, motionId: string) {
    const first = await this.motions.load(cooperativeId, motionId, { maxAgeMs: Number.POSITIVE_INFINITY });
    if (first.status !== 'Decided') throw votingError('MOTION.NO_DECISION', {
      message: `Motion ${motionId} has no decision that stands`,
    });
    return { motionId, decisionType: first.decisionType, quorumMet: first.decision.quorumMet, decidedAt: first.decision.decidedAt };
  }

  /** Who of these members the register has suspended at this moment: they have no vote while it lasts. */
  private async suspendedAmong(cooperativeId: string, memberIds: readonly string[], now: Date): Promise<string[]> {
    const standings = await Promise.all(memberIds.map((memberId) => standingIn(this.runtime.commands, memberId, cooperativeId, now)));
    return memberIds.filter((_, index) => standings[index] === 'suspended');
  }

  /**
   * Seals a secret choice under its round's key. The key exists only while the round is open: without it the motion
   * says why — not open (yet, or any more) — or the key was lost.
   */
  private async seal(motion: TabledMotion, choice: Choice) {
    try {
      return await sealChoice(this.keys, motion.motionId, motion.round, choice);
    } catch (error) {
      if (!(error instanceof KeyDestroyedError)) throw error;
      const current = await this.motions.load(motion.cooperativeId, motion.motionId);
      if (current.status !== 'VotingOpen' || current.round !== motion.round) throw votingNotOpen(current.status);
      throw votingError('MOTION.BALLOT_KEY_LOST');
    }
  }

  private async closeVoting(origin: CommandOrigin, motion: TabledMotion, reason: 'closed-by-chair' | 'everyone-voted'): Promise<number> {
    const assembly: ConvenedAssembly = await this.assemblies.load(motion.cooperativeId, motion.assemblyId);
    const round = motion.round;
    let unseal = null;
    if (motion.ballot === 'secret' && motion.status === 'VotingOpen') {
      unseal = await ballotOpener(this.keys, motion.motionId, round);
      if (!unseal) throw votingError('MOTION.BALLOT_KEY_LOST');
    }
    const closed = await this.motions.append(origin, motion.motionId, (now) => ({ type: 'CloseVoting', reason, assembly, unseal, now }));
    // The key has served once this request counted the round's ballots (a close with nothing to append answers 0).
    if (motion.ballot === 'secret' && closed.position > 0) await destroyBallotKey(this.keys, motion.motionId, round);
    return closed.position;
  }
}
