import { join } from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { v7 as uuidv7 } from 'uuid';
import { SqliteEventStore } from '@meent/event-store';
import { temporaryDirectory } from '@meent/eventsourcing/testing';
import { PROGRESS_EVERY_EVENTS, verifyCooperative } from '@meent/server';
import { runTypeScript } from '../support/processes.js';
import { admittedMember, command, foundCooperative } from '../support/cooperative-fixture.js';
import { bearer, testServer } from '../support/test-server.js';

/** A cooperative with a few members, sealed; returns what a tamper test needs. */
async function sealedCooperative(t: Test) {
  const server = await testServer(t);
  const cooperative = await foundCooperative(server);
  const anna = await admittedMember(server, cooperative, 'Anna', 'anna@example.nl');
  await admittedMember(server, cooperative, 'Bram', 'bram@example.nl');
  const sealed = await command(server.app, cooperative.secretary, `/cooperatives/${cooperative.cooperativeId}/audit/seals`);
  t.equal(sealed.status, 201);
  const raw = new Database(join(server.dataDir, 'events.db'));
  t.teardown(() => raw.close());
  const verify = async () => {
    const response = await server.app.inject({
      url: `/cooperatives/${cooperative.cooperativeId}/audit/verification`,
      headers: bearer(cooperative.secretary),
    });
    t.equal(response.statusCode, 200);
    return response.json() as { verified: boolean; firstBrokenLink: { stream: string; revision: number; problem: string; expected: string; found: string } | null };
  };
  return { server, cooperative, annaStream: `member-${anna.id}`, raw, verify, root: (sealed.body as unknown as { root: string }).root };
}

t.test('an untouched store verifies, through the API and through meent audit verify', async (t) => {
  const { server, cooperative, verify, root } = await sealedCooperative(t);
  t.match(await verify(), { verified: true, firstBrokenLink: null, seals: 1, latestRoot: root });
  const cli = await runTypeScript('packages/cli/src/main.ts', ['audit', 'verify'], { MEENT_DATA_DIR: server.dataDir });
  t.equal(cli.code, 0, cli.stderr);
  t.match(cli.stdout, new RegExp(`${cooperative.cooperativeId}: verified \\d+ events in \\d+ streams, 1 seals, latest root ${root}`));
});

t.test('changing one event’s data is found, at that event', async (t) => {
  const { server, cooperative, raw, verify } = await sealedCooperative(t);
  raw.prepare(`UPDATE events SET data = json_set(data, '$.name', 'Forged') WHERE stream = ? AND revision = 0`).run(`cooperative-${cooperative.cooperativeId}`);
  t.match(await verify(), {
    verified: false,
    firstBrokenLink: { stream: `cooperative-${cooperative.cooperativeId}`, revision: 0, problem: 'content-hash' },
  });
  const cli = await runTypeScript('packages/cli/src/main.ts', ['audit', 'verify', '--cooperative', cooperative.cooperativeId], {
    MEENT_DATA_DIR: server.dataDir,
  });
  t.equal(cli.code, 1);
  t.match(cli.stdout, `BROKEN at cooperative-${cooperative.cooperativeId} revision 0`);
});

t.test('deleting an event is found: in a stream by the gap, at its end by the seal', async (t) => {
  const first = await sealedCooperative(t);
  first.raw.prepare('DELETE FROM events WHERE stream = ? AND revision = 0').run(first.annaStream);
  t.match(await first.verify(), {
    verified: false,
    firstBrokenLink: { stream: first.annaStream, revision: 1, problem: 'missing-event', expected: 'revision 0', found: 'revision 1' },
  });

  const last = await sealedCooperative(t);
  last.raw.prepare('DELETE FROM events WHERE stream = ? AND revision = 1').run(last.annaStream);
  const result = await last.verify();
  t.match(result, { verified: false, firstBrokenLink: { problem: 'seal' } });
  t.match(result.firstBrokenLink?.expected, `${last.annaStream} ends at revision 1`);
  t.match(result.firstBrokenLink?.found, `${last.annaStream} ends at revision 0`);
});

t.test('swapping two events is found', async (t) => {
  const { raw, annaStream, verify } = await sealedCooperative(t);
  const rows = raw
    .prepare<[string], { position: number; id: string; type: string; data: string; metadata: string }>(
      'SELECT position, id, type, data, metadata FROM events WHERE stream = ? ORDER BY revision',
    )
    .all(annaStream);
  const [registered, admitted] = rows;
  if (!registered || !admitted) throw new Error('expected two events');
  const move = raw.prepare('UPDATE events SET id = ?, type = ?, data = ?, metadata = ? WHERE position = ?');
  raw.transaction(() => {
    move.run(`${registered.id}-moving`, registered.type, registered.data, registered.metadata, registered.position);
    move.run(registered.id, admitted.type, admitted.data, admitted.metadata, registered.position);
    move.run(admitted.id, registered.type, registered.data, registered.metadata, admitted.position);
  })();
  t.match(await verify(), { verified: false, firstBrokenLink: { stream: annaStream, revision: 0 } });
});

t.test('a verification tells how far it has read, every 10,000 events, for meent audit verify to show', async (t) => {
  const store = new SqliteEventStore({ path: join(temporaryDirectory(t), 'events.db') });
  t.teardown(() => store.close());
  // Another cooperative's events: read past, and counted for the progress all the same.
  for (let batch = 0; batch < 41; batch += 1) {
    const events = Array.from({ length: 500 }, () => {
      const id = uuidv7();
      return { id, type: 'SomethingElsewhere', data: {}, metadata: { eventId: id, cooperativeId: 'elsewhere' } };
    });
    await store.append(`elsewhere-${batch}`, events, 'no_stream');
  }
  const reported: number[] = [];
  const result = await verifyCooperative(store, uuidv7(), () => false, (position) => reported.push(position));
  t.same(reported, [PROGRESS_EVERY_EVENTS, 2 * PROGRESS_EVERY_EVENTS]);
  t.match(result, { verified: true, events: 0 });
});
