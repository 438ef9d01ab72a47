import { join } from 'node:path';
import t from 'tap';
import { SqliteEventStore } from '@meent/event-store';
import { collect } from '@meent/event-store/testing';
import { command, conveneAssembly, foundCooperative, read, withTreasurerAndChair } from '../support/cooperative-fixture.js';
import { nextEvent } from '../support/events.js';
import { bearer, testServer } from '../support/test-server.js';

const OTHER_COOPERATIVE = '0193a6f0-0000-7000-8000-0000000000ff';

t.test('an admin founds a cooperative; its members read it back at the position the command returned', async (t) => {
  const { app, token } = await testServer(t);
  const admin = token(['admin']);
  const founded = await app.inject({
    method: 'POST',
    url: '/cooperatives',
    headers: bearer(admin),
    payload: { name: 'Wijkcoöperatie De Meent', chamberOfCommerceNumber: '12345678', rules: { noticeDays: 21 } },
  });
  t.equal(founded.statusCode, 201);
  const { id, position } = founded.json();
  t.equal(founded.headers.location, `/cooperatives/${id}`);
  t.ok(position > 0);

  const registered = await app.inject({
    method: 'POST',
    url: `/cooperatives/${id}/members`,
    headers: bearer(admin),
    payload: { name: 'Anna de Vries', email: 'anna@example.nl' },
  });
  const memberId = registered.json().id;
  await app.inject({ method: 'POST', url: `/cooperatives/${id}/members/${memberId}/admission`, headers: bearer(admin) });
  const member = token(['member'], { subject: memberId, cooperativeId: id });
  const read = await app.inject({ url: `/cooperatives/${id}?minPosition=${position}`, headers: bearer(member) });
  t.equal(read.statusCode, 200);
  t.match(read.json(), {
    id,
    name: 'Wijkcoöperatie De Meent',
    chamberOfCommerceNumber: '12345678',
    rules: { noticeDays: 21, maxProxiesPerHolder: 1, decisions: { 'statute-amendment': { majority: 'two-thirds' } } },
    rulesVersion: 1,
  });
});

t.test('the founding is one event on the cooperative stream, carrying who did it and the request id', async (t) => {
  const { app, token, dataDir } = await testServer(t);
  const founded = await app.inject({
    method: 'POST',
    url: '/cooperatives',
    headers: { ...bearer(token(['admin'], { subject: 'admin-7' })), 'x-request-id': 'req-founding' },
    payload: { name: 'De Meent' },
  });
  const { id } = founded.json();
  const { SqliteEventStore } = await import('@meent/event-store');
  const store = new SqliteEventStore({ path: `${dataDir}/events.db` });
  t.teardown(() => store.close());
  const events = await collect(store.readStream(`cooperative-${id}`));
  t.equal(events.length, 1);
  t.match(events[0], {
    type: 'CooperativeFounded',
    metadata: { cooperativeId: id, actor: { id: 'admin-7', roles: ['admin'] }, correlationId: 'req-founding', schemaVersion: 1 },
  });
});

t.test('a bad body is a 400 problem naming the field', async (t) => {
  const { app, token } = await testServer(t);
  const response = await app.inject({
    method: 'POST',
    url: '/cooperatives',
    headers: bearer(token(['admin'])),
    payload: { name: 'De Meent', rules: { maxProxiesPerHolder: -1 } },
  });
  t.equal(response.statusCode, 400);
  t.match(response.headers['content-type'], /^application\/problem\+json/);
  t.match(response.json(), {
    status: 400,
    errors: [{ in: 'body', field: 'rules.maxProxiesPerHolder' }],
  });
});

t.test('a malformed cooperative id is a 400 naming the parameter', async (t) => {
  const { app, token } = await testServer(t);
  const response = await app.inject({ url: '/cooperatives/not-a-uuid', headers: bearer(token(['admin'])) });
  t.equal(response.statusCode, 400);
  t.match(response.json(), { errors: [{ in: 'params', field: 'cooperativeId' }] });
});

t.test('without a valid token: 401', async (t) => {
  const { app } = await testServer(t);
  const missing = await app.inject({ method: 'POST', url: '/cooperatives', payload: { name: 'X' } });
  t.equal(missing.statusCode, 401);
  t.match(missing.json(), { code: 'UNAUTHORIZED' });
  const invalid = await app.inject({
    url: `/cooperatives/${OTHER_COOPERATIVE}`,
    headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl' },
  });
  t.equal(invalid.statusCode, 401);
});

t.test('the wrong role or another cooperative: 403', async (t) => {
  const { app, token } = await testServer(t);
  const { id } = (
    await app.inject({ method: 'POST', url: '/cooperatives', headers: bearer(token(['admin'])), payload: { name: 'A' } })
  ).json();
  const member = token(['member'], { cooperativeId: id });
  const founding = await app.inject({ method: 'POST', url: '/cooperatives', headers: bearer(member), payload: { name: 'B' } });
  t.equal(founding.statusCode, 403, 'a member cannot found a cooperative');
  const outsider = token(['member'], { cooperativeId: OTHER_COOPERATIVE });
  const reading = await app.inject({ url: `/cooperatives/${id}`, headers: bearer(outsider) });
  t.equal(reading.statusCode, 403, 'a member of another cooperative cannot read it');
  t.match(reading.json(), { code: 'FORBIDDEN' });
});

