// The cooperative's use cases that read beyond its stream: an appointment is decided on the appointee's standing on
// the register.
import type { Accepted, CommandOrigin, ServiceRuntime } from '@meent/eventsourcing';
import { cooperativeAggregate } from '../domain/cooperative.decider.js';
import type { Office } from '../domain/cooperative.events.js';
import { memberAggregate } from '../domain/member.decider.js';

export async function appointOfficer(runtime: ServiceRuntime, origin: CommandOrigin, memberId: string, office: Office): Promise<Accepted> {
  const { cooperativeId } = origin;
  const { state: member } = await runtime.commands.load(memberAggregate.stream(memberId), memberAggregate.decider);
  // A member of another cooperative is, to this one, nobody on its register.
  const appointee = member.status !== 'Unregistered' && member.cooperativeId === cooperativeId ? member.status : 'Unregistered';
  const { position } = await runtime.aggregate(cooperativeAggregate).handle(origin, cooperativeId, (_cooperative, now) => ({
    type: 'AppointOfficer',
    memberId,
    office,
    appointee,
    now,
  }));
  return { id: memberId, position };
}
