import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { admittedMember, command, foundCooperative } from '../support/cooperative-fixture.js';
import { bearer, testServer } from '../support/test-server.js';
import { postgresTest } from '../support/postgres.js';

postgresTest('the server on PostgreSQL: register, read your writes, erase, replay, seal and verify', async (t, url) => {
  const schema = `meent_e2e_${randomBytes(5).toString('hex')}`;
  t.teardown(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.query(`DROP SCHEMA IF EXISTS "${schema}_read_models" CASCADE`);
    await client.end();
  });
  const server = await testServer(t, {
    environment: {
      MEENT_EVENT_STORE: 'postgres',
      MEENT_READ_STORE: 'postgres',
      MEENT_POSTGRES_URL: url,
      MEENT_POSTGRES_SCHEMA: schema,
    },
  });
  server.clock.set('2026-10-01T10:00:00.000Z');
  const ready = await server.app.inject({ url: '/health/ready' });
  t.same(ready.json(), { status: 'ready', checks: { 'event-store': 'ok', 'read-model-store': 'ok' } });

  const cooperative = await foundCooperative(server);
  const base = `/cooperatives/${cooperative.cooperativeId}/members`;
  const anna = await admittedMember(server, cooperative, 'Anna Postgres', 'anna@example.nl');
  await admittedMember(server, cooperative, 'Bram', 'bram@example.nl');
  const page = await server.app.inject({ url: `${base}?minPosition=${cooperative.position}`, headers: bearer(cooperative.secretary) });
  t.equal(page.statusCode, 200, page.body);
  t.match(page.json(), { total: 3, members: [{ personalData: { name: 'Anna Postgres' } }, { personalData: { name: 'Bram' } }] });
  const counts = await server.app.inject({ url: `${base}/counts`, headers: bearer(anna.token) });
  t.same(counts.json().counts, { applied: 0, admitted: 3, suspended: 0, rejected: 0, terminated: 0 }, 'counts come back as numbers');
  const duplicate = await command(server.app, cooperative.secretary, base, { name: 'Other', email: 'anna@example.nl' });
  t.equal(duplicate.status, 409);

  const found = await server.app.inject({ url: `${base}?name=POSTGRES`, headers: bearer(cooperative.secretary) });
  t.match(found.json(), { total: 1, members: [{ personalData: { name: 'Anna Postgres' } }] }, 'found by part of her name');

  const terminated = await command(server.app, cooperative.secretary, `${base}/${anna.id}/termination`, { kind: 'resigned' });
  const countsAt = async (query: string) =>
    (await server.app.inject({ url: `${base}/counts?asOf=2027-01-01T12:00:00.000Z&minPosition=${terminated.body.position}${query}`, headers: bearer(anna.token) })).json().counts;
  t.match(await countsAt(''), { admitted: 2, terminated: 1 }, 'her resignation takes effect at the year’s end');
  t.match(await countsAt(`&asOfPosition=${terminated.body.position - 1}`), { admitted: 3, terminated: 0 }, 'not as recorded before it');
  // The resignation takes effect when the financial year ends (BW 2:36 lid 2); her data may be erased from then.
  server.clock.set('2027-01-02T10:00:00.000Z');
  const erased = await command(server.app, cooperative.secretary, `${base}/${anna.id}/erasure`);
  t.equal(erased.status, 200);
  const afterErasure = await server.app.inject({ url: `${base}/export.csv?minPosition=${erased.body.position}`, headers: bearer(cooperative.secretary) });
  t.notMatch(afterErasure.body, /Anna Postgres/);

  const replay = await server.app.inject({ method: 'POST', url: '/admin/projections/member_register/replay', headers: bearer(cooperative.admin) });
  t.equal(replay.statusCode, 202);
  let status = 'replaying';
  const deadline = performance.now() + 30_000;
  while (status === 'replaying') {
    if (performance.now() > deadline) throw new Error('the replay did not finish within 30 s');
    await new Promise(setImmediate);
    status = (await server.app.inject({ url: '/admin/projections/member_register', headers: bearer(cooperative.admin) })).json().replay.status;
  }
  t.equal(status, 'completed');
  const rebuilt = await server.app.inject({ url: base, headers: bearer(cooperative.secretary) });
  t.match(rebuilt.json(), { total: 3 });
  t.notMatch(rebuilt.body, /Anna Postgres/);

  const sealed = await command(server.app, cooperative.secretary, `/cooperatives/${cooperative.cooperativeId}/audit/seals`);
  t.equal(sealed.status, 201);
  const verification = await server.app.inject({ url: `/cooperatives/${cooperative.cooperativeId}/audit/verification`, headers: bearer(cooperative.secretary) });
  t.match(verification.json(), { verified: true, seals: 1, firstBrokenLink: null }, 'hashes survive jsonb’s reordering of keys');
});