t.test('an unknown cooperative: 404', async (t) => {
  const { app, token } = await testServer(t);
  const asAdmin = await app.inject({ url: `/cooperatives/${OTHER_COOPERATIVE}`, headers: bearer(token(['admin'])) });
  t.equal(asAdmin.statusCode, 404);
  t.match(asAdmin.json(), { code: 'NOT_FOUND', type: 'urn:meent:problem:not-found' });
  const asMember = await app.inject({
    url: `/cooperatives/${OTHER_COOPERATIVE}`,
    headers: bearer(token(['member'], { cooperativeId: OTHER_COOPERATIVE })),
  });
  t.equal(asMember.statusCode, 404);
});

t.test('a read asking for a position the event log has not reached is refused at once, naming the head', async (t) => {
  const { app, token } = await testServer(t);
  const founded = await app.inject({ method: 'POST', url: '/cooperatives', headers: bearer(token(['admin'])), payload: { name: 'De Meent' } });
  const { id: cooperativeId, position } = founded.json();
  const requests = Array.from({ length: 50 }, () =>
    app.inject({ url: `/cooperatives/${cooperativeId}?minPosition=1000000000`, headers: bearer(token(['admin'])) }),
  );
  const responses = await Promise.all(requests);
  t.same(new Set(responses.map((response) => response.statusCode)), new Set([400]));
  t.match(responses[0]!.json(), { code: 'POSITION_BEYOND_HEAD', detail: new RegExp(`at position ${position}`) });
  const asOf = await app.inject({
    url: `/cooperatives/${cooperativeId}/members?asOfPosition=1000000000`,
    headers: bearer(token(['admin'])),
  });
  t.match(asOf.json(), { status: 400, code: 'POSITION_BEYOND_HEAD' });
  const negative = await app.inject({
    url: `/cooperatives/${cooperativeId}?minPosition=-1`,
    headers: bearer(token(['admin'])),
  });
  t.match(negative.json(), { status: 400, errors: [{ in: 'querystring', field: 'minPosition' }] });
});

t.test('the name states the members’ liability (BW 2:56), and rules the law does not allow are refused (BW 2:41)', async (t) => {
  const { app, token, dataDir } = await testServer(t);
  const admin = token(['admin']);
  const store = new SqliteEventStore({ path: `${dataDir}/events.db` });
  t.teardown(() => store.close());
  const found = (rules: object) =>
    app.inject({ method: 'POST', url: '/cooperatives', headers: bearer(admin), payload: { name: 'Wijkcoöperatie De Meent', rules } });
  const limited = await found({ liability: 'BA' });
  t.equal(limited.statusCode, 201);
  const read = await app.inject({ url: `/cooperatives/${limited.json().id}?minPosition=${limited.json().position}`, headers: bearer(admin) });
  t.match(read.json(), { name: 'Wijkcoöperatie De Meent', legalName: 'Wijkcoöperatie De Meent B.A.', rules: { liability: 'BA' } });

  const before = await collect(store.readAll());
  const half = await found({ assemblyRequestShare: { numerator: 1, denominator: 2 } });
  t.match(half.json(), { status: 422, code: 'COOPERATIVE.RULES_AGAINST_THE_LAW', rule: 'BW 2:41 lid 1' });
  t.equal((await collect(store.readAll())).length, before.length, 'nothing is written');
});

t.test('BW 2:19, 2:23: a passed dissolution puts the cooperative in liquidation, which takes on nothing new', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-03-01T10:00:00.000Z');
  const cooperative = await foundCooperative(server);
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  const { treasurer, chair } = await withTreasurerAndChair(server, cooperative);
  const convened = await conveneAssembly(server, cooperative, { announcesStatuteAmendment: true });
  const motion = await command(server.app, cooperative.secretary, `${base}/assemblies/${convened.body.id}/motions`, {
    title: 'Ontbinding',
    text: 'De coöperatie wordt ontbonden.',
    decisionType: 'dissolution',
  });
  t.equal(motion.status, 201);
  await command(server.app, cooperative.secretary, `${base}/motions/${motion.body.id}/opening`);
  let position = 0;
  for (const voter of [cooperative.secretary, treasurer.token, chair.token]) {
    position = (await command(server.app, voter, `${base}/motions/${motion.body.id}/votes`, { choice: 'for' })).body.position;
  }
  const store = new SqliteEventStore({ path: join(server.dataDir, 'events.db') });
  t.teardown(() => store.close());
  const dissolved = await nextEvent(store, 'CooperativeDissolved', position);
  const view = await read<{ legalName: string; liquidation: { liquidators: string[] } }>(server.app, chair.token, `${base}?minPosition=${dissolved.position}`);
  t.equal(view.body.legalName, 'Wijkcoöperatie De Meent U.A. in liquidatie');
  t.same([...view.body.liquidation.liquidators].sort(), [cooperative.secretaryId, treasurer.id, chair.id].sort(), 'the board members are its liquidators');
  const refused = { status: 409, body: { code: 'COOPERATIVE.IN_LIQUIDATION', rule: 'BW 2:19 lid 5' } };
  t.match(await command(server.app, cooperative.secretary, `${base}/members`, { name: 'Nieuw Lid', email: 'nieuw@example.nl' }), refused);
  t.match(await command(server.app, treasurer.token, `${base}/budgets`, { financialYear: 2026, title: 'Begroting' }), refused);
  const resigned = await command(server.app, chair.token, `${base}/members/${chair.id}/termination`, { kind: 'resigned' });
  t.equal(resigned.status, 200, 'what winds it up goes on: a member may still resign');
});
