import t from 'tap';
import { StoreUnavailableError, type EventStore } from '@meent/event-store';
import { z } from 'zod';
import {
  EventRegistry,
  Projections,
  defineEvent,
  defineProjection,
  on,
  type Projection,
  type ReadModelStore,
  type SqlExecutor,
  type TableNames,
} from '@meent/eventsourcing';
import { temporaryStores } from '@meent/eventsourcing/testing';
import { v7 as uuidv7 } from 'uuid';
import { Incremented, countersProjection } from './counter.fixture.js';

const registry = new EventRegistry([Incremented]);

async function increment(store: EventStore, stream: string, by: number): Promise<number> {
  const id = uuidv7();
  const result = await store.append(
    stream,
    [
      {
        id,
        type: 'Incremented',
        data: { by },
        metadata: {
          eventId: id,
          cooperativeId: 'c',
          actor: { id: 'a', roles: [] },
          correlationId: 'r',
          causationId: null,
          occurredAt: '2026-11-25T12:00:00.000Z',
          schemaVersion: 2,
        },
      },
    ],
    'any',
  );
  return result.position;
}

const totals = (projections: Projections) =>
  projections.query(countersProjection, (reader, tables: TableNames<'totals'>) =>
    reader.all<{ stream: string; total: number; events: number }>(`SELECT * FROM ${tables.totals} ORDER BY stream`),
  );

const start = (
  store: EventStore,
  readModels: ReadModelStore,
  projections: Projection[] = [countersProjection],
  onFailure?: (projection: string) => void,
) => Projections.start({ store, readModels, registry, projections, ...(onFailure ? { onFailure } : {}) });

t.test('given events, the read model holds their sum and the checkpoint their position', async (t) => {
  const { store, readModels } = temporaryStores(t);
  await increment(store, 'counter-a', 2);
  await increment(store, 'counter-b', 5);
  const projections = await start(store, readModels);
  t.teardown(() => projections.close());
  const last = await increment(store, 'counter-a', 3);
  t.ok(await projections.waitForPosition(['counters'], last, 5000));
  t.same(await totals(projections), [
    { stream: 'counter-a', total: 5, events: 2 },
    { stream: 'counter-b', total: 5, events: 1 },
  ]);
  const [info] = await projections.list();
  t.match(info, { name: 'counters', status: 'running', generation: 1, position: last, lag: 0 });
  await t.rejects(
    projections.waitForPosition(['counters'], last + 10, 50),
    { name: 'PositionBeyondHeadError', statusCode: 400, code: 'POSITION_BEYOND_HEAD', head: last },
    'a position the log has not reached is refused at once, naming the head',
  );
});

t.test('a restarted process resumes from the checkpoint, applying nothing twice', async (t) => {
  const { store, readModels } = temporaryStores(t);
  const first = await start(store, readModels);
  const before = await increment(store, 'counter-a', 1);
  await first.waitForPosition(['counters'], before, 5000);
  await first.close();
  await increment(store, 'counter-a', 10);
  const last = await increment(store, 'counter-b', 100);
  const second = await start(store, readModels);
  t.teardown(() => second.close());
  await second.waitForPosition(['counters'], last, 5000);
  t.same(await totals(second), [
    { stream: 'counter-a', total: 11, events: 2 },
    { stream: 'counter-b', total: 100, events: 1 },
  ]);
});

