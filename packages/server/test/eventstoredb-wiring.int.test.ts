import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildServer, loadConfig } from '@meent/server';

t.test('on EventStoreDB: the cluster answers readiness, keys stay beside the server in keys.db', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'meent-esdb-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = loadConfig({
    MEENT_EVENT_STORE: 'eventstoredb',
    // Nothing listens on port 1: the server must start and say it is not ready rather than crash.
    MEENT_EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false',
    MEENT_DATA_DIR: dataDir,
    MEENT_LOG_LEVEL: 'silent',
  });
  const app = await buildServer({ config });
  t.teardown(() => app.close());
  const ready = await app.inject({ method: 'GET', url: '/health/ready' });
  t.equal(ready.statusCode, 503);
  t.match(ready.json(), { code: 'NOT_READY', detail: 'event-store is not reachable' });
  t.ok(existsSync(join(dataDir, 'keys.db')), 'personal-data keys in keys.db');
  t.notOk(existsSync(join(dataDir, 'events.db')), 'no SQLite event store');
});
