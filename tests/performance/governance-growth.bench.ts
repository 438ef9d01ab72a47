// Benchmark (not a test): how the assembly's work and the history's reads grow with the cooperative. One server per
// size (10,000 and 100,000 members unless BENCH_SIZES says otherwise) on the embedded store, its members on record
// before it starts; then, through the API as a secretary would: convening an assembly (which fixes its roll), reading
// it, closing a motion on the full roll, the first page of the register, budget versus
// actuals (a ledger of as many entries as members), a page of the initiatives (one for each ten members) and of one
// theme's, a member's own history and one stream's.
// Then the history of one stream in a log of BENCH_HISTORY_EVENTS (1,000,000) events, beside one of a tenth of that.
// Targets (issue 28): convening and closing each under 2 s at 100,000 members; the histories under 10 ms at 1M events.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@meent/event-store';
import { EventRegistry } from '@meent/eventsourcing';
import { signToken } from '@meent/http';
import { auditEvents, buildServer, loadConfig, openEventStore } from '@meent/server';
import { v7 as uuidv7 } from 'uuid';
import { history } from '../../packages/server/src/audit/history.js';
import { median } from './measure.js';
import { seedCooperative, seedFunding } from './seed-cooperative.js';
import { settle } from './settle.js';

const SIZES = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const HISTORY_EVENTS = Number(process.env.BENCH_HISTORY_EVENTS ?? 1_000_000);
const SECRET = 'a-benchmark-secret-that-is-long-enough-for-hs256';
const format = (value: number) => value.toLocaleString('en', { maximumFractionDigits: 1 });

/** Each read's or command's time at one size, in milliseconds. */
type Figures = Map<string, number>;

