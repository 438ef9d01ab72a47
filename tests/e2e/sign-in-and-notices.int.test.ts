// A member signs in without an admin in the loop and is told what concerns them, through a real SMTP server: the
// secretary admits them, the code arrives by mail, the member votes with the token it buys, refreshes it, and is
// refused once their membership ends; the convocation arrives with a calendar invitation that parses.
import ICAL from 'ical.js';
import t from 'tap';
import { command, foundCooperative, read } from '../support/cooperative-fixture.js';
import { codeIn, startMailServer, type MailServer } from '../support/mail-server.js';
import { bearer, days, testServer, type TestServer } from '../support/test-server.js';

interface Tokens {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  subject: string;
  expiresIn: number;
}

async function signIn(server: TestServer, mail: MailServer, cooperativeId: string, email: string): Promise<Tokens> {
  const before = mail.received.length;
  const asked = await server.app.inject({ method: 'POST', url: `/cooperatives/${cooperativeId}/sign-in`, payload: { email } });
  if (asked.statusCode !== 202) throw new Error(`asking for a code answered ${asked.statusCode}`);
  const message = await mail.waitFor((received) => received.to === email && mail.received.indexOf(received) >= before, `with a code for ${email}`);
  const exchanged = await server.app.inject({
    method: 'POST',
    url: `/cooperatives/${cooperativeId}/sign-in/code`,
    payload: { email, code: codeIn(message) },
  });
  if (exchanged.statusCode !== 200) throw new Error(`exchanging the code answered ${exchanged.statusCode}: ${exchanged.body}`);
  return exchanged.json() as Tokens;
}

