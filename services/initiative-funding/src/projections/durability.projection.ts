// The durability figures' read model (see domain/durability.ts): each grant with its line of work, its budget's
// financial year and the money that stands, and each social enterprise's own income per year.
import { defineProjection, on, type SqlExecutor, type TableNames } from '@meent/eventsourcing';
import { BudgetDrafted } from '@meent/budget/events';
import { durabilityFigures, type Durability } from '../domain/durability.js';
import { FundingAgreementMade } from '../domain/agreement.events.js';
import { FundingApproved, FundingRevoked, InitiativeSubmitted, ProgressReported } from '../domain/initiative.events.js';

type Tables = 'budgets' | 'agreements' | 'grants' | 'income';
export type DurabilityTables = TableNames<Tables>;

export const durabilityProjection = defineProjection({
  name: 'durability',
  tables: {
    budgets: (name) => [`CREATE TABLE IF NOT EXISTS ${name} (budget_id TEXT PRIMARY KEY, financial_year INTEGER NOT NULL)`],
    agreements: (name) => [`CREATE TABLE IF NOT EXISTS ${name} (agreement_id TEXT PRIMARY KEY, line_id TEXT NOT NULL)`],
    grants: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (initiative_id TEXT PRIMARY KEY, cooperative_id TEXT NOT NULL, line_id TEXT NOT NULL,
        budget_id TEXT NOT NULL, kind TEXT NOT NULL, granted_cents BIGINT NOT NULL DEFAULT 0, granted INTEGER NOT NULL DEFAULT 0)`,
      `CREATE INDEX IF NOT EXISTS ${name}_by_cooperative ON ${name} (cooperative_id, line_id)`,
    ],
    // A social enterprise's own income per grant and year, as its latest report of the year says.
    income: (name) => [`CREATE TABLE IF NOT EXISTS ${name} (initiative_id TEXT NOT NULL, year INTEGER NOT NULL, cents BIGINT NOT NULL, PRIMARY KEY (initiative_id, year))`],
  },
  handlers: [
    on(BudgetDrafted, async (event, transaction, tables) => {
      await transaction.run(`INSERT INTO ${tables.budgets} (budget_id, financial_year) VALUES (?, ?)`, [event.data.budgetId, event.data.financialYear]);
    }),
    on(FundingAgreementMade, async (event, transaction, tables) => {
      // An agreement's years belong to the line of its first grant — itself perhaps a year of an earlier agreement.
      await transaction.run(
        `INSERT INTO ${tables.agreements} (agreement_id, line_id) SELECT ?, COALESCE((SELECT line_id FROM ${tables.grants} WHERE initiative_id = ?), ?)`,
        [event.data.agreementId, event.data.initiativeId, event.data.initiativeId],
      );
    }),
    on(InitiativeSubmitted, async (event, transaction, tables) => {
      const { initiativeId, cooperativeId, budgetId, agreement, kind } = event.data;
      await transaction.run(
        `INSERT INTO ${tables.grants} (initiative_id, cooperative_id, line_id, budget_id, kind)
         SELECT ?, ?, COALESCE((SELECT line_id FROM ${tables.agreements} WHERE agreement_id = ?), ?), ?, ?`,
        [initiativeId, cooperativeId, agreement?.agreementId ?? null, initiativeId, budgetId, kind],
      );
    }),
    on(FundingApproved, async (event, transaction, tables) => {
      await transaction.run(`UPDATE ${tables.grants} SET granted = 1, granted_cents = ? WHERE initiative_id = ?`, [event.data.amountCents, event.data.initiativeId]);
    }),
    on(ProgressReported, async (event, transaction, tables) => {
      const { initiativeId, year, ownIncomeCents } = event.data;
      if (ownIncomeCents === null) return;
      await transaction.run(
        `INSERT INTO ${tables.income} (initiative_id, year, cents) VALUES (?, ?, ?) ON CONFLICT (initiative_id, year) DO UPDATE SET cents = excluded.cents`,
        [initiativeId, year, ownIncomeCents],
      );
    }),
    on(FundingRevoked, async (event, transaction, tables) => {
      await transaction.run(`UPDATE ${tables.grants} SET granted = 0, granted_cents = 0 WHERE initiative_id = ?`, [event.data.initiativeId]);
    }),
  ],
});

/** The cooperative's durability figures, up to the last financial year it granted anything in. */
export async function durabilityOf(reader: SqlExecutor, tables: DurabilityTables, cooperativeId: string): Promise<Durability> {
  const grants = await reader.all<{ line_id: string; financial_year: number | string; granted_cents: number | string; kind: string }>(
    `SELECT g.line_id, b.financial_year, g.granted_cents, g.kind FROM ${tables.grants} g JOIN ${tables.budgets} b ON b.budget_id = g.budget_id
     WHERE g.cooperative_id = ? AND g.granted = 1`,
    [cooperativeId],
  );
  const income = await reader.all<{ line_id: string; year: number | string; cents: number | string }>(
    `SELECT g.line_id, i.year, i.cents FROM ${tables.income} i JOIN ${tables.grants} g ON g.initiative_id = i.initiative_id
     WHERE g.cooperative_id = ? AND g.kind = 'social-enterprise'`,
    [cooperativeId],
  );
  return durabilityFigures(
    grants.map((grant) => ({
      line: grant.line_id,
      year: Number(grant.financial_year),
      cents: Number(grant.granted_cents),
      socialEnterprise: grant.kind === 'social-enterprise',
    })),
    income.map((row) => ({ line: row.line_id, year: Number(row.year), cents: Number(row.cents) })),
  );
}
