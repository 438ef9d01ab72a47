// What every read-model store and key store promises, whatever holds it: run against SQLite and PostgreSQL alike, as
// the event store's contract is, so a new adapter proves itself by passing them.
import { defineSchema, SchemaMigrationError, type SchemaMigration } from '@meent/event-store';
import type { Test } from 'tap';
import type { KeyStore } from '../personal-data.js';
import type { ReadModelStore } from '../read-model-store.js';

export interface StoreFactory<Store> {
  /** A fresh, empty store; `reopen` opens the same data again, as a second process or a restart would. */
  create(): Promise<{ readonly store: Store; reopen(): Promise<Store>; destroy(): Promise<void> }>;
  /** Whether several processes share the store (a server), or it serves one (embedded): leases differ. */
  readonly sharedByProcesses: boolean;
}

async function using<Store extends { close(): Promise<void> }>(t: Test, factory: StoreFactory<Store>) {
  const made = await factory.create();
  const opened: Store[] = [];
  t.teardown(async () => {
    for (const store of opened) await store.close();
    await made.destroy();
  });
  return {
    store: made.store,
    reopen: async () => {
      const store = await made.reopen();
      opened.push(store);
      return store;
    },
  };
}

export function readModelStoreContract(t: Test, factory: StoreFactory<ReadModelStore>): void {
  t.test('a transaction commits all of its work, or none of it', async (t) => {
    const { store } = await using(t, factory);
    await store.transaction((transaction) => transaction.run('CREATE TABLE contract_rows (id TEXT PRIMARY KEY, amount BIGINT NOT NULL)'));
    await store.transaction(async (transaction) => {
      await transaction.run('INSERT INTO contract_rows (id, amount) VALUES (?, ?)', ['a', 1]);
      await transaction.run('INSERT INTO contract_rows (id, amount) VALUES (?, ?)', ['b', 2]);
    });
    const failed = await store
      .transaction(async (transaction) => {
        await transaction.run('INSERT INTO contract_rows (id, amount) VALUES (?, ?)', ['c', 3]);
        await transaction.run('INSERT INTO contract_rows (id, amount) VALUES (?, ?)', ['a', 4]);
      })
      .then(() => undefined, (error: unknown) => error);
    t.ok(failed instanceof Error, 'a statement that fails fails the transaction');
    const rows = await store.reader.all<{ id: string; amount: number | string }>('SELECT id, amount FROM contract_rows ORDER BY id');
    t.same(rows.map((row) => [row.id, Number(row.amount)]), [['a', 1], ['b', 2]], 'nothing of the failed transaction is left');
  });

  t.test('the reader sees committed data only, never a transaction half-way', async (t) => {
    const { store } = await using(t, factory);
    await store.transaction((transaction) => transaction.run('CREATE TABLE contract_seen (id TEXT PRIMARY KEY)'));
    let seenMidway: unknown[] | undefined;
    await store.transaction(async (transaction) => {
      await transaction.run('INSERT INTO contract_seen (id) VALUES (?)', ['half-way']);
      seenMidway = await store.reader.all('SELECT id FROM contract_seen');
    });
    t.same(seenMidway, [], 'not while the transaction runs');
    t.same(await store.reader.all('SELECT id FROM contract_seen'), [{ id: 'half-way' }], 'once it committed');
    t.equal(await store.reader.get('SELECT id FROM contract_seen WHERE id = ?', ['missing']), undefined, 'no row: undefined');
  });

  t.test('rows inserted together are all there, in every column, or none when one fails', async (t) => {
    const { store } = await using(t, factory);
    await store.transaction((transaction) =>
      transaction.run('CREATE TABLE contract_inserted (id TEXT PRIMARY KEY, amount BIGINT NOT NULL, note TEXT)'),
    );
    const columns = ['id', 'amount', 'note'];
    // More values than PostgreSQL takes in one statement (65,535).
    const rows = Array.from({ length: 25_000 }, (_, index) => [`row-${String(index).padStart(5, '0')}`, index, index % 2 === 0 ? null : `odd ${index}`]);
    await store.transaction(async (transaction) => {
      await transaction.insertRows('contract_inserted', columns, rows);
      await transaction.insertRows('contract_inserted', columns, []);
    });
    const stored = await store.reader.all<{ id: string; amount: number | string; note: string | null }>(
      'SELECT id, amount, note FROM contract_inserted ORDER BY id',
    );
    t.same(stored.map((row) => [row.id, Number(row.amount), row.note]), rows, 'every row, every value, nulls as nulls');

    const failed = await store
      .transaction((transaction) => transaction.insertRows('contract_inserted', columns, [['new', 1, null], ['row-00000', 2, null]]))
      .then(() => undefined, (error: unknown) => error);
    t.ok(failed instanceof Error, 'a row that cannot be inserted fails the transaction');
    const shortRow = await store
      .transaction((transaction) => transaction.insertRows('contract_inserted', columns, [['short', 1]]))
      .then(() => undefined, (error: unknown) => error);
    t.match(String(shortRow), /a row of 2 values for 3 columns/, 'a row without a value for each column is refused');
    const count = await store.reader.get<{ count: number | string }>('SELECT count(*) AS count FROM contract_inserted');
    t.equal(Number(count?.count), rows.length, 'nothing of the failed insertions is left');
  });

  t.test('transactions side by side each commit their own work', async (t) => {
    const { store } = await using(t, factory);
    await store.transaction((transaction) => transaction.run('CREATE TABLE contract_rows (id TEXT PRIMARY KEY)'));
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        store.transaction((transaction) => transaction.run('INSERT INTO contract_rows (id) VALUES (?)', [`row-${index}`])),
      ),
    );
    const row = await store.reader.get<{ count: number | string }>('SELECT count(*) AS count FROM contract_rows');
    t.equal(Number(row?.count), 20);
  });

  t.test('a lease has one holder at a time; released, another may take it', async (t) => {
    const { store, reopen } = await using(t, factory);
    // An embedded store serves one process: its leases keep two holders in that process apart.
    const other = factory.sharedByProcesses ? await reopen() : store;
    const first = await store.lease('contract-lease');
    t.ok(first, 'the first asker holds it');
    t.equal(await store.lease('contract-lease'), undefined, 'nobody else in this process, while it is held');
    t.equal(await other.lease('contract-lease'), undefined, 'nor in another process');
    const otherName = await other.lease('another-lease');
    t.ok(otherName, 'a lease of another name is free');
    await otherName?.release();
    await first?.release();
    const second = await other.lease('contract-lease');
    t.ok(second, 'released, it is there for the next');
    await second?.release();
  });

  t.test('the store answers a ping, and data outlives a reopening', async (t) => {
    const { store, reopen } = await using(t, factory);
    await store.ping();
    await store.transaction(async (transaction) => {
      await transaction.run('CREATE TABLE contract_kept (id TEXT PRIMARY KEY)');
      await transaction.run('INSERT INTO contract_kept (id) VALUES (?)', ['kept']);
    });
    await store.forgetOverwritten();
    const again = await reopen();
    t.same(await again.reader.all('SELECT id FROM contract_kept'), [{ id: 'kept' }]);
  });

  migrationContract(t, factory);
}


