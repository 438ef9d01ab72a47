// Motion commands that need more than one stream: the assembly's roll and proxies, and for a secret motion the
// round's ballot key.
import {
  DomainError,
  KeyDestroyedError,
  type CommandContext,
  type KeyStore,
  type ServiceRuntime,
} from '@meent/eventsourcing';
import { notFound } from '@meent/http';
import { standingIn } from '@meent/membership';
import { assemblyDecider, assemblyStream, type ConvenedAssembly } from '../domain/assembly.decider.js';
import { everyoneHasVoted, motionDecider, motionStream, votingNotOpen, type BallotPaper, type TabledMotion } from '../domain/motion.decider.js';
import type { Choice } from '../domain/motion.events.js';
import { ballotOpener, destroyBallotKey, sealChoice } from './secret-ballot.js';

const ASSEMBLY_FRESHNESS_MS = 50;

export class MotionCommands {
  constructor(
    private readonly runtime: ServiceRuntime,
    private readonly keys: KeyStore,
  ) {}

  /** The motion as this process last saw it: what a command needs of it (its assembly, ballot kind, round) is fixed
   * once tabled or, for the round, checked again when the vote is decided. */
  async motion(cooperativeId: string, motionId: string, read: 'recalled' | 'fresh' = 'recalled'): Promise<TabledMotion> {
    const stream = motionStream(motionId);
    const { state } = await (read === 'fresh' ? this.runtime.commands.load(stream, motionDecider) : this.runtime.commands.recall(stream, motionDecider));
    if (state.status === 'NotTabled' || state.cooperativeId !== cooperativeId) throw notFound(`No motion ${motionId}`);
    return state;
  }

  /** The assembly at most `maxAgeMs` behind another process's appends (this process's own are always in it). */
  async assembly(cooperativeId: string, assemblyId: string, maxAgeMs = 0): Promise<ConvenedAssembly> {
    const { state } = await this.runtime.commands.recall(assemblyStream(assemblyId), assemblyDecider, maxAgeMs);
    if (state.status === 'NotConvened' || state.cooperativeId !== cooperativeId) throw notFound(`No assembly ${assemblyId}`);
    return state;
  }

  /** Casts a vote; when it was the last one the roll was waiting for, closes voting. Answers the last position. */
  async castVote(motion: TabledMotion, voterId: string, castBy: string, choice: Choice, context: CommandContext): Promise<number> {
    // Votes come in bursts; a proxy granted or revoked in another process a moment ago may be missed for as long as
    // two requests racing each other could be ordered either way.
    const assembly = await this.assembly(motion.cooperativeId, motion.assemblyId, ASSEMBLY_FRESHNESS_MS);
    const paper: BallotPaper =
      motion.ballot === 'secret'
        ? { kind: 'secret', sealedChoice: await this.seal(motion, choice) }
        : { kind: 'open', choice };
    const suspendedNow = await this.suspendedAmong(motion.cooperativeId, [...new Set([voterId, castBy])], context.occurredAt);
    const cast = await this.runtime.commands.handle(
      motionStream(motion.motionId),
      motionDecider,
      { type: 'CastVote', voterId, castBy, paper, assembly, suspendedNow, now: context.occurredAt },
      context,
    );
    if (cast.state.status === 'NotTabled' || !everyoneHasVoted(cast.state, assembly)) return cast.position;
    return Math.max(cast.position, await this.closeVoting(cast.state, 'everyone-voted', context));
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
      const current = await this.motion(motion.cooperativeId, motion.motionId, 'fresh');
      if (current.status !== 'VotingOpen' || current.round !== motion.round) throw votingNotOpen(current.status);
      throw new DomainError('MOTION.BALLOT_KEY_LOST', 409, 'The ballot key of this round is gone');
    }
  }

  async closeVoting(motion: TabledMotion, reason: 'closed-by-chair' | 'everyone-voted', context: CommandContext): Promise<number> {
    const assembly = await this.assembly(motion.cooperativeId, motion.assemblyId);
    const round = motion.round;
    let unseal = null;
    if (motion.ballot === 'secret' && motion.status === 'VotingOpen') {
      unseal = await ballotOpener(this.keys, motion.motionId, round);
      if (!unseal) throw new DomainError('MOTION.BALLOT_KEY_LOST', 409, 'The ballot key of this round is gone');
    }
    const result = await this.runtime.commands.handle(
      motionStream(motion.motionId),
      motionDecider,
      { type: 'CloseVoting', reason, assembly, unseal, now: context.occurredAt },
      context,
    );
    if (motion.ballot === 'secret' && result.events.length > 0) await destroyBallotKey(this.keys, motion.motionId, round);
    return result.position;
  }
}
