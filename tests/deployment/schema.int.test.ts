// Every table Meent makes is made by a versioned migration, so an upgrade can tell what a database has: after a start
// of the whole server, each table in its databases is one a migration component creates, or a projection generation's.
import t from 'tap';
import { statementsFor, type SchemaComponent } from '@meent/event-store';
import { databasesOf, loadConfig } from '@meent/server';
import { testServer, TEST_SECRET } from '../support/test-server.js';

/** The tables a component's migrations create, by name as the database lists them. */
function createdBy(component: SchemaComponent): string[] {
  return component.migrations.flatMap((migration) =>
    statementsFor(migration, 'sqlite').flatMap((statement) =>
      [...statement.matchAll(/CREATE TABLE IF NOT EXISTS\s+("?[\w"]+"?\.)?(\w+)/g)].map((match) => match[2] ?? ''),
    ),
  );
}

t.test('after a start, every table in every database comes from a migration or is a projection generation', async (t) => {
  const { app, dataDir } = await testServer(t);
  await app.close();
  const config = loadConfig({ MEENT_DATA_DIR: dataDir, MEENT_JWT_SECRET: TEST_SECRET });
  for (const database of databasesOf(config)) {
    const reader = await database.open();
    t.ok(reader, `${database.holds}: there`);
    if (!reader) continue;
    const declared = new Set(database.components.flatMap(createdBy));
    const tables = (await reader.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).map(
      (row) => row.name,
    );
    await reader.close();
    const unaccounted = tables.filter((table) => !declared.has(table) && !/^[a-z_]+_g\d+_[a-z_]+$/.test(table) && table !== 'meent_schema_migrations');
    t.same(unaccounted, [], `${database.holds}: no table outside a migration`);
    t.ok(tables.length > 1, `${database.holds}: tables were made (${tables.length})`);
    if (database.readModels) t.ok(tables.some((table) => /^cooperatives_g1_/.test(table)), 'the projections built theirs');
  }
});
