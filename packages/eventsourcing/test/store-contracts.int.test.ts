// The read-model store and key store contracts, on SQLite (a temporary file) and on PostgreSQL (a schema of its own).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { PostgresKeyStore, PostgresReadModelStore, SqliteKeyStore, SqliteReadModelStore } from '@meent/eventsourcing';
import { keyStoreContract, readModelStoreContract, temporaryDirectory } from '@meent/eventsourcing/testing';

t.test('the read-model store contract on SQLite', async (t) => {
  readModelStoreContract(t, {
    sharedByProcesses: false,
    async create() {
      const path = join(temporaryDirectory(t), 'read-models.db');
      const store = new SqliteReadModelStore({ path });
      return { store, reopen: async () => new SqliteReadModelStore({ path }), destroy: () => store.close() };
    },
  });
});

t.test('the key store contract on SQLite', async (t) => {
  keyStoreContract(t, {
    sharedByProcesses: false,
    async create() {
      const path = join(temporaryDirectory(t), 'keys.db');
      const store = new SqliteKeyStore({ path });
      return { store, reopen: async () => new SqliteKeyStore({ path }), destroy: () => store.close() };
    },
  });
});

const url = process.env.MEENT_TEST_POSTGRES_URL;

/** Stores of one kind, each made in a schema of its own and dropped with it; `reopen` opens the same schema again. */
function inFreshSchemas<Store extends { close(): Promise<void> }>(open: (schema: string) => Store) {
  return async () => {
    const schema = `meent_test_${randomBytes(6).toString('hex')}`;
    const store = open(schema);
    return {
      store,
      reopen: async () => open(schema),
      async destroy() {
        await store.close();
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      },
    };
  };
}

if (!url) {
  const reason = process.env.MEENT_TEST_POSTGRES_UNAVAILABLE ?? 'MEENT_TEST_POSTGRES_URL is not set';
  if (process.env.MEENT_REQUIRE_POSTGRES) t.fail(`PostgreSQL is required here: ${reason}`);
  else t.test('the read-model store and key store contracts on PostgreSQL', { skip: reason }, async () => undefined);
} else {
  const connectionString = url;
  t.test('the read-model store contract on PostgreSQL', async (t) => {
    readModelStoreContract(t, {
      sharedByProcesses: true,
      create: inFreshSchemas((schema) => new PostgresReadModelStore({ connectionString, schema })),
    });
  });
  t.test('the key store contract on PostgreSQL', async (t) => {
    keyStoreContract(t, {
      sharedByProcesses: true,
      create: inFreshSchemas((schema) => new PostgresKeyStore({ connectionString, schema })),
    });
  });
}
