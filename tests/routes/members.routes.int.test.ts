import t from 'tap';
import { v7 as uuidv7 } from 'uuid';
import { admittedMember, command, foundCooperative } from '../support/cooperative-fixture.js';
import { bearer, testServer } from '../support/test-server.js';

t.test('the secretary registers and admits; the register and the member record show it', async (t) => {
  const server = await testServer(t);
  const cooperative = await foundCooperative(server);
  const base = `/cooperatives/${cooperative.cooperativeId}/members`;
  const registered = await command(server.app, cooperative.secretary, base, {
    name: 'Anna de Vries',
    email: 'Anna@Example.nl',
    address: 'Meentweg 1, Utrecht',
    phone: '+31 6 1234 5678',
  });
  t.equal(registered.status, 201);
  const annaId = registered.body.id;
  const admitted = await command(server.app, cooperative.secretary, `${base}/${annaId}/admission`);
  t.equal(admitted.status, 200);

  const page = await server.app.inject({ url: `${base}?minPosition=${admitted.body.position}&status=admitted`, headers: bearer(cooperative.secretary) });
  t.equal(page.statusCode, 200);
  t.match(page.json(), { total: 2, members: [{ id: annaId, status: 'admitted', personalData: { name: 'Anna de Vries', email: 'anna@example.nl' } }, { id: cooperative.secretaryId }] });

  const record = await server.app.inject({ url: `${base}/${annaId}`, headers: bearer(cooperative.secretary) });
  t.match(record.json(), {
    id: annaId,
    status: 'admitted',
    personalData: { name: 'Anna de Vries', address: 'Meentweg 1, Utrecht', phone: '+31 6 1234 5678' },
    history: [{ type: 'MemberRegistered', actor: cooperative.secretaryId, details: { channel: 'secretary' } }, { type: 'MemberAdmitted' }],
  });
  t.notMatch(record.body, /ciphertext|emailClaim/, 'the history shows facts, not the encrypted envelope');
});

t.test('wrong states are 409, broken rules 422 with the rule named, unknown members 404', async (t) => {
  const server = await testServer(t);
  const cooperative = await foundCooperative(server);
  const base = `/cooperatives/${cooperative.cooperativeId}/members`;
  const anna = await admittedMember(server, cooperative, 'Anna', 'anna@example.nl');
  const again = await command(server.app, cooperative.secretary, `${base}/${anna.id}/admission`);
  t.match(again, { status: 409, body: { code: 'MEMBER.ALREADY_ADMITTED' } });
  const expelled = await command(server.app, cooperative.secretary, `${base}/${anna.id}/termination`, { kind: 'expelled' });
  t.match(expelled, { status: 422, body: { code: 'MEMBER.EXPULSION_WITHOUT_REASON', rule: 'expulsion-reason' } });
  const erased = await command(server.app, cooperative.secretary, `${base}/${anna.id}/erasure`);
  t.match(erased, { status: 422, body: { rule: 'register-obligation' } });
  const unknown = await command(server.app, cooperative.secretary, `${base}/${uuidv7()}/admission`);
  t.equal(unknown.status, 404);
  const duplicate = await command(server.app, cooperative.secretary, base, { name: 'Other Anna', email: 'ANNA@example.nl' });
  t.match(duplicate, { status: 409, body: { code: 'MEMBER.EMAIL_TAKEN' } });
  const badEmail = await command(server.app, cooperative.secretary, base, { name: 'X', email: 'not-an-address' });
  t.match(badEmail, { status: 400, body: { errors: [{ field: 'email' }] } });
});

