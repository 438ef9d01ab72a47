// The annual impact report's read model: each event the report counts, as the fact it needs (domain/impact-report.ts),
// kept with its log position and recorded time. The report as of a date or a position is the fold of the facts up to
// it — nothing is overwritten, so every earlier report can be made again exactly.
import { defineProjection, on, type SqlExecutor, type StoredEvent, type TableNames } from '@meent/eventsourcing';
import { BudgetDrafted } from '@meent/budget/events';
import { ContinuationReviewed, FundingAgreementMade } from '../domain/agreement.events.js';
import type { ImpactFact } from '../domain/impact-report.js';
import {
  FundingApproved,
  FundingRevoked,
  IndicatorDefined,
  InitiativeCompleted,
  InitiativeSubmitted,
  InitiativeWithdrawn,
  ProgressReported,
  TrancheDisbursed,
} from '../domain/initiative.events.js';
import { PartnerContributionBooked, PartnerRegistered, PartnershipAgreed } from '../domain/partner.events.js';

type Tables = 'owners' | 'facts';
export type ImpactTables = TableNames<Tables>;

/** The fact, for the cooperative the event names. */
async function record(transaction: SqlExecutor, tables: ImpactTables, event: StoredEvent, cooperativeId: string, fact: ImpactFact): Promise<void> {
  await transaction.run(`INSERT INTO ${tables.facts} (position, cooperative_id, at, fact) VALUES (?, ?, ?, ?)`, [
    event.position,
    cooperativeId,
    event.metadata.occurredAt,
    JSON.stringify(fact),
  ]);
}

/** The fact, for the cooperative that owns the initiative, agreement or partnership it is about. */
async function recordFor(transaction: SqlExecutor, tables: ImpactTables, event: StoredEvent, ownerId: string, fact: ImpactFact): Promise<void> {
  await transaction.run(
    `INSERT INTO ${tables.facts} (position, cooperative_id, at, fact) SELECT ?, cooperative_id, ?, ? FROM ${tables.owners} WHERE id = ?`,
    [event.position, event.metadata.occurredAt, JSON.stringify(fact), ownerId],
  );
}

async function own(transaction: SqlExecutor, tables: ImpactTables, id: string, cooperativeId: string): Promise<void> {
  await transaction.run(`INSERT INTO ${tables.owners} (id, cooperative_id) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`, [id, cooperativeId]);
}

