import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { admittedMember, command, foundCooperative } from '../support/cooperative-fixture.js';
import { bearer, testServer } from '../support/test-server.js';

const NAME = 'Zeynep Zwartkop';
const EMAIL = 'zeynep.zwartkop@example.nl';

function fileContains(path: string, text: string): boolean {
  return [path, `${path}-wal`].some((file) => existsSync(file) && readFileSync(file).includes(Buffer.from(text, 'utf8')));
}

t.test('after erasure the person is gone from every answer, while the events and the counts stay', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-10-01T10:00:00.000Z');
  const cooperative = await foundCooperative(server);
  const base = `/cooperatives/${cooperative.cooperativeId}/members`;
  const zeynep = await admittedMember(server, cooperative, NAME, EMAIL);
  await admittedMember(server, cooperative, 'Bram', 'bram@example.nl');
  server.clock.advance(60_000);
  const beforeTermination = server.clock.now().toISOString();
  const read = async (url: string) => {
    const response = await server.app.inject({ url, headers: bearer(cooperative.secretary) });
    t.equal(response.statusCode, 200, url);
    return response.body;
  };
  const wait = `minPosition=${cooperative.position}`;
  const registerThen = await read(`${base}?asOf=${beforeTermination}&${wait}`);
  const countsThen = JSON.parse(await read(`${base}/counts?asOf=${beforeTermination}`)).counts;
  t.match(registerThen, NAME);

  t.equal(fileContains(join(server.dataDir, 'events.db'), NAME), false, 'the event store never held the name in the clear');
  t.equal(fileContains(join(server.dataDir, 'events.db'), EMAIL), false, 'nor the e-mail address');

  await command(server.app, cooperative.secretary, `${base}/${zeynep.id}/termination`, { kind: 'resigned' });
  // The resignation takes effect when the financial year ends (BW 2:36 lid 2); her data may be erased from then.
  server.clock.set('2027-01-02T10:00:00.000Z');
  const erased = await command(server.app, cooperative.secretary, `${base}/${zeynep.id}/erasure`);
  t.equal(erased.status, 200);
  const after = `minPosition=${erased.body.position}`;

  const answers = [
    await read(`${base}?${after}`),
    await read(`${base}?asOf=${beforeTermination}`),
    await read(`${base}?name=Zeynep`),
    await read(`${base}/export.csv`),
    await read(`${base}/export.csv?asOf=${beforeTermination}`),
    await read(`${base}/${zeynep.id}`),
    await read(`${base}/${zeynep.id}/personal-data`),
  ];
  for (const answer of answers) {
    t.notMatch(answer, /Zeynep|Zwartkop|zeynep/i, 'no trace of the name or the address');
  }
  for (const text of [NAME, EMAIL]) {
    t.equal(fileContains(join(server.dataDir, 'read-models.db'), text), false, `no copy of ${text} left in the read models' files`);
  }
  t.match(JSON.parse(answers[5] ?? '{}'), { erased: true, personalData: { name: '(erased)', email: null }, status: 'terminated' });
  t.match(JSON.parse(answers[6] ?? '{}'), { personalData: null, erasedAt: String });
  t.same(JSON.parse(await read(`${base}/counts?asOf=${beforeTermination}`)).counts, countsThen, 'counts of the past unchanged');
  const registerNow = JSON.parse(await read(`${base}?asOf=${beforeTermination}`)) as { members: { id: string; status: string }[] };
  t.same(
    registerNow.members.map((member) => [member.id, member.status]).sort(),
    (JSON.parse(registerThen) as typeof registerNow).members.map((member) => [member.id, member.status]).sort(),
    'the register of the past lists the same members in the same standing',
  );

  const replay = await server.app.inject({ method: 'POST', url: '/admin/projections/member_register/replay', headers: bearer(cooperative.admin) });
  t.equal(replay.statusCode, 202);
  let status = 'replaying';
  const deadline = performance.now() + 30_000;
  while (status === 'replaying') {
    if (performance.now() > deadline) throw new Error('the replay did not finish within 30 s');
    // Only a turn of the event loop, so the replay gets to run between two looks at its progress.
    await new Promise(setImmediate);
    const info = await server.app.inject({ url: '/admin/projections/member_register', headers: bearer(cooperative.admin) });
    status = info.json().replay.status;
  }
  t.equal(status, 'completed');
  t.notMatch(await read(`${base}?asOf=${beforeTermination}`), /Zeynep|Zwartkop/i, 'a rebuild cannot bring the person back');
  const again = await command(server.app, cooperative.secretary, `${base}/${zeynep.id}/erasure`);
  t.match(again, { status: 409, body: { code: 'MEMBER.ALREADY_ERASED' } });
});
