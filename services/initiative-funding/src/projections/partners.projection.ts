// The cooperative's partners, their partnerships with initiatives and every contribution booked: what each partner
// brought, in hours, money and occasions, for the board and for the annual impact report.
import { defineProjection, on, type SqlExecutor, type TableNames } from '@meent/eventsourcing';
import { z } from 'zod';
import {
  CONTRIBUTION_KINDS,
  PARTNER_KINDS,
  PartnerContributionBooked,
  PartnerRegistered,
  PartnershipAgreed,
  PartnershipEnded,
  partnerOfferSchema,
} from '../domain/partner.events.js';

type Tables = 'partners' | 'partnerships' | 'contributions';
export type PartnerTables = TableNames<Tables>;

export const partnersProjection = defineProjection({
  name: 'partners',
  tables: {
    partners: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (id TEXT PRIMARY KEY, cooperative_id TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, registered_at TEXT NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS ${name}_by_cooperative ON ${name} (cooperative_id, name)`,
    ],
    partnerships: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        id TEXT PRIMARY KEY,
        cooperative_id TEXT NOT NULL,
        partner_id TEXT NOT NULL,
        initiative_id TEXT NOT NULL,
        offer TEXT NOT NULL,
        from_day TEXT NOT NULL,
        until_day TEXT,
        end_reason TEXT
      )`,
      `CREATE INDEX IF NOT EXISTS ${name}_by_partner ON ${name} (partner_id)`,
      `CREATE INDEX IF NOT EXISTS ${name}_by_initiative ON ${name} (initiative_id)`,
    ],
    contributions: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        id TEXT PRIMARY KEY,
        partnership_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        quantity BIGINT,
        description TEXT NOT NULL,
        on_day TEXT NOT NULL
      )`,
      `CREATE INDEX IF NOT EXISTS ${name}_by_partnership ON ${name} (partnership_id, on_day)`,
    ],
  },
  handlers: [
    on(PartnerRegistered, async (event, transaction, tables) => {
      const { partnerId, cooperativeId, name, kind, registeredAt } = event.data;
      await transaction.run(`INSERT INTO ${tables.partners} (id, cooperative_id, name, kind, registered_at) VALUES (?, ?, ?, ?, ?)`, [
        partnerId,
        cooperativeId,
        name,
        kind,
        registeredAt,
      ]);
    }),
    on(PartnershipAgreed, async (event, transaction, tables) => {
      const { partnershipId, cooperativeId, partnerId, initiativeId, offer, from, until } = event.data;
      await transaction.run(
        `INSERT INTO ${tables.partnerships} (id, cooperative_id, partner_id, initiative_id, offer, from_day, until_day) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [partnershipId, cooperativeId, partnerId, initiativeId, JSON.stringify(offer), from, until],
      );
    }),
    on(PartnerContributionBooked, async (event, transaction, tables) => {
      const { contributionId, partnershipId, kind, quantity, description, on: day } = event.data;
      await transaction.run(
        `INSERT INTO ${tables.contributions} (id, partnership_id, kind, quantity, description, on_day) VALUES (?, ?, ?, ?, ?, ?)`,
        [contributionId, partnershipId, kind, quantity, description, day],
      );
    }),
    on(PartnershipEnded, async (event, transaction, tables) => {
      await transaction.run(`UPDATE ${tables.partnerships} SET until_day = ?, end_reason = ? WHERE id = ?`, [event.data.lastDay, event.data.reason, event.data.partnershipId]);
    }),
  ],
});

/** Hours and cents summed, expertise and space counted as occasions. */
export const contributionTotalsSchema = z
  .object({ hours: z.int(), coFundingCents: z.int(), expertiseOccasions: z.int(), spaceOccasions: z.int() })
  .meta({ id: 'ContributionTotals' });

export const partnershipSchema = z
  .object({
    id: z.uuid(),
    partnerId: z.uuid(),
    initiativeId: z.uuid(),
    offer: partnerOfferSchema,
    from: z.string(),
    until: z.string().nullable(),
    /** Why it ended, once it has. */
    endReason: z.string().nullable(),
    contributions: z.array(z.object({ id: z.uuid(), kind: z.enum(CONTRIBUTION_KINDS), quantity: z.int().nullable(), description: z.string(), on: z.string() })),
    totals: contributionTotalsSchema,
  })
  .meta({ id: 'Partnership' });

