// Who the caller is within a cooperative. Officer rights come from the appointments on record at this request,
// and only while the officer is an admitted member: a dismissal or suspension takes effect on the next request.
import type { ServiceRuntime } from '@meent/eventsourcing';
import { forbidden, isAdmin, requireCooperativeAccess } from '@meent/http';
import type { FastifyRequest } from 'fastify';
import { cooperativeDecider, cooperativeStream, officesOf } from '../domain/cooperative.decider.js';
import type { Office } from '../domain/cooperative.events.js';
import { memberDecider, memberStream } from '../domain/member.decider.js';

export interface Caller {
  readonly subject: string;
  readonly admin: boolean;
  readonly offices: readonly Office[];
}

export async function callerIn(runtime: ServiceRuntime, request: FastifyRequest, cooperativeId: string): Promise<Caller> {
  const principal = requireCooperativeAccess(request, cooperativeId);
  if (isAdmin(principal)) return { subject: principal.subject, admin: true, offices: [] };
  const { state: cooperative } = await runtime.commands.load(cooperativeStream(cooperativeId), cooperativeDecider);
  const offices = officesOf(cooperative, principal.subject);
  if (offices.length === 0) return { subject: principal.subject, admin: false, offices };
  const { state: member } = await runtime.commands.load(memberStream(principal.subject), memberDecider);
  return { subject: principal.subject, admin: false, offices: member.status === 'Admitted' ? offices : [] };
}

export function holdsOffice(caller: Caller, ...offices: Office[]): boolean {
  return caller.admin || caller.offices.some((office) => offices.includes(office));
}

export function requireOffice(caller: Caller, ...offices: Office[]): void {
  if (!holdsOffice(caller, ...offices)) throw forbidden(`Only the ${offices.join(' or ')} (or an admin) may do this`);
}

export const ANY_OFFICE: Office[] = ['chair', 'secretary', 'treasurer', 'board-member'];

/** How much of a member's personal data a caller sees: all of it (themselves, the secretary, an admin), the name
 * (other officers), or none (other members). */
export type PersonalDataView = 'full' | 'name' | 'none';

export function personalDataView(caller: Caller, memberId: string): PersonalDataView {
  if (caller.subject === memberId || holdsOffice(caller, 'secretary')) return 'full';
  if (holdsOffice(caller, ...ANY_OFFICE)) return 'name';
  return 'none';
}
