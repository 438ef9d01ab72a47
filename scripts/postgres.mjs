// Starts the machine's PostgreSQL 15 cluster and creates the role and database the tests use. Best effort: on a
// machine without PostgreSQL it says so and the PostgreSQL tests report themselves skipped (CI requires them).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const TEST_DATABASE_URL = 'postgres://meent:meent@127.0.0.1:5432/meent_test';

function run(command, args) {
  return execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
}

function asPostgres(sql) {
  const psql = ['psql', '-v', 'ON_ERROR_STOP=1', '-qAtc', sql];
  return process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', ...psql]) : run('sudo', ['-n', '-u', 'postgres', ...psql]);
}

/** Returns the URL to test against, or a reason there is none. */
export function ensurePostgres() {
  if (process.env.MEENT_TEST_POSTGRES_URL) return { url: process.env.MEENT_TEST_POSTGRES_URL };
  if (!existsSync('/usr/bin/pg_ctlcluster')) return { reason: 'no PostgreSQL cluster tools on this machine' };
  try {
    const clusters = run('pg_lsclusters', ['-h']);
    if (!/\bonline\b/.test(clusters)) {
      const [version, name] = clusters.trim().split(/\s+/);
      const start = ['pg_ctlcluster', version ?? '15', name ?? 'main', 'start'];
      if (process.getuid?.() === 0) run(start[0], start.slice(1));
      else run('sudo', ['-n', ...start]);
    }
    if (asPostgres("SELECT 1 FROM pg_roles WHERE rolname = 'meent'").trim() !== '1') {
      asPostgres("CREATE ROLE meent LOGIN SUPERUSER PASSWORD 'meent'");
    }
    if (asPostgres("SELECT 1 FROM pg_database WHERE datname = 'meent_test'").trim() !== '1') {
      asPostgres('CREATE DATABASE meent_test OWNER meent');
    }
    return { url: TEST_DATABASE_URL };
  } catch (error) {
    return { reason: `PostgreSQL could not be started: ${String(error.stderr || error.message).trim()}` };
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = ensurePostgres();
  if (result.url) process.stdout.write(`PostgreSQL ready: ${result.url}\n`);
  else {
    process.stderr.write(`${result.reason}\n`);
    process.exit(1);
  }
}
