// Multi-year funding agreements as the board and members follow them: the years, the yearly amount, and each year's
// review — continued, adjusted or ended, why, and the grant it made.
import { defineProjection, on, type SqlExecutor, type TableNames } from '@meent/eventsourcing';
import { z } from 'zod';
import { CONTINUATION_OUTCOMES, ContinuationReviewed, FundingAgreementMade } from '../domain/agreement.events.js';

type Tables = 'agreements' | 'reviews';
export type AgreementTables = TableNames<Tables>;

export const agreementsProjection = defineProjection({
  name: 'funding_agreements',
  tables: {
    agreements: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (id TEXT PRIMARY KEY, cooperative_id TEXT NOT NULL, initiative_id TEXT NOT NULL,
        first_year INTEGER NOT NULL, last_year INTEGER NOT NULL, yearly_cents BIGINT NOT NULL, status TEXT NOT NULL, made_at TEXT NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS ${name}_by_cooperative ON ${name} (cooperative_id, made_at)`,
    ],
    reviews: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (agreement_id TEXT NOT NULL, year INTEGER NOT NULL, outcome TEXT NOT NULL, yearly_cents BIGINT,
        reason TEXT NOT NULL, grant_initiative_id TEXT, reviewed_at TEXT NOT NULL, PRIMARY KEY (agreement_id, year))`,
    ],
  },
  handlers: [
    on(FundingAgreementMade, async (event, transaction, tables) => {
      const { agreementId, cooperativeId, initiativeId, firstYear, lastYear, yearlyCents, madeAt } = event.data;
      await transaction.run(
        `INSERT INTO ${tables.agreements} (id, cooperative_id, initiative_id, first_year, last_year, yearly_cents, status, made_at)
         VALUES (?, ?, ?, ?, ?, ?, 'running', ?)`,
        [agreementId, cooperativeId, initiativeId, firstYear, lastYear, yearlyCents, madeAt],
      );
    }),
    on(ContinuationReviewed, async (event, transaction, tables) => {
      const { agreementId, year, outcome, yearlyCents, reason, grant, reviewedAt } = event.data;
      await transaction.run(
        `INSERT INTO ${tables.reviews} (agreement_id, year, outcome, yearly_cents, reason, grant_initiative_id, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [agreementId, year, outcome, yearlyCents, reason, grant?.initiativeId ?? null, reviewedAt],
      );
      const status = outcome === 'ended' ? `'ended'` : `CASE WHEN last_year = ? THEN 'completed' ELSE 'running' END`;
      await transaction.run(
        `UPDATE ${tables.agreements} SET status = ${status}, yearly_cents = COALESCE(?, yearly_cents) WHERE id = ?`,
        outcome === 'ended' ? [yearlyCents, agreementId] : [year, yearlyCents, agreementId],
      );
    }),
  ],
});

export const agreementSchema = z
  .object({
    id: z.uuid(),
    initiativeId: z.uuid(),
    firstYear: z.int(),
    lastYear: z.int(),
    yearlyCents: z.int(),
    status: z.enum(['running', 'ended', 'completed']),
    madeAt: z.string(),
    reviews: z.array(
      z.object({
        year: z.int(),
        outcome: z.enum(CONTINUATION_OUTCOMES),
        yearlyCents: z.int().nullable(),
        reason: z.string(),
        /** The initiative that is the continued year's grant. */
        grantInitiativeId: z.uuid().nullable(),
        reviewedAt: z.string(),
      }),
    ),
  })
  .meta({ id: 'FundingAgreement' });

export async function agreementsOf(reader: SqlExecutor, tables: AgreementTables, cooperativeId: string, agreementId?: string) {
  const agreements = await reader.all<{ id: string; initiative_id: string; first_year: number; last_year: number; yearly_cents: number | string; status: string; made_at: string }>(
    `SELECT id, initiative_id, first_year, last_year, yearly_cents, status, made_at FROM ${tables.agreements}
     WHERE cooperative_id = ? ${agreementId ? 'AND id = ?' : ''} ORDER BY made_at, id`,
    agreementId ? [cooperativeId, agreementId] : [cooperativeId],
  );
  const reviews = await reader.all<{ agreement_id: string; year: number; outcome: string; yearly_cents: number | string | null; reason: string; grant_initiative_id: string | null; reviewed_at: string }>(
    `SELECT r.agreement_id, r.year, r.outcome, r.yearly_cents, r.reason, r.grant_initiative_id, r.reviewed_at
     FROM ${tables.reviews} r JOIN ${tables.agreements} a ON a.id = r.agreement_id WHERE a.cooperative_id = ? ORDER BY r.year`,
    [cooperativeId],
  );
  return agreements.map((agreement) =>
    agreementSchema.parse({
      id: agreement.id,
      initiativeId: agreement.initiative_id,
      firstYear: Number(agreement.first_year),
      lastYear: Number(agreement.last_year),
      yearlyCents: Number(agreement.yearly_cents),
      status: agreement.status,
      madeAt: agreement.made_at,
      reviews: reviews
        .filter((review) => review.agreement_id === agreement.id)
        .map((review) => ({
          year: Number(review.year),
          outcome: review.outcome,
          yearlyCents: review.yearly_cents === null ? null : Number(review.yearly_cents),
          reason: review.reason,
          grantInitiativeId: review.grant_initiative_id,
          reviewedAt: review.reviewed_at,
        })),
    }),
  );
}
