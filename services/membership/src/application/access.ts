// Who the caller is within a cooperative, from its record at this request: an admitted member, suspended, an
// applicant, a former member, or nobody it knows — and, while admitted, the offices they hold. A dismissal,
// suspension or termination takes effect on the next request.
import type { CommandHandler } from '@meent/eventsourcing';
import { ANY_OFFICE, holdsOffice, isAdmin, type Caller, type CallerRole, type Principal } from '@meent/http';
import { cooperativeDecider, cooperativeStream, officesOf } from '../domain/cooperative.decider.js';
import { endOf, memberDecider, memberStream, type MemberState } from '../domain/member.decider.js';
import { legalNameOf, type CooperativeRules, type NoticeLanguage } from '../domain/cooperative-rules.js';
import type { Office } from '../domain/cooperative.events.js';
import { membershipError } from '../domain/errors.js';

export type { Caller } from '@meent/http';

/** The caller's standing on the register, on `now`. */
function standingOf(member: MemberState, cooperativeId: string, now: Date): CallerRole {
  if (member.status === 'Unregistered' || member.cooperativeId !== cooperativeId) return 'unregistered';
  switch (member.status) {
    case 'Applied':
      return 'applicant';
    case 'Admitted':
      return 'member';
    case 'Suspended':
      return 'suspended';
    case 'Rejected':
      return 'former';
    case 'Terminated':
      // A resignation or expulsion takes effect on its date; the membership lasts until then.
      return Date.parse(member.effectiveAt) > now.getTime() ? 'member' : 'former';
    case 'Expelled': {
      // BW 2:35 lid 4: suspended while the appeal term runs and while an appeal is pending; gone once the term ran out.
      const end = endOf(member);
      return end !== undefined && Date.parse(end) <= now.getTime() ? 'former' : 'suspended';
    }
  }
}

/**
 * How long a record read for one request may serve the next. This process's own changes are in it at once; another
 * process's (a dismissal, a suspension) reach it within this long.
 */
const RECORD_FRESHNESS_MS = 50;

/** A person's standing in a cooperative as its register records it now. */
export async function standingIn(commands: CommandHandler, memberId: string, cooperativeId: string, now: Date): Promise<CallerRole> {
  const { state: member } = await commands.recall(memberStream(memberId), memberDecider, RECORD_FRESHNESS_MS);
  return standingOf(member, cooperativeId, now);
}

/** The cooperative as its record has it now, as fresh as a record read for one request may be. */
async function cooperativeIn(commands: CommandHandler, cooperativeId: string) {
  return (await commands.recall(cooperativeStream(cooperativeId), cooperativeDecider, RECORD_FRESHNESS_MS)).state;
}

/** The rules a cooperative decides under now; undefined where none is founded under this id. */
export async function rulesIn(commands: CommandHandler, cooperativeId: string): Promise<CooperativeRules | undefined> {
  const state = await cooperativeIn(commands, cooperativeId);
  return state.status === 'Founded' ? state.rules : undefined;
}

/** The offices a person holds in a cooperative now. */
export async function officesIn(commands: CommandHandler, memberId: string, cooperativeId: string): Promise<Office[]> {
  const state = await cooperativeIn(commands, cooperativeId);
  return officesOf(state, memberId);
}

/** How a cooperative signs what it writes to its members, and in which language; undefined where none is founded. */
export async function letterheadOf(
  commands: CommandHandler,
  cooperativeId: string,
): Promise<{ readonly name: string; readonly language: NoticeLanguage } | undefined> {
  const state = await cooperativeIn(commands, cooperativeId);
  return state.status === 'Founded' ? { name: legalNameOf(state.name, state.rules.liability), language: state.rules.noticeLanguage } : undefined;
}

/** Who holds which office in a cooperative now. */
export async function officersIn(commands: CommandHandler, cooperativeId: string): Promise<readonly { memberId: string; office: Office }[]> {
  const state = await cooperativeIn(commands, cooperativeId);
  return state.status === 'Founded' ? state.officers : [];
}

/** BW 2:19 lid 5: refuses new business for a cooperative dissolved and being wound up. */
export async function ensureNotInLiquidation(commands: CommandHandler, cooperativeId: string): Promise<void> {
  const state = await cooperativeIn(commands, cooperativeId);
  if (state.status === 'Founded' && state.dissolvedBy !== null) throw membershipError('COOPERATIVE.IN_LIQUIDATION');
}

/** Resolves callers for the access plugin. */
export function callerResolver(commands: CommandHandler, clock: () => Date) {
  return async (principal: Principal, cooperativeId: string): Promise<Caller> => {
    if (isAdmin(principal)) return { subject: principal.subject, roles: ['admin'] };
    if (principal.cooperativeId !== cooperativeId) return { subject: principal.subject, roles: ['other-cooperative'] };
    const standing = await standingIn(commands, principal.subject, cooperativeId, clock());
    if (standing !== 'member') return { subject: principal.subject, roles: [standing] };
    const cooperative = await cooperativeIn(commands, cooperativeId);
    return { subject: principal.subject, roles: ['member', ...officesOf(cooperative, principal.subject)] };
  };
}

/** How much of a member's personal data a caller sees: all of it (themselves, the secretary, an admin), the name
 * (other officers), or none (other members). */
export type PersonalDataView = 'full' | 'name' | 'none';

export function personalDataView(caller: Caller, memberId: string): PersonalDataView {
  if (caller.subject === memberId || holdsOffice(caller, 'secretary')) return 'full';
  if (holdsOffice(caller, ...ANY_OFFICE)) return 'name';
  return 'none';
}
