// Benchmark (not a test): the SQLite adapter against raw better-sqlite3 doing the same writes and reads with the
// same schema and durability, measured in one run. Targets: appends ≥ 0.8 of raw, read-all ≥ 0.7 of raw.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLITE_EVENTS_SCHEMA, SqliteEventStore, openSqliteDatabase, type SqliteDurability } from '@meent/event-store';
import { newEvent } from '@meent/event-store/testing';

const APPENDS = Number(process.env.BENCH_APPENDS ?? 20_000);
const READ_EVENTS = Number(process.env.BENCH_READ_EVENTS ?? 200_000);
const STREAMS = 1000;

const directory = mkdtempSync(join(tmpdir(), 'meent-bench-'));
let round = 0;
const freshPath = (name: string) => join(directory, `${name}-${(round += 1)}.db`);
const perSecond = (count: number, milliseconds: number) => Math.round((count * 1000) / milliseconds);
const format = (value: number) => value.toLocaleString('en');
const events = (count: number) => Array.from({ length: count }, (_, index) => newEvent('Benchmarked', { index, note: 'a neighbourhood initiative' }));

async function adapterAppends(durability: SqliteDurability, prepared: ReturnType<typeof events>): Promise<number> {
  const store = new SqliteEventStore({ path: freshPath(`adapter-${durability}`), durability });
  const revisions = new Array<number>(STREAMS).fill(-1);
  const started = performance.now();
  for (const [index, event] of prepared.entries()) {
    const stream = index % STREAMS;
    const expected = revisions[stream] ?? -1;
    const result = await store.append(`bench-${stream}`, [event], expected === -1 ? 'no_stream' : expected);
    revisions[stream] = result.nextExpectedRevision;
  }
  const elapsed = performance.now() - started;
  await store.close();
  return perSecond(prepared.length, elapsed);
}

function rawAppends(durability: SqliteDurability, prepared: ReturnType<typeof events>): number {
  const db = openSqliteDatabase(freshPath(`raw-${durability}`), durability);
  db.exec(SQLITE_EVENTS_SCHEMA);
  const insert = db.prepare('INSERT INTO events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  const revisions = new Array<number>(STREAMS).fill(-1);
  const appendOne = db.transaction((stream: number, event: (typeof prepared)[number]) => {
    const revision = (revisions[stream] ?? -1) + 1;
    insert.run(event.id, `bench-${stream}`, revision, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata));
    revisions[stream] = revision;
  });
  const started = performance.now();
  for (const [index, event] of prepared.entries()) appendOne.immediate(index % STREAMS, event);
  const elapsed = performance.now() - started;
  db.close();
  return perSecond(prepared.length, elapsed);
}

async function fill(path: string, count: number): Promise<void> {
  const store = new SqliteEventStore({ path });
  for (let written = 0; written < count; written += 1000) {
    await store.append(`fill-${written}`, events(Math.min(1000, count - written)), 'no_stream');
  }
  await store.close();
}

async function adapterReadAll(path: string): Promise<number> {
  const store = new SqliteEventStore({ path });
  let count = 0;
  const started = performance.now();
  for await (const event of store.readAll()) if (event.position > 0) count += 1;
  const elapsed = performance.now() - started;
  await store.close();
  return perSecond(count, elapsed);
}

function rawReadAll(path: string): number {
  const db = openSqliteDatabase(path, 'normal');
  // The fastest plain scan: one statement, rows as arrays, decoded as the adapter decodes them.
  const scan = db
    .prepare<[], [number, string, string, number, string, string, string]>(
      'SELECT position, id, stream, revision, type, data, metadata FROM events ORDER BY position',
    )
    .raw(true);
  let count = 0;
  const started = performance.now();
  for (const [position, id, stream, revision, type, data, metadata] of scan.iterate()) {
    const decoded = { id, stream, revision, position, type, data: JSON.parse(data) as unknown, metadata: JSON.parse(metadata) as unknown };
    if (decoded.position > 0) count += 1;
  }
  const elapsed = performance.now() - started;
  db.close();
  return perSecond(count, elapsed);
}

function report(name: string, adapter: number, raw: number, target: number): void {
  const ratio = adapter / raw;
  process.stdout.write(
    `${name.padEnd(34)} adapter ${format(adapter).padStart(9)}/s   raw ${format(raw).padStart(9)}/s   ratio ${ratio.toFixed(2)}  (target ≥ ${target}) ${ratio >= target ? 'met' : 'MISSED'}\n`,
  );
}

try {
  process.stdout.write(`SQLite event store: ${format(APPENDS)} single-event appends over ${STREAMS} streams, read-all of ${format(READ_EVENTS)} events\n`);
  for (const durability of ['normal', 'full'] as const) {
    const count = durability === 'full' ? Math.min(APPENDS, 2000) : APPENDS;
    const prepared = events(count);
    // Alternating order and taking the better of two rounds keeps page-cache warm-up from favouring either side.
    const raw1 = rawAppends(durability, prepared);
    const adapter1 = await adapterAppends(durability, events(count));
    const adapter2 = await adapterAppends(durability, events(count));
    const raw2 = rawAppends(durability, events(count));
    report(`append, durability=${durability}`, Math.max(adapter1, adapter2), Math.max(raw1, raw2), 0.8);
  }
  const readPath = join(directory, 'read.db');
  await fill(readPath, READ_EVENTS);
  const rawRead1 = rawReadAll(readPath);
  const adapterRead1 = await adapterReadAll(readPath);
  const adapterRead2 = await adapterReadAll(readPath);
  const rawRead2 = rawReadAll(readPath);
  report('read-all (with JSON.parse)', Math.max(adapterRead1, adapterRead2), Math.max(rawRead1, rawRead2), 0.7);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
