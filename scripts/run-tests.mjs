// Runs every test file with tap and closes with one line CI reads: `N passed, N failed, N skipped`.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensurePostgres } from './postgres.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const postgres = ensurePostgres();
if (postgres.reason) process.stderr.write(`PostgreSQL tests will be skipped: ${postgres.reason}\n`);
const child = spawn(`${root}node_modules/.bin/tap`, ['--reporter=tap', ...process.argv.slice(2)], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: {
    ...process.env,
    ...(postgres.url ? { MEENT_TEST_POSTGRES_URL: postgres.url } : { MEENT_TEST_POSTGRES_UNAVAILABLE: postgres.reason }),
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

child.on('close', (code, signal) => {
  if (!summary) {
    process.stdout.write(`\ntap ended (${signal ?? `exit ${code}`}) without a summary\n0 passed, 1 failed\n`);
    process.exit(1);
  }
  const passed = summary.pass ?? 0;
  const failed = summary.fail ?? 0;
  const skipped = (summary.skip ?? 0) + (summary.todo ?? 0);
  process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
