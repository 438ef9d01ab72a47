// The pool every PostgreSQL store uses, against a real server whose connections are ended from outside, as a restart
// or a network blip ends them: errors surface as the store's unavailability, the process survives, the pool recovers.
import pg from 'pg';
import t, { type Test } from 'tap';
import { EventStoreUnavailableError, PostgresPool, StoreUnavailableError, isConnectionFailure } from '@meent/event-store';

t.test('connection failures are told from statements that are wrong', async (t) => {
  for (const code of ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', '08006', '53300']) {
    t.ok(isConnectionFailure(Object.assign(new Error(code), { code })), code);
  }
  t.ok(isConnectionFailure(new Error('Connection terminated unexpectedly')), "pg's own message when a connection ends");
  for (const code of ['23505', '42P01', '40001']) t.notOk(isConnectionFailure(Object.assign(new Error(code), { code })), code);
  t.notOk(isConnectionFailure(new TypeError('x is undefined')), 'a bug is no connection failure');
});

const url = process.env.MEENT_TEST_POSTGRES_URL;
if (!url) {
  const reason = process.env.MEENT_TEST_POSTGRES_UNAVAILABLE ?? 'MEENT_TEST_POSTGRES_URL is not set';
  if (process.env.MEENT_REQUIRE_POSTGRES) t.fail(`PostgreSQL is required here: ${reason}`);
  else t.test('the PostgreSQL pool against a server', { skip: reason }, async () => undefined);
} else {
  /** What reaches the process as uncaught while the test runs: an unhandled `'error'` event would land here. */
  const uncaughtDuring = (t: Test): unknown[] => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    t.teardown(() => process.off('uncaughtException', onUncaught));
    return uncaught;
  };

  const terminate = async (pid: number) => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await admin.end();
  };

  t.test('a connection ended under a checked-out client: unavailable, no crash, the pool goes on', async (t) => {
    const pool = new PostgresPool({ connectionString: url, max: 2, serves: 'tests', unavailableError: EventStoreUnavailableError });
    t.teardown(() => pool.end());
    const uncaught = uncaughtDuring(t);

    const ended = pool.withClient(async (client) => {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const sleeping = client.query('SELECT pg_sleep(10)');
      // Rejected while the termination is under way: awaited right after it.
      sleeping.catch(() => undefined);
      await terminate(rows[0]!.pid);
      await sleeping;
    });
    await t.rejects(ended, EventStoreUnavailableError, "the store's unavailability, not pg's raw error");
    await t.rejects(ended, { statusCode: 503, message: /PostgreSQL \(tests\) is unreachable/ });
    t.same(uncaught, [], "no unhandled 'error' event");
    t.same((await pool.query<{ one: number }>('SELECT 1 AS one')).rows, [{ one: 1 }], 'the pool serves again');
    t.ok(pool.pool.totalCount <= 2, 'the broken client left the pool');
  });

  t.test('a connection ended between two statements of a checked-out client: the next one is unavailable', async (t) => {
    const pool = new PostgresPool({ connectionString: url, max: 2, serves: 'tests' });
    t.teardown(() => pool.end());
    const uncaught = uncaughtDuring(t);

    const ended = pool.withClient(async (client) => {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // No statement is running when the server ends the session: pg emits 'error' on the client itself.
      const gone = new Promise((resolve) => client.once('end', resolve));
      await terminate(rows[0]!.pid);
      await gone;
      await client.query('SELECT 1');
    });
    await t.rejects(ended, StoreUnavailableError);
    t.same(uncaught, [], "the client's 'error' event was handled");
    t.same((await pool.query<{ one: number }>('SELECT 1 AS one')).rows, [{ one: 1 }], 'the pool serves again');
  });

  t.test('a transaction whose connection ends is rolled back and reported unavailable', async (t) => {
    const pool = new PostgresPool({ connectionString: url, max: 2, serves: 'tests' });
    t.teardown(() => pool.end());
    await pool.query('CREATE TEMP TABLE IF NOT EXISTS never (id INT)');
    const ended = pool.transaction(async (client) => {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await terminate(rows[0]!.pid);
      await client.query('SELECT 1');
    });
    await t.rejects(ended, StoreUnavailableError);
  });

  t.test('a migration that failed is tried again on the next use', async (t) => {
    let attempts = 0;
    const pool = new PostgresPool({
      connectionString: url,
      max: 1,
      serves: 'tests',
      migrate: async (client) => {
        attempts += 1;
        if (attempts === 1) throw Object.assign(new Error('the database system is shutting down'), { code: '57P03' });
        await client.query('SELECT 1');
      },
    });
    t.teardown(() => pool.end());
    await t.rejects(pool.query('SELECT 1'), StoreUnavailableError, 'the first use reports the failed migration');
    t.same((await pool.query<{ one: number }>('SELECT 1 AS one')).rows, [{ one: 1 }], 'the second migrates and answers');
    t.equal(attempts, 2);
  });

  t.test('a server that cannot be reached is unavailable, not a crash', async (t) => {
    const pool = new PostgresPool({ connectionString: 'postgres://meent@127.0.0.1:1/none', max: 1, serves: 'tests' });
    t.teardown(() => pool.end());
    await t.rejects(pool.query('SELECT 1'), StoreUnavailableError);
    await t.rejects(pool.withClient(async () => undefined), StoreUnavailableError);
  });
}
