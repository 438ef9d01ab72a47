// What a careless or hostile client found (issue 16), each kept as a regression: no 5xx for a refusal, nothing written
// by a refused request, no wait for a position that never comes, files and logs that keep personal data in, and the
// law where Meent had it wrong.
import { statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { signToken } from '@meent/http';
import { buildServer, loadConfig } from '@meent/server';
import { v7 as uuidv7 } from 'uuid';
import { accessWorld } from '../support/access-fixture.js';
import { admittedMember, command, conveneAssembly, foundCooperative } from '../support/cooperative-fixture.js';
import { headOf } from '../support/events.js';
import { TEST_SECRET, bearer, testServer } from '../support/test-server.js';

t.test('1. a vote on a secret motion outside its window is 409, not 500', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-10-01T10:00:00.000Z');
  const cooperative = await foundCooperative(server);
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  const voter = await admittedMember(server, cooperative, 'Vera Stem', 'vera@example.nl');
  const assembly = await conveneAssembly(server, cooperative);
  const motion = await command(server.app, cooperative.secretary, `${base}/assemblies/${assembly.body.id}/motions`, {
    title: 'Geheim',
    text: 'De vergadering besluit in het geheim.',
    ballot: 'secret',
  });
  const votes = `${base}/motions/${motion.body.id}/votes`;
  t.match(await command(server.app, voter.token, votes, { choice: 'for' }), { status: 409, body: { code: 'MOTION.VOTING_NOT_OPEN' } }, 'not yet opened');
  await command(server.app, cooperative.secretary, `${base}/motions/${motion.body.id}/opening`);
  t.equal((await command(server.app, voter.token, votes, { choice: 'for' })).status, 200);
  t.equal((await command(server.app, cooperative.secretary, votes, { choice: 'for' })).status, 200, 'the last vote closes it');
  t.match(await command(server.app, voter.token, votes, { choice: 'against' }), { status: 409, body: { code: 'MOTION.VOTING_NOT_OPEN' } }, 'decided');
});

t.test('1. an admin deciding for the board is refused, not a 500', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-10-01T10:00:00.000Z');
  const { a } = await accessWorld(server);
  const decided = await command(server.app, a.admin, `/cooperatives/${a.cooperativeId}/initiatives/${a.initiativeId}/decision`, {
    approve: true,
    reason: 'Mooi plan',
  });
  t.match(decided, { status: 403, body: { code: 'FORBIDDEN' } });
});

t.test('1. an amount beyond one entry’s maximum is a 400 naming the field', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-10-01T10:00:00.000Z');
  const { a, caller } = await accessWorld(server);
  const before = await headOf(server.dataDir);
  const budget = `/cooperatives/${a.cooperativeId}/budgets/${a.budgetId}`;
  const treasurer = caller('treasurer').token;
  const tooMuch = 1_000_000_000_001;
  const income = await command(server.app, treasurer, `${budget}/income`, { lineCode: '8000', source: 'x', amountCents: tooMuch, receivedOn: '2027-01-02' });
  t.match(income, { status: 400, body: { errors: [{ field: 'amountCents' }] } });
  const line = await command(server.app, treasurer, `${budget}/lines`, { code: '8000', name: 'Subsidie', kind: 'income', amountCents: tooMuch });
  t.match(line, { status: 400, body: { errors: [{ field: 'amountCents' }] } });
  t.equal(await headOf(server.dataDir), before, 'nothing written');
  t.equal((await server.app.inject({ url: budget, headers: bearer(treasurer) })).statusCode, 200, 'the budget still reads');
});

t.test('3. a refused change of details writes nothing, not even a claim on the new address', async (t) => {
  const server = await testServer(t);
  const cooperative = await foundCooperative(server);
  const base = `/cooperatives/${cooperative.cooperativeId}/members`;
  const leaver = await admittedMember(server, cooperative, 'Lotte Weg', 'lotte@example.nl');
  await command(server.app, cooperative.secretary, `${base}/${leaver.id}/termination`, { kind: 'resigned' });
  const before = await headOf(server.dataDir);
  const changed = await command(server.app, cooperative.secretary, `${base}/${leaver.id}/details`, { email: 'nieuw@example.nl' });
  t.match(changed, { status: 409, body: { code: 'MEMBER.TERMINATED' } });
  t.equal(await headOf(server.dataDir), before, 'no EmailClaimed appended');
  const again = await command(server.app, cooperative.secretary, base, { name: 'Nieuw', email: 'nieuw@example.nl' });
  t.equal(again.status, 201, 'the address is free for someone else');
});

