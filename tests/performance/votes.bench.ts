// Benchmark (not a test): a 10,000-member voter roll, and every member casts one vote over HTTP on loopback, sent by
// a load generator in its own process over 50 connections. Beside it, in the same run, a baseline route with the
// same authentication and validation that stores nothing. On SQLite and, where it runs, on PostgreSQL — each with
// its raw single-event appends/s.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '@meent/event-store';
import { commandAcceptedSchema, forbidden, principalOf, signToken } from '@meent/http';
import { buildServer, defaultServices, loadConfig, openEventStore, type MeentConfig, type Service } from '@meent/server';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { REPOSITORY_ROOT, spawnTypeScript } from '../support/processes.js';
import { seedCooperative } from './seed-cooperative.js';
import { settle } from './settle.js';

const VOTERS = Number(process.env.BENCH_VOTERS ?? 10_000);
/** Which stores to measure: both unless BENCH_STORES names one (`sqlite` or `postgres`). */
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',');
const CONNECTIONS = 50;
const APPENDS = 5_000;
const SECRET = 'a-benchmark-secret-that-is-long-enough-for-hs256';
const format = (value: number) => value.toLocaleString('en', { maximumFractionDigits: 1 });

interface LoadFigures {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
}

const voteBody = z.strictObject({ choice: z.enum(['for', 'against', 'abstain']), onBehalfOf: z.uuid().optional() });

/** The vote route's twin: same authentication, parameters and body validation, and nothing stored. */
const baseline: Service = {
  name: 'baseline',
  events: [],
  projections: [],
  routes: async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', app.authenticate);
    app.post(
      '/baseline/cooperatives/:cooperativeId/motions/:motionId/votes',
      {
        schema: {
          // Not part of the API, so not in the rights table: it checks its token itself.
          hide: true,
          params: z.object({ cooperativeId: z.uuid(), motionId: z.uuid() }),
          body: voteBody,
          response: { 200: commandAcceptedSchema },
        },
      },
      async (request) => {
        if (principalOf(request).cooperativeId !== request.params.cooperativeId) throw forbidden('another cooperative');
        return { id: request.params.motionId, position: 0 };
      },
    );
  },
};

async function load(baseUrl: string, requests: { path: string; token: string; body: string }[], directory: string): Promise<LoadFigures> {
  const planFile = join(directory, `plan-${uuidv7()}.json`);
  writeFileSync(planFile, JSON.stringify({ baseUrl, connections: CONNECTIONS, requests }));
  const generator = spawnTypeScript(join(REPOSITORY_ROOT, 'tests/performance/load-generator.ts'), [planFile]);
  let output = '';
  let errors = '';
  generator.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  generator.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => generator.once('exit', resolve));
  if (code !== 0) throw new Error(`the load generator failed: ${errors}`);
  return JSON.parse(output) as LoadFigures;
}

async function appendsPerSecond(store: EventStore): Promise<number> {
  const started = performance.now();
  for (let index = 0; index < APPENDS; index += 1) {
    await store.append(`bench-${uuidv7()}`, [{ id: uuidv7(), type: 'Benchmarked', data: { index }, metadata: {} }], 'no_stream');
  }
  return APPENDS / ((performance.now() - started) / 1000);
}