export const impactProjection = defineProjection({
  name: 'impact_report',
  tables: {
    owners: (name) => [`CREATE TABLE IF NOT EXISTS ${name} (id TEXT PRIMARY KEY, cooperative_id TEXT NOT NULL)`],
    facts: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (position BIGINT PRIMARY KEY, cooperative_id TEXT NOT NULL, at TEXT NOT NULL, fact TEXT NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS ${name}_by_cooperative ON ${name} (cooperative_id, position)`,
    ],
  },
  handlers: [
    on(BudgetDrafted, async (event, transaction, tables) => {
      const { budgetId, cooperativeId, financialYear, period } = event.data;
      await record(transaction, tables, event, cooperativeId, { type: 'budget', budgetId, year: financialYear, ...period });
    }),
    on(InitiativeSubmitted, async (event, transaction, tables) => {
      const { initiativeId, cooperativeId, title, budgetId, themes, kind, agreement } = event.data;
      await own(transaction, tables, initiativeId, cooperativeId);
      await record(transaction, tables, event, cooperativeId, { type: 'submitted', initiativeId, title, budgetId, themes, kind, agreementId: agreement?.agreementId ?? null });
    }),
    on(FundingApproved, async (event, transaction, tables) => {
      await record(transaction, tables, event, event.data.cooperativeId, { type: 'granted', initiativeId: event.data.initiativeId, cents: event.data.amountCents });
    }),
    on(FundingRevoked, async (event, transaction, tables) => {
      await record(transaction, tables, event, event.data.cooperativeId, { type: 'revoked', initiativeId: event.data.initiativeId });
    }),
    on(TrancheDisbursed, async (event, transaction, tables) => {
      const { initiativeId, amountCents } = event.data;
      await recordFor(transaction, tables, event, initiativeId, { type: 'disbursed', initiativeId, cents: amountCents });
    }),
    on(InitiativeCompleted, async (event, transaction, tables) => {
      await record(transaction, tables, event, event.data.cooperativeId, { type: 'closed', initiativeId: event.data.initiativeId });
    }),
    on(InitiativeWithdrawn, async (event, transaction, tables) => {
      await record(transaction, tables, event, event.data.cooperativeId, { type: 'closed', initiativeId: event.data.initiativeId });
    }),
    on(FundingAgreementMade, async (event, transaction, tables) => {
      const { agreementId, cooperativeId, initiativeId, firstYear, lastYear } = event.data;
      await own(transaction, tables, agreementId, cooperativeId);
      await record(transaction, tables, event, cooperativeId, { type: 'agreement', agreementId, initiativeId, firstYear, lastYear });
    }),
    on(ContinuationReviewed, async (event, transaction, tables) => {
      const { agreementId, year, outcome } = event.data;
      await recordFor(transaction, tables, event, agreementId, { type: 'reviewed', agreementId, year, ended: outcome === 'ended' });
    }),
    on(IndicatorDefined, async (event, transaction, tables) => {
      const { initiativeId, indicatorId, name, unit, theme, baseline, targets } = event.data;
      await recordFor(transaction, tables, event, initiativeId, { type: 'indicator', initiativeId, indicatorId, name, unit, theme, baseline, targets });
    }),
    on(ProgressReported, async (event, transaction, tables) => {
      const { initiativeId, year, actuals, participation, ownIncomeCents } = event.data;
      await recordFor(transaction, tables, event, initiativeId, { type: 'progress', initiativeId, year, actuals, participation, ownIncomeCents });
    }),
    on(PartnerRegistered, async (event, transaction, tables) => {
      const { partnerId, cooperativeId, name, kind } = event.data;
      await record(transaction, tables, event, cooperativeId, { type: 'partner', partnerId, name, kind });
    }),
    on(PartnershipAgreed, async (event, transaction, tables) => {
      const { partnershipId, cooperativeId, partnerId, initiativeId } = event.data;
      await own(transaction, tables, partnershipId, cooperativeId);
      await record(transaction, tables, event, cooperativeId, { type: 'partnership', partnershipId, partnerId, initiativeId });
    }),
    on(PartnerContributionBooked, async (event, transaction, tables) => {
      const { partnershipId, kind, quantity, on: day } = event.data;
      await recordFor(transaction, tables, event, partnershipId, { type: 'contribution', partnershipId, kind, quantity, on: day });
    }),
  ],
});

/** A moment to read the report at: recorded up to `asOf`, and up to `asOfPosition` in the log. */
export interface ImpactMoment {
  readonly asOf?: string;
  readonly asOfPosition?: number;
}

/** The cooperative's facts up to the moment, in log order, with the last position among them (0 for none). */
export async function impactFactsOf(
  reader: SqlExecutor,
  tables: ImpactTables,
  cooperativeId: string,
  moment: ImpactMoment,
): Promise<{ facts: ImpactFact[]; position: number }> {
  const rows = await reader.all<{ position: number | string; fact: string }>(
    `SELECT position, fact FROM ${tables.facts} WHERE cooperative_id = ? AND at <= ? AND position <= ? ORDER BY position`,
    [cooperativeId, moment.asOf ?? '9999-12-31T23:59:59.999Z', moment.asOfPosition ?? Number.MAX_SAFE_INTEGER],
  );
  return { facts: rows.map((row) => JSON.parse(row.fact) as ImpactFact), position: Number(rows.at(-1)?.position ?? 0) };
}