t.test('who may do what', async (t) => {
  const server = await testServer(t);
  const cooperative = await foundCooperative(server);
  const base = `/cooperatives/${cooperative.cooperativeId}/members`;
  const anna = await admittedMember(server, cooperative, 'Anna', 'anna@example.nl');
  const bram = await admittedMember(server, cooperative, 'Bram', 'bram@example.nl');

  t.equal((await command(server.app, anna.token, base, { name: 'Cor', email: 'cor@example.nl' })).status, 403, 'a member registers nobody else');
  t.equal((await command(server.app, anna.token, `${base}/${bram.id}/suspension`, { reason: 'x' })).status, 403, 'a member suspends nobody');
  t.equal((await server.app.inject({ url: base, headers: bearer(anna.token) })).statusCode, 403, 'a member does not read the register');
  t.equal((await server.app.inject({ url: `${base}/export.csv`, headers: bearer(anna.token) })).statusCode, 403);
  const counts = await server.app.inject({ url: `${base}/counts`, headers: bearer(anna.token) });
  t.match(counts.json(), { counts: { admitted: 3 } }, 'a member may see the counts');

  const own = await server.app.inject({ url: `${base}/${anna.id}`, headers: bearer(anna.token) });
  t.match(own.json(), { personalData: { name: 'Anna', email: 'anna@example.nl' } }, 'a member reads their own record');
  const other = await server.app.inject({ url: `${base}/${bram.id}`, headers: bearer(anna.token) });
  t.equal(other.statusCode, 403, 'but not another member’s record: their history and any reasons on it are not hers to read');
  t.equal((await server.app.inject({ url: `${base}/${bram.id}/personal-data`, headers: bearer(anna.token) })).statusCode, 403);
  t.equal((await server.app.inject({ url: `${base}/${anna.id}/personal-data`, headers: bearer(anna.token) })).statusCode, 200);

  const changed = await command(server.app, anna.token, `${base}/${anna.id}/details`, { phone: '+31 30 123 4567' });
  t.equal(changed.status, 200, 'a member changes their own details');
  t.equal((await command(server.app, anna.token, `${base}/${bram.id}/details`, { phone: '1' })).status, 403);

  const dated = await command(server.app, anna.token, `${base}/${anna.id}/termination`, { kind: 'resigned', effectiveDate: '2026-12-31' });
  t.match(dated, { status: 422, body: { code: 'MEMBER.RESIGNATION_DATE_BY_LAW', rule: 'BW 2:36 lid 2' } }, 'the law dates a resignation');
  const resigned = await command(server.app, anna.token, `${base}/${anna.id}/termination`, { kind: 'resigned' });
  t.equal(resigned.status, 200, 'a member may resign');
  t.equal((await command(server.app, bram.token, `${base}/${anna.id}/termination`, { kind: 'resigned' })).status, 403, 'but not for someone else');

  const outsider = server.token(['member'], { subject: uuidv7(), cooperativeId: uuidv7() });
  t.equal((await server.app.inject({ url: `${base}/counts`, headers: bearer(outsider) })).statusCode, 403, 'another cooperative’s member');
});

t.test('officer rights follow the appointments on record: a dismissed secretary loses them at once', async (t) => {
  const server = await testServer(t);
  const cooperative = await foundCooperative(server);
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  const anna = await admittedMember(server, cooperative, 'Anna', 'anna@example.nl');
  const registered = await command(server.app, cooperative.secretary, `${base}/members`, { name: 'Cor', email: 'cor@example.nl' });
  t.equal(registered.status, 201);

  t.equal((await command(server.app, anna.token, `${base}/officers`, { memberId: anna.id, office: 'chair' })).status, 403, 'a member cannot appoint themselves');
  const dismissed = await command(server.app, cooperative.admin, `${base}/officers/${cooperative.secretaryId}/dismissal`, { office: 'secretary' });
  t.equal(dismissed.status, 200);
  const afterDismissal = await command(server.app, cooperative.secretary, `${base}/members/${registered.body.id}/admission`);
  t.equal(afterDismissal.status, 403, 'the next request has no secretary rights');

  const appointed = await command(server.app, cooperative.admin, `${base}/officers`, { memberId: anna.id, office: 'secretary' });
  t.equal(appointed.status, 200);
  t.equal((await command(server.app, anna.token, `${base}/members/${registered.body.id}/admission`)).status, 200);
  const applicant = await command(server.app, anna.token, `${base}/members`, { name: 'Dirk', email: 'dirk@example.nl' });
  const refused = await command(server.app, cooperative.admin, `${base}/officers`, { memberId: applicant.body.id, office: 'treasurer' });
  t.match(refused, { status: 422, body: { code: 'OFFICER.NOT_AN_ADMITTED_MEMBER' } });
  const officers = await server.app.inject({ url: `${base}/officers`, headers: bearer(anna.token) });
  t.same(officers.json(), { officers: [{ memberId: anna.id, office: 'secretary' }] });
});

t.test('self-application, where the rules allow it', async (t) => {
  const server = await testServer(t);
  const open = await foundCooperative(server);
  const applicantId = uuidv7();
  const applicant = server.token(['member'], { subject: applicantId, cooperativeId: open.cooperativeId });
  const applied = await command(server.app, applicant, `/cooperatives/${open.cooperativeId}/members`, { name: 'Eva', email: 'eva@example.nl' });
  t.match(applied, { status: 201, body: { id: applicantId } });
  t.equal((await command(server.app, applicant, `/cooperatives/${open.cooperativeId}/members`, { name: 'Eva', email: 'eva2@example.nl' })).status, 403, 'once registered, not again');

  const closed = await foundCooperative(server, { selfApplication: false });
  const hopeful = server.token(['member'], { subject: uuidv7(), cooperativeId: closed.cooperativeId });
  const refused = await command(server.app, hopeful, `/cooperatives/${closed.cooperativeId}/members`, { name: 'Fem', email: 'fem@example.nl' });
  t.match(refused, { status: 422, body: { rule: 'selfApplication' } });
  const retry = await command(server.app, closed.secretary, `/cooperatives/${closed.cooperativeId}/members`, { name: 'Fem', email: 'fem@example.nl' });
  t.equal(retry.status, 201, 'a refused application leaves the address free');
});

