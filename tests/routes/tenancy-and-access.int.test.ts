// What a hostile member or a careless officer found (issue 15), each kept as a regression: ids of another cooperative,
// member rights without a membership, another member's record, the board booking without the treasurer, an erased
// member traced through a re-registered address, and tokens as standard libraries mint them.
import { join } from 'node:path';
import t from 'tap';
import { SqliteEventStore } from '@meent/event-store';
import { collect } from '@meent/event-store/testing';
import { SignJWT } from 'jose';
import { accessWorld } from '../support/access-fixture.js';
import { admittedMember, command, read } from '../support/cooperative-fixture.js';
import { headOf } from '../support/events.js';
import { TEST_SECRET, bearer, testServer } from '../support/test-server.js';

t.test('1. an id of another cooperative in a body is 404 naming the field, and nothing is written', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-10-01T10:00:00.000Z');
  const { a, b, caller } = await accessWorld(server);
  const base = `/cooperatives/${a.cooperativeId}`;
  const before = await headOf(server.dataDir);
  const initiative = {
    title: 'Buurtmoestuin',
    description: 'Een moestuin',
    requestedCents: 10_000,
    lineCode: '4100',
    tranches: [{ amountCents: 10_000, milestone: 'Aangelegd' }],
    themes: ['meedoen'],
  };
  const onForeignBudget = await command(server.app, caller('plain member').token, `${base}/initiatives`, { ...initiative, budgetId: b.budgetId });
  t.match(onForeignBudget, { status: 404, body: { code: 'NOT_FOUND', errors: [{ in: 'body', field: 'budgetId' }] } });
  const forForeignApplicant = await command(server.app, a.secretary, `${base}/initiatives`, {
    ...initiative,
    budgetId: a.budgetId,
    applicant: { kind: 'member', memberId: b.memberId },
  });
  t.match(forForeignApplicant, { status: 404, body: { errors: [{ field: 'applicant.memberId' }] } });
  const proxyToForeigner = await command(server.app, caller('plain member').token, `${base}/assemblies/${a.assemblyId}/proxies`, {
    holderId: b.memberId,
  });
  t.match(proxyToForeigner, { status: 404, body: { errors: [{ field: 'holderId' }] } });
  const voteForForeigner = await command(server.app, caller('plain member').token, `${base}/motions/${a.motionId}/votes`, {
    choice: 'for',
    onBehalfOf: b.memberId,
  });
  t.match(voteForForeigner, { status: 404, body: { errors: [{ field: 'onBehalfOf' }] } });
  const motionOnForeignBudget = await command(server.app, a.secretary, `${base}/assemblies/${a.assemblyId}/motions`, {
    title: 'Begroting',
    text: 'De vergadering stelt de begroting vast.',
    decisionType: 'budget-adoption',
    subject: { kind: 'budget', id: b.budgetId },
  });
  t.match(motionOnForeignBudget, { status: 404, body: { errors: [{ field: 'subject.id' }] } });
  const foreignOfficer = await command(server.app, a.admin, `${base}/officers`, { memberId: b.memberId, office: 'treasurer' });
  t.match(foreignOfficer, { status: 404, body: { errors: [{ field: 'memberId' }] } });
  const foreignRecusal = await command(server.app, a.secretary, `${base}/assemblies/${a.assemblyId}/motions`, {
    title: 'Iets',
    text: 'De vergadering besluit iets.',
    recused: [{ memberId: b.memberId, ground: 'contract-party', reason: 'belang' }],
  });
  t.match(foreignRecusal, { status: 404, body: { errors: [{ field: 'recused.0.memberId' }] } });
  t.equal(await headOf(server.dataDir), before, 'no event was appended');
});

t.test('2. member rights come from the register: no rights for the terminated, the applicant or the unregistered', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-10-01T10:00:00.000Z');
  const { a, caller } = await accessWorld(server);
  const base = `/cooperatives/${a.cooperativeId}`;
  const reads = [
    base,
    `${base}/members/counts`,
    `${base}/officers`,
    `${base}/assemblies`,
    `${base}/assemblies/${a.assemblyId}`,
    `${base}/motions/${a.motionId}`,
    `${base}/budgets`,
    `${base}/budgets/${a.budgetId}`,
    `${base}/budgets/${a.budgetId}/overview.csv`,
    `${base}/initiatives`,
    `${base}/initiatives/${a.initiativeId}`,
  ];
  for (const who of ['terminated member', 'applicant', 'unregistered']) {
    for (const url of reads) {
      const response = await server.app.inject({ url, headers: bearer(caller(who).token) });
      t.equal(response.statusCode, 403, `${who}: ${url.replace(base, '…')}`);
    }
    const submitted = await command(server.app, caller(who).token, `${base}/initiatives`, {
      title: 'Iets',
      description: 'Iets moois',
      requestedCents: 100,
      budgetId: a.budgetId,
      lineCode: '4100',
      tranches: [{ amountCents: 100, milestone: 'Klaar' }],
      themes: ['meedoen'],
    });
    t.equal(submitted.status, 403, `${who} submits no initiative`);
  }
  const byPlainMember = await server.app.inject({ url: `${base}/budgets/${a.budgetId}`, headers: bearer(caller('plain member').token) });
  t.equal(byPlainMember.statusCode, 200, 'an admitted member does read them');
  t.equal(
    (await command(server.app, caller('suspended member').token, `${base}/motions/${a.motionId}/votes`, { choice: 'for' })).status,
    403,
    'a suspended member has no vote',
  );
});

