// Benchmark (not a test): Meent's PostgreSQL event store beside Emmett's (`@event-driven-io/emmett-postgresql`, a dev
// dependency of this benchmark only) on the same server, the same single-event appends over 1,000 streams, with 1 and
// with 32 concurrent writers, in interleaved rounds of one run. Targets (issue 22): ≥ 1.2 × Emmett with 1 writer,
// ≥ 1.5 × with 32.
import { randomBytes } from 'node:crypto';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { PostgresEventStore } from '@meent/event-store';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';

const APPENDS = Number(process.env.BENCH_APPENDS ?? 4_000);
const STREAMS = 1_000;
const ROUNDS = 2;
const format = (value: number) => value.toLocaleString('en', { maximumFractionDigits: 0 });

/** Appends one event to a stream, expecting the revision it saw (`undefined`: the stream is new). */
type AppendOne = (stream: string, expected: number | undefined) => Promise<void>;

interface Contender {
  readonly name: string;
  open(url: string): Promise<{ append: AppendOne; close(): Promise<void> }>;
}

const payload = (index: number) => ({ index, note: 'a neighbourhood initiative', amountCents: 125_000 });

const meent: Contender = {
  name: 'Meent',
  async open(url) {
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    const store = new PostgresEventStore({ connectionString: url, schema, poolSize: 10 });
    return {
      append: async (stream, expected) => {
        await store.append(stream, [{ id: uuidv7(), type: 'Benchmarked', data: payload(expected ?? -1), metadata: { correlationId: uuidv7() } }], expected ?? 'no_stream');
      },
      close: async () => {
        await store.close();
        await adminQuery(url, `DROP SCHEMA ${schema} CASCADE`);
      },
    };
  },
};

const emmett: Contender = {
  name: 'Emmett',
  async open(url) {
    // Emmett keeps its tables in the public schema: a database of its own for each round.
    const database = `emmett_bench_${randomBytes(4).toString('hex')}`;
    await adminQuery(url, `CREATE DATABASE ${database}`);
    const target = new URL(url);
    target.pathname = `/${database}`;
    const store = getPostgreSQLEventStore(target.toString());
    return {
      append: async (stream, expected) => {
        // Emmett counts stream positions from 1; none expected is a new stream (position 0).
        await store.appendToStream(stream, [{ type: 'Benchmarked', data: payload(expected ?? -1) }], { expectedStreamVersion: BigInt((expected ?? -1) + 1) });
      },
      close: async () => {
        await store.close();
        await adminQuery(url, `DROP DATABASE ${database} WITH (FORCE)`);
      },
    };
  },
};

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Events per second for `APPENDS` single-event appends spread over `STREAMS` streams by `writers` writers. */
async function measure(contender: Contender, url: string, writers: number): Promise<number> {
  const { append, close } = await contender.open(url);
  // Warm-up: the schema made, the pool filled, the statements planned.
  await Promise.all(Array.from({ length: writers }, (_, writer) => append(`warmup-${writer}-${uuidv7()}`, undefined)));
  const revisions = new Map<string, number>();
  const streams = Array.from({ length: STREAMS }, () => `bench-${uuidv7()}`);
  let next = 0;
  const writer = async () => {
    // Each writer takes the next append; streams are spread so no two writers share one at a time.
    for (let index = next++; index < APPENDS; index = next++) {
      const stream = streams[index % STREAMS]!;
      const expected = revisions.get(stream);
      revisions.set(stream, (expected ?? -1) + 1);
      await append(stream, expected);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: writers }, writer));
  const elapsed = performance.now() - started;
  await close();
  return Math.round((APPENDS * 1000) / elapsed);
}

const url = process.env.MEENT_TEST_POSTGRES_URL;
if (!url) {
  process.stdout.write(`PostgreSQL appends beside Emmett: skipped (${process.env.MEENT_TEST_POSTGRES_UNAVAILABLE ?? 'no MEENT_TEST_POSTGRES_URL'})\n`);
} else {
  process.stdout.write(`PostgreSQL appends beside Emmett: ${format(APPENDS)} single-event appends over ${format(STREAMS)} streams, best of ${ROUNDS} interleaved rounds\n`);
  for (const [writers, target] of [
    [1, 1.2],
    [32, 1.5],
  ] as const) {
    const best = { Meent: 0, Emmett: 0 };
    for (let round = 0; round < ROUNDS; round += 1) {
      // Interleaved, and in turn first: neither store always meets a warmer or a more loaded server.
      const order = round % 2 === 0 ? [meent, emmett] : [emmett, meent];
      for (const contender of order) {
        const perSecond = await measure(contender, url, writers);
        best[contender.name as keyof typeof best] = Math.max(best[contender.name as keyof typeof best], perSecond);
        process.stdout.write(`  round ${round + 1}, ${String(writers).padStart(2)} writer(s): ${contender.name.padEnd(6)} ${format(perSecond).padStart(6)} events/s\n`);
      }
    }
    const ratio = best.Meent / best.Emmett;
    process.stdout.write(
      `${String(writers).padStart(2)} writer(s): Meent ${format(best.Meent)}/s, Emmett ${format(best.Emmett)}/s, ratio ${ratio.toFixed(2)} (target ≥ ${target}) ${ratio >= target ? 'met' : 'MISSED'}\n`,
    );
  }
}
