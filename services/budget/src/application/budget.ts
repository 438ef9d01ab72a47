// Budget versus actuals: per line of the budget in force, budgeted, received or spent, reserved and available — now
// or as of the end of any date, and as recorded up to any position. Exact cents throughout.
import type { SqlExecutor } from '@meent/eventsourcing';
import { z } from 'zod';
import { LINE_KINDS } from '../domain/budget.events.js';
import { budgetSummary, statusAt, versionInForce, type BudgetsTables } from '../projections/budgets.projection.js';
import { cashPosition, moneyPerLine, type LedgerMoment, type LedgerTables } from '../projections/ledger.projection.js';

export const lineActualsSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    kind: z.enum(LINE_KINDS),
    budgetedCents: z.int(),
    /** Income lines: received so far. */
    receivedCents: z.int(),
    spentCents: z.int(),
    reservedCents: z.int(),
    /** Expense lines: budgeted less spent less reserved; income lines: budgeted less received. */
    availableCents: z.int(),
  })
  .meta({ id: 'LineActuals' });

export const budgetActualsSchema = z
  .object({
    id: z.uuid(),
    financialYear: z.int(),
    title: z.string(),
    /** The status at the moment asked for. */
    status: z.enum(['draft', 'submitted', 'adopted']),
    asOf: z.iso.date(),
    /** Only what had been recorded up to this position: a later backdated booking or adoption does not show. */
    asOfPosition: z.int().optional(),
    /** The adopted version in force at the end of `asOf`; null before the first adoption. */
    version: z.int().nullable(),
    lines: z.array(lineActualsSchema),
    totals: z.object({ budgetedIncomeCents: z.int(), budgetedExpenseCents: z.int(), receivedCents: z.int(), spentCents: z.int(), reservedCents: z.int() }),
    cashCents: z.int(),
  })
  .meta({ id: 'BudgetActuals' });
export type BudgetActuals = z.infer<typeof budgetActualsSchema>;

export async function budgetActuals(
  budgets: { reader: SqlExecutor; tables: BudgetsTables },
  ledger: { reader: SqlExecutor; tables: LedgerTables },
  cooperativeId: string,
  budgetId: string,
  moment: LedgerMoment,
): Promise<BudgetActuals | undefined> {
  const summary = await budgetSummary(budgets.reader, budgets.tables, cooperativeId, budgetId);
  if (!summary) return undefined;
  const { asOfDate: asOf, asOfPosition } = moment;
  // A moment before the budget was drafted has no budget to show.
  const status = await statusAt(budgets.reader, budgets.tables, budgetId, `${asOf}T23:59:59.999Z`, asOfPosition);
  if (!status) return undefined;
  const inForce = await versionInForce(budgets.reader, budgets.tables, budgetId, `${asOf}T23:59:59.999Z`, asOfPosition);
  const money = await moneyPerLine(ledger.reader, ledger.tables, budgetId, moment);
  const lines = (inForce?.lines ?? []).map((line) => {
    const actual = money.get(line.code) ?? { receivedCents: 0, spentCents: 0, reservedCents: 0 };
    const availableCents =
      line.kind === 'expense' ? line.amountCents - actual.spentCents - actual.reservedCents : line.amountCents - actual.receivedCents;
    return { code: line.code, name: line.name, kind: line.kind, budgetedCents: line.amountCents, ...actual, availableCents };
  });
  const sum = (pick: (line: (typeof lines)[number]) => number) => lines.reduce((total, line) => total + pick(line), 0);
  return {
    ...summary,
    status,
    asOf,
    ...(asOfPosition === undefined ? {} : { asOfPosition }),
    version: inForce?.version ?? null,
    lines,
    totals: {
      budgetedIncomeCents: sum((line) => (line.kind === 'income' ? line.budgetedCents : 0)),
      budgetedExpenseCents: sum((line) => (line.kind === 'expense' ? line.budgetedCents : 0)),
      receivedCents: sum((line) => line.receivedCents),
      spentCents: sum((line) => line.spentCents),
      reservedCents: sum((line) => line.reservedCents),
    },
    cashCents: await cashPosition(ledger.reader, ledger.tables, budgetId, moment),
  };
}