t.test('2. a resignation takes effect on its date: until then the member keeps their rights', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-10-01T10:00:00.000Z');
  const { a, caller } = await accessWorld(server);
  const base = `/cooperatives/${a.cooperativeId}`;
  const member = caller('plain member');
  // Given on 1 October, it takes effect when the financial year ends (BW 2:36 lid 2).
  const resigned = await command(server.app, member.token, `${base}/members/${member.id}/termination`, { kind: 'resigned' });
  t.equal(resigned.status, 200);
  t.equal((await read(server.app, member.token, `${base}/budgets`)).status, 200, 'still a member in October');
  server.clock.set('2027-01-02T10:00:00.000Z');
  t.equal((await read(server.app, member.token, `${base}/budgets`)).status, 403, 'not after the effective date');
  t.equal((await read(server.app, member.token, `${base}/members/${member.id}/personal-data`)).status, 200, 'but their own data, yes');
});

t.test('3. a plain member reads their own record, not another member’s history and reasons', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-10-01T10:00:00.000Z');
  const { a, caller } = await accessWorld(server);
  const base = `/cooperatives/${a.cooperativeId}/members`;
  const member = caller('plain member');
  t.equal((await read(server.app, member.token, `${base}/${member.id}`)).status, 200);
  const suspendedRecord = await read(server.app, member.token, `${base}/${caller('suspended member').id}`);
  t.match(suspendedRecord, { status: 403, body: { code: 'FORBIDDEN' } });
  t.notMatch(JSON.stringify(suspendedRecord.body), /contributie/, 'the suspension reason does not leak');
  t.equal((await read(server.app, caller('board member').token, `${base}/${caller('suspended member').id}`)).status, 200, 'an officer reads it');
});

t.test('4. the board books an expense or a reservation only to exceed a line, with a reason on record', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-10-01T10:00:00.000Z');
  const { a, caller } = await accessWorld(server);
  const ledger = `/cooperatives/${a.cooperativeId}/budgets/${a.budgetId}`;
  const expense = { lineCode: '4100', payee: 'Tuincentrum', amountCents: 1_000, invoiceReference: 'F-1', description: 'Zaden' };
  for (const who of ['chair', 'board member']) {
    const withoutReason = await command(server.app, caller(who).token, `${ledger}/expenses`, expense);
    t.match(withoutReason, { status: 403, body: { code: 'FORBIDDEN' } }, `${who}: no expense without overrideReason`);
    const reservation = await command(server.app, caller(who).token, `${ledger}/reservations`, { lineCode: '4100', amountCents: 1_000 });
    t.match(reservation, { status: 403 }, `${who}: no reservation without overrideReason`);
  }
  const bySecretary = await command(server.app, a.secretary, `${ledger}/expenses`, expense);
  t.match(bySecretary, { status: 403, body: { code: 'FORBIDDEN' } }, 'the secretary books nothing');
  const byTreasurer = await command(server.app, caller('treasurer').token, `${ledger}/expenses`, expense);
  t.not(byTreasurer.status, 403, 'the treasurer books');
  const overridden = await command(server.app, caller('chair').token, `${ledger}/expenses`, { ...expense, overrideReason: 'Spoed' });
  t.not(overridden.status, 403, 'the chair, with a reason, gets past access to the ledger’s own rules');
});

