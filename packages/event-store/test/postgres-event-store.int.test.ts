import { randomBytes } from 'node:crypto';
import pg from 'pg';
import t, { type Test } from 'tap';
import {
  applyMigrations,
  defineSchema,
  migrationTransaction,
  MIGRATIONS_TABLE,
  PostgresEventStore,
  postgresEventTables,
  type EventToAppend,
} from '@meent/event-store';
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

  /** A client of its own that appends in a transaction it leaves open, as a writer slow to commit would. */
  async function slowWriter(schema: string) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('BEGIN');
    return {
      async append(stream: string, event: EventToAppend): Promise<number> {
        const { rows } = await client.query<{ last_position: string }>(
          `SELECT last_position FROM "${schema}".meent_append($1, 'any', $2::jsonb)`,
          [stream, JSON.stringify([event])],
        );
        return Number(rows[0]?.last_position);
      },
      commit: () => client.query('COMMIT'),
      end: () => client.end(),
    };
  }

  /** A store on a fresh schema, and a writer of its own that appends to it in a transaction it leaves open. */
  const storeBesideSlowWriter = async (t: Test) => {
    const { schema, drop } = await freshSchema();
    const store = new PostgresEventStore({ connectionString: url, schema });
    await store.headPosition();
    const slow = await slowWriter(schema);
    t.teardown(async () => {
      await slow.end();
      await store.close();
      await drop();
    });
    return { store, slow };
  };

  t.test('a transaction that commits after a later one: every subscriber still gets every event once, in order', async (t) => {
    const { store, slow } = await storeBesideSlowWriter(t);
    let furthest = 0;
    const progressed = new Set<() => void>();
    const reached = (position: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (furthest < position) return;
          progressed.delete(check);
          resolve();
        };
        progressed.add(check);
        check();
      });
    const subscription = store.subscribeToAll();
    const onlyTheEarly = store.subscribeToAll({
      filter: { eventTypes: ['Early'] },
      onProgress: (position) => {
        furthest = position;
        for (const check of [...progressed]) check();
      },
    });
    // Both read live from the start, so they meet the late commit as it happens.
    const everything = take(subscription, 2);
    const theEarly = take(onlyTheEarly, 1);

    const early = newEvent('Early');
    const earlyPosition = await slow.append('slow-1', early);
    const late = newEvent('Late');
    const { position: latePosition } = await store.append('fast-1', [late], 'no_stream');
    t.ok(earlyPosition < latePosition, 'the slow transaction holds the lower position, and writers of other streams do not wait for it');
    t.same(await collect(store.readAll()), [], 'nothing is visible while an older transaction may still commit');
    t.equal(await store.lastCommittedPosition(), latePosition, 'yet the committed event counts, so a reader may wait for it');
    // The filtered subscription moves over the log as far as it is final: up to the slow transaction's first position.
    await reached(earlyPosition - 1);

    await slow.commit();
    t.same(
      (await everything).map((event) => event.type),
      ['Early', 'Late'],
    );
    t.same((await theEarly).map((event) => event.id), [early.id], 'a filtered subscription does not pass over it');
    await subscription.close();
    await onlyTheEarly.close();
    t.same(
      (await collect(store.readAll())).map((event) => event.id),
      [early.id, late.id],
      'exactly once each, in position order',
    );
  });

  t.test('writers of one stream take turns: `any` waits for the append before it and follows it', async (t) => {
    const { store, slow } = await storeBesideSlowWriter(t);
    await slow.append('shared-1', newEvent('First'));
    const second = store.append('shared-1', [newEvent('Second')], 'any');
    await slow.commit();
    t.equal((await second).nextExpectedRevision, 1, 'appended after the first, not beside it');
    t.same(
      (await collect(store.readStream('shared-1'))).map((event) => [event.type, event.revision]),
      [
        ['First', 0],
        ['Second', 1],
      ],
    );
  });

  t.test('streams read side by side, each from its own revision and as far as asked, get their own events and no others', async (t) => {
    const { schema, drop } = await freshSchema();
    const store = new PostgresEventStore({ connectionString: url, schema, poolSize: 2 });
    t.teardown(async () => {
      await store.close();
      await drop();
    });
    const lengths = Array.from({ length: 60 }, (_, index) => index % 7);
    for (const [index, length] of lengths.entries()) {
      if (length > 0) await store.append(`record-${index}`, Array.from({ length }, (_, revision) => newEvent('Recorded', { index, revision })), 'no_stream');
    }
    // A stream longer than a page is read a page at a time, its later pages beside the other streams' reads.
    await store.append('long-1', Array.from({ length: 2500 }, (_, revision) => newEvent('Recorded', { revision })), 'no_stream');
    const asked = lengths.map((length, index) => ({ stream: `record-${index}`, fromRevision: index % 3, maxCount: index % 5 === 0 ? 2 : undefined, length }));
    const read = await Promise.all([
      ...asked.map(({ stream, fromRevision, maxCount }) => collect(store.readStream(stream, { fromRevision, ...(maxCount ? { maxCount } : {}) }))),
      collect(store.readStream('long-1', { fromRevision: 10 })),
    ]);
    asked.forEach(({ stream, fromRevision, maxCount, length }, index) => {
      const expected = Array.from({ length: Math.max(0, length - fromRevision) }, (_, offset) => fromRevision + offset).slice(0, maxCount);
      t.same(
        read[index]!.map((event) => [event.stream, event.revision, event.data.revision]),
        expected.map((revision) => [stream, revision, revision]),
        `${stream} from ${fromRevision}${maxCount ? `, at most ${maxCount}` : ''}`,
      );
    });
    t.same(
      read.at(-1)!.map((event) => event.revision),
      Array.from({ length: 2490 }, (_, offset) => 10 + offset),
      'the long stream whole, from revision 10',
    );
  });

  t.test('an append is a transaction of its own', async (t) => {
    const { slow } = await storeBesideSlowWriter(t);
    await slow.append('twice-1', newEvent());
    await t.rejects(slow.append('twice-2', newEvent()), /an append is a transaction of its own/);
  });

  t.test('a log whose positions came from the sequence goes on in transaction order after the upgrade', async (t) => {
    const { schema, drop } = await freshSchema();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    t.teardown(async () => {
      await client.end();
      await drop();
    });
    await client.query(`CREATE SCHEMA "${schema}"`);
    const released = defineSchema('events', postgresEventTables(schema).migrations.slice(0, 2));
    await applyMigrations(migrationTransaction(client, `"${schema}".${MIGRATIONS_TABLE}`), released, new Date());
    const before = [newEvent('Before'), newEvent('Before')];
    await client.query(`SELECT * FROM "${schema}".meent_append('old-1', 'no_stream', $1::jsonb)`, [JSON.stringify(before)]);

    const store = new PostgresEventStore({ connectionString: url, schema });
    t.teardown(() => store.close());
    const upgraded = await collect(store.readAll());
    t.same(
      upgraded.map((event) => event.position),
      [1, 2],
      'the events from before keep their positions',
    );
    const subscription = store.subscribeToAll({ after: upgraded[0]?.position ?? 0 });
    const after = newEvent('After');
    const { position } = await store.append('old-1', [after], 1);
    t.ok(position > 2, 'the first position in transaction order lies above them');
    t.same(
      (await take(subscription, 2)).map((event) => event.id),
      [before[1]?.id, after.id],
      'a checkpoint from before the upgrade resumes where it was',
    );
    await subscription.close();
    const { rows } = await client.query<{ version: number }>(
      `SELECT max(version) AS version FROM "${schema}".${MIGRATIONS_TABLE} WHERE component = 'events'`,
    );
    t.equal(rows[0]?.version, 3);
  });
}
