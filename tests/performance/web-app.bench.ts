// Benchmark (not a test): the web app's pages on a cooperative of 1,000 members, over HTTP on loopback, one request
// after another as a member browsing would send them — the server's response time per page, p50 and p95, beside
// /health/live in the same run (a route that does nothing). Each page asks the API for what it shows, in process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signToken } from '@meent/http';
import { buildServer, loadConfig, openEventStore } from '@meent/server';
import { v7 as uuidv7 } from 'uuid';
import { seedCooperative } from './seed-cooperative.js';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const SECRET = 'a-benchmark-secret-that-is-long-enough-for-hs256';
const DAY_MS = 86_400_000;

const percentile = (sorted: readonly number[], share: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? 0;
const format = (value: number) => value.toFixed(1);

const dataDir = mkdtempSync(join(tmpdir(), 'meent-web-bench-'));
try {
  const config = loadConfig({
    MEENT_DATA_DIR: dataDir,
    MEENT_JWT_SECRET: SECRET,
    MEENT_LOG_LEVEL: 'silent',
    MEENT_RATE_LIMIT_PER_TOKEN: '1000000',
    MEENT_RATE_LIMIT_PER_ADDRESS: '1000000',
  });
  const cooperativeId = uuidv7();
  const memberIds = Array.from({ length: MEMBERS }, () => uuidv7());
  const seeded = await openEventStore(config);
  await seedCooperative(seeded, cooperativeId, memberIds, new Date(Date.now() - DAY_MS));
  await seeded.close();

  const app = await buildServer({ config });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `/cooperatives/${cooperativeId}`;
  const tokenOf = (subject: string, roles: ('admin' | 'member')[]) =>
    signToken(SECRET, { subject, ...(roles.includes('member') ? { cooperativeId } : {}), roles, expiresInSeconds: 3600, now: new Date() });
  const secretaryId = memberIds[0]!;
  const treasurerId = memberIds[1]!;
  const post = async (token: string, path: string, payload?: object) => {
    const response = await app.inject({ method: 'POST', url: path, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
    if (response.statusCode >= 300) throw new Error(`${path}: ${response.statusCode} ${response.body}`);
    return response.json() as { id: string; position: number };
  };
  const secretary = tokenOf(secretaryId, ['member']);
  await post(tokenOf('admin', ['admin']), `${base}/officers`, { memberId: treasurerId, office: 'treasurer' });
  const assembly = await post(secretary, `${base}/assemblies`, {
    title: 'Ledenvergadering',
    scheduledAt: new Date(Date.now() + 20 * DAY_MS).toISOString(),
    venue: { kind: 'online' },
  });
  for (const title of ['Buurtmoestuin', 'Kascommissie', 'Lampen in het park']) {
    const motion = await post(secretary, `${base}/assemblies/${assembly.id}/motions`, { title, text: `De vergadering besluit: ${title}.` });
    await post(secretary, `${base}/motions/${motion.id}/opening`);
  }
  const treasurer = tokenOf(treasurerId, ['member']);
  const budget = await post(treasurer, `${base}/budgets`, { financialYear: new Date().getUTCFullYear(), title: 'Begroting' });
  for (let line = 0; line < 12; line += 1) {
    await post(treasurer, `${base}/budgets/${budget.id}/lines`, { code: `4${String(line).padStart(3, '0')}`, name: `Post ${line}`, kind: 'expense', amountCents: 100_000 * (line + 1) });
  }

  /** A member's session cookie, as signing in would leave it. */
  const sessionOf = (subject: string) =>
    `meent_session=${Buffer.from(JSON.stringify({ accessToken: tokenOf(subject, ['member']), refreshToken: 'unused', sessionId: uuidv7(), subject })).toString('base64url')}`;
  const member = sessionOf(memberIds[MEMBERS - 1]!);
  const pages: [string, string, string][] = [
    ['/health/live (baseline)', '/health/live', ''],
    ['home', `/app/${cooperativeId}`, member],
    ['assemblies', `/app/${cooperativeId}/assemblies`, member],
    ['an assembly with three motions', `/app/${cooperativeId}/assemblies/${assembly.id}`, member],
    ['my details', `/app/${cooperativeId}/me`, member],
    ['the budget (treasurer)', `/app/${cooperativeId}/budgets/${budget.id}`, sessionOf(treasurerId)],
  ];
  process.stdout.write(`web app pages, ${MEMBERS} members, ${REQUESTS} requests each, one at a time over loopback HTTP\n`);
  let baselineP95 = 0;
  for (const [name, path, cookie] of pages) {
    const times: number[] = [];
    for (let request = 0; request < REQUESTS + 20; request += 1) {
      const started = performance.now();
      const response = await fetch(`${address}${path}`, { headers: cookie ? { cookie } : {} });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
      // The first twenty warm the caches and the JIT.
      if (request >= 20) times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const p95 = percentile(times, 0.95);
    if (!cookie) baselineP95 = p95;
    process.stdout.write(
      `  ${name.padEnd(34)} p50 ${format(percentile(times, 0.5)).padStart(6)} ms  p95 ${format(p95).padStart(6)} ms${cookie ? `  (× ${format(p95 / baselineP95)} the baseline's p95; target < 50 ms)` : ''}\n`,
    );
  }
  await app.close();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
