import { defineProjection, on, type SqlExecutor, type StoredEvent, type TableNames } from '@meent/eventsourcing';
import { cooperativeRulesSchema, legalNameOf, type CooperativeRules } from '../domain/cooperative-rules.js';
import { CooperativeFounded, RulesAmended, RulesAmendmentUndone } from '../domain/cooperative.events.js';

/** A new version of the rules: amended, or restored when an amendment was undone. */
async function rulesInForce(
  event: StoredEvent<string, { cooperativeId: string; rules: CooperativeRules; version: number }>,
  transaction: SqlExecutor,
  tables: TableNames<'cooperatives'>,
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
    on(RulesAmended, rulesInForce),
    on(RulesAmendmentUndone, rulesInForce),
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
  tables: TableNames<'cooperatives'>,
  cooperativeId: string,
): Promise<CooperativeView | undefined> {
  const row = await reader.get<CooperativeRow>(`SELECT * FROM ${tables.cooperatives} WHERE id = ?`, [cooperativeId]);
  if (!row) return undefined;
  // Parsed, not cast: a read model is a boundary too, and its JSON column is only as good as what wrote it.
  const rules = cooperativeRulesSchema.parse(JSON.parse(row.rules));
  return {
    id: row.id,
    name: row.name,
    legalName: legalNameOf(row.name, rules.liability),
    chamberOfCommerceNumber: row.chamber_of_commerce_number,
    rules,
    rulesVersion: row.rules_version,
    foundedAt: row.founded_at,
  };
}