async function measureCooperative(members: number): Promise<Figures> {
  const directory = mkdtempSync(join(tmpdir(), 'meent-bench-'));
  const figures: Figures = new Map();
  try {
    const config = loadConfig({ MEENT_JWT_SECRET: SECRET, MEENT_LOG_LEVEL: 'silent', MEENT_DATA_DIR: directory });
    const cooperativeId = uuidv7();
    const memberIds = Array.from({ length: members }, () => uuidv7());
    const seeding = performance.now();
    const seedStore = await openEventStore(config);
    await seedCooperative(seedStore, cooperativeId, memberIds, new Date(Date.now() - 86_400_000));
    const { budgetId } = await seedFunding(seedStore, cooperativeId, memberIds, {
      entries: members,
      initiatives: members / 10,
      at: new Date(Date.now() - 86_400_000),
    });
    const seeded = await seedStore.headPosition();
    await seedStore.close();
    process.stdout.write(`${format(members)} members: on record in ${format((performance.now() - seeding) / 1000)} s`);

    // The server's clock: the meeting is opened at the hour it was convened for, twenty days on.
    let now = Date.now();
    const app = await buildServer({ config, clock: () => new Date(now) });
    try {
      const token = (subject: string, roles: readonly ('admin' | 'member')[]) =>
        signToken(SECRET, { subject, ...(roles.includes('admin') ? {} : { cooperativeId }), roles, expiresInSeconds: 3600, now: new Date(now) });
      const call = async (method: 'GET' | 'POST', url: string, payload?: object, as = token(memberIds[0]!, ['member'])) => {
        const response = await app.inject({ method, url, headers: { authorization: `Bearer ${as}` }, ...(payload ? { payload } : {}) });
        if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
        return response.json() as { id: string; position: number };
      };
      const timed = async (name: string, work: () => Promise<unknown>) => {
        const started = performance.now();
        const result = await work();
        figures.set(name, performance.now() - started);
        return result;
      };
      const settled = (position: number) => settle(app, token('bench-admin', ['admin']), position);
      const projecting = performance.now();
      await settled(seeded);
      process.stdout.write(`, projected in ${format((performance.now() - projecting) / 1000)} s\n`);

      const base = `/cooperatives/${cooperativeId}`;
      const scheduledAt = now + 20 * 86_400_000;
      const convened = (await timed('convene an assembly (fixing its roll)', () =>
        call('POST', `${base}/assemblies`, { title: 'Benchmark', scheduledAt: new Date(scheduledAt).toISOString(), venue: { kind: 'online' } }),
      )) as { id: string; position: number };
      figures.set('read the assembly', await median(11, () => call('GET', `${base}/assemblies/${convened.id}?minPosition=${convened.position}`)));
      const { rollSize } = (await call('GET', `${base}/assemblies/${convened.id}`)) as unknown as { rollSize: number };
      if (rollSize !== members) throw new Error(`the roll holds ${rollSize} members, not ${members}`);
      const tabled = await call('POST', `${base}/assemblies/${convened.id}/motions`, { title: 'Benchmark', text: 'The assembly decides.' });
      const opened = await call('POST', `${base}/motions/${tabled.id}/opening`);
      await timed('tell every member voting is open (reactions)', () => settled(opened.position));
      for (const memberId of memberIds.slice(0, 100)) {
        await call('POST', `${base}/motions/${tabled.id}/votes`, { choice: 'for' }, token(memberId, ['member']));
      }
      now = scheduledAt + 60_000;
      const inSession = await call('POST', `${base}/assemblies/${convened.id}/opening`);
      await settled(inSession.position);
      const closed = (await timed('close the motion on the full roll', () => call('POST', `${base}/motions/${tabled.id}/closing`))) as {
        position: number;
      };
      await timed('tell every member the decision (reactions)', () => settled(closed.position));
      figures.set('read the decision', await median(11, () => call('GET', `${base}/motions/${tabled.id}?minPosition=${closed.position}`)));
      figures.set('first page of the register, with its total', await median(11, () => call('GET', `${base}/members?limit=50`)));
      figures.set('budget versus actuals (an entry per member)', await median(11, () => call('GET', `${base}/budgets/${budgetId}`)));
      // Pages of 50, as the issue's target for page reads counts them.
      figures.set('initiatives, a page of 50 (one per ten members)', await median(11, () => call('GET', `${base}/initiatives?limit=50`)));
      figures.set('initiatives of one theme, a page of 50', await median(11, () => call('GET', `${base}/initiatives?limit=50&theme=werken`)));
      const someone = memberIds[members - 1]!;
      figures.set("a member's own history", await median(11, () => call('GET', `${base}/events?stream=member-${someone}&limit=100`)));
      figures.set("one stream's history", await median(11, () => call('GET', `${base}/streams/member-${someone}/events`)));
      return figures;
    } finally {
      await app.close();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** A log of `events` events over streams of 100, and the median time to read one stream's history from it. */
async function measureHistory(events: number): Promise<number> {
  const directory = mkdtempSync(join(tmpdir(), 'meent-bench-'));
  try {
    const store = new SqliteEventStore({ path: join(directory, 'events.db') });
    const cooperativeId = uuidv7();
    let streamOfSomeone = '';
    for (let written = 0; written < events; written += 100) {
      const stream = `member-${uuidv7()}`;
      streamOfSomeone = stream;
      const batch = Array.from({ length: 100 }, (_, index) => {
        const id = uuidv7();
        return {
          id,
          type: 'Benchmarked',
          data: { index },
          metadata: { eventId: id, cooperativeId, actor: { id: 'bench', roles: ['admin'] }, correlationId: id, causationId: null, occurredAt: new Date().toISOString() },
        };
      });
      await store.append(stream, batch, 'no_stream');
    }
    const registry = new EventRegistry(auditEvents);
    const ms = await median(5, async () => {
      for await (const entry of history(store, registry, { cooperativeId, after: 0, streams: [streamOfSomeone] })) void entry;
    });
    await store.close();
    return ms;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const bySize = new Map<number, Figures>();
for (const size of SIZES) bySize.set(size, await measureCooperative(size));
const smallest = SIZES[0]!;
const largest = SIZES[SIZES.length - 1]!;
process.stdout.write(`\n${'what'.padEnd(46)}${SIZES.map((size) => `${format(size)} members`.padStart(18)).join('')}   growth\n`);
for (const name of bySize.get(smallest)!.keys()) {
  const small = bySize.get(smallest)!.get(name)!;
  const large = bySize.get(largest)!.get(name)!;
  process.stdout.write(
    `${name.padEnd(46)}${SIZES.map((size) => `${format(bySize.get(size)!.get(name)!)} ms`.padStart(18)).join('')}   ×${format(large / small)}\n`,
  );
}
const historyAtTenth = await measureHistory(HISTORY_EVENTS / 10);
const historyAtAll = await measureHistory(HISTORY_EVENTS);
process.stdout.write(
  `\none stream's history: ${format(historyAtTenth)} ms in a log of ${format(HISTORY_EVENTS / 10)} events, ` +
    `${format(historyAtAll)} ms in one of ${format(HISTORY_EVENTS)} (×${format(historyAtAll / historyAtTenth)}; target under 10 ms)\n`,
);
