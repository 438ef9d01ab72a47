// A PostgreSQL cluster of the test's own, in a temporary directory on a port of its own: a test may stop and start it
// under load without touching the cluster every other test shares.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Test } from 'tap';

const run = promisify(execFile);
const POSTGRES_USER = 'postgres';

export interface PrivatePostgres {
  readonly url: string;
  /** Shuts the cluster down the way a restart does (fast: sessions are ended, no new ones accepted). */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** The server binaries of the newest PostgreSQL installed the Debian way, or a reason there are none. */
export function postgresBinaries(): { directory: string } | { reason: string } {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return { reason: 'no PostgreSQL server binaries under /usr/lib/postgresql' };
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  const directory = join(root, version ?? '', 'bin');
  return existsSync(join(directory, 'initdb')) ? { directory } : { reason: `no initdb in ${directory}` };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port was assigned');
  return address.port;
}

export async function startPrivatePostgres(t: Test, binaries: string): Promise<PrivatePostgres> {
  const directory = mkdtempSync(join(tmpdir(), 'meent-pg-'));
  const data = join(directory, 'data');
  // PostgreSQL will not run as root: as root, its tools run as the postgres user, which must own the directory.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(directory, Number((await run('id', ['-u', POSTGRES_USER])).stdout), Number((await run('id', ['-g', POSTGRES_USER])).stdout));
  const tool = (name: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', POSTGRES_USER, '--', join(binaries, name), ...args]) : run(join(binaries, name), args);
  await tool('initdb', ['-D', data, '-U', 'meent', '--auth=trust', '--encoding=UTF8', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = async () => {
    await tool('pg_ctl', ['-D', data, '-o', options, '-l', join(directory, 'server.log'), '-w', 'start']);
  };
  const stop = async () => {
    await tool('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  };
  await start();
  t.teardown(async () => {
    await tool('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    rmSync(directory, { recursive: true, force: true });
  });
  return { url: `postgres://meent@127.0.0.1:${port}/postgres`, stop, start };
}
