// Runs every test file with tap and closes with one line CI reads: `N passed, N failed, N skipped`.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from './chromium.mjs';
import { ensurePostgres } from './postgres.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
/**
 * Tests that hold a time bar and load the machine themselves (the PostgreSQL restart test: three servers, four writers
 * and a cluster of its own, back within 10 s). They run first, by themselves, on a machine the other files have not
 * loaded yet, so their bar measures them alone; and the other files, two at a time, never wait for them to end.
 */
const ALONE = 'tests/reliability/alone';

const postgres = ensurePostgres();
if (postgres.reason) process.stderr.write(`PostgreSQL tests will be skipped: ${postgres.reason}\n`);
const chromium = ensureChromium();
if (chromium.reason) process.stderr.write(`Browser tests will be skipped: ${chromium.reason}\n`);

/** One tap run; resolves with its closing counts (undefined when it ended without them) and its exit status. */
function tap(args) {
  const child = spawn(`${root}node_modules/.bin/tap`, ['--reporter=tap', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      ...(postgres.url ? { MEENT_TEST_POSTGRES_URL: postgres.url } : { MEENT_TEST_POSTGRES_UNAVAILABLE: postgres.reason }),
      ...(chromium.path ? { MEENT_CHROMIUM: chromium.path } : { MEENT_TEST_CHROMIUM_UNAVAILABLE: chromium.reason }),
    },
  });
  let summary;
  let pending = '';
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      // tap's closing line: `# { total: 46, pass: 44, fail: 1, skip: 1 }`
      const match = /^# \{ total: \d+(?<counts>.*)\}$/.exec(line.trim());
      if (match) summary = Object.fromEntries([...match.groups.counts.matchAll(/(\w+): (\d+)/g)].map((m) => [m[1], Number(m[2])]));
    }
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ summary, code, signal })));
}

const given = process.argv.slice(2);
const runs = [];
if (given.length > 0) runs.push(await tap(given));
else {
  const alone = readdirSync(`${root}${ALONE}`).filter((name) => name.endsWith('.test.ts')).map((name) => `${ALONE}/${name}`);
  runs.push(await tap(alone));
  runs.push(await tap([`--exclude=${ALONE}/**`]));
}

const ended = runs.find((run) => !run.summary);
if (ended) {
  process.stdout.write(`\ntap ended (${ended.signal ?? `exit ${ended.code}`}) without a summary\n0 passed, 1 failed\n`);
  process.exit(1);
}
const total = (key) => runs.reduce((sum, run) => sum + (run.summary[key] ?? 0), 0);
const passed = total('pass');
const failed = total('fail');
const skipped = total('skip') + total('todo');
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(runs.every((run) => run.code === 0) && failed === 0 ? 0 : 1);