t.test('5. after erasure, nothing ties the erased member to their old address', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-10-01T10:00:00.000Z');
  const { a, caller } = await accessWorld(server);
  const base = `/cooperatives/${a.cooperativeId}`;
  const erin = await admittedMember(server, a, 'Erin Vergeten', 'erin@example.nl');
  await command(server.app, a.secretary, `${base}/members/${erin.id}/termination`, { kind: 'resigned' });
  server.clock.set('2027-01-02T10:00:00.000Z');
  t.equal((await command(server.app, a.secretary, `${base}/members/${erin.id}/erasure`)).status, 200);
  const again = await command(server.app, a.secretary, `${base}/members`, { name: 'Nieuwe Bewoner', email: 'erin@example.nl' });
  t.equal(again.status, 201, 'the address can be registered again');

  const treasurer = caller('treasurer').token;
  const history = await read<{ events: { stream: string; data: unknown }[] }>(server.app, treasurer, `${base}/events?limit=1000`);
  t.ok(history.body.events.length > 0);
  t.same(history.body.events.filter((event) => event.stream.startsWith('emailclaim-')), [], 'no claim stream in the history');
  t.notMatch(JSON.stringify(history.body), /emailClaim/, 'no blind index in any event shown');
  const csv = await server.app.inject({ url: `${base}/events?format=csv`, headers: bearer(treasurer) });
  t.notMatch(csv.body, /emailclaim-|emailClaim/, 'nor in the CSV export');
  const guessed = await read<{ events: unknown[] }>(server.app, treasurer, `${base}/events?type=EmailClaimed`);
  t.same(guessed.body.events, [], 'asking for claims by type finds none');

  const sealed = await command(server.app, treasurer, `${base}/audit/seals`);
  t.equal(sealed.status, 201);
  const seals = await read<{ events: { data: { heads: { stream: string }[] } }[] }>(
    server.app,
    treasurer,
    `${base}/events?type=AuditSealed&minPosition=${sealed.body.position}`,
  );
  const heads = seals.body.events.flatMap((event) => event.data.heads.map((head) => head.stream));
  t.ok(heads.length > 0);
  t.same(heads.filter((stream) => stream.startsWith('emailclaim-')), [], 'a seal lists no claim stream');
  t.match((await read(server.app, treasurer, `${base}/audit/verification`)).body, { verified: true });

  const store = new SqliteEventStore({ path: join(server.dataDir, 'events.db') });
  t.teardown(() => store.close());
  const claims = (await collect(store.readAll())).filter((event) => event.stream.startsWith('emailclaim-'));
  t.ok(claims.length > 0, 'the claims are still kept, to keep addresses unique');
});

t.test('6. tokens as a standard library mints them are accepted; not yet valid ones are not', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-10-01T10:00:00.000Z');
  const { a, caller } = await accessWorld(server);
  const member = caller('plain member');
  const now = Math.floor(server.clock.now().getTime() / 1000);
  const mint = (header: Record<string, unknown>, claims: Record<string, unknown>) =>
    new SignJWT({ cooperativeId: a.cooperativeId, roles: ['member'], sub: member.id, ...claims })
      .setProtectedHeader({ alg: 'HS256', ...header })
      .sign(new TextEncoder().encode(TEST_SECRET));
  const url = `/cooperatives/${a.cooperativeId}/budgets`;
  const status = async (token: string) => (await server.app.inject({ url, headers: bearer(token) })).statusCode;
  t.equal(await status(await mint({}, { exp: now + 60 })), 200, 'alg alone');
  t.equal(await status(await mint({ kid: 'meent' }, { exp: now + 60 })), 200, 'with a kid');
  t.equal(await status(await mint({}, { exp: now + 7200, nbf: now + 3600 })), 401, 'valid only from an hour ahead');
  t.equal(await status(await mint({}, {})), 401, 'no expiry');
});

