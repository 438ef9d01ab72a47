// The assembly's use cases that read beyond its stream: the voter roll fixed from the register when it is convened, the
// demand it answers, and the motions still being voted on when the meeting is closed.
import type { Accepted, CommandOrigin, ServiceRuntime } from '@meent/eventsourcing';
import { notFound, readEverything } from '@meent/http';
import { assemblyRequestAggregate, assemblyRequestDecider, type AssemblyRequestCommand } from '../domain/assembly-request.decider.js';
import { assemblyAggregate, type AssemblyCommand } from '../domain/assembly.decider.js';
import { votingError } from '../domain/errors.js';
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

/** Who convenes: the board (the secretary or chair), or a requester of a demanded assembly (BW 2:41 lid 2). */
export type Convener = { readonly kind: 'board' } | { readonly kind: 'requester'; readonly memberId: string };

/**
 * Convenes an assembly with the voter roll of its record date, under the rules in force. One convened for a demand is
 * on record with the request too: who convened it, and whether it meets the demand's deadline. Whether the convener
 * may is decided before anything is written.
 */
export async function convene(runtime: ServiceRuntime, origin: CommandOrigin, convocation: Convocation, convener: Convener): Promise<Accepted> {
  const { cooperativeId } = origin;
  const { requestId } = convocation;
  if (requestId === null && convener.kind === 'requester') throw votingError('ASSEMBLY_REQUEST.NOT_A_REQUESTER');
  // The roll must reflect every membership event on record, not whatever the projection has reached.
  await readEverything(runtime, votingRegisterProjection);
  const recordDate = convocation.recordDate ?? runtime.clock().toISOString();
  const { rules, eligibleVoters } = await runtime.projections.query(votingRegisterProjection, async (reader, tables) => ({
    rules: await rulesOf(reader, tables, cooperativeId),
    eligibleVoters: await eligibleAt(reader, tables, cooperativeId, recordDate),
  }));
  if (!rules) throw notFound(`No cooperative ${cooperativeId}`);
  const assemblyId = runtime.newId();
  const requests = runtime.aggregate(assemblyRequestAggregate);
  const forDemand = (now: Date): AssemblyRequestCommand => ({
    type: 'ConveneDemandedAssembly',
    assemblyId,
    scheduledAt: convocation.scheduledAt,
    by: convener,
    now,
  });
  if (requestId !== null) assemblyRequestDecider.decide(forDemand(runtime.clock()), await requests.load(cooperativeId, requestId));
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
  if (requestId === null) return { id, position };
  const recorded = await requests.handle(origin, requestId, (_request, now) => forDemand(now));
  return { id, position: Math.max(position, recorded.position) };
}

/** Closing the meeting: refused while a motion is still being voted on, as every vote on record shows. */
export async function closeMeeting(runtime: ServiceRuntime, assemblyId: string, now: Date): Promise<AssemblyCommand> {
  await readEverything(runtime, motionsProjection);
  const stillVoting = await runtime.projections.query(motionsProjection, (reader, tables) => motionsStillVoting(reader, tables, assemblyId));
  return { type: 'CloseMeeting', motionsStillVoting: stillVoting, now };
}
