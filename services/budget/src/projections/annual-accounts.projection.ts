// The annual cycle per financial year: from each budget's drafting, the year's days and so its presentation deadline;
// then the accounts, the audit committee and its report, the assembly's adoption and the board's discharge.
import { defineProjection, on, type SqlExecutor, type TableNames } from '@meent/eventsourcing';
import { z } from 'zod';
import {
  AccountsExtensionDecided,
  AnnualAccountsAdopted,
  AnnualAccountsDrawnUp,
  AnnualAccountsNotAdopted,
  AuditCommitteeAppointed,
  AuditReportRecorded,
  BoardDischarged,
  DischargeNotGranted,
  statementsSchema,
} from '../domain/annual-accounts.events.js';
import { DEADLINE_STATUSES, deadlineStatus, presentationDeadline } from '../domain/annual-accounts.decider.js';
import { BudgetDrafted, financialYearPeriodSchema } from '../domain/budget.events.js';

type Tables = 'years';

const setColumn = (column: string) => async (transaction: SqlExecutor, tables: TableNames<Tables>, budgetId: string, value: unknown) => {
  await transaction.run(`UPDATE ${tables.years} SET ${column} = ? WHERE budget_id = ?`, [JSON.stringify(value), budgetId]);
};
const setAdoption = setColumn('adoption');
const setDischarge = setColumn('discharge');

