// The initiative's use cases beyond what the rights table says: who speaks for an applicant, and who may submit for
// whom. Each command is decided on the initiative of the path's cooperative.
import type { Accepted, CommandOrigin, ServiceRuntime } from '@meent/eventsourcing';
import { forbidden, hasRole, holdsOffice, requireOffice, type Caller } from '@meent/http';
import { rulesIn } from '@meent/membership/standing';
import {
  applicantMemberOf,
  initiativeAggregate,
  type InitiativeCommand,
  type SubmittedInitiative,
} from '../domain/initiative.decider.js';
import type { Applicant } from '../domain/initiative.events.js';

/** The codes of the themes the cooperative's rules in force name: what an initiative may work on. */
export async function cooperativeThemes(runtime: ServiceRuntime, cooperativeId: string): Promise<string[]> {
  const rules = await rulesIn(runtime.commands, cooperativeId);
  return (rules?.themes ?? []).map((theme) => theme.code);
}

/** An initiative command as a route states it: the moment is the pipeline's to add. */
export type InitiativeCommandBody = {
  [Type in InitiativeCommand['type']]: Omit<Extract<InitiativeCommand, { type: Type }>, 'now'>;
}[InitiativeCommand['type']];

/** Who may act on an initiative beyond the rights table's row: the applicant's side, or as the table says. */
export type InitiativeActor = (caller: Caller, initiative: SubmittedInitiative) => void;

/** The applicant speaks for their own initiative; the secretary for an outside applicant's. */
export const applicantSide: InitiativeActor = (caller, initiative) => {
  const applicant = applicantMemberOf(initiative.applicant);
  if (applicant ? caller.subject === applicant : holdsOffice(caller, 'secretary')) return;
  throw forbidden(applicant ? 'Only the applicant may do this' : 'The secretary acts for an outside applicant');
};

/** Who may act is the rights table's to say; nothing more is asked of the caller. */
export const asTheTableSays: InitiativeActor = () => undefined;

/**
 * Whom a submission is for: a member applies for themselves; the secretary submits for another member or for an
 * outside applicant. An admin is nobody's applicant.
 */
export function applicantOfSubmission(caller: Caller, named: Applicant | undefined): Applicant {
  if (named?.kind === 'outside') requireOffice(caller, 'secretary');
  if (named?.kind === 'member' && named.memberId !== caller.subject) requireOffice(caller, 'secretary');
  if (!named && hasRole(caller, 'admin')) throw forbidden('An admin is not a member who can apply');
  return named ?? { kind: 'member', memberId: caller.subject };
}

/** Decides a command on the cooperative's initiative, once the caller is found to be one who may give it. */
export async function commandInitiative(
  runtime: ServiceRuntime,
  origin: CommandOrigin,
  caller: Caller,
  initiativeId: string,
  actor: InitiativeActor,
  command: () => InitiativeCommandBody | Promise<InitiativeCommandBody>,
): Promise<Accepted> {
  const { id, position } = await runtime.aggregate(initiativeAggregate).handle(origin, initiativeId, async (initiative, now) => {
    actor(caller, initiative);
    return { ...(await command()), now } as InitiativeCommand;
  });
  return { id, position };
}
