// Benchmark (not a test): does one caller's heavy read hold everyone else up? `/health/live` p99 idle, then while a
// 200,000-event CSV export of the history and 20 members' own-history reads run, in the same run; and the server's
// memory after 3,000 history queries of distinct shapes against before.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type EventToAppend } from '@meent/event-store';
import { signToken } from '@meent/http';
import { buildServer, loadConfig } from '@meent/server';
import { v7 as uuidv7 } from 'uuid';
import { REPOSITORY_ROOT, spawnTypeScript, waitForLine } from '../support/processes.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const OWN_HISTORY_READERS = 20;
const DISTINCT_QUERIES = 3_000;
const SECRET = 'a-benchmark-secret-that-is-long-enough-for-hs256';
const directory = mkdtempSync(join(tmpdir(), 'meent-bench-'));
const format = (value: number) => value.toLocaleString('en', { maximumFractionDigits: 1 });

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
/** One GET through a real socket; resolves with the time to the whole answer, in milliseconds. */
function timedGet(url: string, token?: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    get(url, { agent, headers: token ? { authorization: `Bearer ${token}` } : {} }, (response) => {
      response.on('data', () => undefined);
      response.on('end', () => resolve(performance.now() - started));
      response.on('error', reject);
    }).on('error', reject);
  });
}

const percentile = (values: number[], share: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * share))] ?? 0;

try {
  const cooperativeId = uuidv7();
  const members = Array.from({ length: OWN_HISTORY_READERS }, () => uuidv7());
  const store = new SqliteEventStore({ path: join(directory, 'events.db') });
  const metadata = () => ({
    eventId: uuidv7(),
    cooperativeId,
    actor: { id: 'bench', roles: ['admin'] },
    correlationId: 'bench',
    causationId: null,
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
  });
  // Events of a type no service knows are shown raw; the history reads and encodes them like any other.
  const event = (index: number): EventToAppend => ({ id: uuidv7(), type: 'Benchmarked', data: { index, note: 'x'.repeat(80) }, metadata: metadata() });
  for (let written = 0; written < EVENTS; written += 1_000) {
    await store.append(`bench-${uuidv7()}`, Array.from({ length: 1_000 }, (_, index) => event(written + index)), 'no_stream');
  }
  // The access check asks only that the cooperative's stream exists and is its own.
  await store.append(`cooperative-${cooperativeId}`, [event(0)], 'no_stream');
  for (const memberId of members) {
    await store.append(`member-${memberId}`, [event(-1), event(-2)], 'no_stream');
  }
  await store.close();

  const app = await buildServer({
    config: loadConfig({ MEENT_DATA_DIR: directory, MEENT_JWT_SECRET: SECRET, MEENT_LOG_LEVEL: 'silent', MEENT_REACTIONS: 'off' }),
  });
  try {
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const admin = signToken(SECRET, { subject: 'bench-admin', roles: ['admin'], expiresInSeconds: 3600, now: new Date() });
    /** `/health/live` asked from a process of its own: `count` times, or until `until` settles. */
    const health = async (count: number | undefined, until?: Promise<unknown>) => {
      const prober = spawnTypeScript(join(REPOSITORY_ROOT, 'tests/performance/health-prober.ts'), [`${base}/health/live`, ...(count ? [String(count)] : [])]);
      const line = waitForLine(prober, (text) => text.startsWith('['));
      if (until) void until.then(() => prober.stdin.end());
      return JSON.parse(await line) as number[];
    };

    // Projections pass over the seeded events first; measuring starts once none has any left, idle and busy alike.
    for (;;) {
      const response = await app.inject({ url: '/admin/projections', headers: { authorization: `Bearer ${admin}` } });
      const { projections } = response.json() as { projections: { lag: number }[] };
      if (projections.every((projection) => projection.lag === 0)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The prober's first requests open its connection and warm it up: left out.
    const idle = (await health(1_200)).slice(200);
    const history = `${base}/cooperatives/${cooperativeId}/events`;

    // Memory first, before the export leaves garbage of its own: a warm-up of the same kind, then the distinct shapes.
    const types = Array.from({ length: 50 }, (_, index) => `Type${index}`);
    const distinctQueries = async (from: number, count: number) => {
      for (let query = from; query < from + count; query += 1) {
        const chosen = types.slice(0, 1 + (query % 50)).map((type) => `${type}x${query}`);
        await timedGet(`${history}?limit=5&type=${chosen.join(',')}`, admin);
      }
    };
    await distinctQueries(0, 300);
    const rssBefore = process.memoryUsage().rss;
    await distinctQueries(300, DISTINCT_QUERIES);
    const rssAfter = process.memoryUsage().rss;

    const exported = timedGet(`${history}?format=csv`, admin);
    // Twenty members ask for their own history at once, as the export starts.
    const ownHistories = Promise.all(members.map((memberId) => timedGet(`${history}?stream=member-${memberId}`, admin)));
    const busy = await health(undefined, exported);
    const exportMs = await exported;
    const ownHistoryMs = await ownHistories;

    const idleP99 = percentile(idle, 0.99);
    const busyP99 = percentile(busy, 0.99);
    process.stdout.write(
      [
        `${format(EVENTS)} events; CSV export ${format(exportMs)} ms (${format(EVENTS / (exportMs / 1000))} events/s)`,
        `/health/live idle:  p50 ${format(percentile(idle, 0.5))} ms, p99 ${format(idleP99)} ms (${idle.length} requests)`,
        `/health/live busy:  p50 ${format(percentile(busy, 0.5))} ms, p99 ${format(busyP99)} ms (${busy.length} requests during the export)`,
        `own history, ${OWN_HISTORY_READERS} members at once during the export: slowest ${format(Math.max(...ownHistoryMs))} ms, median ${format(percentile(ownHistoryMs, 0.5))} ms`,
        `ratio busy/idle p99 ${format(busyP99 / idleP99)} (target ≤ 5, and busy p99 under 100 ms): ${busyP99 / idleP99 <= 5 && busyP99 < 100 ? 'met' : 'NOT MET'}`,
        `RSS before ${format(rssBefore / 2 ** 20)} MB, after ${DISTINCT_QUERIES} history queries of distinct shapes ${format(rssAfter / 2 ** 20)} MB: +${format((rssAfter - rssBefore) / 2 ** 20)} MB (target within 20 MB): ${rssAfter - rssBefore <= 20 * 2 ** 20 ? 'met' : 'NOT MET'}`,
      ].join('\n') + '\n',
    );
  } finally {
    await app.close();
  }
} finally {
  agent.destroy();
  rmSync(directory, { recursive: true, force: true });
}
