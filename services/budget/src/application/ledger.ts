// The ledger's use cases: each booking decided on the budget in force, by the treasurer, with the board to exceed a
// line.
import type { Accepted, CommandOrigin, ServiceRuntime } from '@meent/eventsourcing';
import { forbidden, holdsOffice, type Caller } from '@meent/http';
import { budgetAggregate, linesInForce, type DraftedBudget } from '../domain/budget.decider.js';
import { ledgerAggregate, type BudgetInForce, type LedgerCommand } from '../domain/ledger.decider.js';

/** A ledger command as a route states it: the budget in force and the day are the pipeline's to add. */
export type LedgerCommandBody = {
  [Type in LedgerCommand['type']]: Omit<Extract<LedgerCommand, { type: Type }>, 'budget' | 'today' | 'now'>;
}[LedgerCommand['type']];

export function inForce(budget: DraftedBudget): BudgetInForce {
  if (budget.adopted.length === 0) return { adopted: false };
  return {
    adopted: true,
    lines: new Map(linesInForce(budget).map((line) => [line.code, line])),
    financialYear: budget.financialYear,
    period: budget.period,
  };
}

/** Booking dates are calendar days, taken from the clock in UTC. */
export const today = (now: Date) => now.toISOString().slice(0, 10);

/**
 * Books on a budget's ledger. The budget is read first — 404 when this cooperative has none by its id — and the
 * command is decided on the lines in force today. Answers the id of what was booked.
 */
export async function bookOnLedger(
  runtime: ServiceRuntime,
  origin: CommandOrigin,
  budgetId: string,
  bookedId: string,
  command: LedgerCommandBody,
): Promise<Accepted> {
  const budget = inForce(await runtime.aggregate(budgetAggregate).load(origin.cooperativeId, budgetId));
  const { position } = await runtime
    .aggregate(ledgerAggregate)
    .append(origin, budgetId, (now) => ({ ...command, budget, today: today(now), now }) as LedgerCommand);
  return { id: bookedId, position };
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
