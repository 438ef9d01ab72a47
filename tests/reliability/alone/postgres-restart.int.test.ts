// PostgreSQL goes away under load and comes back: `meent serve` processes (one, then three sharing the database) keep
// running, answer 503 with retry-after while it is away — never 500 — and within 10 s of its return write again and
// bring every projection up to date without an admin; every write they acknowledged is on record, once.
// The cluster is the test's own, so stopping it disturbs no other test.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import t, { type Test } from 'tap';
import { temporaryDirectory } from '@meent/eventsourcing/testing';
import { signToken } from '@meent/http';
import { postgresServeEnvironment } from '../../support/postgres.js';
import { postgresBinaries, startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres.js';
import { spawnTypeScript, waitForLine } from '../../support/processes.js';
import { TEST_SECRET } from '../../support/test-server.js';

const WRITERS = 4;
const WARM_UP_MS = 1_500;
const OUTAGE_MS = 2_500;
const LOAD_AFTER_RETURN_MS = 3_000;
const RECOVERY_DEADLINE_MS = 10_000;

interface Served {
  readonly baseUrl: string;
  readonly alive: () => boolean;
  readonly stderr: () => string;
}

async function serve(t: Test, url: string, schema: string, index: number): Promise<Served> {
  const child = spawnTypeScript('packages/cli/src/main.ts', ['serve'], {
    ...postgresServeEnvironment(url, schema),
    MEENT_RATE_LIMIT_PER_ADDRESS: '1000000',
    MEENT_RATE_LIMIT_PER_TOKEN: '1000000',
    MEENT_DATA_DIR: join(temporaryDirectory(t), String(index)),
  });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const listening = await waitForLine(child, (line) => line.includes('Server listening at'));
  // Nobody reads the logs from here on; a full pipe would stall the process.
  child.stdout.resume();
  return {
    baseUrl: /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(listening)?.[1] ?? '',
    alive: () => child.exitCode === null && child.signalCode === null,
    stderr: () => stderr,
  };
}

interface Outcome {
  readonly status: number;
  readonly at: number;
  readonly retryAfter: string | null;
  readonly id?: string;
  readonly position?: number;
}

async function restartUnderLoad(t: Test, cluster: PrivatePostgres, processes: number): Promise<void> {
  const schema = `meent_restart_${randomBytes(4).toString('hex')}`;
  // The first process creates the schemas; the others start after it.
  const served: Served[] = [await serve(t, cluster.url, schema, 0)];
  served.push(...(await Promise.all(Array.from({ length: processes - 1 }, (_, index) => serve(t, cluster.url, schema, index + 1)))));
  const admin = signToken(TEST_SECRET, { subject: 'admin-1', roles: ['admin'], expiresInSeconds: 3600, now: new Date() });
  const call = async (target: Served, method: 'GET' | 'POST', path: string, body?: object) => {
    const response = await fetch(`${target.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Record<string, unknown> };
  };
  const founded = await call(served[0]!, 'POST', '/cooperatives', { name: 'De Meent' });
  t.equal(founded.status, 201);
  const cooperativeId = String(founded.body.id);

  const outcomes: Outcome[] = [];
  let loading = true;
  let sent = 0;
  const writer = async () => {
    while (loading) {
      const number = (sent += 1);
      const target = served[number % served.length]!;
      const at = performance.now();
      try {
        const { status, retryAfter, body } = await call(target, 'POST', `/cooperatives/${cooperativeId}/members`, {
          name: `Lid ${number}`,
          email: `lid-${number}@example.nl`,
        });
        outcomes.push({ status, at, retryAfter, ...(status === 201 ? { id: String(body.id), position: Number(body.position) } : {}) });
        // A client told to retry later does, a little later.
        if (status === 503) await delay(50);
      } catch {
        outcomes.push({ status: 0, at, retryAfter: null });
      }
    }
  };
  const writers = Array.from({ length: WRITERS }, writer);
  await delay(WARM_UP_MS);
  const stoppedAt = performance.now();
  await cluster.stop();
  await delay(OUTAGE_MS);
  await cluster.start();
  const backAt = performance.now();
  await delay(LOAD_AFTER_RETURN_MS);
  loading = false;
  await Promise.all(writers);

  for (const [index, process] of served.entries()) {
    t.ok(process.alive(), `process ${index} kept running`, { stderr: process.stderr().slice(-3_000) });
  }
  const unexpected = outcomes.filter((outcome) => outcome.status !== 201 && outcome.status !== 503);
  t.same(unexpected.map((outcome) => outcome.status), [], 'every write was acknowledged (201) or refused for now (503): no 500, no dropped connection');
  const refused = outcomes.filter((outcome) => outcome.status === 503);
  t.ok(refused.length > 0, `the outage was seen: ${refused.length} writes refused with 503`);
  t.ok(refused.every((outcome) => outcome.retryAfter !== null && Number(outcome.retryAfter) > 0), 'every 503 says when to retry');
  t.ok(outcomes.some((outcome) => outcome.status === 201 && outcome.at < stoppedAt), 'writes succeeded before the outage');
  const firstWriteAfter = outcomes.find((outcome) => outcome.status === 201 && outcome.at >= backAt);
  t.ok(firstWriteAfter, 'writes succeed again after PostgreSQL returned');
  t.ok(
    firstWriteAfter && firstWriteAfter.at - backAt < RECOVERY_DEADLINE_MS,
    `the first write after the return was sent ${Math.round((firstWriteAfter?.at ?? Infinity) - backAt)} ms after it`,
  );

  const acknowledged = outcomes.filter((outcome) => outcome.status === 201);
  const newest = Math.max(...acknowledged.map((outcome) => outcome.position ?? 0));
  // Every projection of every process — the one writing it and those standing by — reaches the newest write.
  const deadline = backAt + RECOVERY_DEADLINE_MS;
  let lagging: string[] = [];
  let described = false;
  do {
    lagging = [];
    for (const [index, process] of served.entries()) {
      const listed = await call(process, 'GET', '/admin/projections');
      const projections = (listed.body.projections ?? []) as { name: string; status: string; position: number; lastError: { message: string; at: string } | null }[];
      if (listed.status !== 200 || projections.length === 0) lagging.push(`process ${index}: ${listed.status}`);
      for (const projection of projections) {
        if (!['running', 'standby'].includes(projection.status) || projection.position < newest) {
          const lastError = projection.lastError ? ` (last error ${projection.lastError.at}: ${projection.lastError.message})` : '';
          lagging.push(`process ${index} ${projection.name}: ${projection.status} at ${projection.position}${lastError}`);
        }
      }
    }
    if (lagging.length > 0 && !described && performance.now() - backAt > RECOVERY_DEADLINE_MS / 2) {
      // Half the bar gone: what every session of the cluster is doing, so a miss can be traced.
      described = true;
      t.comment(JSON.stringify({ afterMs: Math.round(performance.now() - backAt), lagging, sessions: await sessionsOf(cluster.url, schema) }, null, 1));
    }
    if (lagging.length > 0) await delay(200);
  } while (lagging.length > 0 && performance.now() < deadline);
  t.same(
    lagging,
    [],
    `every projection caught up to ${newest} within ${RECOVERY_DEADLINE_MS / 1000} s of PostgreSQL returning (seen ${Math.round(performance.now() - backAt)} ms after it)`,
  );

  const database = new pg.Client({ connectionString: cluster.url });
  await database.connect();
  t.teardown(() => database.end());
  const { rows } = await database.query<{ stream: string; registered: number }>(
    `SELECT stream, count(*)::int AS registered FROM "${schema}".events WHERE type = 'MemberRegistered' GROUP BY stream`,
  );
  const registered = new Map(rows.map((row) => [row.stream, row.registered]));
  t.same(
    acknowledged.filter((outcome) => registered.get(`member-${outcome.id}`) !== 1).map((outcome) => outcome.id),
    [],
    `each of the ${acknowledged.length} acknowledged registrations is on record exactly once`,
  );
  const register = await call(served[served.length - 1]!, 'GET', `/cooperatives/${cooperativeId}/members?minPosition=${newest}&limit=1`);
  t.equal(register.body.total, rows.length, 'the register holds every member on record, none twice');
  t.equal(served.map((process) => process.stderr()).join(''), '', 'nothing was written to stderr');
}

/** Each client session's state, transaction and wait, and where the log's visibility stands. */
async function sessionsOf(url: string, schema: string): Promise<unknown> {
  const probe = new pg.Client({ connectionString: url });
  await probe.connect();
  try {
    const sessions = await probe.query(
      `SELECT pid, state, backend_xid::text AS xid, backend_xmin::text AS xmin, round(extract(epoch FROM now() - xact_start) * 1000) AS transaction_ms,
              round(extract(epoch FROM now() - query_start) * 1000) AS statement_ms, wait_event_type, wait_event, left(query, 100) AS query
       FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() ORDER BY xact_start NULLS LAST`,
    );
    const log = await probe.query(
      `SELECT max(position)::text AS head, pg_snapshot_xmin(pg_current_snapshot())::text AS oldest_running_transaction,
              (SELECT transaction_id::text FROM "${schema}".events ORDER BY position DESC LIMIT 1) AS newest_transaction FROM "${schema}".events`,
    );
    return { log: log.rows[0], sessions: sessions.rows };
  } finally {
    await probe.end();
  }
}

const binaries = postgresBinaries();
if ('reason' in binaries) {
  if (process.env.MEENT_REQUIRE_POSTGRES) t.fail(`PostgreSQL server binaries are required here: ${binaries.reason}`);
  else t.test('PostgreSQL restarts under load', { skip: binaries.reason }, async () => undefined);
} else {
  t.test('PostgreSQL restarts under load', async (t) => {
    const cluster = await startPrivatePostgres(t, binaries.directory);
    await t.test('one process', (t) => restartUnderLoad(t, cluster, 1));
    await t.test('three processes on one database', (t) => restartUnderLoad(t, cluster, 3));
  });
}
