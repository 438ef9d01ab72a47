import { existsSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { SqliteEventStore, checkpointInBackground, openSqliteDatabase } from '@meent/event-store';

function temporaryDirectory(test: Test): string {
  const directory = mkdtempSync(join(tmpdir(), 'meent-checkpoints-'));
  test.teardown(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

function fill(db: Database.Database, rows: number): void {
  db.exec('CREATE TABLE IF NOT EXISTS filler (text TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO filler (text) VALUES (?)');
  db.transaction(() => {
    for (let row = 0; row < rows; row += 1) insert.run('x'.repeat(1000));
  })();
}

t.test('a registered database leaves its checkpoints to the worker, which copies its log into the file', async (t) => {
  const path = join(temporaryDirectory(t), 'filled.db');
  const db = openSqliteDatabase(path, 'normal');
  const checkpoints = checkpointInBackground(db);
  t.equal(db.pragma('wal_autocheckpoint', { simple: true }), 65_536, 'its own only once the log reaches 256 MiB');

  fill(db, 5000);
  const result = await checkpoints.checkpoint();
  t.ok(result.log > 1000, `${result.log} frames in the log: more than SQLite would have let it hold`);
  t.equal(result.checkpointed, result.log, 'all of them now in the database file');
  t.ok(statSync(path).size > 5_000_000);

  await checkpoints.release();
  db.close();
  t.notOk(existsSync(`${path}-wal`), 'the worker let go first, so the last connection to close removed the log');
});

t.test('a database the worker cannot open checkpoints itself again, as SQLite does by default', async (t) => {
  const directory = temporaryDirectory(t);
  const path = join(directory, 'moved.db');
  const db = openSqliteDatabase(path, 'normal');
  fill(db, 1);
  renameSync(path, join(directory, 'elsewhere.db'));
  const checkpoints = checkpointInBackground(db);

  await t.rejects(checkpoints.checkpoint(), /no background checkpoint/);
  t.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000);
  await checkpoints.release();
  db.close();
});

t.test('a database without a write-ahead log is left as it is', async (t) => {
  const db = new Database(':memory:');
  const checkpoints = checkpointInBackground(db);
  t.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000);
  t.same(await checkpoints.checkpoint(), { log: 0, checkpointed: 0 });
  await checkpoints.release();
  db.close();
});

t.test('the event store lets its background checkpoints go before it closes its file', async (t) => {
  const directory = temporaryDirectory(t);
  const path = join(directory, 'events.db');
  const store = new SqliteEventStore({ path });
  // The worker takes requests in turn: once a database registered after the store's is checkpointed, the worker has
  // the store's file open as well.
  const later = openSqliteDatabase(join(directory, 'later.db'), 'normal');
  const laterCheckpoints = checkpointInBackground(later);
  await laterCheckpoints.checkpoint();
  await store.append('tally-1', [{ id: '0195b3a0-0000-7000-8000-000000000001', type: 'Counted', data: {}, metadata: {} }], 'no_stream');
  await store.close();
  t.notOk(existsSync(`${path}-wal`));
  const reopened = new SqliteEventStore({ path });
  t.equal(await reopened.headPosition(), 1);
  await reopened.close();
  await laterCheckpoints.release();
  later.close();
});