t.test('a member signs in by e-mailed code, votes, refreshes, and is refused once the membership has ended', async (t) => {
  const mail = await startMailServer(t);
  const server = await testServer(t, { environment: { MEENT_SMTP_URL: mail.url, MEENT_MAIL_FROM: 'De Meent <secretariaat@demeent.nl>' } });
  server.clock.set('2026-11-02T09:00:00.000Z');
  const cooperative = await foundCooperative(server);
  const base = `/cooperatives/${cooperative.cooperativeId}`;

  const registered = await command(server.app, cooperative.secretary, `${base}/members`, { name: 'Mila Buur', email: 'Mila@Example.nl' });
  t.equal(registered.status, 201);
  const milaId = registered.body.id;

  await t.test('an applicant signs in to follow the application', async (t) => {
    const tokens = await signIn(server, mail, cooperative.cooperativeId, 'mila@example.nl');
    t.equal(tokens.subject, milaId);
    t.equal(tokens.expiresIn, 900, 'access tokens hold a quarter of an hour');
    const own = await read<{ status: string }>(server.app, tokens.accessToken, `${base}/members/${milaId}`);
    t.match(own, { status: 200, body: { status: 'applied' } });
  });

  t.equal((await command(server.app, cooperative.secretary, `${base}/members/${milaId}/admission`)).status, 200);
  const welcome = await mail.waitFor((received) => received.to === 'mila@example.nl' && received.subject === 'Welkom als lid', 'welcoming Mila');
  t.match(welcome.text, /Beste Mila Buur,[\s\S]*toegelaten als lid van Wijkcoöperatie De Meent U\.A\./);
  t.match(welcome.messageId, /^<application-decided\..+@demeent\.nl>$/, 'the Message-ID comes from the causing event');

  const tokens = await signIn(server, mail, cooperative.cooperativeId, 'mila@example.nl');
  const code = mail.received.at(-1);
  t.match(code?.subject, /^Je inlogcode voor Wijkcoöperatie De Meent U\.A\.: \d{8}$/, 'in the cooperative’s language, Dutch');

  await t.test('the same code does not sign in twice, and a wrong one never', async (t) => {
    const again = await server.app.inject({
      method: 'POST',
      url: `${base}/sign-in/code`,
      payload: { email: 'mila@example.nl', code: code ? codeIn(code) : '' },
    });
    t.match(again.json(), { status: 401, code: 'SIGN_IN.CODE_REFUSED' });
    const wrong = await server.app.inject({ method: 'POST', url: `${base}/sign-in/code`, payload: { email: 'mila@example.nl', code: '00000000' } });
    t.equal(wrong.statusCode, 401);
  });

  await t.test('an address not on the register is answered alike, and nothing is sent to it', async (t) => {
    const sent = mail.received.length;
    const unknown = await server.app.inject({ method: 'POST', url: `${base}/sign-in`, payload: { email: 'nobody@example.nl' } });
    const known = await server.app.inject({ method: 'POST', url: `${base}/sign-in`, payload: { email: 'sanne@example.nl' } });
    t.equal(unknown.statusCode, 202);
    t.same(unknown.json(), known.json(), 'the same answer for a registered address');
    await mail.waitFor((received) => received.to === 'sanne@example.nl' && mail.received.indexOf(received) >= sent, 'with Sanne’s code');
    t.notOk(mail.received.some((received) => received.to === 'nobody@example.nl'), 'no mail to an unknown address');
  });

  await t.test('a few codes a quarter of an hour per address; more are answered alike and sent nowhere', async (t) => {
    for (let ask = 0; ask < 3; ask += 1) {
      const answer = await server.app.inject({ method: 'POST', url: `${base}/sign-in`, payload: { email: 'sanne@example.nl' } });
      t.equal(answer.statusCode, 202);
    }
    const notifications = await read<{ deliveries: { kind: string; status: string }[] }>(server.app, cooperative.admin, '/admin/notifications?limit=1000');
    const codes = notifications.body.deliveries.filter((delivery) => delivery.kind === 'sign-in-code');
    t.equal(codes.length, 5, 'Mila’s two codes and Sanne’s first three: her fourth and fifth asks queued nothing');
  });

  const assembly = await command(server.app, cooperative.secretary, `${base}/assemblies`, {
    title: 'Algemene ledenvergadering',
    scheduledAt: new Date(server.clock.now().getTime() + days(20)).toISOString(),
    venue: { kind: 'place', address: 'Buurthuis De Meent, Meentweg 1, Utrecht' },
  });
  t.equal(assembly.status, 201);
  const assemblyId = assembly.body.id;
  await command(server.app, cooperative.secretary, `${base}/assemblies/${assemblyId}/agenda`, { title: 'Jaarverslag' });
  const motion = await command(server.app, cooperative.secretary, `${base}/assemblies/${assemblyId}/motions`, {
    title: 'Moestuin op het plein',
    text: 'De coöperatie legt een moestuin aan op het plein.',
  });
  t.equal(motion.status, 201);

  await t.test('the convocation arrives with the agenda, the motion and a calendar invitation that parses', async (t) => {
    const sent = await command(server.app, cooperative.secretary, `${base}/assemblies/${assemblyId}/convocation`);
    t.equal(sent.status, 200, JSON.stringify(sent.body));
    const convocation = await mail.waitFor(
      (received) => received.to === 'mila@example.nl' && received.subject.startsWith('Oproeping: Algemene ledenvergadering'),
      'with Mila’s convocation',
    );
    t.match(convocation.text, /Agenda:\n1\. Jaarverslag/);
    t.match(convocation.text, /Voorstel: Moestuin op het plein\n\nDe coöperatie legt een moestuin aan op het plein\./);
    t.match(convocation.text, /Buurthuis De Meent, Meentweg 1, Utrecht/);
    t.ok(convocation.calendar, 'an iCalendar attachment');
    const calendar = new ICAL.Component(ICAL.parse(convocation.calendar ?? ''));
    const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent') ?? undefined);
    t.equal(event.uid, `assembly-${assemblyId}@meent`);
    t.equal(event.startDate.toJSDate().toISOString(), new Date(server.clock.now().getTime() + days(20)).toISOString());
    t.equal(event.location, 'Buurthuis De Meent, Meentweg 1, Utrecht');
    const overview = await read<{ convocations: { recipients: number; agendaItems: number; motions: number }[] }>(
      server.app,
      tokens.accessToken,
      `${base}/assemblies/${assemblyId}?minPosition=${sent.body.position}`,
    );
    t.same(overview.body.convocations.map(({ recipients, agendaItems, motions }) => ({ recipients, agendaItems, motions })), [
      { recipients: 2, agendaItems: 1, motions: 1 },
    ], 'the assembly shows that notice was given, to whom and with what');
  });

  await t.test('the member votes with the token the code bought', async (t) => {
    t.equal((await command(server.app, cooperative.secretary, `${base}/motions/${motion.body.id}/opening`)).status, 200);
    const opened = await mail.waitFor((received) => received.to === 'mila@example.nl' && received.subject.startsWith('De stemming is geopend'), 'telling Mila voting opened');
    t.match(opened.text, /De stemming is open/);
    const vote = await server.app.inject({
      method: 'POST',
      url: `${base}/motions/${motion.body.id}/votes`,
      headers: bearer(tokens.accessToken),
      payload: { choice: 'for' },
    });
    t.equal(vote.statusCode, 200);
  });

  const refreshed = await server.app.inject({ method: 'POST', url: '/sessions/refresh', payload: { refreshToken: tokens.refreshToken } });
  t.equal(refreshed.statusCode, 200);
  const next = refreshed.json() as Tokens;
  t.not(next.refreshToken, tokens.refreshToken, 'the refresh token rotates');
  t.equal(next.sessionId, tokens.sessionId);

  await t.test('a refresh token used twice revokes its session', async (t) => {
    const other = await signIn(server, mail, cooperative.cooperativeId, 'mila@example.nl');
    const first = await server.app.inject({ method: 'POST', url: '/sessions/refresh', payload: { refreshToken: other.refreshToken } });
    t.equal(first.statusCode, 200);
    const replayed = await server.app.inject({ method: 'POST', url: '/sessions/refresh', payload: { refreshToken: other.refreshToken } });
    t.equal(replayed.statusCode, 401);
    const newest = (first.json() as Tokens).refreshToken;
    t.equal((await server.app.inject({ method: 'POST', url: '/sessions/refresh', payload: { refreshToken: newest } })).statusCode, 401, 'its newest token too');
    const listed = await read<{ sessions: { id: string; revokedBecause: string | null }[] }>(server.app, next.accessToken, `${base}/members/${milaId}/sessions`);
    t.match(listed.body.sessions.find((session) => session.id === other.sessionId), { revokedBecause: 'a refresh token was used twice' });
    t.match(listed.body.sessions.find((session) => session.id === tokens.sessionId), { revokedBecause: null });
  });

  await t.test('once the membership has ended, the refresh is refused and the session revoked', async (t) => {
    const ended = await command(server.app, cooperative.secretary, `${base}/members/${milaId}/termination`, { kind: 'deceased', reason: 'overleden' });
    t.equal(ended.status, 200);
    const refused = await server.app.inject({ method: 'POST', url: '/sessions/refresh', payload: { refreshToken: next.refreshToken } });
    t.equal(refused.statusCode, 401);
    const vote = await server.app.inject({
      method: 'POST',
      url: `${base}/motions/${motion.body.id}/votes`,
      headers: bearer(next.accessToken),
      payload: { choice: 'against' },
    });
    t.equal(vote.statusCode, 403, 'the access token still verifies, but the register says former');
    const asked = await server.app.inject({ method: 'POST', url: `${base}/sign-in`, payload: { email: 'mila@example.nl' } });
    t.equal(asked.statusCode, 202, 'asking again is answered alike');
    const sessions = await read<{ sessions: { revokedAt: string | null }[] }>(server.app, cooperative.admin, `${base}/members/${milaId}/sessions`);
    t.ok(sessions.body.sessions.length >= 3, 'the admin sees her sessions');
    t.ok(sessions.body.sessions.every((session) => session.revokedAt !== null), 'every one revoked');
  });
});
