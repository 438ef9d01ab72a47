import { defineProjection, on, type SqlExecutor, type StoredEvent, type TableNames } from '@meent/eventsourcing';
import { z } from 'zod';
import { cooperativeRulesSchema, legalNameOf, type CooperativeRules } from '../domain/cooperative-rules.js';
import {
  AdoptedAmendmentUndone,
  CooperativeDissolved,
  CooperativeFounded,
  DissolutionUndone,
  RulesAmended,
  RulesAmendmentUndone,
  StatuteAmendmentAdopted,
  StatuteAmendmentFiled,
} from '../domain/cooperative.events.js';

type Tables = 'cooperatives' | 'amendments' | 'liquidations';

/** A new version of the rules: amended, or restored when an amendment was undone. */
async function rulesInForce(
  event: StoredEvent<string, { cooperativeId: string; rules: CooperativeRules; version: number }>,
  transaction: SqlExecutor,
  tables: TableNames<Tables>,
): Promise<void> {
  await transaction.run(`UPDATE ${tables.cooperatives} SET rules = ?, rules_version = ?, position = ? WHERE id = ?`, [
    JSON.stringify(event.data.rules),
    event.data.version,
    event.position,
    event.data.cooperativeId,
  ]);
}

export const cooperativesProjection = defineProjection({
  name: 'cooperatives',
  tables: {
    cooperatives: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        chamber_of_commerce_number TEXT,
        rules TEXT NOT NULL,
        rules_version INTEGER NOT NULL,
        founded_at TEXT NOT NULL,
        position BIGINT NOT NULL
      )`,
    ],
    amendments: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        motion_id TEXT PRIMARY KEY,
        cooperative_id TEXT NOT NULL,
        status TEXT NOT NULL,
        adopted_at TEXT NOT NULL,
        deed_executed_on TEXT,
        notary TEXT,
        filed_on TEXT
      )`,
    ],
    liquidations: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (cooperative_id TEXT PRIMARY KEY, motion_id TEXT NOT NULL, dissolved_at TEXT NOT NULL, liquidators TEXT NOT NULL)`,
    ],
  },
  handlers: [
    on(CooperativeFounded, async (event, transaction, tables) => {
      await transaction.run(
        `INSERT INTO ${tables.cooperatives} (id, name, chamber_of_commerce_number, rules, rules_version, founded_at, position)
         VALUES (?, ?, ?, ?, 1, ?, ?)`,
        [
          event.data.cooperativeId,
          event.data.name,
          event.data.chamberOfCommerceNumber,
          JSON.stringify(event.data.rules),
          event.data.foundedAt,
          event.position,
        ],
      );
    }),
    on(StatuteAmendmentAdopted, async (event, transaction, tables) => {
      const { motionId, cooperativeId, adoptedAt } = event.data;
      await transaction.run(
        `INSERT INTO ${tables.amendments} (motion_id, cooperative_id, status, adopted_at) VALUES (?, ?, 'awaiting-deed', ?)
         ON CONFLICT (motion_id) DO UPDATE SET status = 'awaiting-deed'`,
        [motionId, cooperativeId, adoptedAt],
      );
    }),
    on(RulesAmended, async (event, transaction, tables) => {
      await rulesInForce(event, transaction, tables);
      const { motionId, cooperativeId, deed, amendedAt } = event.data;
      // An amendment from before deeds were recorded was adopted and put in force at once.
      await transaction.run(
        `INSERT INTO ${tables.amendments} (motion_id, cooperative_id, status, adopted_at, deed_executed_on, notary) VALUES (?, ?, 'in-force', ?, ?, ?)
         ON CONFLICT (motion_id) DO UPDATE SET status = 'in-force', deed_executed_on = excluded.deed_executed_on, notary = excluded.notary`,
        [motionId, cooperativeId, amendedAt, deed?.executedOn ?? null, deed?.notary ?? null],
      );
    }),
    on(StatuteAmendmentFiled, async (event, transaction, tables) => {
      await transaction.run(`UPDATE ${tables.amendments} SET filed_on = ? WHERE motion_id = ?`, [event.data.filedOn, event.data.motionId]);
    }),
    on(AdoptedAmendmentUndone, async (event, transaction, tables) => {
      await transaction.run(`UPDATE ${tables.amendments} SET status = 'undone' WHERE motion_id = ?`, [event.data.motionId]);
    }),
    on(CooperativeDissolved, async (event, transaction, tables) => {
      const { cooperativeId, motionId, dissolvedAt, liquidators } = event.data;
      await transaction.run(`INSERT INTO ${tables.liquidations} (cooperative_id, motion_id, dissolved_at, liquidators) VALUES (?, ?, ?, ?)`, [
        cooperativeId,
        motionId,
        dissolvedAt,
        JSON.stringify(liquidators),
      ]);
    }),
    on(DissolutionUndone, async (event, transaction, tables) => {
      await transaction.run(`DELETE FROM ${tables.liquidations} WHERE cooperative_id = ?`, [event.data.cooperativeId]);
    }),
    on(RulesAmendmentUndone, async (event, transaction, tables) => {
      await rulesInForce(event, transaction, tables);
      await transaction.run(`UPDATE ${tables.amendments} SET status = 'undone' WHERE motion_id = ?`, [event.data.motionId]);
    }),
  ],
});

export interface CooperativeView {
  readonly id: string;
  readonly name: string;
  /** The name with the members' liability, as the law has the cooperative use it (BW 2:56). */
  readonly legalName: string;
  readonly chamberOfCommerceNumber: string | null;
  readonly rules: CooperativeRules;
  readonly rulesVersion: number;
  readonly foundedAt: string;
  readonly statuteAmendments: StatuteAmendmentView[];
  /** Dissolved and being wound up (BW 2:19 lid 5), by whom; null while it is not. */
  readonly liquidation: { readonly motionId: string; readonly dissolvedAt: string; readonly liquidators: string[] } | null;
}

export const AMENDMENT_STATUSES = ['awaiting-deed', 'in-force', 'undone'] as const;

export interface StatuteAmendmentView {
  readonly motionId: string;
  readonly status: (typeof AMENDMENT_STATUSES)[number];
  readonly adoptedAt: string;
  readonly deed: { readonly executedOn: string; readonly notary: string } | null;
  readonly filedOn: string | null;
}

interface AmendmentRow {
  motion_id: string;
  status: StatuteAmendmentView['status'];
  adopted_at: string;
  deed_executed_on: string | null;
  notary: string | null;
  filed_on: string | null;
}

interface CooperativeRow {
  id: string;
  name: string;
  chamber_of_commerce_number: string | null;
  rules: string;
  rules_version: number;
  founded_at: string;
}

export async function findCooperative(
  reader: SqlExecutor,
  tables: TableNames<Tables>,
  cooperativeId: string,
): Promise<CooperativeView | undefined> {
  const row = await reader.get<CooperativeRow>(`SELECT * FROM ${tables.cooperatives} WHERE id = ?`, [cooperativeId]);
  if (!row) return undefined;
  const liquidation = await reader.get<{ motion_id: string; dissolved_at: string; liquidators: string }>(
    `SELECT * FROM ${tables.liquidations} WHERE cooperative_id = ?`,
    [cooperativeId],
  );
  const amendments = await reader.all<AmendmentRow>(
    `SELECT * FROM ${tables.amendments} WHERE cooperative_id = ? ORDER BY adopted_at, motion_id`,
    [cooperativeId],
  );
  // Parsed, not cast: a read model is a boundary too, and its JSON column is only as good as what wrote it.
  const rules = cooperativeRulesSchema.parse(JSON.parse(row.rules));
  return {
    id: row.id,
    name: row.name,
    // BW 2:19 lid 5: while it is wound up, its name says so.
    legalName: `${legalNameOf(row.name, rules.liability)}${liquidation ? ' in liquidatie' : ''}`,
    chamberOfCommerceNumber: row.chamber_of_commerce_number,
    rules,
    rulesVersion: row.rules_version,
    foundedAt: row.founded_at,
    statuteAmendments: amendments.map((amendment) => ({
      motionId: amendment.motion_id,
      status: amendment.status,
      adoptedAt: amendment.adopted_at,
      deed: amendment.deed_executed_on === null ? null : { executedOn: amendment.deed_executed_on, notary: amendment.notary ?? '' },
      filedOn: amendment.filed_on,
    })),
    liquidation: liquidation
      ? { motionId: liquidation.motion_id, dissolvedAt: liquidation.dissolved_at, liquidators: z.array(z.uuid()).parse(JSON.parse(liquidation.liquidators)) }
      : null,
  };
}
