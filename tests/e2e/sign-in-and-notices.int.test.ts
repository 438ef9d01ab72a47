// A member signs in without an admin in the loop and is told what concerns them, through a real SMTP server: the
// secretary admits them, the code arrives by mail, the member votes with the token it buys, refreshes it, and is
// refused once their membership ends; the convocation arrives with a calendar invitation that parses.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import ICAL from 'ical.js';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { Webhook } from 'standardwebhooks';
import t from 'tap';
import { command, foundCooperative, read } from '../support/cooperative-fixture.js';
import { codeIn, startMailServer, type MailServer } from '../support/mail-server.js';
import { bearer, days, testServer, type TestServer } from '../support/test-server.js';
import type { Test } from 'tap';

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

interface Delivery {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A webhook receiver on a real port: it answers 503 to a delivery's first attempt when asked to, then 204. */
async function webhookReceiver(t: Test, refuseFirstAttempt: boolean) {
  const deliveries: Delivery[] = [];
  const waiting = new Set<() => void>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const delivery = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      const firstAttempt = !deliveries.some((earlier) => earlier.headers['webhook-id'] === delivery.headers['webhook-id']);
      deliveries.push(delivery);
      response.writeHead(refuseFirstAttempt && firstAttempt ? 503 : 204).end();
      for (const wake of waiting) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/meent`,
    deliveries,
    waitFor: (count: number) =>
      new Promise<Delivery[]>((resolve, reject) => {
        const check = () => {
          if (deliveries.length < count) return;
          clearTimeout(timer);
          waiting.delete(check);
          resolve(deliveries);
        };
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(new Error(`${count} webhook deliveries awaited; ${deliveries.length} came: ${deliveries.map((d) => d.body).join(' | ')}`));
        }, 20_000);
        waiting.add(check);
        check();
      }),
  };
}

t.test('a member signs in by e-mailed code, votes, refreshes, and is refused once the membership has ended', async (t) => {
  const mail = await startMailServer(t);
  const server = await testServer(t, { environment: { MEENT_SMTP_URL: mail.url, MEENT_MAIL_FROM: 'De Meent <secretariaat@demeent.nl>' } });
  const cooperative = await foundCooperative(server);
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  const receiver = await webhookReceiver(t, false);
  const subscribed = await command(server.app, cooperative.secretary, `${base}/webhooks`, {
    url: receiver.url,
    eventTypes: ['MemberRegistered', 'MemberAdmitted'],
  });
  t.equal(subscribed.status, 201);
  const { secret } = subscribed.body as unknown as { secret: string };

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

  await t.test('the webhook receiver gets signed deliveries, without personal data', async (t) => {
    const [registeredDelivery, admittedDelivery] = await receiver.waitFor(2);
    const verifier = new Webhook(secret);
    for (const delivery of [registeredDelivery, admittedDelivery]) {
      t.doesNotThrow(() => verifier.verify(delivery?.body ?? '', delivery?.headers as Record<string, string>), 'the signature verifies');
    }
    t.throws(() => verifier.verify(`${admittedDelivery?.body ?? ''} `, admittedDelivery?.headers as Record<string, string>), { name: 'WebhookVerificationError' }, 'an altered body does not');
    const registeredBody = JSON.parse(registeredDelivery?.body ?? '{}') as { type: string; data: Record<string, unknown> };
    t.match(registeredBody, { type: 'MemberRegistered', data: { memberId: milaId, personalData: '[personal data, encrypted]' } });
    t.notMatch(registeredDelivery?.body, /Mila|example\.nl/i, 'no name or address');
    t.notOk('emailClaim' in registeredBody.data, 'nor the blind index the history withholds');
    t.match(JSON.parse(admittedDelivery?.body ?? '{}'), { type: 'MemberAdmitted', data: { memberId: milaId } });
  });

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
    const stored = readdirSync(server.dataDir).map((file) => readFileSync(join(server.dataDir, file)).toString('latin1')).join('');
    t.notOk(code && stored.includes(codeIn(code)), 'the code is in no file of the data directory');
    t.notOk(stored.includes(tokens.refreshToken), 'nor the refresh token');
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
    const sanneCodes = () => mail.received.filter((received) => received.to === 'sanne@example.nl' && received.subject.startsWith('Je inlogcode'));
    await mail.waitFor(() => sanneCodes().length === 3, 'with Sanne’s third code');
    // The outbox records a code's sending just after the server took it, never the code: asked until all five show.
    const signInCodes = async () =>
      (await read<{ deliveries: { kind: string; status: string }[] }>(server.app, cooperative.admin, '/admin/notifications?limit=1000')).body.deliveries.filter(
        (delivery) => delivery.kind === 'sign-in-code',
      );
    const deadline = Date.now() + 20_000;
    while ((await signInCodes()).length < 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    t.same((await signInCodes()).map((delivery) => delivery.status), ['sent', 'sent', 'sent', 'sent', 'sent'], 'Mila’s two codes and Sanne’s first three');
    t.equal(sanneCodes().length, 3, 'her fourth ask within the quarter sent nothing');
  });

  // Whole minutes, as a calendar keeps them.
  const scheduledAt = new Date(Math.floor((server.clock.now().getTime() + days(20)) / 60_000) * 60_000).toISOString();
  const assembly = await command(server.app, cooperative.secretary, `${base}/assemblies`, {
    title: 'Algemene ledenvergadering',
    scheduledAt,
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
    t.equal(event.startDate.toJSDate().toISOString(), scheduledAt);
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

  await t.test('a private calendar feed lists the assemblies until it is revoked', async (t) => {
    const created = await server.app.inject({ method: 'POST', url: `${base}/members/${milaId}/calendar-feed`, headers: bearer(tokens.accessToken) });
    t.equal(created.statusCode, 201);
    const { path } = created.json() as { path: string };
    const feed = await server.app.inject({ method: 'GET', url: path });
    t.equal(feed.statusCode, 200);
    t.match(feed.headers['content-type'], /^text\/calendar/);
    const events = new ICAL.Component(ICAL.parse(feed.body)).getAllSubcomponents('vevent').map((event) => new ICAL.Event(event));
    t.same(events.map((event) => [event.uid, event.summary]), [[`assembly-${assemblyId}@meent`, 'Algemene ledenvergadering — Wijkcoöperatie De Meent U.A.']]);
    const others = await server.app.inject({ method: 'POST', url: `${base}/members/${cooperative.secretaryId}/calendar-feed`, headers: bearer(tokens.accessToken) });
    t.equal(others.statusCode, 403, 'not for another member');
    const revoked = await server.app.inject({ method: 'POST', url: `${base}/members/${milaId}/calendar-feed/revocation`, headers: bearer(tokens.accessToken) });
    t.equal(revoked.statusCode, 200);
    t.equal((await server.app.inject({ method: 'GET', url: path })).statusCode, 404, 'a revoked feed is gone');
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

t.test('a process that stopped between an event and its mail sends it once after the restart; notices start where they were deployed', async (t) => {
  const mail = await startMailServer(t);
  const deployed = await testServer(t, { environment: { MEENT_SMTP_URL: mail.url } });
  const cooperative = await foundCooperative(deployed);
  await mail.waitFor((received) => received.to === 'sanne@example.nl', 'welcoming the secretary');
  await deployed.app.close();
  const first = await testServer(t, { environment: { MEENT_SMTP_URL: mail.url, MEENT_REACTIONS: 'off', MEENT_DATA_DIR: deployed.dataDir } });
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  const registered = await command(first.app, cooperative.secretary, `${base}/members`, { name: 'Ravi Rijn', email: 'ravi@example.nl' });
  // Without reactions the process stands for one killed after the admission was recorded and before anyone was told.
  t.equal((await command(first.app, cooperative.secretary, `${base}/members/${registered.body.id}/admission`)).status, 200);
  await first.app.close();
  t.notOk(mail.received.some((received) => received.to === 'ravi@example.nl'), 'nothing was sent to Ravi before the stop');

  const environment = { MEENT_SMTP_URL: mail.url, MEENT_DATA_DIR: deployed.dataDir };
  const second = await testServer(t, { environment });
  const welcome = await mail.waitFor((received) => received.to === 'ravi@example.nl' && received.subject === 'Welkom als lid', 'welcoming Ravi after the restart');
  await second.app.close();

  const third = await testServer(t, { environment });
  const marker = await command(third.app, cooperative.secretary, `${base}/members`, { name: 'Ida Ijs', email: 'ida@example.nl' });
  await command(third.app, cooperative.secretary, `${base}/members/${marker.body.id}/admission`);
  await mail.waitFor((received) => received.to === 'ida@example.nl', 'welcoming Ida after the next restart');
  t.same(
    mail.received.filter((received) => received.to === 'ravi@example.nl').map((received) => received.messageId),
    [welcome.messageId],
    'Ravi’s welcome went once',
  );
  t.equal(mail.received.filter((received) => received.to === 'sanne@example.nl').length, 1, 'the secretary’s welcome was not sent again');
});

t.test('notices begin where they were first deployed: a store with a history is not told its past', async (t) => {
  const mail = await startMailServer(t);
  const before = await testServer(t, { environment: { MEENT_REACTIONS: 'off' } });
  const cooperative = await foundCooperative(before);
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  await before.app.close();
  const after = await testServer(t, { environment: { MEENT_SMTP_URL: mail.url, MEENT_DATA_DIR: before.dataDir } });
  const registered = await command(after.app, cooperative.secretary, `${base}/members`, { name: 'Lotte Later', email: 'lotte@example.nl' });
  await command(after.app, cooperative.secretary, `${base}/members/${registered.body.id}/admission`);
  await mail.waitFor((received) => received.to === 'lotte@example.nl', 'welcoming Lotte, admitted after the deployment');
  t.same(mail.received.map((received) => received.to), ['lotte@example.nl'], 'the secretary, admitted before, was not told now');
});

t.test('a message the mail server refuses is retried with back-off, then kept as a dead letter an admin can send again', async (t) => {
  const mail = await startMailServer(t);
  // Moving the test clock wakes no one: the outbox finds each retry fallen due at its next look, here every 50 ms.
  const server = await testServer(t, { environment: { MEENT_SMTP_URL: mail.url, MEENT_OUTBOX_POLL_MS: '50' } });
  server.clock.set('2026-11-02T09:00:00.000Z');
  const cooperative = await foundCooperative(server);
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  const admin = cooperative.admin;
  const deliveries = async () =>
    (await read<{ deliveries: { id: string; kind: string; status: string; attempts: number; lastError: string | null }[] }>(server.app, admin, '/admin/notifications')).body.deliveries;
  // The mail server sees each attempt a moment before the outbox records it: asked until it does, for at most 20 s.
  const welcomeOf = async (attempts: number) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = (await deliveries()).find(
        (delivery) => delivery.kind === 'application-decided' && delivery.status !== 'sent' && delivery.attempts >= attempts,
      );
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no welcome with ${attempts} attempts within 20 s; the outbox: ${JSON.stringify(await deliveries())}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  await mail.waitFor((received) => received.to === 'sanne@example.nl', 'welcoming the secretary');
  mail.refuseAll(true);
  const registered = await command(server.app, cooperative.secretary, `${base}/members`, { name: 'Noor Noord', email: 'noor@example.nl', language: 'en' });
  await command(server.app, cooperative.secretary, `${base}/members/${registered.body.id}/admission`);
  await mail.waitForRefusals(1);
  const failed = await welcomeOf(1);
  t.match(failed, { status: 'pending', attempts: 1 });
  t.match(failed.lastError, /451/);
  t.notMatch(JSON.stringify(await deliveries()), /noor@example\.nl|Noor/, 'the admin sees no address or name');

  for (let attempt = 2; attempt <= 8; attempt += 1) {
    await welcomeOf(attempt - 1);
    server.clock.advance(6 * 3_600_000);
    await mail.waitForRefusals(attempt);
  }
  const dead = await welcomeOf(8);
  t.equal(dead.status, 'dead', 'given up after eight attempts');
  const metrics = await server.app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' });
  t.match(metrics.body, /^meent_outbox_messages\{status="dead"\} 1$/m, 'the operator\'s alert sees it');

  mail.refuseAll(false);
  const retried = await server.app.inject({ method: 'POST', url: `/admin/notifications/${encodeURIComponent(dead.id)}/retry`, headers: bearer(admin) });
  t.equal(retried.statusCode, 202);
  const welcome = await mail.waitFor((received) => received.to === 'noor@example.nl', 'welcoming Noor after the retry');
  t.equal(welcome.subject, 'Welcome as a member', 'in the language Noor chose, not the cooperative’s');
  const again = await server.app.inject({ method: 'POST', url: `/admin/notifications/${encodeURIComponent(dead.id)}/retry`, headers: bearer(admin) });
  t.equal(again.statusCode, 404, 'only a dead letter is retried');
});

t.test('a webhook the receiver refuses is retried with the same id, and its log shows each attempt', async (t) => {
  const server = await testServer(t);
  const cooperative = await foundCooperative(server);
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  const receiver = await webhookReceiver(t, true);
  const subscribed = await command(server.app, cooperative.secretary, `${base}/webhooks`, { url: receiver.url, eventTypes: ['MemberRegistered'] });
  const webhookId = subscribed.body.id;
  const deliveryLog = async () =>
    (
      await read<{ deliveries: { status: string; attempts: number; lastStatusCode: number | null }[] }>(
        server.app,
        cooperative.secretary,
        `${base}/webhooks/${webhookId}/deliveries`,
      )
    ).body.deliveries;
  server.clock.set(new Date());
  await command(server.app, cooperative.secretary, `${base}/members`, { name: 'Bo Brug', email: 'bo@example.nl' });
  const [first] = await receiver.waitFor(1);
  const deadline = Date.now() + 20_000;
  // The receiver has answered; the advance must come after Meent has recorded that answer, or the retry moves with it.
  while ((await deliveryLog()).some((delivery) => delivery.attempts === 0)) {
    if (Date.now() > deadline) throw new Error(`the first attempt was not logged within 20 s: ${JSON.stringify(await deliveryLog())}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  server.clock.advance(31_000);
  const [, second] = await receiver.waitFor(2);
  t.equal(second?.headers['webhook-id'], first?.headers['webhook-id'], 'a retry carries the same webhook-id');
  t.equal(second?.body, first?.body);
  const delivered = Date.now() + 20_000;
  while ((await deliveryLog())[0]?.status !== 'delivered' && Date.now() < delivered) await new Promise((resolve) => setTimeout(resolve, 25));
  t.match(await deliveryLog(), [{ status: 'delivered', attempts: 2, lastStatusCode: 204 }]);

  const refused = await command(server.app, cooperative.secretary, `${base}/webhooks`, { url: receiver.url, eventTypes: ['NoSuchEvent'] });
  t.match(refused, { status: 400, body: { code: 'VALIDATION' } });
  const revoked = await server.app.inject({ method: 'POST', url: `${base}/webhooks/${webhookId}/revocation`, headers: bearer(cooperative.secretary) });
  t.equal(revoked.statusCode, 200);
  const listed = await read<{ webhooks: { id: string; revokedAt: string | null }[] }>(server.app, cooperative.secretary, `${base}/webhooks`);
  t.ok(listed.body.webhooks.find((webhook) => webhook.id === webhookId)?.revokedAt, 'shown as revoked');
});

