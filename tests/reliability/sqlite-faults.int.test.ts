// The embedded store's faults: a database file another process holds locked, and a full disk. Writes get 503 with
// retry-after (never 500), a projection whose file is locked retries and catches up once it is free, and the server
// goes on serving throughout.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { temporaryDirectory } from '@meent/eventsourcing/testing';
import { bearer, testServer } from '../support/test-server.js';

const register = (number: number) => ({ name: `Lid ${number}`, email: `lid-${number}@example.nl` });

t.test('another process holds the event store file locked: writes get 503 until it lets go', async (t) => {
  const server = await testServer(t);
  const admin = bearer(server.token(['admin']));
  const founded = await server.app.inject({ method: 'POST', url: '/cooperatives', headers: admin, payload: { name: 'De Meent' } });
  const members = `/cooperatives/${founded.json<{ id: string }>().id}/members`;

  const intruder = new Database(join(server.dataDir, 'events.db'));
  t.teardown(() => intruder.close());
  intruder.exec('BEGIN IMMEDIATE');
  const refused = await server.app.inject({ method: 'POST', url: members, headers: admin, payload: register(1) });
  t.equal(refused.statusCode, 503);
  t.match(refused.headers['content-type'], /application\/problem\+json/);
  t.equal(refused.headers['retry-after'], '5');
  t.match(refused.json(), { code: 'STORE_UNAVAILABLE', status: 503 });
  t.equal((await server.app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200, 'the server goes on serving');

  intruder.exec('COMMIT');
  const accepted = await server.app.inject({ method: 'POST', url: members, headers: admin, payload: register(2) });
  t.equal(accepted.statusCode, 201, 'the same write succeeds once the file is free');
});

t.test('another process holds the read models locked: the projection retries, then catches up', async (t) => {
  const server = await testServer(t);
  const admin = bearer(server.token(['admin']));
  const founded = await server.app.inject({ method: 'POST', url: '/cooperatives', headers: admin, payload: { name: 'De Meent' } });
  const members = `/cooperatives/${founded.json<{ id: string }>().id}/members`;

  const intruder = new Database(join(server.dataDir, 'read-models.db'));
  t.teardown(() => intruder.close());
  intruder.exec('BEGIN IMMEDIATE');
  const registered = await server.app.inject({ method: 'POST', url: members, headers: admin, payload: register(1) });
  t.equal(registered.statusCode, 201, 'the event store takes the write');
  const position = registered.json<{ position: number }>().position;
  const waiting = await server.app.inject({ method: 'GET', url: `${members}?minPosition=${position}`, headers: admin });
  t.equal(waiting.statusCode, 503, 'a read that needs the projection is refused for now');
  const listed = await server.app.inject({ method: 'GET', url: '/admin/projections/member_register', headers: admin });
  t.match(listed.json(), { status: 'retrying', lastError: { message: /SQLITE_BUSY/, attempts: Number } }, 'the projection says it retries, and why');

  intruder.exec('COMMIT');
  const read = await server.app.inject({ method: 'GET', url: `${members}?minPosition=${position}`, headers: admin });
  t.equal(read.statusCode, 200, 'caught up without an admin');
  t.equal(read.json<{ total: number }>().total, 1);
  t.match((await server.app.inject({ method: 'GET', url: '/admin/projections/member_register', headers: admin })).json(), {
    status: 'running',
    failure: null,
  });
});

/** A small file system of its own, so the disk can be filled without filling the machine's. Needs root. */
function smallDisk(): { path: string; release: () => void } | { reason: string } {
  if (process.getuid?.() !== 0) return { reason: 'mounting a small file system needs root' };
  const path = join(temporaryDirectory(t), 'small-disk');
  mkdirSync(path);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', path], { stdio: 'pipe' });
  } catch (error) {
    return { reason: `no tmpfs could be mounted here: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}` };
  }
  return { path, release: () => execFileSync('umount', ['--lazy', path]) };
}

const disk = smallDisk();
if ('reason' in disk) {
  t.test('the disk is full', { skip: disk.reason }, async () => undefined);
} else {
  t.test('the disk is full: writes get 503 until there is room again', async (t) => {
    t.teardown(disk.release);
    const server = await testServer(t, { environment: { MEENT_DATA_DIR: join(disk.path, 'data') } });
    const admin = bearer(server.token(['admin']));
    const founded = await server.app.inject({ method: 'POST', url: '/cooperatives', headers: admin, payload: { name: 'De Meent' } });
    const members = `/cooperatives/${founded.json<{ id: string }>().id}/members`;

    // Fill what is left, a megabyte at a time, until the file system refuses.
    const filler = join(disk.path, 'filler');
    const megabyte = Buffer.alloc(1024 * 1024, 1);
    let written = Buffer.alloc(0);
    try {
      for (;;) {
        written = Buffer.concat([written, megabyte]);
        writeFileSync(filler, written);
      }
    } catch (error) {
      t.match(error, { code: 'ENOSPC' }, 'the disk is full');
    }
    const statuses = [];
    for (let number = 1; number <= 20; number += 1) {
      const response = await server.app.inject({ method: 'POST', url: members, headers: admin, payload: register(number) });
      statuses.push(response.statusCode);
      if (response.statusCode === 503) {
        t.match(response.json(), { code: 'STORE_UNAVAILABLE' });
        t.equal(response.headers['retry-after'], '5');
        break;
      }
    }
    t.equal(statuses.at(-1), 503, `a write is refused for now once nothing fits (${statuses.join(', ')})`);
    t.notOk(statuses.includes(500), 'never a 500');

    rmSync(filler);
    const accepted = await server.app.inject({ method: 'POST', url: members, headers: admin, payload: register(99) });
    t.equal(accepted.statusCode, 201, 'writes succeed once there is room again');
    const position = accepted.json<{ position: number }>().position;
    const read = await server.app.inject({ method: 'GET', url: `${members}?minPosition=${position}`, headers: admin });
    t.equal(read.statusCode, 200, 'the projections caught up');
  });
}
