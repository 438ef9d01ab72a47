// Budget and initiative funding decide under a cooperative's rules (four eyes, the board's mandate, the financial
// year) without calling into membership: each keeps its own copy of the rules in force, kept by these handlers.
import { on, type HandlerEntry, type SqlExecutor, type StoredEvent, type TableNames } from '@meent/eventsourcing';
import { cooperativeRulesSchema, type CooperativeRules } from '../domain/cooperative-rules.js';
import { CooperativeFounded, RulesAmended, RulesAmendmentUndone } from '../domain/cooperative.events.js';

/** The copy's table, under the name `cooperatives` in the projection that keeps it. */
export const rulesCopyTable = (name: string) => [`CREATE TABLE IF NOT EXISTS ${name} (id TEXT PRIMARY KEY, rules TEXT NOT NULL)`];

/** A new version of the rules: amended, or restored when an amendment was undone. */
async function copyRulesInForce(
  event: StoredEvent<string, { cooperativeId: string; rules: CooperativeRules }>,
  transaction: SqlExecutor,
  tables: TableNames<'cooperatives'>,
): Promise<void> {
  await transaction.run(`UPDATE ${tables.cooperatives} SET rules = ? WHERE id = ?`, [JSON.stringify(event.data.rules), event.data.cooperativeId]);
}

export const rulesCopyHandlers: readonly HandlerEntry<'cooperatives'>[] = [
  on(CooperativeFounded, async (event, transaction, tables: TableNames<'cooperatives'>) => {
    await transaction.run(`INSERT INTO ${tables.cooperatives} (id, rules) VALUES (?, ?)`, [
      event.data.cooperativeId,
      JSON.stringify(event.data.rules),
    ]);
  }),
  on(RulesAmended, copyRulesInForce),
  on(RulesAmendmentUndone, copyRulesInForce),
];

export async function copiedRulesOf(
  reader: SqlExecutor,
  tables: TableNames<'cooperatives'>,
  cooperativeId: string,
): Promise<CooperativeRules | undefined> {
  const row = await reader.get<{ rules: string }>(`SELECT rules FROM ${tables.cooperatives} WHERE id = ?`, [cooperativeId]);
  return row && cooperativeRulesSchema.parse(JSON.parse(row.rules));
}
