// What a ledger command needs of other streams: the budget in force, the cooperative's rules, who may override.
import type { ServiceRuntime } from '@meent/eventsourcing';
import { forbidden, notFound } from '@meent/http';
import { holdsOffice, type Caller } from '@meent/membership';
import { budgetDecider, budgetStream, linesInForce, type DraftedBudget } from '../domain/budget.decider.js';
import type { BudgetInForce } from '../domain/ledger.decider.js';

export async function budgetOf(runtime: ServiceRuntime, cooperativeId: string, budgetId: string): Promise<DraftedBudget> {
  const { state } = await runtime.commands.load(budgetStream(budgetId), budgetDecider);
  if (state.status === 'NotDrafted' || state.cooperativeId !== cooperativeId) throw notFound(`No budget ${budgetId}`);
  return state;
}

export function inForce(budget: DraftedBudget): BudgetInForce {
  const lines = linesInForce(budget);
  return { adopted: budget.adopted.length > 0, lines: new Map(lines.map((line) => [line.code, line])) };
}

/** A board decision to exceed a line: only the chair or a board member may give one. */
export function overrideBy(caller: Caller, reason: string | undefined): { by: string; reason: string } | null {
  if (reason === undefined) return null;
  if (!holdsOffice(caller, 'chair', 'board-member')) throw forbidden('Only the board (chair or a board member) may exceed a line');
  return { by: caller.subject, reason };
}

/**
 * Who books an expense or a reservation: the treasurer; the board (chair or a board member) only to exceed a line, with
 * its reason on record.
 */
export function bookingOverride(caller: Caller, reason: string | undefined): { by: string; reason: string } | null {
  if (reason === undefined && !holdsOffice(caller, 'treasurer')) {
    throw forbidden('The treasurer books; the board only to exceed a line, with an overrideReason on record');
  }
  return overrideBy(caller, reason);
}

/** Booking dates are calendar days, taken from the clock in UTC. */
export const today = (now: Date) => now.toISOString().slice(0, 10);