/**
 * An OpenID provider as small as it can be and still be one: a discovery document and a JWKS on a real port, with keys
 * it can rotate, and ID tokens signed by them.
 */
async function identityProvider(t: Test) {
  let published: { kid: string; key: CryptoKey; jwk: JWK }[] = [];
  const newKey = async (kid: string) => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    return { kid, key: privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
  };
  const server = createServer((request, response) => {
    const body =
      request.url === '/.well-known/openid-configuration'
        ? { issuer, jwks_uri: `${issuer}/jwks.json` }
        : request.url === '/jwks.json'
          ? { keys: published.map((entry) => entry.jwk) }
          : undefined;
    response.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  published = [await newKey('key-1')];
  return {
    issuer,
    /** Publishes a new key in place of the old ones. */
    rotate: async (kid: string) => {
      const retired = published;
      published = [await newKey(kid)];
      return retired;
    },
    token: (subject: string, options: { audience?: string; key?: { kid: string; key: CryptoKey }; expiresIn?: string } = {}) => {
      const signer = options.key ?? published[0];
      if (!signer) throw new Error('no key published');
      return new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: signer.kid })
        .setIssuer(issuer)
        .setSubject(subject)
        .setAudience(options.audience ?? 'meent-test')
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m')
        .sign(signer.key);
    },
  };
}

