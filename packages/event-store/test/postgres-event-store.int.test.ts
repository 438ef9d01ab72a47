import { randomBytes } from 'node:crypto';
import pg from 'pg';
import t from 'tap';
import { PostgresEventStore } from '@meent/event-store';
import { collect, eventStoreContract, newEvent, take } from '@meent/event-store/testing';

const url = process.env.MEENT_TEST_POSTGRES_URL;

async function freshSchema(): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = `meent_test_${randomBytes(6).toString('hex')}`;
  return {
    schema,
    drop: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

if (!url) {
  const reason = process.env.MEENT_TEST_POSTGRES_UNAVAILABLE ?? 'MEENT_TEST_POSTGRES_URL is not set';
  if (process.env.MEENT_REQUIRE_POSTGRES) t.fail(`PostgreSQL is required here: ${reason}`);
  else t.test('the event store contract on PostgreSQL', { skip: reason }, async () => undefined);
} else {
  t.test('the event store contract on PostgreSQL', async (t) => {
    eventStoreContract(t, {
      async create() {
        const { schema, drop } = await freshSchema();
        const store = new PostgresEventStore({ connectionString: url, schema });
        return {
          store,
          connectAgain: async () => new PostgresEventStore({ connectionString: url, schema }),
          async destroy() {
            await store.close();
            await drop();
          },
        };
      },
    });
  });

  t.test('a transaction that commits after a later one: the subscriber still gets every event once, in order', async (t) => {
    const { schema, drop } = await freshSchema();
    const store = new PostgresEventStore({ connectionString: url, schema });
    await store.headPosition();
    const slow = new pg.Client({ connectionString: url });
    await slow.connect();
    t.teardown(async () => {
      await slow.end();
      await store.close();
      await drop();
    });
    const subscription = store.subscribeToAll();

    const early = newEvent('Early');
    await slow.query('BEGIN');
    const { rows } = await slow.query<{ position: string }>(
      `INSERT INTO "${schema}".events (id, stream, revision, type, data, metadata) VALUES ($1, 'slow-1', 0, 'Early', '{}', '{}') RETURNING position`,
      [early.id],
    );
    const late = newEvent('Late');
    const { position: latePosition } = await store.append('fast-1', [late], 'no_stream');
    t.ok(Number(rows[0]?.position) < latePosition, 'the slow transaction holds the lower position');
    t.same(await collect(store.readAll()), [], 'nothing is visible while an older transaction may still commit');
    t.equal(await store.lastCommittedPosition(), latePosition, 'yet the committed event counts, so a reader may wait for it');

    await slow.query(`SELECT pg_notify('meent_events', $1)`, [schema]);
    await slow.query('COMMIT');
    const received = await take(subscription, 2);
    await subscription.close();
    t.same(
      received.map((event) => event.type),
      ['Early', 'Late'],
    );
    t.same(
      (await collect(store.readAll())).map((event) => event.id),
      [early.id, late.id],
      'exactly once each, in position order',
    );
  });
}