export const partnerSchema = z
  .object({ id: z.uuid(), name: z.string(), kind: z.enum(PARTNER_KINDS), registeredAt: z.string(), totals: contributionTotalsSchema })
  .meta({ id: 'Partner' });

interface ContributionRow {
  id: string;
  partnership_id: string;
  kind: (typeof CONTRIBUTION_KINDS)[number];
  quantity: number | string | null;
  description: string;
  on_day: string;
}

function totalsOf(contributions: readonly ContributionRow[]): z.infer<typeof contributionTotalsSchema> {
  const sum = (kind: string) => contributions.filter((row) => row.kind === kind).reduce((total, row) => total + Number(row.quantity ?? 0), 0);
  const count = (kind: string) => contributions.filter((row) => row.kind === kind).length;
  return { hours: sum('hours'), coFundingCents: sum('co-funding'), expertiseOccasions: count('expertise'), spaceOccasions: count('space') };
}

async function contributionsOf(reader: SqlExecutor, tables: PartnerTables, partnershipIds: readonly string[]): Promise<ContributionRow[]> {
  if (partnershipIds.length === 0) return [];
  return reader.all<ContributionRow>(
    `SELECT id, partnership_id, kind, quantity, description, on_day FROM ${tables.contributions}
     WHERE partnership_id IN (${partnershipIds.map(() => '?').join(', ')}) ORDER BY on_day, id`,
    [...partnershipIds],
  );
}

/** Partnerships matching a column (`partner_id` or `initiative_id`) within the cooperative, with their contributions. */
export async function partnershipsBy(reader: SqlExecutor, tables: PartnerTables, cooperativeId: string, column: 'partner_id' | 'initiative_id', id: string) {
  const rows = await reader.all<{ id: string; partner_id: string; initiative_id: string; offer: string; from_day: string; until_day: string | null; end_reason: string | null }>(
    `SELECT id, partner_id, initiative_id, offer, from_day, until_day, end_reason FROM ${tables.partnerships}
     WHERE cooperative_id = ? AND ${column} = ? ORDER BY from_day, id`,
    [cooperativeId, id],
  );
  const contributions = await contributionsOf(reader, tables, rows.map((row) => row.id));
  return rows.map((row) => {
    const own = contributions.filter((contribution) => contribution.partnership_id === row.id);
    return partnershipSchema.parse({
      id: row.id,
      partnerId: row.partner_id,
      initiativeId: row.initiative_id,
      offer: JSON.parse(row.offer),
      from: row.from_day,
      until: row.until_day,
      endReason: row.end_reason,
      contributions: own.map((contribution) => ({
        id: contribution.id,
        kind: contribution.kind,
        quantity: contribution.quantity === null ? null : Number(contribution.quantity),
        description: contribution.description,
        on: contribution.on_day,
      })),
      totals: totalsOf(own),
    });
  });
}

export async function partnersOf(reader: SqlExecutor, tables: PartnerTables, cooperativeId: string) {
  const partners = await reader.all<{ id: string; name: string; kind: string; registered_at: string }>(
    `SELECT id, name, kind, registered_at FROM ${tables.partners} WHERE cooperative_id = ? ORDER BY name, id`,
    [cooperativeId],
  );
  const contributions = await reader.all<ContributionRow & { partner_id: string }>(
    `SELECT c.id, c.partnership_id, c.kind, c.quantity, c.description, c.on_day, p.partner_id
     FROM ${tables.contributions} c JOIN ${tables.partnerships} p ON p.id = c.partnership_id WHERE p.cooperative_id = ?`,
    [cooperativeId],
  );
  return partners.map((partner) =>
    partnerSchema.parse({
      id: partner.id,
      name: partner.name,
      kind: partner.kind,
      registeredAt: partner.registered_at,
      totals: totalsOf(contributions.filter((contribution) => contribution.partner_id === partner.id)),
    }),
  );
}