t.test('the federation’s identity provider signs a linked member in, through a key rotation', async (t) => {
  const provider = await identityProvider(t);
  const server = await testServer(t, {
    environment: { MEENT_OIDC_ISSUER: provider.issuer, MEENT_OIDC_AUDIENCE: 'meent-test', MEENT_OIDC_JWKS_COOLDOWN_SECONDS: '0' },
  });
  const cooperative = await foundCooperative(server);
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  const registered = await command(server.app, cooperative.secretary, `${base}/members`, { name: 'Femke Fed', email: 'femke@example.nl' });
  const femkeId = registered.body.id;
  await command(server.app, cooperative.secretary, `${base}/members/${femkeId}/admission`);
  const signInWith = (idToken: string) => server.app.inject({ method: 'POST', url: `${base}/sign-in/oidc`, payload: { idToken } });

  const unlinked = await signInWith(await provider.token('femke-at-provider'));
  t.match(unlinked.json(), { status: 401, code: 'SIGN_IN.TOKEN_REFUSED', detail: /linked to no member/ });

  const femke = server.token(['member'], { subject: femkeId, cooperativeId: cooperative.cooperativeId });
  const bySubject = await command(server.app, femke, `${base}/members/${femkeId}/identity-links`, { subject: 'femke-at-provider' });
  t.equal(bySubject.status, 403, 'a member does not link by naming a subject');
  const linked = await command(server.app, femke, `${base}/members/${femkeId}/identity-links`, { idToken: await provider.token('femke-at-provider') });
  t.equal(linked.status, 200, 'the member links with a token from the provider');

  const signedIn = await signInWith(await provider.token('femke-at-provider'));
  t.equal(signedIn.statusCode, 200);
  const tokens = signedIn.json() as Tokens;
  t.equal(tokens.subject, femkeId);
  t.equal((await read(server.app, tokens.accessToken, `${base}/members/${femkeId}`)).status, 200, 'the access token works');

  const otherAudience = await signInWith(await provider.token('femke-at-provider', { audience: 'someone-else' }));
  t.match(otherAudience.json(), { status: 401, detail: /aud claim/ });
  const expired = await signInWith(await provider.token('femke-at-provider', { expiresIn: '-10m' }));
  t.match(expired.json(), { status: 401, detail: /expired/ });

  const retired = await provider.rotate('key-2');
  const afterRotation = await signInWith(await provider.token('femke-at-provider'));
  t.equal(afterRotation.statusCode, 200, 'a token signed with the new key: the keys are fetched again');
  const oldKey = retired[0];
  const withRetiredKey = await signInWith(await provider.token('femke-at-provider', oldKey ? { key: oldKey } : {}));
  t.match(withRetiredKey.json(), { status: 401, detail: /no key of the identity provider/ }, 'a retired key signs nobody in');

  const taken = await command(server.app, cooperative.secretary, `${base}/members/${cooperative.secretaryId}/identity-links`, { subject: 'femke-at-provider' });
  t.match(taken, { status: 409, body: { code: 'IDENTITY.LINKED_TO_ANOTHER' } });
  const unlinking = await command(server.app, cooperative.secretary, `${base}/members/${femkeId}/identity-links/revocation`, { subject: 'femke-at-provider' });
  t.equal(unlinking.status, 200);
  t.equal((await signInWith(await provider.token('femke-at-provider'))).statusCode, 401, 'unlinked, the account signs nobody in');
});
