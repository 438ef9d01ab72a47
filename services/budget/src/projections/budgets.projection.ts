// Budgets: the draft lines, every adopted version with when it was in force, and the rules each cooperative books
// under — so the budget can be read as it stood on any date.
import { defineProjection, on, type SqlExecutor, type TableNames } from '@meent/eventsourcing';
import { rulesCopyHandlers, rulesCopyTable } from '@meent/membership/events';
import { z } from 'zod';
import {
  BudgetAdopted,
  BudgetAdoptionRefused,
  BudgetAdoptionWithdrawn,
  BudgetDrafted,
  BudgetLineRemoved,
  BudgetLineSet,
  BudgetSubmitted,
  budgetLineSchema,
  type BudgetLine,
} from '../domain/budget.events.js';

type Tables = 'cooperatives' | 'budgets' | 'draft_lines' | 'versions' | 'statuses';

/**
 * The budget's status now, and since when (the moment the event records) and which position it had it, so it can be
 * read as of any moment as its versions are.
 */
async function setStatus(
  transaction: SqlExecutor,
  tables: TableNames<Tables>,
  budgetId: string,
  status: string,
  since: { at: string; position: number },
) {
  await transaction.run(`UPDATE ${tables.budgets} SET status = ? WHERE id = ?`, [status, budgetId]);
  await transaction.run(`INSERT INTO ${tables.statuses} (budget_id, status, since_at, since_position) VALUES (?, ?, ?, ?)`, [
    budgetId,
    status,
    since.at,
    since.position,
  ]);
}

