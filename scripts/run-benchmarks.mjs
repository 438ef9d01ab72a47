// Runs every benchmark under tests/performance in turn; each prints its own figures and ratios.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensurePostgres } from './postgres.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv.slice(2);
const benchmarks = readdirSync(`${root}tests/performance`)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
  .sort();

// Benchmarks that compare stores measure PostgreSQL where this machine has it.
const postgres = ensurePostgres();
const environment = {
  ...process.env,
  ...(postgres.url ? { MEENT_TEST_POSTGRES_URL: postgres.url } : { MEENT_TEST_POSTGRES_UNAVAILABLE: postgres.reason }),
};

let failed = false;
for (const file of benchmarks) {
  process.stdout.write(`\n== ${file}\n`);
  const result = spawnSync(
    process.execPath,
    ['--conditions=meent-source', '--import', 'tsx', `tests/performance/${file}`],
    { cwd: root, stdio: 'inherit', env: environment },
  );
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
