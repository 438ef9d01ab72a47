// A read model whose shape an upgrade changed: rebuilt into fresh tables at start while the old ones keep serving the
// old version, its reads answered "being rebuilt" until it has caught up — on SQLite, and on PostgreSQL shared by
// processes of two versions; and a replay in one process, followed by the others sharing the store.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import t, { type Test } from 'tap';
import { PostgresEventStore, type EventStore } from '@meent/event-store';
import {
  EventRegistry,
  PostgresReadModelStore,
  Projections,
  ReadModelRebuildingError,
  defineProjection,
  on,
  type Projection,
  type ReadModelStore,
} from '@meent/eventsourcing';
import { temporaryStores } from '@meent/eventsourcing/testing';
import { v7 as uuidv7 } from 'uuid';
import { Incremented, countersProjection } from './counter.fixture.js';

const registry = new EventRegistry([Incremented]);

/** The counters as the next version keeps them: with each stream's largest step, a column the first version lacks. */
function countersWithLargest(gate: Promise<void> = Promise.resolve()) {
  return defineProjection({
    name: 'counters',
    tables: {
      totals: (name) => [
        `CREATE TABLE IF NOT EXISTS ${name} (stream TEXT PRIMARY KEY, total INTEGER NOT NULL, events INTEGER NOT NULL, largest INTEGER NOT NULL)`,
      ],
    },
    handlers: [
      on(Incremented, async (event, transaction, tables) => {
        await gate;
        await transaction.run(
          `INSERT INTO ${tables.totals} AS kept (stream, total, events, largest) VALUES (?, ?, 1, ?)
           ON CONFLICT (stream) DO UPDATE SET total = kept.total + excluded.total, events = kept.events + 1,
             largest = CASE WHEN excluded.largest > kept.largest THEN excluded.largest ELSE kept.largest END`,
          [event.stream, event.data.by, event.data.by],
        );
      }),
    ],
  });
}

async function increment(store: EventStore, stream: string, by: number): Promise<number> {
  const id = uuidv7();
  const metadata = {
    eventId: id,
    cooperativeId: 'c',
    actor: { id: 'a', roles: [] },
    correlationId: 'r',
    causationId: null,
    occurredAt: '2026-11-29T12:00:00.000Z',
    schemaVersion: 2,
  };
  return (await store.append(stream, [{ id, type: 'Incremented', data: { by }, metadata }], 'any')).position;
}

const largest = (projections: Projections, projection: Projection<'totals'>) =>
  projections.query(projection, (reader, tables) =>
    reader.all<{ stream: string; total: number; largest: number }>(`SELECT stream, total, largest FROM ${tables.totals} ORDER BY stream`),
  );

const totals = (projections: Projections) =>
  projections.query(countersProjection, (reader, tables) =>
    reader.all<{ stream: string; total: number }>(`SELECT stream, total FROM ${tables.totals} ORDER BY stream`),
  );

interface Deployment {
  readonly store: EventStore;
  /** Read models as one more process sees them. */
  processReadModels(): ReadModelStore;
  tableNames(): Promise<string[]>;
}

/** Starts a process's projections on the deployment's stores; closed when the test ends unless closed before. */
async function startProcess(t: Test, deployment: Deployment, projection: Projection): Promise<Projections> {
  const projections = await Projections.start({ store: deployment.store, readModels: deployment.processReadModels(), registry, projections: [projection] });
  let closed = false;
  const close = projections.close.bind(projections);
  projections.close = async () => {
    if (closed) return;
    closed = true;
    await close();
  };
  t.teardown(() => projections.close());
  return projections;
}

function sqliteDeployment(t: Test): Deployment {
  const { store, readModels } = temporaryStores(t);
  return {
    store,
    // An embedded store serves one process: every start in this test is that process again.
    processReadModels: () => readModels,
    tableNames: async () =>
      (await readModels.reader.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'counters_%' ORDER BY name")).map(
        (row) => row.name,
      ),
  };
}