t.test("the sums a batch adds to are added up and written once a row, added to what the row held", async (t) => {
  const { store, readModels } = temporaryStores(t);
  const summed = defineProjection({
    name: 'summed',
    tables: {
      sums: (name) => [`CREATE TABLE IF NOT EXISTS ${name} (stream TEXT NOT NULL, parity TEXT NOT NULL, total INTEGER NOT NULL, events INTEGER NOT NULL, PRIMARY KEY (stream, parity))`],
    },
    handlers: [
      on(Incremented, async (event, transaction, tables: TableNames<'sums'>) => {
        transaction.addToSums(tables.sums, { stream: event.stream, parity: event.data.by % 2 === 0 ? 'even' : 'odd' }, { total: event.data.by, events: 1 });
      }),
    ],
  });
  const writes: string[] = [];
  const counted = new Proxy(readModels, {
    get(target, key) {
      if (key === 'transaction') {
        return <T>(work: (transaction: SqlExecutor) => Promise<T>) =>
          target.transaction((executor) =>
            work({
              ...executor,
              run: (sql, parameters) => {
                if (sql.startsWith('INSERT INTO summed_')) writes.push(String(parameters?.[0]));
                return executor.run(sql, parameters);
              },
            }),
          );
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  for (const by of [1, 2, 3, 4, 5]) await increment(store, 'counter-a', by);
  await increment(store, 'counter-b', 7);
  const projections = await start(store, counted, [summed]);
  t.teardown(() => projections.close());
  t.ok(await projections.waitForPosition(['summed'], await store.headPosition(), 5000));
  t.same(writes.sort(), ['counter-a', 'counter-a', 'counter-b'], 'one batch: a write for each row it adds to');
  const last = await increment(store, 'counter-a', 10);
  t.ok(await projections.waitForPosition(['summed'], last, 5000));
  const sums = await projections.query(summed, (reader, tables) =>
    reader.all<{ stream: string; parity: string; total: number; events: number }>(`SELECT * FROM ${tables.sums} ORDER BY stream, parity`),
  );
  t.same(sums, [
    { stream: 'counter-a', parity: 'even', total: 16, events: 3 },
    { stream: 'counter-a', parity: 'odd', total: 9, events: 3 },
    { stream: 'counter-b', parity: 'odd', total: 7, events: 1 },
  ]);
});

t.test('a projection whose handler throws stops there while the others run on, and resumes once fixed', async (t) => {
  const { store, readModels } = temporaryStores(t);
  let broken = true;
  const fragile = defineProjection({
    name: 'fragile',
    tables: { seen: (name) => [`CREATE TABLE IF NOT EXISTS ${name} (stream TEXT, by INTEGER)`] },
    handlers: [
      on(Incremented, async (event, transaction, tables) => {
        await transaction.run(`INSERT INTO ${tables.seen} (stream, by) VALUES (?, ?)`, [event.stream, event.data.by]);
        if (broken && event.data.by === 13) throw new Error('thirteen is unlucky');
      }),
    ],
  });
  let reportFailure: (projection: string) => void = () => undefined;
  const failure = new Promise<string>((resolve) => {
    reportFailure = resolve;
  });
  const projections = await start(store, readModels, [countersProjection, fragile], reportFailure);
  t.teardown(() => projections.close());
  await increment(store, 'counter-a', 1);
  const unlucky = await increment(store, 'counter-a', 13);
  const last = await increment(store, 'counter-a', 2);

  t.equal(await failure, 'fragile');
  await projections.waitForPosition(['counters'], last, 5000);
  t.same(await totals(projections), [{ stream: 'counter-a', total: 16, events: 3 }], 'the others keep running');
  const failed = await projections.info('fragile');
  t.equal(failed.status, 'failed');
  t.match(failed.failure, { message: 'thirteen is unlucky', position: unlucky, eventType: 'Incremented' });
  t.ok(failed.position < unlucky, 'the checkpoint stays before the failing event');

  broken = false;
  await projections.restart('fragile');
  t.ok(await projections.waitForPosition(['fragile'], last, 5000));
  const seen = await projections.query(fragile, (reader, tables) =>
    reader.all<{ by: number }>(`SELECT by FROM ${tables.seen} ORDER BY rowid`),
  );
  t.same(
    seen.map((row) => row.by),
    [1, 13, 2],
    'the failed batch was rolled back, then applied once',
  );
});

t.test('a projection whose store fails under it retries from its checkpoint, says so, and applies each event once', async (t) => {
  const { store, readModels } = temporaryStores(t);
  let outageLeft = 3;
  const flaky = defineProjection({
    name: 'flaky',
    tables: { seen: (name) => [`CREATE TABLE IF NOT EXISTS ${name} (stream TEXT, by INTEGER)`] },
    handlers: [
      on(Incremented, async (event, transaction, tables) => {
        await transaction.run(`INSERT INTO ${tables.seen} (stream, by) VALUES (?, ?)`, [event.stream, event.data.by]);
        if (event.data.by === 7 && outageLeft > 0) {
          outageLeft -= 1;
          throw new StoreUnavailableError('the read models are out of reach');
        }
      }),
    ],
  });
  const failures: string[] = [];
  const projections = await start(store, readModels, [flaky], (projection) => failures.push(projection));
  t.teardown(() => projections.close());
  await increment(store, 'counter-a', 1);
  const seventh = await increment(store, 'counter-a', 7);
  const last = await increment(store, 'counter-a', 2);

  t.ok(await projections.waitForPosition(['flaky'], last, 10_000), 'it caught up without an admin');
  const info = await projections.info('flaky');
  t.match(info, { status: 'running', failure: null, lastError: { message: 'the read models are out of reach', attempts: 3 } });
  t.ok(info.position >= seventh);
  t.same(failures, [], 'a store failure is no failure of the projection');
  const seen = await projections.query(flaky, (reader, tables) => reader.all<{ by: number }>(`SELECT by FROM ${tables.seen} ORDER BY rowid`));
  t.same(
    seen.map((row) => row.by),
    [1, 7, 2],
    'each failed batch was rolled back, and every event applied once',
  );
});

t.test('a projection passing over events keeps the position it reached while storing an earlier one', async (t) => {
  // The log holds only events this projection ignores: it moves as the store reports reading past them, and stores
  // its checkpoint once nothing came for a while. Progress reported while that store is under way must not be lost
  // when it commits — with no more events coming, nothing would move the projection again.
  const Reset = defineEvent('Reset', { version: 1, schema: z.object({}) });
  const resets = defineProjection({
    name: 'resets',
    tables: { resets: (name) => [`CREATE TABLE IF NOT EXISTS ${name} (stream TEXT)`] },
    handlers: [on(Reset, async (event, transaction, tables) => transaction.run(`INSERT INTO ${tables.resets} (stream) VALUES (?)`, [event.stream]))],
  });
  const { store, readModels } = temporaryStores(t);
  const checkpoints = checkpointWrites(readModels);
  const projections = await Projections.start({ store, readModels: checkpoints.store, registry: new EventRegistry([Incremented, Reset]), projections: [resets] });
  t.teardown(() => projections.close());

  const passedFirst = await increment(store, 'counter-a', 1);
  const storing = await checkpoints.next();
  t.equal(storing.position, passedFirst, 'with nothing more coming, it stores how far it read');
  const passedLast = await increment(store, 'counter-a', 2);
  t.ok(await projections.waitForPosition(['resets'], passedLast, 5000), 'reading on while the checkpoint is being stored');
  storing.commit();

  const storedNext = await Promise.race([checkpoints.next(), timeout(5000)]);
  t.equal(storedNext === 'timed out' ? storedNext : storedNext.position, passedLast, 'the next checkpoint stored is the position it reached');
  if (storedNext !== 'timed out') storedNext.commit();
  t.equal((await projections.info('resets')).position, passedLast, 'and reports it');
});

interface CheckpointWrite {
  /** The position the projection is storing as its checkpoint. */
  readonly position: number;
  /** Lets the transaction storing it go on. */
  readonly commit: () => void;
}

/** `readModels` whose transactions wait, at their checkpoint update, until the test lets each one go on. */
function checkpointWrites(readModels: ReadModelStore): { store: ReadModelStore; next: () => Promise<CheckpointWrite> } {
  const arrived: CheckpointWrite[] = [];
  let waiting: ((write: CheckpointWrite) => void) | undefined;
  const held = (executor: SqlExecutor): SqlExecutor => ({
    run: (sql, parameters) => executor.run(sql, parameters),
    all: (sql, parameters) => executor.all(sql, parameters),
    insertRows: (table, columns, rows) => executor.insertRows(table, columns, rows),
    get: async (sql, parameters) => {
      if (sql.startsWith('UPDATE meent_projection_checkpoints')) {
        await new Promise<void>((commit) => {
          const write = { position: Number(parameters?.[0]), commit };
          if (waiting) waiting(write);
          else arrived.push(write);
          waiting = undefined;
        });
      }
      return executor.get(sql, parameters);
    },
  });
  const store = new Proxy(readModels, {
    get(target, key) {
      if (key === 'transaction') return <T>(work: (transaction: SqlExecutor) => Promise<T>) => target.transaction((executor) => work(held(executor)));
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const next = () => {
    const write = arrived.shift();
    return write ? Promise.resolve(write) : new Promise<CheckpointWrite>((resolve) => (waiting = resolve));
  };
  return { store, next };
}

const timeout = (ms: number) => new Promise<'timed out'>((resolve) => setTimeout(() => resolve('timed out'), ms).unref());

t.test('a replay rebuilds into fresh tables while reads and writes go on, then swaps', async (t) => {
  const { store, readModels } = temporaryStores(t);
  for (let index = 0; index < 3000; index += 1) await increment(store, `counter-${index % 7}`, 1 + (index % 3));
  const projections = await start(store, readModels);
  t.teardown(() => projections.close());
  await projections.waitForPosition(['counters'], await store.headPosition(), 10_000);
  const before = await totals(projections);

  const started = await projections.replay('counters');
  t.equal(started.generation, 2);
  t.equal(started.status, 'replaying');
  let reads = 0;
  let failedReads = 0;
  let writes = 0;
  let replayDone = false;
  const finished = projections.replayFinished('counters').finally(() => {
    replayDone = true;
  });
  const deadline = performance.now() + 30_000;
  while (!replayDone) {
    if (performance.now() > deadline) throw new Error(`the replay did not finish within 30 s: ${JSON.stringify(await projections.info('counters'))}`);
    try {
      const rows = await totals(projections);
      if (rows.filter((row) => row.stream !== 'counter-late').length !== 7) failedReads += 1;
      reads += 1;
    } catch {
      failedReads += 1;
    }
    await increment(store, 'counter-late', 1);
    writes += 1;
    // As requests arriving over the network would: the loop lets the event loop turn between them.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const outcome = await finished;
  t.equal(outcome?.status, 'completed');
  t.equal(failedReads, 0, `${reads} reads during the rebuild, none failed`);
  t.ok(reads > 0);

  const head = await store.headPosition();
  await projections.waitForPosition(['counters'], head, 5000);
  const after = await totals(projections);
  t.same(
    after.filter((row) => row.stream !== 'counter-late'),
    before,
    'the rebuilt read model equals the old one',
  );
  t.same(
    after.find((row) => row.stream === 'counter-late'),
    { stream: 'counter-late', total: writes, events: writes },
    'and holds the writes made during the rebuild',
  );
  const info = await projections.info('counters');
  t.equal(info.generation, 2);
  const oldTable = await readModels.reader.get(`SELECT name FROM sqlite_master WHERE name = 'counters_g1_totals'`);
  t.equal(oldTable, undefined, 'the replaced tables are dropped');
  await t.rejects(projections.replay('unknown'), { name: 'UnknownProjectionError' });
});

t.test("a generation catching up builds its read indexes once it reaches the head; caught up, it keeps them; a replay's swap finds them", async (t) => {
  const indexedCounters = defineProjection({
    name: 'indexed_counters',
    tables: {
      totals: (name) => [`CREATE TABLE IF NOT EXISTS ${name} (stream TEXT PRIMARY KEY, total INTEGER NOT NULL)`],
      seen: (name) => [`CREATE TABLE IF NOT EXISTS ${name} (position INTEGER PRIMARY KEY, indexed INTEGER NOT NULL)`],
    },
    readIndexes: { totals: (name) => [`CREATE INDEX IF NOT EXISTS ${name}_by_total ON ${name} (total)`] },
    handlers: [
      on(Incremented, async (event, transaction, tables) => {
        await transaction.run(
          `INSERT INTO ${tables.totals} AS kept (stream, total) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET total = kept.total + excluded.total`,
          [event.stream, event.data.by],
        );
        // What the handler finds as it applies the event: whether the read index is there yet.
        const index = await transaction.get<{ found: number }>(`SELECT count(*) AS found FROM sqlite_master WHERE type = 'index' AND name = ?`, [
          `${tables.totals}_by_total`,
        ]);
        await transaction.run(`INSERT INTO ${tables.seen} (position, indexed) VALUES (?, ?)`, [event.position, index?.found ?? 0]);
      }),
    ],
  });
  const seen = (projections: Projections) =>
    projections.query(indexedCounters, (reader, tables) =>
      reader.all<{ position: number; indexed: number }>(`SELECT position, indexed FROM ${tables.seen} ORDER BY position`),
    );
  const { store, readModels } = temporaryStores(t);
  const indexExists = async (generation: number) =>
    (await readModels.reader.get<{ found: number }>(`SELECT count(*) AS found FROM sqlite_master WHERE type = 'index' AND name = ?`, [
      `indexed_counters_g${generation}_totals_by_total`,
    ]))?.found === 1;

  const empty = await start(store, readModels, [indexedCounters]);
  t.ok(await indexExists(1), 'on an empty log, caught up at once: the read indexes are built as the tables are');
  await empty.close();
  await readModels.transaction(async (transaction) => {
    await transaction.run('DROP INDEX indexed_counters_g1_totals_by_total');
  });

  const logged: number[] = [];
  for (let index = 0; index < 2500; index += 1) logged.push(await increment(store, `counter-${index % 5}`, 1));
  const head = logged.at(-1) ?? 0;
  const projections = await start(store, readModels, [indexedCounters]);
  t.teardown(() => projections.close());
  await projections.waitForPosition([indexedCounters.name], head, 10_000);
  const later = [await increment(store, 'counter-0', 2), await increment(store, 'counter-1', 3)];
  await projections.waitForPosition([indexedCounters.name], later.at(-1) ?? 0, 5000);
  t.same(
    await seen(projections),
    [...logged.map((position) => ({ position, indexed: 0 })), ...later.map((position) => ({ position, indexed: 1 }))],
    'every event of the catch-up applied without the read index, every one after it with',
  );

  const appending = (async () => {
    for (let index = 0; index < 200; index += 1) await increment(store, 'counter-late', 1);
  })();
  await projections.replay(indexedCounters.name);
  const swapped = projections.waitForGeneration(indexedCounters.name, 2, 10_000).then(() => indexExists(2));
  await appending;
  t.ok(await swapped, 'the replayed generation has its read index when it is swapped in, whatever was appended meanwhile');
  t.equal((await projections.replayFinished(indexedCounters.name))?.status, 'completed');
});
