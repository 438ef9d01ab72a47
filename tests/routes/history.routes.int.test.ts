import t from 'tap';
import { admittedMember, command, foundCooperative } from '../support/cooperative-fixture.js';
import { bearer, testServer } from '../support/test-server.js';

interface Entry {
  position: number;
  stream: string;
  type: string;
  actor: { id: string };
  correlationId: string;
  data: Record<string, unknown>;
}

t.test('the history: every event in order, filtered, paginated, with who did what; no personal data', async (t) => {
  const server = await testServer(t);
  const cooperative = await foundCooperative(server);
  const anna = await admittedMember(server, cooperative, 'Anna Historia', 'anna@example.nl');
  const treasurer = await admittedMember(server, cooperative, 'Theo', 'theo@example.nl');
  await command(server.app, cooperative.admin, `/cooperatives/${cooperative.cooperativeId}/officers`, { memberId: treasurer.id, office: 'treasurer' });
  const base = `/cooperatives/${cooperative.cooperativeId}/events`;
  const read = async (token: string, query = '') => {
    const response = await server.app.inject({ url: `${base}${query}`, headers: bearer(token) });
    return { status: response.statusCode, body: response.json() as { events: Entry[]; nextAfter: number | null }, raw: response.body };
  };

  const all = await read(treasurer.token);
  t.equal(all.status, 200);
  const positions = all.body.events.map((event) => event.position);
  t.same(positions, [...positions].sort((a, b) => a - b), 'in global order');
  t.ok(all.body.events.some((event) => event.type === 'CooperativeFounded' && event.actor.id === 'admin-1'));
  t.notMatch(all.raw, /Anna Historia|anna@example\.nl|ciphertext/, 'personal data never shows');
  t.ok(all.body.events.some((event) => event.data.personalData === '[personal data, encrypted]'));

  const admissions = await read(treasurer.token, '?type=MemberAdmitted');
  t.same(admissions.body.events.map((event) => event.type), ['MemberAdmitted', 'MemberAdmitted', 'MemberAdmitted']);
  const byAdmin = await read(treasurer.token, '?actor=admin-1');
  t.ok(byAdmin.body.events.length > 0 && byAdmin.body.events.every((event) => event.actor.id === 'admin-1'), 'only what admin-1 did, and that there is');
  const annasStream = await read(treasurer.token, `?stream=member-${anna.id}`);
  t.same(annasStream.body.events.map((event) => event.type), ['MemberRegistered', 'MemberAdmitted']);

  const firstPage = await read(treasurer.token, '?limit=3');
  t.equal(firstPage.body.events.length, 3);
  const secondPage = await read(treasurer.token, `?limit=3&after=${firstPage.body.nextAfter}`);
  t.same(secondPage.body.events[0]?.position, all.body.events[3]?.position, 'the cursor continues where the page ended');

  const own = await read(anna.token);
  t.ok(own.body.events.length > 0 && own.body.events.every((event) => event.stream === `member-${anna.id}`), 'a member sees only their own streams');
  t.equal((await read(anna.token, `?stream=member-${treasurer.id}`)).status, 403);
  const oneStream = await server.app.inject({ url: `/cooperatives/${cooperative.cooperativeId}/streams/member-${anna.id}/events`, headers: bearer(anna.token) });
  t.equal(oneStream.json().events.length, 2);

  const csv = await server.app.inject({ url: `${base}?format=csv`, headers: bearer(treasurer.token) });
  t.match(csv.headers['content-type'], /^text\/csv/);
  const lines = csv.body.trim().split('\n');
  t.equal(lines[0], 'position,stream,revision,type,occurred_at,actor,actor_roles,correlation_id,causation_id,data');
  t.equal(lines.length, all.body.events.length + 1, 'every event, one line each');
  t.notMatch(csv.body, /Anna Historia/);
});
