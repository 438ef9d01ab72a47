// What other contexts may ask of the voting context: a cooperative's assemblies as its members see them listed, and
// who has a vote.
import type { ServiceRuntime } from '@meent/eventsourcing';
import { readEverything } from '@meent/http';
import { assembliesOf, assembliesProjection } from './projections/assemblies.projection.js';
import { eligibleAt, votingRegisterProjection } from './projections/voting-register.projection.js';

/** A cooperative's assemblies, newest first: for calendar feeds. */
export function assembliesOfCooperative(runtime: ServiceRuntime, cooperativeId: string) {
  return runtime.projections.query(assembliesProjection, (reader, tables) => assembliesOf(reader, tables, cooperativeId));
}

/**
 * The members with a vote in a cooperative at this moment, by id: a roll fixed at its record date, as an assembly's
 * is. Waits for the register to reflect every membership event on record first.
 */
export async function membersWithAVote(runtime: ServiceRuntime, cooperativeId: string): Promise<string[]> {
  await readEverything(runtime, votingRegisterProjection);
  const asOf = runtime.clock().toISOString();
  const voters = await runtime.projections.query(votingRegisterProjection, (reader, tables) => eligibleAt(reader, tables, cooperativeId, asOf));
  return voters.map((voter) => voter.memberId);
}
