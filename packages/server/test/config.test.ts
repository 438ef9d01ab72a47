import t from 'tap';
import { ConfigError, loadConfig } from '@meent/server';

t.test('with no environment at all: the embedded store under ./data on 127.0.0.1:3000', async (t) => {
  t.match(loadConfig({}), {
    host: '127.0.0.1',
    port: 3000,
    dataDir: /\/data$/,
    eventStore: 'sqlite',
    readStore: 'sqlite',
    sqliteDurability: 'normal',
    jwtSecret: undefined,
    readWaitMs: 5000,
  });
});

t.test('refuses, naming the variable', async (t) => {
  t.throws(() => loadConfig({ MEENT_PORT: '99999' }), { name: 'ConfigError', message: /MEENT_PORT/ });
  t.throws(() => loadConfig({ MEENT_JWT_SECRET: 'short' }), { message: /MEENT_JWT_SECRET: must be at least 32 characters/ });
  t.throws(() => loadConfig({ MEENT_SQLITE_DURABILITY: 'sometimes' }), /MEENT_SQLITE_DURABILITY/);
  t.throws(() => loadConfig({ MEENT_EVENT_STORE: 'postgres' }), /MEENT_POSTGRES_URL: required/);
  t.throws(() => loadConfig({ MEENT_READ_STORE: 'postgres', MEENT_POSTGRES_URL: 'mysql://x' }), /MEENT_POSTGRES_URL/);
  t.throws(() => loadConfig({ MEENT_EVENT_STORE: 'eventstoredb' }), /MEENT_EVENTSTORE_URL: required/);
  t.throws(() => loadConfig({ MEENT_EVENT_STORE: 'eventstoredb', MEENT_EVENTSTORE_URL: 'http://h:2113' }), /MEENT_EVENTSTORE_URL/);
  t.throws(() => loadConfig({ MEENT_EVENTSTORE_NAMESPACE: 'Coop-1' }), /MEENT_EVENTSTORE_NAMESPACE/);
  t.throws(() => loadConfig({ MEENT_TRUST_PROXY: 'the-gateway' }), /MEENT_TRUST_PROXY/);
  t.throws(() => loadConfig({ MEENT_METRICS_ALLOW_FROM: '10.0.0.0/8' }), /MEENT_METRICS_ALLOW_FROM/, 'addresses, not ranges');
  t.throws(() => loadConfig({ MEENT_OUTBOX_POLL_MS: '5' }), /MEENT_OUTBOX_POLL_MS/);
  t.throws(() => loadConfig({ MEENT_APP_API_URL: 'ftp://meent.example' }), /MEENT_APP_API_URL: must be the http\(s\) address of a Meent API/);
  t.ok(new ConfigError('x') instanceof Error);
});

t.test('PostgreSQL, when asked for', async (t) => {
  t.match(loadConfig({ MEENT_EVENT_STORE: 'postgres', MEENT_POSTGRES_URL: 'postgres://u:p@h:5432/d' }), {
    eventStore: 'postgres',
    readStore: 'sqlite',
    postgresUrl: 'postgres://u:p@h:5432/d',
    postgresSchema: 'meent',
  });
});

t.test('EventStoreDB, when asked for', async (t) => {
  const url = 'esdb+discover://node1:2113,node2:2113,node3:2113?tls=false';
  t.match(loadConfig({ MEENT_EVENT_STORE: 'eventstoredb', MEENT_EVENTSTORE_URL: url, MEENT_EVENTSTORE_NAMESPACE: 'coop_1' }), {
    eventStore: 'eventstoredb',
    eventStoreDbUrl: url,
    eventStoreDbNamespace: 'coop_1',
    readStore: 'sqlite',
  });
});
