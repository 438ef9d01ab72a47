// The assembly's use cases that read beyond its stream: the voter roll fixed from the register when it is convened,
// and the motions still being voted on when the meeting is closed.
import type { Accepted, CommandOrigin, ServiceRuntime } from '@meent/eventsourcing';
import { notFound, readEverything } from '@meent/http';
import { assemblyAggregate, type AssemblyCommand } from '../domain/assembly.decider.js';
import { motionsProjection, motionsStillVoting } from '../projections/motions.projection.js';
import { eligibleAt, rulesOf, votingRegisterProjection } from '../projections/voting-register.projection.js';

/** An assembly as the secretary convenes it: the roll, the rules and the moment are the pipeline's to add. */
export type Convocation = Omit<
  Extract<AssemblyCommand, { type: 'ConveneAssembly' }>,
  'type' | 'assemblyId' | 'cooperativeId' | 'recordDate' | 'rules' | 'rulesVersion' | 'eligibleVoters' | 'now'
> & {
  /** Defaults to now: the members eligible at this moment make up the voter roll. */
  readonly recordDate?: string | undefined;
};

/** Convenes an assembly with the voter roll of its record date, under the rules in force. */
export async function convene(runtime: ServiceRuntime, origin: CommandOrigin, convocation: Convocation): Promise<Accepted> {
  const { cooperativeId } = origin;
  // The roll must reflect every membership event on record, not whatever the projection has reached.
  await readEverything(runtime, votingRegisterProjection);
  const recordDate = convocation.recordDate ?? runtime.clock().toISOString();
  const { rules, eligibleVoters } = await runtime.projections.query(votingRegisterProjection, async (reader, tables) => ({
    rules: await rulesOf(reader, tables, cooperativeId),
    eligibleVoters: await eligibleAt(reader, tables, cooperativeId, recordDate),
  }));
  if (!rules) throw notFound(`No cooperative ${cooperativeId}`);
  const assemblyId = runtime.newId();
  const { id, position } = await runtime.aggregate(assemblyAggregate).append(origin, assemblyId, (now) => ({
    type: 'ConveneAssembly',
    assemblyId,
    cooperativeId,
    ...convocation,
    recordDate,
    rules: rules.rules,
    rulesVersion: rules.version,
    eligibleVoters,
    now,
  }));
  return { id, position };
}

/** Closing the meeting: refused while a motion is still being voted on, as every vote on record shows. */
export async function closeMeeting(runtime: ServiceRuntime, assemblyId: string, now: Date): Promise<AssemblyCommand> {
  await readEverything(runtime, motionsProjection);
  const stillVoting = await runtime.projections.query(motionsProjection, (reader, tables) => motionsStillVoting(reader, tables, assemblyId));
  return { type: 'CloseMeeting', motionsStillVoting: stillVoting, now };
}