/** A component's migrations as a release would ship them: a table, then a column, then an index. */
const CONTRACT_MIGRATIONS: readonly SchemaMigration[] = [
  {
    version: 1,
    description: 'the members table',
    statements: ['CREATE TABLE IF NOT EXISTS contract_members (id TEXT PRIMARY KEY, name TEXT NOT NULL)'],
  },
  { version: 2, description: 'when each joined', statements: ['ALTER TABLE contract_members ADD COLUMN joined_on TEXT'] },
  { version: 3, description: 'members by date', statements: ['CREATE INDEX contract_members_by_date ON contract_members (joined_on)'] },
];
const releasedUpTo = (version: number) => defineSchema('contract-members', CONTRACT_MIGRATIONS.slice(0, version));
const versionsOf = (applied: readonly SchemaMigration[]) => applied.map((migration) => migration.version);

function migrationContract(t: Test, factory: StoreFactory<ReadModelStore>): void {
  t.test('migrations apply in order, each once, and the data of earlier versions stays', async (t) => {
    const { store } = await using(t, factory);
    t.same(versionsOf(await store.migrate(releasedUpTo(1))), [1], 'a fresh database gets the first release');
    await store.transaction((transaction) => transaction.run('INSERT INTO contract_members (id, name) VALUES (?, ?)', ['m1', 'Anna']));
    t.same(versionsOf(await store.migrate(releasedUpTo(1))), [], 'starting again applies nothing');
    t.same(versionsOf(await store.migrate(releasedUpTo(3))), [2, 3], 'an upgrade applies what it lacks, in order');
    await store.transaction((transaction) =>
      transaction.run('INSERT INTO contract_members (id, name, joined_on) VALUES (?, ?, ?)', ['m2', 'Bram', '2026-11-29']),
    );
    t.same(
      await store.reader.all('SELECT id, name, joined_on FROM contract_members ORDER BY id'),
      [
        { id: 'm1', name: 'Anna', joined_on: null },
        { id: 'm2', name: 'Bram', joined_on: '2026-11-29' },
      ],
    );
  });

  t.test('tables made before migrations were recorded are taken as the first version', async (t) => {
    const { store } = await using(t, factory);
    await store.transaction(async (transaction) => {
      await transaction.run('CREATE TABLE contract_members (id TEXT PRIMARY KEY, name TEXT NOT NULL)');
      await transaction.run('INSERT INTO contract_members (id, name) VALUES (?, ?)', ['m1', 'Anna']);
    });
    t.same(versionsOf(await store.migrate(releasedUpTo(2))), [1, 2]);
    t.same(await store.reader.all('SELECT id, joined_on FROM contract_members'), [{ id: 'm1', joined_on: null }]);
  });

  t.test('tables a newer version made are refused, as is a released migration that changed', async (t) => {
    const { store } = await using(t, factory);
    await store.migrate(releasedUpTo(3));
    const older = await store.migrate(releasedUpTo(2)).then(() => undefined, (error: unknown) => error);
    t.ok(older instanceof SchemaMigrationError, 'an older version refuses');
    t.match(String(older), /contract-members tables are at version 3, made by a newer Meent; this one knows versions up to 2/);
    const changed = defineSchema('contract-members', [
      CONTRACT_MIGRATIONS[0] as SchemaMigration,
      { version: 2, description: 'when each joined', statements: ['ALTER TABLE contract_members ADD COLUMN joined_at TEXT'] },
      CONTRACT_MIGRATIONS[2] as SchemaMigration,
    ]);
    const edited = await store.migrate(changed).then(() => undefined, (error: unknown) => error);
    t.ok(edited instanceof SchemaMigrationError, 'an edited migration refuses');
    t.match(String(edited), /contract-members migration 2 \(when each joined\) is not the one applied on/);
  });

  t.test('every process applies each migration once between them', async (t) => {
    const { store, reopen } = await using(t, factory);
    const processes = [store, await reopen(), await reopen()];
    // Processes sharing a server start together; an embedded store's file has one process at a time.
    const applied = factory.sharedByProcesses
      ? await Promise.all(processes.map((each) => each.migrate(releasedUpTo(3))))
      : [await processes[0]?.migrate(releasedUpTo(2)), await processes[1]?.migrate(releasedUpTo(3)), await processes[2]?.migrate(releasedUpTo(3))];
    t.same(applied.flatMap((each) => versionsOf(each ?? [])).sort(), [1, 2, 3]);
  });
}

