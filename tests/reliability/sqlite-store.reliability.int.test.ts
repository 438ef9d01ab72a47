import { join } from 'node:path';
import t from 'tap';
import { SqliteEventStore } from '@meent/event-store';
import { collect } from '@meent/event-store/testing';
import { temporaryDirectory } from '@meent/eventsourcing/testing';
import { finished, spawnTypeScript, waitForLine } from '../support/processes.js';

const WORKER = 'tests/reliability/fixtures/append-worker.ts';

t.test('with the default durability, no acknowledged append is lost when the process is killed', async (t) => {
  const path = join(temporaryDirectory(t), 'events.db');
  const worker = spawnTypeScript(WORKER, ['acknowledge', path]);
  // Appending until killed: should the test fail before it kills it, the worker must not outlive it.
  t.teardown(() => {
    if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
  });
  const acknowledged: string[] = [];
  let partial = '';
  worker.stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    acknowledged.push(...lines);
  });
  await waitForLine(worker, () => acknowledged.length >= 3000);
  const exit = finished(worker);
  worker.kill('SIGKILL');
  t.equal((await exit).signal, 'SIGKILL');

  const store = new SqliteEventStore({ path });
  t.teardown(() => store.close());
  const stored = new Set((await collect(store.readAll())).map((event) => event.id));
  const lost = acknowledged.filter((id) => !stored.has(id));
  t.ok(acknowledged.length >= 3000, `${acknowledged.length} appends acknowledged before the kill`);
  t.same(lost, [], 'every acknowledged append is in the store');
});

t.test('processes appending to one stream at the revision they read never overwrite each other', async (t) => {
  const path = join(temporaryDirectory(t), 'events.db');
  const initialised = new SqliteEventStore({ path });
  await initialised.close();
  const rounds = 150;
  const workers = Array.from({ length: 4 }, () => spawnTypeScript(WORKER, ['contend', path, String(rounds)]));
  const results = await Promise.all(workers.map(finished));
  for (const result of results) t.equal(result.code, 0, result.stderr);
  const reports = results.map((result) => JSON.parse(result.stdout) as { pid: number; conflicts: number });

  const store = new SqliteEventStore({ path });
  t.teardown(() => store.close());
  const events = await collect(store.readStream('contended-1'));
  t.same(
    events.map((event) => event.revision),
    Array.from({ length: 4 * rounds }, (_, index) => index),
    'one event per revision, no gap',
  );
  for (const { pid, conflicts } of reports) {
    t.equal(events.filter((event) => event.data.pid === pid).length, rounds, `process ${pid}: all ${rounds} appends stored after ${conflicts} conflicts`);
  }
});