function postgresDeployment(t: Test, connectionString: string): Deployment {
  const schema = `meent_test_${randomBytes(6).toString('hex')}`;
  const store = new PostgresEventStore({ connectionString, schema });
  const opened: ReadModelStore[] = [];
  const readModelSchema = `${schema}_read_models`;
  t.teardown(async () => {
    for (const readModels of opened) await readModels.close();
    await store.close();
    const client = new pg.Client({ connectionString });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.query(`DROP SCHEMA IF EXISTS "${readModelSchema}" CASCADE`);
    await client.end();
  });
  const processReadModels = () => {
    const readModels = new PostgresReadModelStore({ connectionString, schema: readModelSchema });
    opened.push(readModels);
    return readModels;
  };
  const inspector = processReadModels();
  return {
    store,
    processReadModels,
    tableNames: async () =>
      (
        await inspector.reader.all<{ name: string }>(
          "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? AND table_name LIKE 'counters_%' ORDER BY table_name",
          [readModelSchema],
        )
      ).map((row) => row.name),
  };
}

function upgradeCases(t: Test, deploy: (t: Test) => Deployment): void {
  t.test('a read model whose shape changed is rebuilt into fresh tables, answering "being rebuilt" until it caught up', async (t) => {
    const deployment = deploy(t);
    const before = await startProcess(t, deployment, countersProjection);
    await increment(deployment.store, 'counter-a', 2);
    await increment(deployment.store, 'counter-a', 7);
    const head = await increment(deployment.store, 'counter-b', 3);
    t.ok(await before.waitForPosition(['counters'], head, 10_000));
    t.same(await totals(before), [{ stream: 'counter-a', total: 9 }, { stream: 'counter-b', total: 3 }]);
    await before.close();

    let open = () => undefined as void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const upgraded = countersWithLargest(gate);
    const after = await startProcess(t, deployment, upgraded);
    const [listed] = await after.list();
    t.equal(listed?.generation, 2, 'a fresh generation runs');
    t.equal(listed?.replay?.status, 'replaying', 'reported as a replay under way');
    const refused = await largest(after, upgraded).then(() => undefined, (error: unknown) => error);
    t.ok(refused instanceof ReadModelRebuildingError, 'a read while it rebuilds is refused, not answered from half the events');
    t.match(refused, { statusCode: 503, code: 'READ_MODEL_REBUILDING', publicDetail: /being rebuilt after an upgrade \(0% done\)/ });

    open();
    const finished = await after.replayFinished('counters');
    t.equal(finished?.status, 'completed');
    t.same(await largest(after, upgraded), [
      { stream: 'counter-a', total: 9, largest: 7 },
      { stream: 'counter-b', total: 3, largest: 3 },
    ]);
    t.same(await deployment.tableNames(), ['counters_g2_totals'], "the old version's tables are dropped");
    const next = await increment(deployment.store, 'counter-b', 5);
    t.ok(await after.waitForPosition(['counters'], next, 10_000));
    t.same((await largest(after, upgraded)).at(1), { stream: 'counter-b', total: 8, largest: 5 }, 'and it goes on from there');
    await after.close();

    const again = await startProcess(t, deployment, countersWithLargest());
    t.equal((await again.list())[0]?.generation, 2, 'the same version started again serves the same generation');
    t.equal((await again.list())[0]?.replay, null, 'without rebuilding');
    t.equal((await largest(again, upgraded)).length, 2);
    await again.close();

    const rolledBack = await startProcess(t, deployment, countersProjection);
    await rolledBack.replayFinished('counters');
    t.equal((await rolledBack.list())[0]?.generation, 3, 'going back to the earlier version rebuilds its shape again');
    t.same(await totals(rolledBack), [{ stream: 'counter-a', total: 9 }, { stream: 'counter-b', total: 8 }]);
    t.same(await deployment.tableNames(), ['counters_g3_totals']);
  });

  t.test('tables built before shapes were recorded are rebuilt once: nothing says what shape they have', async (t) => {
    const deployment = deploy(t);
    const first = await startProcess(t, deployment, countersProjection);
    const head = await increment(deployment.store, 'counter-a', 4);
    t.ok(await first.waitForPosition(['counters'], head, 10_000));
    await first.close();
    const readModels = deployment.processReadModels();
    await readModels.transaction((transaction) => transaction.run('DELETE FROM meent_projection_shapes'));
    const second = await startProcess(t, deployment, countersProjection);
    t.equal((await second.replayFinished('counters'))?.status, 'completed');
    t.equal((await second.list())[0]?.generation, 2);
    t.same(await totals(second), [{ stream: 'counter-a', total: 4 }]);
    t.same(await deployment.tableNames(), ['counters_g2_totals']);
    await second.close();
    const third = await startProcess(t, deployment, countersProjection);
    t.same([(await third.list())[0]?.generation, (await third.list())[0]?.replay], [2, null], 'its shape recorded from then on');
  });
}