t.test('4. a client trickling its request is cut off', async (t) => {
  const dataDir = join((await testServer(t)).dataDir, 'slow');
  const app = await buildServer({
    config: loadConfig({ MEENT_DATA_DIR: dataDir, MEENT_JWT_SECRET: TEST_SECRET, MEENT_REQUEST_TIMEOUT_MS: '300', MEENT_PORT: '0' }),
    logger: false,
  });
  t.teardown(() => app.close());
  const address = new URL(await app.listen({ host: '127.0.0.1', port: 0 }));
  const admin = signToken(TEST_SECRET, { subject: 'admin-1', roles: ['admin'], expiresInSeconds: 60, now: new Date() });
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(address.port), '127.0.0.1', () => {
      socket.write(
        `POST /cooperatives HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${admin}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
      );
    });
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
  t.match(answer, /^HTTP\/1\.1 408/, 'answered 408 and closed, not left open');
});

t.test('5. files only their owner can read, and no query values or secrets in the log', async (t) => {
  const dataDir = join((await testServer(t)).dataDir, 'private');
  const lines: string[] = [];
  const app = await buildServer({
    config: loadConfig({ MEENT_DATA_DIR: dataDir, MEENT_JWT_SECRET: TEST_SECRET }),
    logger: { level: 'info', stream: { write: (line: string) => void lines.push(line) } },
  });
  t.teardown(() => app.close());
  t.equal(statSync(dataDir).mode & 0o777, 0o700, 'the data directory');
  for (const file of ['events.db', 'events.db-wal', 'read-models.db', 'read-models.db-wal']) {
    t.equal(statSync(join(dataDir, file)).mode & 0o777, 0o600, file);
  }
  const cooperativeId = uuidv7();
  await app.inject({ url: `/cooperatives/${cooperativeId}/members?name=Zeynep%20Zwartkop&limit=5` });
  const logged = lines.join('');
  t.match(logged, /members\?name=…&limit=…/, 'the query names are logged');
  t.notMatch(logged, /Zeynep|Zwartkop/, 'its values are not');
  await app.inject({ url: '/calendars/a-calendar-feed-secret-of-some-length' });
  t.match(lines.join(''), /"url":"\/calendars\/…"/, 'a calendar feed is logged without its secret');
  t.notMatch(lines.join(''), /a-calendar-feed-secret/);
});

t.test('7. a proxy holder cannot vote for a member suspended since the roll was fixed (BW 2:38 lid 1)', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-10-01T10:00:00.000Z');
  const cooperative = await foundCooperative(server);
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  const grantor = await admittedMember(server, cooperative, 'Gerda Geeft', 'gerda@example.nl');
  const holder = await admittedMember(server, cooperative, 'Henk Houdt', 'henk@example.nl');
  const assembly = await conveneAssembly(server, cooperative);
  t.equal((await command(server.app, grantor.token, `${base}/assemblies/${assembly.body.id}/proxies`, { holderId: holder.id })).status, 200);
  const motion = await command(server.app, cooperative.secretary, `${base}/assemblies/${assembly.body.id}/motions`, {
    title: 'Iets',
    text: 'De vergadering besluit iets.',
  });
  await command(server.app, cooperative.secretary, `${base}/motions/${motion.body.id}/opening`);
  await command(server.app, cooperative.secretary, `${base}/members/${grantor.id}/suspension`, { reason: 'contributie' });
  const byProxy = await command(server.app, holder.token, `${base}/motions/${motion.body.id}/votes`, { choice: 'for', onBehalfOf: grantor.id });
  t.match(byProxy, { status: 403, body: { code: 'MOTION.VOTER_SUSPENDED', rule: /BW 2:38 lid 1/ } });
  await command(server.app, cooperative.secretary, `${base}/members/${grantor.id}/reinstatement`);
  const reinstated = await command(server.app, holder.token, `${base}/motions/${motion.body.id}/votes`, { choice: 'for', onBehalfOf: grantor.id });
  t.equal(reinstated.status, 200, 'reinstated before the close, the vote is back');
});

t.test('7. dissolution and merger need an assembly whose notice announced them (BW 2:42, 2:317)', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-10-01T10:00:00.000Z');
  const cooperative = await foundCooperative(server);
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  const convene = (announcesStatuteAmendment: boolean) => conveneAssembly(server, cooperative, { announcesStatuteAmendment });
  const plain = await convene(false);
  for (const [decisionType, article] of [
    ['dissolution', 'BW 2:42'],
    ['merger', 'BW 2:317'],
  ] as const) {
    const tabled = await command(server.app, cooperative.secretary, `${base}/assemblies/${plain.body.id}/motions`, {
      title: decisionType,
      text: `De vergadering besluit tot ${decisionType}.`,
      decisionType,
    });
    t.match(tabled, { status: 422, body: { code: 'MOTION.DECISION_NOT_ANNOUNCED', rule: article } }, decisionType);
  }
  const announced = await convene(true);
  const dissolution = await command(server.app, cooperative.secretary, `${base}/assemblies/${announced.body.id}/motions`, {
    title: 'Ontbinding',
    text: 'De vergadering besluit tot ontbinding.',
    decisionType: 'dissolution',
  });
  t.equal(dissolution.status, 201, 'announced, it may be tabled');
});