t.test('6. with an issuer and audience configured, tokens must name them', async (t) => {
  const server = await testServer(t, { environment: { MEENT_JWT_ISSUER: 'https://meent.example', MEENT_JWT_AUDIENCE: 'meent-api' } });
  const url = '/admin/projections';
  const now = Math.floor(Date.now() / 1000);
  const mint = (claims: Record<string, unknown>) =>
    new SignJWT({ roles: ['admin'], sub: 'admin-1', exp: now + 60, ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(TEST_SECRET));
  const status = async (token: string) => (await server.app.inject({ url, headers: bearer(token) })).statusCode;
  t.equal(await status(await mint({ iss: 'https://meent.example', aud: 'meent-api' })), 200);
  t.equal(await status(await mint({ iss: 'https://other.example', aud: 'meent-api' })), 401, 'another issuer');
  t.equal(await status(await mint({ iss: 'https://meent.example', aud: 'other-api' })), 401, 'another audience');
  t.equal(await status(await mint({})), 401, 'neither');
});

t.test('CORS: an allowed origin gets its preflight answered; another origin gets no CORS headers', async (t) => {
  const server = await testServer(t, { environment: { MEENT_CORS_ORIGINS: 'https://app.meent.example' } });
  const preflight = (origin: string) =>
    server.app.inject({
      method: 'OPTIONS',
      url: '/cooperatives',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
  const allowed = await preflight('https://app.meent.example');
  t.equal(allowed.statusCode, 204);
  t.equal(allowed.headers['access-control-allow-origin'], 'https://app.meent.example');
  t.match(allowed.headers['access-control-allow-methods'], /POST/);
  t.match(allowed.headers['access-control-allow-headers'], /authorization/);
  const other = await preflight('https://evil.example');
  t.equal(other.headers['access-control-allow-origin'], undefined);
  const plain = await server.app.inject({ url: '/health/live', headers: { origin: 'https://evil.example' } });
  t.equal(plain.headers['access-control-allow-origin'], undefined);
  t.ok(plain.headers['x-content-type-options'], 'helmet’s headers are on every answer');
});

t.test('CORS: none configured, none sent', async (t) => {
  const server = await testServer(t);
  const response = await server.app.inject({ url: '/health/live', headers: { origin: 'https://app.meent.example' } });
  t.equal(response.headers['access-control-allow-origin'], undefined);
});

t.test('rate limits: stricter without a token, a 429 problem with retry-after', async (t) => {
  const server = await testServer(t, { environment: { MEENT_RATE_LIMIT_PER_ADDRESS: '3', MEENT_RATE_LIMIT_PER_TOKEN: '5' } });
  const anonymous = [];
  for (let n = 0; n < 4; n += 1) anonymous.push(await server.app.inject({ url: '/health/live' }));
  t.same(anonymous.map((response) => response.statusCode), [200, 200, 200, 429]);
  const limited = anonymous[3]!;
  t.match(limited.headers['content-type'], /^application\/problem\+json/);
  t.match(limited.json(), { status: 429, code: 'RATE_LIMITED' });
  t.ok(Number(limited.headers['retry-after']) > 0, 'retry-after says when');
  const made_up = await server.app.inject({ url: '/health/live', headers: { authorization: 'Bearer made.up.token' } });
  t.equal(made_up.statusCode, 429, 'a made-up token buys no fresh allowance');

  const admin = server.token(['admin'], { subject: 'admin-1' });
  const withToken = [];
  for (let n = 0; n < 6; n += 1) withToken.push((await server.app.inject({ url: '/admin/projections', headers: bearer(admin) })).statusCode);
  t.same(withToken, [200, 200, 200, 200, 200, 429], 'a caller with a token has their own, larger allowance');
});

t.test('HEAD is guarded as the GET it mirrors', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-10-01T10:00:00.000Z');
  const { a, caller } = await accessWorld(server);
  const url = `/cooperatives/${a.cooperativeId}/budgets`;
  const head = async (token?: string) => (await server.app.inject({ method: 'HEAD', url, headers: token ? bearer(token) : {} })).statusCode;
  t.equal(await head(), 401, 'no token');
  t.equal(await head(caller('terminated member').token), 403, 'no right');
  t.equal(await head(caller('plain member').token), 200, 'a member');
});

t.test("the server's metrics: projections, reactions and stores, for the listed addresses or an admin", async (t) => {
  const server = await testServer(t, { environment: { MEENT_METRICS_ALLOW_FROM: '10.0.0.7' } });
  const scrape = (remoteAddress: string, token?: string) => server.app.inject({ url: '/metrics', remoteAddress, headers: token ? bearer(token) : {} });
  t.equal((await scrape('127.0.0.1')).statusCode, 401, 'loopback is not listed here');
  const listed = await scrape('10.0.0.7');
  t.equal(listed.statusCode, 200, 'the listed Prometheus');
  for (const family of [
    'meent_projection_lag',
    'meent_projection_status',
    'meent_reaction_position',
    'meent_reaction_status',
    'meent_store_available',
    'meent_outbox_messages',
    'meent_webhook_deliveries',
    'nodejs_eventloop_lag_seconds',
  ]) {
    t.match(listed.body, new RegExp(`^# TYPE ${family} `, 'm'), family);
  }
  t.match(listed.body, /^meent_store_available\{store="event-store"\} 1$/m);
  t.match(listed.body, /^meent_outbox_messages\{status="dead"\} 0$/m, 'the mail queue, nothing given up on');
  t.equal((await scrape('203.0.113.5', server.token(['admin'], { subject: 'admin-1' }))).statusCode, 200, 'an admin from anywhere');
});

t.test('behind a trusted proxy, the caller is the address it forwards', async (t) => {
  const scrape = (server: Awaited<ReturnType<typeof testServer>>) =>
    server.app.inject({ url: '/metrics', remoteAddress: '10.0.0.2', headers: { 'x-forwarded-for': '203.0.113.9' } });
  const direct = await testServer(t, { environment: { MEENT_METRICS_ALLOW_FROM: '203.0.113.9' } });
  t.equal((await scrape(direct)).statusCode, 401, 'without MEENT_TRUST_PROXY the header is anyone’s to write');
  const behindGateway = await testServer(t, { environment: { MEENT_METRICS_ALLOW_FROM: '203.0.113.9', MEENT_TRUST_PROXY: '10.0.0.0/8' } });
  t.equal((await scrape(behindGateway)).statusCode, 200, 'the gateway names the caller');
});
