// What a request for an assembly is decided on (BW 2:41): the caller's vote and everyone's now, from the voting
// context's own copy of the register.
import type { ServiceRuntime } from '@meent/eventsourcing';
import { notFound, readEverything } from '@meent/http';
import { votesOf } from '@meent/membership/events';
import { eligibleAt, rulesOf, votingRegisterProjection } from '../projections/voting-register.projection.js';

export async function votingStandingOf(runtime: ServiceRuntime, cooperativeId: string, memberId: string) {
  await readEverything(runtime, votingRegisterProjection);
  const now = runtime.clock();
  const { rules, eligible } = await runtime.projections.query(votingRegisterProjection, async (reader, tables) => ({
    rules: await rulesOf(reader, tables, cooperativeId),
    eligible: await eligibleAt(reader, tables, cooperativeId, now.toISOString()),
  }));
  if (!rules) throw notFound(`No cooperative ${cooperativeId}`);
  // BW 2:41 lid 1 counts votes: each member weighs what their kind of membership gives them (BW 2:38 lid 1).
  const weights = eligible.map((voter) => ({ memberId: voter.memberId, weight: votesOf(rules.rules, voter) }));
  return {
    memberId,
    weight: weights.find((voter) => voter.memberId === memberId)?.weight ?? 0,
    eligibleWeight: weights.reduce((sum, voter) => sum + voter.weight, 0),
    share: rules.rules.assemblyRequestShare,
  };
}