export function keyStoreContract(t: Test, factory: StoreFactory<KeyStore>): void {
  t.test('a key is made once, and the same key is answered every time after', async (t) => {
    const { store, reopen } = await using(t, factory);
    t.equal(await store.key('member-1'), undefined, 'no key before one is made');
    await store.createKey('member-1');
    const key = await store.key('member-1');
    t.equal(key?.length, 32, 'a 256-bit key');
    await store.createKey('member-1');
    t.same(await store.key('member-1'), key, 'making it again changes nothing');
    t.same(await (await reopen()).key('member-1'), key, 'another process reads the same key');
    await store.createKey('member-2');
    t.notSame(await store.key('member-2'), key, 'each subject has a key of its own');
  });

  t.test('a destroyed key is gone for good, with the moment it went', async (t) => {
    const { store, reopen } = await using(t, factory);
    await store.createKey('member-1');
    t.equal(await store.destroyedAt('member-1'), undefined, 'not destroyed yet');
    await store.destroyKey('member-1');
    t.equal(await store.key('member-1'), undefined, 'no key once destroyed');
    t.match(await store.destroyedAt('member-1'), /^\d{4}-\d{2}-\d{2}T/, 'when it was destroyed');
    await store.createKey('member-1');
    t.equal(await store.key('member-1'), undefined, 'never made again');
    t.equal(await (await reopen()).key('member-1'), undefined, 'not in another process either');
  });

  t.test('the blind-index key is one for the deployment', async (t) => {
    const { store, reopen } = await using(t, factory);
    const indexKey = await store.indexKey();
    t.equal(indexKey.length, 32);
    t.same(await store.indexKey(), indexKey, 'the same every time');
    t.same(await (await reopen()).indexKey(), indexKey, 'and in every process');
  });
}