t.test('on SQLite', async (t) => upgradeCases(t, sqliteDeployment));

const url = process.env.MEENT_TEST_POSTGRES_URL;
if (!url) {
  const reason = process.env.MEENT_TEST_POSTGRES_UNAVAILABLE ?? 'MEENT_TEST_POSTGRES_URL is not set';
  if (process.env.MEENT_REQUIRE_POSTGRES) t.fail(`PostgreSQL is required here: ${reason}`);
  else t.test('on PostgreSQL', { skip: reason }, async () => undefined);
} else {
  const connectionString = url;
  t.test('on PostgreSQL', async (t) => {
    upgradeCases(t, (t) => postgresDeployment(t, connectionString));

    t.test('processes of the new version rebuild once between them; the old version keeps its tables until it stops', async (t) => {
      const deployment = postgresDeployment(t, connectionString);
      const old = await startProcess(t, deployment, countersProjection);
      await increment(deployment.store, 'counter-a', 2);
      const head = await increment(deployment.store, 'counter-a', 6);
      t.ok(await old.waitForPosition(['counters'], head, 10_000));

      const upgraded = countersWithLargest();
      const [one, two] = await Promise.all([startProcess(t, deployment, upgraded), startProcess(t, deployment, upgraded)]);
      await Promise.all([one.replayFinished('counters'), two.replayFinished('counters')]);
      t.same(
        [(await one.list())[0]?.generation, (await two.list())[0]?.generation],
        [2, 2],
        'both run the one generation that was rebuilt',
      );
      t.same(await largest(two, upgraded), [{ stream: 'counter-a', total: 8, largest: 6 }]);
      t.same(await deployment.tableNames(), ['counters_g1_totals', 'counters_g2_totals'], 'the old version still writes its tables');
      const later = await increment(deployment.store, 'counter-a', 1);
      t.ok(await old.waitForPosition(['counters'], later, 10_000));
      t.same(await totals(old), [{ stream: 'counter-a', total: 9 }], 'and still answers from them');

      await old.close();
      await startProcess(t, deployment, upgraded);
      t.same(await deployment.tableNames(), ['counters_g2_totals'], 'once it stopped, the next start drops them');
    });

    t.test('a replay in one process is followed by the others, and the old tables go once nobody runs them', async (t) => {
      const deployment = postgresDeployment(t, connectionString);
      const [one, two] = [await startProcess(t, deployment, countersProjection), await startProcess(t, deployment, countersProjection)];
      await increment(deployment.store, 'counter-a', 2);
      const head = await increment(deployment.store, 'counter-b', 5);
      t.ok(await two.waitForPosition(['counters'], head, 10_000));
      await one.replay('counters');
      t.ok(await two.waitForGeneration('counters', 2, 10_000), 'the other process serves the new generation too');
      t.equal((await one.replayFinished('counters'))?.status, 'completed');
      t.same(await totals(two), [{ stream: 'counter-a', total: 2 }, { stream: 'counter-b', total: 5 }], 'from the rebuilt tables');
      t.same(await deployment.tableNames(), ['counters_g2_totals'], 'the replaced tables are dropped');
      const later = await increment(deployment.store, 'counter-b', 1);
      t.ok(await two.waitForPosition(['counters'], later, 10_000), 'and it follows the new generation on');
      t.same((await totals(two)).at(1), { stream: 'counter-b', total: 6 });
    });
  });
}
