// A written resolution's proposal is decided on the register as the voting context has it now: the rules in force and
// every member with a vote, each of whom must approve it (BW 2:40 lid 2).
import type { Accepted, CommandOrigin, ServiceRuntime } from '@meent/eventsourcing';
import { notFound, readEverything } from '@meent/http';
import { writtenResolutionAggregate, type WrittenResolutionCommand } from '../domain/written-resolution.decider.js';
import { eligibleAt, rulesOf, votingRegisterProjection } from '../projections/voting-register.projection.js';

/** A proposal as the board's officer puts it: the roll, the rules and the moment are the pipeline's to add. */
export type Proposal = Pick<Extract<WrittenResolutionCommand, { type: 'ProposeResolution' }>, 'title' | 'text' | 'decisionType' | 'subject'>;

export async function proposeResolution(runtime: ServiceRuntime, origin: CommandOrigin, proposal: Proposal, proposedBy: string): Promise<Accepted> {
  const { cooperativeId } = origin;
  // Unanimity is of every member with a vote: the roll must reflect every membership event on record.
  await readEverything(runtime, votingRegisterProjection);
  const asOf = runtime.clock().toISOString();
  const { rules, eligibleVoters } = await runtime.projections.query(votingRegisterProjection, async (reader, tables) => ({
    rules: await rulesOf(reader, tables, cooperativeId),
    eligibleVoters: await eligibleAt(reader, tables, cooperativeId, asOf),
  }));
  if (!rules) throw notFound(`No cooperative ${cooperativeId}`);
  const resolutionId = runtime.newId();
  const { position } = await runtime.aggregate(writtenResolutionAggregate).append(origin, resolutionId, (now) => ({
    type: 'ProposeResolution',
    resolutionId,
    cooperativeId,
    ...proposal,
    proposedBy,
    rules: rules.rules,
    eligibleVoters,
    now,
  }));
  return { id: resolutionId, position };
}
