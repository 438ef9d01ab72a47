// Benchmark (not a test): what three idle `meent serve` processes on one PostgreSQL cost the database and the machine.
// One of them holds each projection's and reaction's lease, the others stand by. Figures: new PostgreSQL sessions a
// minute (pg_stat_database) and each process's CPU share (/proc/<pid>/stat), against the targets of issue 27 (under
// 10 sessions a minute per process, under 2% CPU) and, as the baseline, the CPU of one idle process on the embedded
// store in the same window.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { spawnTypeScript, waitForLine } from '../support/processes.js';

const url = process.env.MEENT_TEST_POSTGRES_URL;
const PROCESSES = 3;
const SETTLE_SECONDS = Number(process.env.BENCH_SETTLE_SECONDS ?? 10);
const MEASURE_SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const TARGET_SESSIONS_PER_MINUTE = 10;
const TARGET_CPU_PERCENT = 2;
/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

function cpuTicks(pid: number): number {
  // Fields after the command name (which may hold spaces) start at the state; utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

if (!url) {
  process.stdout.write(`skipped: no PostgreSQL (${process.env.MEENT_TEST_POSTGRES_UNAVAILABLE ?? 'MEENT_TEST_POSTGRES_URL is not set'})\n`);
} else {
  const schema = `meent_idle_${randomBytes(4).toString('hex')}`;
  const directory = mkdtempSync(join(tmpdir(), 'meent-idle-'));
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const children = [];
  try {
    // The last one is the baseline: the same server on SQLite, with nothing to stand by for.
    for (let index = 0; index <= PROCESSES; index += 1) {
      const stores: Record<string, string> =
        index < PROCESSES
          ? { MEENT_EVENT_STORE: 'postgres', MEENT_READ_STORE: 'postgres', MEENT_POSTGRES_URL: url, MEENT_POSTGRES_SCHEMA: schema }
          : {};
      const child = spawnTypeScript('packages/cli/src/main.ts', ['serve'], {
        ...stores,
        MEENT_JWT_SECRET: 'a-benchmark-secret-that-is-long-enough-for-hs256',
        MEENT_PORT: '0',
        MEENT_LOG_LEVEL: 'info',
        MEENT_DATA_DIR: join(directory, String(index)),
      });
      children.push(child);
      // The first process creates the schemas; the others start after it.
      await waitForLine(child, (line) => line.includes('Server listening at'));
      // Nobody reads their logs from here on; a full pipe would stall them.
      child.stdout.resume();
      child.stderr.resume();
    }
    await delay(SETTLE_SECONDS * 1000);
    const sessions = async () =>
      Number((await admin.query<{ sessions: string }>('SELECT sessions FROM pg_stat_database WHERE datname = current_database()')).rows[0]?.sessions);
    const sessionsBefore = await sessions();
    const cpuBefore = children.map((child) => cpuTicks(child.pid ?? 0));
    await delay(MEASURE_SECONDS * 1000);
    const sessionsAfter = await sessions();
    const cpuAfter = children.map((child) => cpuTicks(child.pid ?? 0));
    // This benchmark's own connection opened before the window and adds none.
    const perMinutePerProcess = ((sessionsAfter - sessionsBefore) * 60) / MEASURE_SECONDS / PROCESSES;
    const cpuAll = cpuAfter.map((after, index) => ((after - (cpuBefore[index] ?? 0)) * 100) / TICKS_PER_SECOND / MEASURE_SECONDS);
    const cpuPercents = cpuAll.slice(0, PROCESSES);
    const baseline = cpuAll[PROCESSES] ?? 0;
    const connections = Number(
      (await admin.query<{ count: string }>('SELECT count(*) AS count FROM pg_stat_activity WHERE datname = current_database()')).rows[0]?.count,
    );
    const format = (value: number) => value.toLocaleString('en', { maximumFractionDigits: 2 });
    process.stdout.write(
      [
        `${PROCESSES} idle processes on PostgreSQL, measured over ${MEASURE_SECONDS} s after ${SETTLE_SECONDS} s to settle:`,
        `  new sessions a minute per process: ${format(perMinutePerProcess)} (target < ${TARGET_SESSIONS_PER_MINUTE}; ratio to target ${format(perMinutePerProcess / TARGET_SESSIONS_PER_MINUTE)})`,
        `  CPU per process: ${cpuPercents.map((percent) => `${format(percent)}%`).join(', ')} (target < ${TARGET_CPU_PERCENT}%; worst ratio to target ${format(Math.max(...cpuPercents) / TARGET_CPU_PERCENT)})`,
        `  baseline, one idle process on SQLite: ${format(baseline)}% (worst PostgreSQL process / baseline: ${format(Math.max(...cpuPercents) / baseline)})`,
        `  connections open to the database at the end: ${connections}`,
        '',
      ].join('\n'),
    );
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}_read_models" CASCADE`);
    await admin.end();
    rmSync(directory, { recursive: true, force: true });
  }
}
