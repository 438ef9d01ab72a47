// Motion commands that need more than one stream: the assembly's roll and proxies, and for a secret motion the
// round's ballot key.
import { DomainError, type CommandContext, type KeyStore, type ServiceRuntime } from '@meent/eventsourcing';
import { notFound } from '@meent/http';
import { assemblyDecider, assemblyStream, type ConvenedAssembly } from '../domain/assembly.decider.js';
import { everyoneHasVoted, motionDecider, motionStream, type BallotPaper, type TabledMotion } from '../domain/motion.decider.js';
import type { Choice } from '../domain/motion.events.js';
import { ballotOpener, destroyBallotKey, sealChoice } from './secret-ballot.js';

export class MotionCommands {
  constructor(
    private readonly runtime: ServiceRuntime,
    private readonly keys: KeyStore,
  ) {}

  async motion(cooperativeId: string, motionId: string): Promise<TabledMotion> {
    const { state } = await this.runtime.commands.load(motionStream(motionId), motionDecider);
    if (state.status === 'NotTabled' || state.cooperativeId !== cooperativeId) throw notFound(`No motion ${motionId}`);
    return state;
  }

  async assembly(cooperativeId: string, assemblyId: string): Promise<ConvenedAssembly> {
    const { state } = await this.runtime.commands.load(assemblyStream(assemblyId), assemblyDecider);
    if (state.status === 'NotConvened' || state.cooperativeId !== cooperativeId) throw notFound(`No assembly ${assemblyId}`);
    return state;
  }

  /** Casts a vote; when it was the last one the roll was waiting for, closes voting. Answers the last position. */
  async castVote(motion: TabledMotion, voterId: string, castBy: string, choice: Choice, context: CommandContext): Promise<number> {
    const assembly = await this.assembly(motion.cooperativeId, motion.assemblyId);
    const paper: BallotPaper =
      motion.ballot === 'secret'
        ? { kind: 'secret', sealedChoice: await sealChoice(this.keys, motion.motionId, motion.round, choice) }
        : { kind: 'open', choice };
    const cast = await this.runtime.commands.handle(
      motionStream(motion.motionId),
      motionDecider,
      { type: 'CastVote', voterId, castBy, paper, assembly, now: context.occurredAt },
      context,
    );
    const after = await this.motion(motion.cooperativeId, motion.motionId);
    if (!everyoneHasVoted(after, assembly)) return cast.position;
    return Math.max(cast.position, await this.closeVoting(after, 'everyone-voted', context));
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