export const budgetsProjection = defineProjection({
  name: 'budgets',
  tables: {
    cooperatives: rulesCopyTable,
    budgets: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        id TEXT PRIMARY KEY,
        cooperative_id TEXT NOT NULL,
        financial_year INTEGER NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL,
        drafted_at TEXT NOT NULL
      )`,
    ],
    draft_lines: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (budget_id TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
        amount_cents BIGINT NOT NULL, PRIMARY KEY (budget_id, code))`,
    ],
    statuses: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (budget_id TEXT NOT NULL, status TEXT NOT NULL, since_at TEXT NOT NULL,
        since_position BIGINT NOT NULL, PRIMARY KEY (budget_id, since_position))`,
    ],
    versions: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        budget_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        lines TEXT NOT NULL,
        motion_id TEXT NOT NULL,
        round INTEGER NOT NULL,
        adopted_at TEXT NOT NULL,
        adopted_position BIGINT NOT NULL,
        withdrawn_at TEXT,
        withdrawn_position BIGINT,
        PRIMARY KEY (budget_id, version, round)
      )`,
    ],
  },
  handlers: [
    ...rulesCopyHandlers,
    on(BudgetDrafted, async (event, transaction, tables) => {
      const { budgetId, cooperativeId, financialYear, title, draftedAt } = event.data;
      await transaction.run(
        `INSERT INTO ${tables.budgets} (id, cooperative_id, financial_year, title, status, drafted_at) VALUES (?, ?, ?, ?, 'draft', ?)`,
        [budgetId, cooperativeId, financialYear, title, draftedAt],
      );
      await setStatus(transaction, tables, budgetId, 'draft', { at: draftedAt, position: event.position });
    }),
    on(BudgetLineSet, async (event, transaction, tables) => {
      const { budgetId, code, name, kind, amountCents } = event.data;
      await transaction.run(
        `INSERT INTO ${tables.draft_lines} (budget_id, code, name, kind, amount_cents) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (budget_id, code) DO UPDATE SET name = excluded.name, kind = excluded.kind, amount_cents = excluded.amount_cents`,
        [budgetId, code, name, kind, amountCents],
      );
    }),
    on(BudgetLineRemoved, async (event, transaction, tables) => {
      await transaction.run(`DELETE FROM ${tables.draft_lines} WHERE budget_id = ? AND code = ?`, [event.data.budgetId, event.data.code]);
    }),
    on(BudgetSubmitted, (event, transaction, tables) =>
      setStatus(transaction, tables, event.data.budgetId, 'submitted', { at: event.data.submittedAt, position: event.position }),
    ),
    on(BudgetAdopted, async (event, transaction, tables) => {
      const { budgetId, version, lines, motionId, round, adoptedAt } = event.data;
      await transaction.run(
        `INSERT INTO ${tables.versions} (budget_id, version, lines, motion_id, round, adopted_at, adopted_position) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [budgetId, version, JSON.stringify(lines), motionId, round, adoptedAt, event.position],
      );
      await setStatus(transaction, tables, budgetId, 'adopted', { at: adoptedAt, position: event.position });
    }),
    on(BudgetAdoptionRefused, async (event, transaction, tables) => {
      const adopted = await transaction.get<{ version: number }>(
        `SELECT version FROM ${tables.versions} WHERE budget_id = ? AND withdrawn_at IS NULL LIMIT 1`,
        [event.data.budgetId],
      );
      await setStatus(transaction, tables, event.data.budgetId, adopted ? 'adopted' : 'draft', { at: event.data.refusedAt, position: event.position });
    }),
    on(BudgetAdoptionWithdrawn, async (event, transaction, tables) => {
      const { budgetId, version, withdrawnAt } = event.data;
      await transaction.run(
        `UPDATE ${tables.versions} SET withdrawn_at = ?, withdrawn_position = ? WHERE budget_id = ? AND version = ? AND withdrawn_at IS NULL`,
        [withdrawnAt, event.position, budgetId, version],
      );
      const standing = await transaction.get<{ version: number }>(
        `SELECT version FROM ${tables.versions} WHERE budget_id = ? AND withdrawn_at IS NULL LIMIT 1`,
        [budgetId],
      );
      await setStatus(transaction, tables, budgetId, standing ? 'adopted' : 'draft', { at: withdrawnAt, position: event.position });
    }),
  ],
});

export type BudgetsTables = TableNames<Tables>;

export const BUDGET_STATUSES = ['draft', 'submitted', 'adopted'] as const;

export const budgetSummarySchema = z.object({
  id: z.uuid(),
  financialYear: z.int(),
  title: z.string(),
  status: z.enum(BUDGET_STATUSES),
});

export async function budgetsOf(reader: SqlExecutor, tables: BudgetsTables, cooperativeId: string) {
  const rows = await reader.all<{ id: string; financial_year: number; title: string; status: string }>(
    `SELECT id, financial_year, title, status FROM ${tables.budgets} WHERE cooperative_id = ? ORDER BY financial_year DESC, drafted_at`,
    [cooperativeId],
  );
  return rows.map((row) => budgetSummarySchema.parse({ id: row.id, financialYear: row.financial_year, title: row.title, status: row.status }));
}

export async function budgetSummary(reader: SqlExecutor, tables: BudgetsTables, cooperativeId: string, budgetId: string) {
  const row = await reader.get<{ id: string; financial_year: number; title: string; status: string }>(
    `SELECT id, financial_year, title, status FROM ${tables.budgets} WHERE id = ? AND cooperative_id = ?`,
    [budgetId, cooperativeId],
  );
  return row && budgetSummarySchema.parse({ id: row.id, financialYear: row.financial_year, title: row.title, status: row.status });
}

/**
 * The version in force at `asOf` (an ISO date-time): adopted by then, and not withdrawn by then — as recorded up to
 * `asOfPosition` when one is given.
 */
export async function versionInForce(
  reader: SqlExecutor,
  tables: BudgetsTables,
  budgetId: string,
  asOf: string,
  asOfPosition = Number.MAX_SAFE_INTEGER,
): Promise<{ version: number; lines: BudgetLine[]; adoptedAt: string } | undefined> {
  const row = await reader.get<{ version: number; lines: string; adopted_at: string }>(
    `SELECT version, lines, adopted_at FROM ${tables.versions}
     WHERE budget_id = ? AND adopted_at <= ? AND adopted_position <= ?
       AND (withdrawn_at IS NULL OR withdrawn_at > ? OR withdrawn_position > ?)
     ORDER BY adopted_at DESC, version DESC LIMIT 1`,
    [budgetId, asOf, asOfPosition, asOf, asOfPosition],
  );
  return row && { version: row.version, lines: z.array(budgetLineSchema).parse(JSON.parse(row.lines)), adoptedAt: row.adopted_at };
}

export async function draftLines(reader: SqlExecutor, tables: BudgetsTables, budgetId: string): Promise<BudgetLine[]> {
  const rows = await reader.all<{ code: string; name: string; kind: string; amount_cents: number | string }>(
    `SELECT code, name, kind, amount_cents FROM ${tables.draft_lines} WHERE budget_id = ? ORDER BY code`,
    [budgetId],
  );
  return rows.map((row) => budgetLineSchema.parse({ code: row.code, name: row.name, kind: row.kind, amountCents: Number(row.amount_cents) }));
}


/** The budget's status at the end of `asOf`, as recorded up to `asOfPosition`; undefined before it was drafted. */
export async function statusAt(
  reader: SqlExecutor,
  tables: BudgetsTables,
  budgetId: string,
  asOf: string,
  asOfPosition: number | undefined,
): Promise<(typeof BUDGET_STATUSES)[number] | undefined> {
  const row = await reader.get<{ status: string }>(
    `SELECT status FROM ${tables.statuses} WHERE budget_id = ? AND since_at <= ? AND since_position <= ?
     ORDER BY since_position DESC LIMIT 1`,
    [budgetId, asOf, asOfPosition ?? Number.MAX_SAFE_INTEGER],
  );
  return row ? z.enum(BUDGET_STATUSES).parse(row.status) : undefined;
}
