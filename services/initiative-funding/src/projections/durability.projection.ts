// Durability, measured: a commons or a carousel of projects? A *line of work* is a grant together with the years its
// funding agreements continued it; it is active in a financial year when it holds a grant on that year's budget that
// was not revoked. Per cohort — the lines first funded in a year — the share still active one, two and three years
// on; per year, how much of the money granted went to lines already running rather than to new ones.
import { defineProjection, on, type SqlExecutor, type TableNames } from '@meent/eventsourcing';
import { BudgetDrafted } from '@meent/budget/events';
import { z } from 'zod';
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

/** A share as the exact count it is, and rounded to a tenth of a percent for people. */
const shareSchema = z.object({ lines: z.int(), of: z.int(), percent: z.number() });

export const durabilitySchema = z
  .object({
    cohorts: z.array(
      z.object({
        /** The financial year the cohort's lines were first funded in. */
        year: z.int(),
        lines: z.int(),
        /** Still active one, two and three years on (a later year not yet reached is left out). */
        stillActive: z.array(z.object({ after: z.int().min(1).max(3), year: z.int(), share: shareSchema })),
      }),
    ),
    funding: z.array(z.object({ year: z.int(), newCents: z.int(), continuingCents: z.int(), continuingShare: z.number() })),
    /** Per social enterprise's line and year: its own income beside its grants, and the share that is its own. */
    socialEnterprises: z.array(
      z.object({ line: z.uuid(), years: z.array(z.object({ year: z.int(), ownIncomeCents: z.int(), grantedCents: z.int(), ownShare: z.number() })) }),
    ),
  })
  .meta({ id: 'Durability', description: 'Per cohort of lines of work, the share still funded in later years; per year, money to new and to continuing lines' });

const percentOf = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((1000 * part) / whole) / 10);

/** The cooperative's durability figures, up to the last financial year it granted anything in. */
export async function durabilityOf(reader: SqlExecutor, tables: DurabilityTables, cooperativeId: string): Promise<z.infer<typeof durabilitySchema>> {
  const grants = await reader.all<{ line_id: string; financial_year: number | string; granted_cents: number | string }>(
    `SELECT g.line_id, b.financial_year, g.granted_cents FROM ${tables.grants} g JOIN ${tables.budgets} b ON b.budget_id = g.budget_id
     WHERE g.cooperative_id = ? AND g.granted = 1`,
    [cooperativeId],
  );
  const yearsOf = new Map<string, Set<number>>();
  for (const grant of grants) yearsOf.set(grant.line_id, (yearsOf.get(grant.line_id) ?? new Set()).add(Number(grant.financial_year)));
  const firstYearOf = new Map([...yearsOf].map(([line, years]) => [line, Math.min(...years)]));
  const lastYear = Math.max(...grants.map((grant) => Number(grant.financial_year)));
  const cohortYears = [...new Set(firstYearOf.values())].sort((a, b) => a - b);
  const cohorts = cohortYears.map((year) => {
    const lines = [...firstYearOf].filter(([, first]) => first === year).map(([line]) => line);
    const stillActive = [1, 2, 3]
      .filter((after) => year + after <= lastYear)
      .map((after) => {
        const active = lines.filter((line) => yearsOf.get(line)!.has(year + after)).length;
        return { after, year: year + after, share: { lines: active, of: lines.length, percent: percentOf(active, lines.length) } };
      });
    return { year, lines: lines.length, stillActive };
  });
  const grantYears = [...new Set(grants.map((grant) => Number(grant.financial_year)))].sort((a, b) => a - b);
  const funding = grantYears.map((year) => {
    const ofYear = grants.filter((grant) => Number(grant.financial_year) === year);
    const continuingCents = ofYear.filter((grant) => firstYearOf.get(grant.line_id)! < year).reduce((sum, grant) => sum + Number(grant.granted_cents), 0);
    const newCents = ofYear.reduce((sum, grant) => sum + Number(grant.granted_cents), 0) - continuingCents;
    return { year, newCents, continuingCents, continuingShare: percentOf(continuingCents, newCents + continuingCents) };
  });
  return { cohorts, funding, socialEnterprises: await socialEnterprisesOf(reader, tables, cooperativeId) };
}

/** Each social enterprise's line, year by year: what it earned itself beside what it was granted. */
async function socialEnterprisesOf(reader: SqlExecutor, tables: DurabilityTables, cooperativeId: string) {
  type Row = { line_id: string; year: number | string; cents: number | string };
  const granted = await reader.all<Row>(
    `SELECT g.line_id, b.financial_year AS year, g.granted_cents AS cents FROM ${tables.grants} g JOIN ${tables.budgets} b ON b.budget_id = g.budget_id
     WHERE g.cooperative_id = ? AND g.kind = 'social-enterprise' AND g.granted = 1`,
    [cooperativeId],
  );
  const earned = await reader.all<Row>(
    `SELECT g.line_id, i.year, i.cents FROM ${tables.income} i JOIN ${tables.grants} g ON g.initiative_id = i.initiative_id
     WHERE g.cooperative_id = ? AND g.kind = 'social-enterprise'`,
    [cooperativeId],
  );
  const sum = (rows: readonly Row[], line: string, year: number) =>
    rows.filter((row) => row.line_id === line && Number(row.year) === year).reduce((total, row) => total + Number(row.cents), 0);
  const lines = [...new Set([...granted, ...earned].map((row) => row.line_id))].sort();
  return lines.map((line) => {
    const years = [...new Set([...granted, ...earned].filter((row) => row.line_id === line).map((row) => Number(row.year)))].sort((a, b) => a - b);
    return {
      line,
      years: years.map((year) => {
        const ownIncomeCents = sum(earned, line, year);
        const grantedCents = sum(granted, line, year);
        return { year, ownIncomeCents, grantedCents, ownShare: percentOf(ownIncomeCents, ownIncomeCents + grantedCents) };
      }),
    };
  });
}