export const annualAccountsProjection = defineProjection({
  name: 'annual_accounts',
  tables: {
    years: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        budget_id TEXT PRIMARY KEY,
        cooperative_id TEXT NOT NULL,
        financial_year INTEGER NOT NULL,
        first_day TEXT NOT NULL,
        last_day TEXT NOT NULL,
        extension_months INTEGER NOT NULL DEFAULT 0,
        drawn_up_on TEXT,
        statements TEXT,
        committee TEXT NOT NULL DEFAULT '[]',
        report TEXT,
        adoption TEXT,
        discharge TEXT
      )`,
      `CREATE INDEX IF NOT EXISTS ${name}_by_cooperative ON ${name} (cooperative_id, financial_year)`,
    ],
  },
  handlers: [
    on(BudgetDrafted, async (event, transaction, tables) => {
      const { budgetId, cooperativeId, financialYear, period } = event.data;
      await transaction.run(
        `INSERT INTO ${tables.years} (budget_id, cooperative_id, financial_year, first_day, last_day) VALUES (?, ?, ?, ?, ?)`,
        [budgetId, cooperativeId, financialYear, period.firstDay, period.lastDay],
      );
    }),
    on(AuditCommitteeAppointed, (event, transaction, tables) => setColumn('committee')(transaction, tables, event.data.budgetId, event.data.memberIds)),
    on(AnnualAccountsDrawnUp, async (event, transaction, tables) => {
      const { budgetId, statements, drawnUpOn } = event.data;
      await transaction.run(`UPDATE ${tables.years} SET drawn_up_on = ?, statements = ? WHERE budget_id = ?`, [
        drawnUpOn,
        JSON.stringify(statements),
        budgetId,
      ]);
    }),
    on(AuditReportRecorded, (event, transaction, tables) => {
      const { budgetId, reportedBy, findings, advisesAdoption, reportedAt } = event.data;
      return setColumn('report')(transaction, tables, budgetId, { reportedBy, findings, advisesAdoption, reportedAt });
    }),
    on(AccountsExtensionDecided, async (event, transaction, tables) => {
      await transaction.run(`UPDATE ${tables.years} SET extension_months = ? WHERE budget_id = ?`, [event.data.extensionMonths, event.data.budgetId]);
    }),
    on(AnnualAccountsAdopted, (event, transaction, tables) => {
      const { budgetId, motionId, adoptedAt } = event.data;
      return setAdoption(transaction, tables, budgetId, { status: 'adopted', motionId, reason: null, decidedAt: adoptedAt });
    }),
    on(AnnualAccountsNotAdopted, (event, transaction, tables) => {
      const { budgetId, motionId, reason, decidedAt } = event.data;
      return setAdoption(transaction, tables, budgetId, { status: 'not-adopted', motionId, reason, decidedAt });
    }),
    on(BoardDischarged, (event, transaction, tables) => {
      const { budgetId, motionId, dischargedAt } = event.data;
      return setDischarge(transaction, tables, budgetId, { status: 'granted', motionId, reason: null, decidedAt: dischargedAt });
    }),
    on(DischargeNotGranted, (event, transaction, tables) => {
      const { budgetId, motionId, reason, decidedAt } = event.data;
      return setDischarge(transaction, tables, budgetId, { status: 'not-granted', motionId, reason, decidedAt });
    }),
  ],
});

export type AnnualAccountsTables = TableNames<Tables>;

const deadlineSchema = z
  .object({
    /** BW 2:58 lid 1: the last day to present the accounts — six months after the year, plus any extension. */
    presentBy: z.iso.date(),
    /** Months the assembly added (four at most). */
    extensionMonths: z.int(),
    /** The day the accounts were drawn up and presented; null until then. */
    presentedOn: z.iso.date().nullable(),
    /** open: still due; overdue: due and not presented; met: presented in time; late: presented after the deadline. */
    status: z.enum(DEADLINE_STATUSES),
  })
  .meta({ id: 'AccountsDeadline' });

const decisionSchema = (statuses: readonly [string, string]) =>
  z.object({ status: z.enum(statuses), motionId: z.uuid(), reason: z.string().nullable(), decidedAt: z.iso.datetime() }).nullable();

export const annualAccountsSummarySchema = z
  .object({
    budgetId: z.uuid(),
    financialYear: z.int(),
    period: financialYearPeriodSchema,
    deadline: deadlineSchema,
    adopted: z.boolean(),
    discharged: z.boolean(),
  })
  .meta({ id: 'AnnualAccountsSummary' });

export const annualAccountsSchema = annualAccountsSummarySchema
  .extend({
    /** Drawn up from the closed books; null until then. */
    statements: statementsSchema.nullable(),
    auditCommittee: z.array(z.uuid()),
    auditReport: z
      .object({ reportedBy: z.uuid(), findings: z.string(), advisesAdoption: z.boolean(), reportedAt: z.iso.datetime() })
      .nullable(),
    /** The assembly's latest decision on the accounts: adopted, or not and why. */
    adoption: decisionSchema(['adopted', 'not-adopted']),
    discharge: decisionSchema(['granted', 'not-granted']),
  })
  .meta({ id: 'AnnualAccounts' });
export type AnnualAccounts = z.infer<typeof annualAccountsSchema>;

interface YearRow {
  budget_id: string;
  financial_year: number;
  first_day: string;
  last_day: string;
  extension_months: number;
  drawn_up_on: string | null;
  statements: string | null;
  committee: string;
  report: string | null;
  adoption: string | null;
  discharge: string | null;
}

const parsed = (json: string | null) => (json === null ? null : (JSON.parse(json) as unknown));

function accountsOf(row: YearRow, today: string): AnnualAccounts {
  const period = { firstDay: row.first_day, lastDay: row.last_day };
  const presentBy = presentationDeadline(period, row.extension_months);
  const adoption = parsed(row.adoption) as { status: string } | null;
  const discharge = parsed(row.discharge) as { status: string } | null;
  return annualAccountsSchema.parse({
    budgetId: row.budget_id,
    financialYear: row.financial_year,
    period,
    deadline: {
      presentBy,
      extensionMonths: row.extension_months,
      presentedOn: row.drawn_up_on,
      status: deadlineStatus(presentBy, row.drawn_up_on, today),
    },
    adopted: adoption?.status === 'adopted',
    discharged: discharge?.status === 'granted',
    statements: parsed(row.statements),
    auditCommittee: parsed(row.committee),
    auditReport: parsed(row.report),
    adoption,
    discharge,
  });
}

/** One year's accounts as they stand on `today`; undefined when the cooperative has no such budget. */
export async function annualAccountsOf(
  reader: SqlExecutor,
  tables: AnnualAccountsTables,
  cooperativeId: string,
  budgetId: string,
  today: string,
): Promise<AnnualAccounts | undefined> {
  const row = await reader.get<YearRow>(`SELECT * FROM ${tables.years} WHERE budget_id = ? AND cooperative_id = ?`, [budgetId, cooperativeId]);
  return row && accountsOf(row, today);
}

/** Every financial year a budget was drafted for, newest first, with its deadline as it stands on `today`. */
export async function annualCycleOf(reader: SqlExecutor, tables: AnnualAccountsTables, cooperativeId: string, today: string) {
  const rows = await reader.all<YearRow>(`SELECT * FROM ${tables.years} WHERE cooperative_id = ? ORDER BY financial_year DESC, budget_id`, [cooperativeId]);
  return rows.map((row) => {
    const { budgetId, financialYear, period, deadline, adopted, discharged } = accountsOf(row, today);
    return { budgetId, financialYear, period, deadline, adopted, discharged };
  });
}