async function run(label: string, config: MeentConfig, directory: string) {
  const cooperativeId = uuidv7();
  const memberIds = Array.from({ length: VOTERS }, () => uuidv7());
  const seedStore = await openEventStore(config);
  await seedCooperative(seedStore, cooperativeId, memberIds, new Date(Date.now() - 86_400_000));
  const appends = await appendsPerSecond(seedStore);
  await seedStore.close();

  const app = await buildServer({ config, services: (dependencies) => [...defaultServices(dependencies), baseline] });
  try {
    const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    const token = (memberId: string) =>
      signToken(SECRET, { subject: memberId, cooperativeId, roles: ['member'], expiresInSeconds: 3600, now: new Date() });
    const secretary = token(memberIds[0]!);
    const post = async (url: string, payload?: object) => {
      const response = await app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${secretary}` }, ...(payload ? { payload } : {}) });
      if (response.statusCode >= 300) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
      return response.json() as { id: string; position: number };
    };
    const admin = signToken(SECRET, { subject: 'bench-admin', roles: ['admin'], expiresInSeconds: 3600, now: new Date() });
    const base = `/cooperatives/${cooperativeId}`;
    await settle(app, admin);
    const { id: assemblyId } = await post(`${base}/assemblies`, {
      title: 'Benchmark',
      scheduledAt: new Date(Date.now() + 20 * 86_400_000).toISOString(),
      venue: { kind: 'online' },
    });
    const { id: motionId } = await post(`${base}/assemblies/${assemblyId}/motions`, { title: 'Bench', text: 'Every member votes.' });
    const opened = await post(`${base}/motions/${motionId}/opening`);

    const choices = ['for', 'against', 'abstain'] as const;
    const requests = (prefix: string) =>
      memberIds.map((memberId, index) => ({
        path: `${prefix}${base}/motions/${motionId}/votes`,
        token: token(memberId),
        body: JSON.stringify({ choice: choices[index % 3] }),
      }));
    await settle(app, admin, opened.position);
    await load(baseUrl, requests('/baseline'), directory);
    const stored = await load(baseUrl, requests('/baseline'), directory);
    const votes = await load(baseUrl, requests(''), directory);
    await settle(app, admin);
    const motion = await app.inject({ url: `${base}/motions/${motionId}`, headers: { authorization: `Bearer ${secretary}` } });
    const result = (motion.json() as { status: string; result: { tally: object } | null }).result;

    console.log(`${label}: appends ${format(appends)}/s (one event per append, ${APPENDS} appends)`);
    console.log(
      `${label}: baseline ${format(stored.perSecond)} req/s, p50 ${format(stored.p50)} ms, p99 ${format(stored.p99)} ms ${JSON.stringify(stored.statuses)}`,
    );
    console.log(
      `${label}: votes    ${format(votes.perSecond)} votes/s, p50 ${format(votes.p50)} ms, p99 ${format(votes.p99)} ms ${JSON.stringify(votes.statuses)}`,
    );
    console.log(
      `${label}: ratio ${(votes.perSecond / stored.perSecond).toFixed(2)} (target ≥ 0.5), p99 ${votes.p99 < 50 ? 'under' : 'OVER'} 50 ms; tally ${JSON.stringify(result?.tally)}`,
    );
  } finally {
    await app.close();
  }
}

const directory = mkdtempSync(join(tmpdir(), 'meent-bench-'));
try {
  console.log(`${VOTERS} voters, ${CONNECTIONS} connections, load generator in its own process`);
  const common = { MEENT_JWT_SECRET: SECRET, MEENT_LOG_LEVEL: 'silent' };
  if (STORES.includes('sqlite')) await run('sqlite', loadConfig({ ...common, MEENT_DATA_DIR: join(directory, 'sqlite') }), directory);
  // `pnpm bench` starts PostgreSQL and passes its URL, as `pnpm test` does.
  const postgres = { url: process.env.MEENT_TEST_POSTGRES_URL, reason: process.env.MEENT_TEST_POSTGRES_UNAVAILABLE ?? 'no MEENT_TEST_POSTGRES_URL' };
  if (!STORES.includes('postgres')) console.log('postgres: not measured (BENCH_STORES)');
  else if (postgres.url) {
    const schema = `bench_${Date.now()}`;
    try {
      await run(
        'postgres',
        loadConfig({
          ...common,
          MEENT_DATA_DIR: join(directory, 'postgres'),
          MEENT_EVENT_STORE: 'postgres',
          MEENT_READ_STORE: 'postgres',
          MEENT_POSTGRES_URL: postgres.url,
          MEENT_POSTGRES_SCHEMA: schema,
        }),
        directory,
      );
    } finally {
      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.query(`DROP SCHEMA IF EXISTS ${schema}_read_models CASCADE`);
      await client.end();
    }
  } else {
    console.log(`postgres: not measured (${postgres.reason})`);
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}