t.test('the register as CSV, and as of a date', async (t) => {
  const server = await testServer(t);
  const cooperative = await foundCooperative(server);
  const base = `/cooperatives/${cooperative.cooperativeId}/members`;
  await admittedMember(server, cooperative, '=Formula, "Quoted"', 'quoted@example.nl');
  const csv = await server.app.inject({ url: `${base}/export.csv?minPosition=${cooperative.position}`, headers: bearer(cooperative.secretary) });
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], /^text\/csv/);
  t.ok(csv.body.startsWith('\uFEFF'), 'UTF-8 with a byte-order mark, for spreadsheets');
  const lines = csv.body.slice(1).trim().split('\n');
  t.equal(lines[0], 'member_id,status,name,email,address,phone,registered_at');
  const dutch = await server.app.inject({ url: `${base}/export.csv?separator=semicolon`, headers: bearer(cooperative.secretary) });
  t.ok(dutch.body.includes(`;"'=Formula, ""Quoted""";quoted@example.nl;`), 'separated by semicolons');
  t.equal(lines.length, 3);
  t.ok(lines.some((line) => line.includes(`"'=Formula, ""Quoted"""`)), 'quoted, and a formula defused');
  const past = await server.app.inject({ url: `${base}?asOf=2020-01-01`, headers: bearer(cooperative.secretary) });
  t.match(past.json(), { asOf: '2020-01-01T23:59:59.999Z', total: 0 });
  const bad = await server.app.inject({ url: `${base}?asOf=yesterday`, headers: bearer(cooperative.secretary) });
  t.match(bad.json(), { status: 400, errors: [{ in: 'querystring', field: 'asOf' }] });

  const beforeSecond = cooperative.position;
  const recorded = (position: number) =>
    server.app
      .inject({ url: `${base}/counts?asOfPosition=${position}`, headers: bearer(cooperative.secretary) })
      .then((reply) => reply.json<{ asOfPosition: number; counts: { admitted: number } }>());
  const earlier = await recorded(beforeSecond);
  await admittedMember(server, cooperative, 'Second', 'second@example.nl');
  t.same((await recorded(beforeSecond)).counts, earlier.counts, 'as recorded up to a position: a later admission does not show');
  t.equal(earlier.asOfPosition, beforeSecond);
  const later = await recorded(cooperative.position);
  t.equal(later.counts.admitted, earlier.counts.admitted + 1, 'waits for the projection to reach the position, then counts it');
  const negative = await server.app.inject({ url: `${base}/counts?asOfPosition=-1`, headers: bearer(cooperative.secretary) });
  t.match(negative.json(), { status: 400, errors: [{ in: 'querystring', field: 'asOfPosition' }] });
});

t.test('the register page by page with a cursor: every member once, in order, whatever the filter; a forged cursor is a 400', async (t) => {
  const server = await testServer(t);
  const cooperative = await foundCooperative(server);
  const base = `/cooperatives/${cooperative.cooperativeId}/members`;
  for (const name of ['Bram', 'Anna', 'Daan', 'Anna', 'Cas']) await admittedMember(server, cooperative, name, `${name.toLowerCase()}-${uuidv7()}@example.nl`);
  type Page = { total: number; nextCursor: string | null; members: { id: string; personalData: { name: string } }[] };
  const read = async (query: string) => {
    const reply = await server.app.inject({ url: `${base}?minPosition=${cooperative.position}&${query}`, headers: bearer(cooperative.secretary) });
    t.equal(reply.statusCode, 200, reply.body);
    return reply.json<Page>();
  };
  const walk = async (query: string) => {
    const seen: Page['members'] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await read(`limit=2&${query}${cursor ? `&after=${cursor}` : ''}`);
      seen.push(...page.members);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    return { seen, pages };
  };
  const whole = await read('limit=500');
  t.equal(whole.nextCursor, null, 'one page holds them all: no next');
  const paged = await walk('');
  t.same(paged.seen.map((member) => member.id), whole.members.map((member) => member.id), 'the same members, in the same order');
  t.equal(paged.pages, 3, 'six members two at a time: the last page says there is no next');
  t.same(whole.members.map((member) => member.personalData.name), ['Anna', 'Anna', 'Bram', 'Cas', 'Daan', 'Sanne Secretaris'], 'by name');
  const admitted = await walk('status=admitted');
  t.same(admitted.seen.map((member) => member.id), whole.members.map((member) => member.id), 'and with a status filter');
  const forged = await server.app.inject({ url: `${base}?after=${Buffer.from('["x"]').toString('base64url')}`, headers: bearer(cooperative.secretary) });
  t.equal(forged.statusCode, 400);
  t.match(forged.json(), { code: 'VALIDATION', errors: [{ in: 'querystring', field: 'after' }] });
  const garbled = await server.app.inject({ url: `${base}?after=not%20a%20cursor`, headers: bearer(cooperative.secretary) });
  t.match(garbled.json(), { status: 400, errors: [{ in: 'querystring', field: 'after' }] });
});
