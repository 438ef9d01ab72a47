import t from 'tap';
import type { Test } from 'tap';
import { SqliteEventStore } from '@meent/event-store';
import { SqliteKeyStore } from '@meent/eventsourcing';
import { join } from 'node:path';
import { admittedMember, command, foundCooperative, idsPageByPage, read, type FoundedCooperative } from '../support/cooperative-fixture.js';
import { nextEvent } from '../support/events.js';
import { bearer, days, testServer, type TestServer } from '../support/test-server.js';

const start = new Date('2026-03-01T10:00:00.000Z');

/** A cooperative of `size` members (the secretary first) with an assembly 20 days ahead. */
async function assemblyOf(t: Test, size: number, rules: object = {}) {
  const server = await testServer(t);
  server.clock.set(start);
  const cooperative = await foundCooperative(server, rules);
  const members = [{ id: cooperative.secretaryId, token: cooperative.secretary }];
  for (let n = 2; n <= size; n += 1) members.push(await admittedMember(server, cooperative, `Lid ${n}`, `lid${n}@example.nl`));
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  server.clock.advance(60_000);
  const scheduledAt = new Date(start.getTime() + days(20)).toISOString();
  const convened = await command(server.app, cooperative.secretary, `${base}/assemblies`, {
    title: 'Ledenvergadering',
    scheduledAt,
    venue: { kind: 'online', url: 'https://meet.example.nl/alv' },
  });
  t.equal(convened.status, 201);
  return { server, cooperative, members, base, assemblyId: convened.body.id, scheduledAt };
}

async function tableAndOpen(
  server: TestServer,
  cooperative: FoundedCooperative,
  base: string,
  assemblyId: string,
  body: object = {},
) {
  const tabled = await command(server.app, cooperative.secretary, `${base}/assemblies/${assemblyId}/motions`, {
    title: 'Motie',
    text: 'De vergadering besluit.',
    ...body,
  });
  await command(server.app, cooperative.secretary, `${base}/motions/${tabled.body.id}/opening`);
  return tabled.body.id;
}

t.test('convening answers problems that name the rule or the field', async (t) => {
  const { server, cooperative, members, base } = await assemblyOf(t, 3);
  const tooSoon = await command(server.app, cooperative.secretary, `${base}/assemblies`, {
    title: 'Spoedvergadering',
    scheduledAt: new Date(server.clock.now().getTime() + days(3)).toISOString(),
    venue: { kind: 'place', address: 'Buurthuis' },
  });
  t.match(tooSoon, { status: 422, body: { code: 'ASSEMBLY.NOTICE_TOO_SHORT', rule: 'noticeDays' } });
  const badVenue = await server.app.inject({
    method: 'POST',
    url: `${base}/assemblies`,
    headers: bearer(cooperative.secretary),
    payload: { title: 'x', scheduledAt: 'next tuesday', venue: { kind: 'boat' } },
  });
  t.equal(badVenue.statusCode, 400);
  t.equal(badVenue.headers['content-type'], 'application/problem+json; charset=utf-8');
  const fields = (badVenue.json() as { errors: { field: string }[] }).errors.map((error) => error.field);
  t.ok(fields.includes('scheduledAt') && fields.some((field) => field.startsWith('venue')), fields.join(', '));
  const byMember = await command(server.app, members[1]!.token, `${base}/assemblies`, {
    title: 'x',
    scheduledAt: new Date(start.getTime() + days(30)).toISOString(),
    venue: { kind: 'online' },
  });
  t.equal(byMember.status, 403, 'a member convenes nothing');
});

t.test('voting closes by itself once everyone on the roll but the recused has voted', async (t) => {
  const { server, cooperative, members, base, assemblyId } = await assemblyOf(t, 4);
  const motionId = await tableAndOpen(server, cooperative, base, assemblyId, {
    recused: [{ memberId: members[3]!.id, ground: 'contract-party', reason: 'verhuurt de moestuin aan de coöperatie' }],
  });
  const groundless = await command(server.app, cooperative.secretary, `${base}/assemblies/${assemblyId}/motions`, {
    title: 'Motie',
    text: 'De vergadering besluit.',
    recused: [{ memberId: members[2]!.id, reason: 'stemt altijd tegen' }],
  });
  t.match(groundless, { status: 400, body: { errors: [{ field: 'recused.0.ground' }] } }, 'a recusal names the conflict the statutes name (BW 2:12)');
  const recused = await command(server.app, members[3]!.token, `${base}/motions/${motionId}/votes`, { choice: 'for' });
  t.match(recused, { status: 403, body: { code: 'MOTION.RECUSED', rule: 'BW 2:12 conflict of interest' } });
  t.match(recused.body, { detail: /verhuurt de moestuin aan de coöperatie/ });
  let position = 0;
  for (const [index, choice] of (['for', 'for', 'against'] as const).entries()) {
    const cast = await command(server.app, members[index]!.token, `${base}/motions/${motionId}/votes`, { choice });
    t.equal(cast.status, 200);
    position = cast.body.position;
  }
  const motion = await read<{ status: string; result: { outcome: string; tally: object; eligibleWeight: number } }>(
    server.app,
    members[1]!.token,
    `${base}/motions/${motionId}?minPosition=${position}`,
  );
  t.match(motion.body, { status: 'decided', result: { outcome: 'passed', tally: { for: 2, against: 1, notVoted: 0 }, eligibleWeight: 3 } });
  const late = await command(server.app, members[0]!.token, `${base}/motions/${motionId}/votes`, { choice: 'against' });
  t.match(late, { status: 409, body: { code: 'MOTION.VOTING_NOT_OPEN' } });
});

t.test('BW 2:38 lid 1: the statutes give a kind of membership more votes; the roll, tally and quorum weigh them', async (t) => {
  const server = await testServer(t);
  server.clock.set(start);
  const cooperative = await foundCooperative(server, { votesByMembershipKind: { producent: 3 } });
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  const producer = await admittedMember(server, cooperative, 'Piet Producent', 'piet@example.nl');
  const user = await admittedMember(server, cooperative, 'Greet Gebruiker', 'greet@example.nl');
  const unknown = await command(server.app, cooperative.secretary, `${base}/members/${producer.id}/membership-kind`, { kind: 'investeerder' });
  t.match(unknown, { status: 422, body: { code: 'MEMBER.UNKNOWN_MEMBERSHIP_KIND', rule: 'BW 2:38 lid 1 votesByMembershipKind' } });
  const byHimself = await command(server.app, producer.token, `${base}/members/${producer.id}/membership-kind`, { kind: 'producent' });
  t.equal(byHimself.status, 403, 'the secretary records it');
  t.equal((await command(server.app, cooperative.secretary, `${base}/members/${producer.id}/membership-kind`, { kind: 'producent' })).status, 200);
  server.clock.advance(60_000);
  const convened = await command(server.app, cooperative.secretary, `${base}/assemblies`, {
    title: 'Ledenvergadering',
    scheduledAt: new Date(start.getTime() + days(20)).toISOString(),
    venue: { kind: 'online' },
  });
  const onRoll = await read<{ weight: number }>(server.app, producer.token, `${base}/assemblies/${convened.body.id}/voters/${producer.id}?minPosition=${convened.body.position}`);
  t.equal(onRoll.body.weight, 3);
  const motionId = await tableAndOpen(server, cooperative, base, convened.body.id);
  let position = 0;
  for (const [token, choice] of [
    [producer.token, 'for'],
    [user.token, 'against'],
    [cooperative.secretary, 'against'],
  ] as const) {
    position = (await command(server.app, token, `${base}/motions/${motionId}/votes`, { choice })).body.position;
  }
  const motion = await read<{ result: object }>(server.app, user.token, `${base}/motions/${motionId}?minPosition=${position}`);
  t.match(motion.body.result, { outcome: 'passed', tally: { for: 3, against: 2 }, eligibleWeight: 5 }, 'three votes against two, where two members of three voted against');
});

t.test('BW 2:38 lid 1: or by their share of turnover, as the treasurer recorded it for the last financial year', async (t) => {
  const server = await testServer(t);
  server.clock.set(start);
  const cooperative = await foundCooperative(server, { votesByTurnover: { centsPerVote: 1_000_000, maxVotes: 5 } });
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  const treasurer = await admittedMember(server, cooperative, 'Theo Penning', 'theo@example.nl');
  await command(server.app, cooperative.admin, `${base}/officers`, { memberId: treasurer.id, office: 'treasurer' });
  const grower = await admittedMember(server, cooperative, 'Gerda Teler', 'gerda@example.nl');
  const turnover = (financialYear: number, turnoverCents: number) =>
    command(server.app, treasurer.token, `${base}/members/${grower.id}/turnover`, { financialYear, turnoverCents });
  t.equal((await turnover(2024, 9_000_000)).status, 200);
  t.equal((await turnover(2025, 2_500_000)).status, 200, 'the latest year counts');
  t.equal((await command(server.app, cooperative.secretary, `${base}/members/${grower.id}/turnover`, { financialYear: 2025, turnoverCents: 1 })).status, 403);
  server.clock.advance(60_000);
  const convened = await command(server.app, cooperative.secretary, `${base}/assemblies`, {
    title: 'Ledenvergadering',
    scheduledAt: new Date(start.getTime() + days(20)).toISOString(),
    venue: { kind: 'online' },
  });
  const onRoll = await read<{ weight: number }>(server.app, grower.token, `${base}/assemblies/${convened.body.id}/voters/${grower.id}?minPosition=${convened.body.position}`);
  t.equal(onRoll.body.weight, 3, 'one vote, and one for each €10,000.00 of €25,000.00');
});

t.test('BW 2:40 lid 2: a written resolution every member with a vote approves is the assembly’s decision; one who declines ends it', async (t) => {
  const server = await testServer(t);
  server.clock.set(start);
  const cooperative = await foundCooperative(server);
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  const treasurer = await admittedMember(server, cooperative, 'Theo Penning', 'theo@example.nl');
  await command(server.app, cooperative.admin, `${base}/officers`, { memberId: treasurer.id, office: 'treasurer' });
  const member = await admittedMember(server, cooperative, 'Mila Lid', 'mila@example.nl');
  const budget = await command(server.app, treasurer.token, `${base}/budgets`, { financialYear: 2026, title: 'Begroting 2026' });
  await command(server.app, treasurer.token, `${base}/budgets/${budget.body.id}/lines`, { code: '4100', name: 'Buurtfeest', kind: 'expense', amountCents: 50_000 });
  await command(server.app, treasurer.token, `${base}/budgets/${budget.body.id}/submission`);

  const amendment = await command(server.app, cooperative.secretary, `${base}/written-resolutions`, {
    title: 'Statuten',
    text: 'Twee volmachten per lid.',
    decisionType: 'statute-amendment',
    subject: { kind: 'rules', rules: { maxProxiesPerHolder: 2 } },
  });
  t.match(amendment, { status: 422, body: { code: 'WRITTEN_RESOLUTION.NEEDS_A_MEETING' } }, 'a statute amendment needs its announced meeting');
  t.equal((await command(server.app, member.token, `${base}/written-resolutions`, { title: 'x', text: 'x' })).status, 403, 'the board proposes');

  const proposed = await command(server.app, cooperative.secretary, `${base}/written-resolutions`, {
    title: 'Vaststelling begroting 2026',
    text: 'De leden stellen de begroting 2026 schriftelijk vast.',
    decisionType: 'budget-adoption',
    subject: { kind: 'budget', id: budget.body.id },
  });
  t.equal(proposed.status, 201);
  const resolution = `${base}/written-resolutions/${proposed.body.id}`;
  let position = 0;
  for (const voter of [cooperative.secretary, treasurer.token, member.token]) {
    position = (await command(server.app, voter, `${resolution}/approval`)).body.position;
  }
  const decided = await read<{ status: string; approvedBy: string[]; awaiting: string[] }>(server.app, member.token, `${resolution}?minPosition=${position}`);
  t.match(decided.body, { status: 'decided', awaiting: [] });
  t.equal(decided.body.approvedBy.length, 3);
  t.match(await command(server.app, member.token, `${resolution}/declining`), { status: 409, body: { code: 'WRITTEN_RESOLUTION.NOT_OPEN' } });
  const store = new SqliteEventStore({ path: join(server.dataDir, 'events.db') });
  t.teardown(() => store.close());
  const adoption = await nextEvent(store, 'BudgetAdopted', position);
  const adopted = await read<{ status: string }>(server.app, treasurer.token, `${base}/budgets/${budget.body.id}?minPosition=${adoption.position}`);
  t.equal(adopted.body.status, 'adopted', 'the budget context acted on it as on any decision of the assembly');

  const second = await command(server.app, cooperative.secretary, `${base}/written-resolutions`, { title: 'Nieuwe bank', text: 'Wij wisselen van bank.' });
  await command(server.app, cooperative.secretary, `${base}/written-resolutions/${second.body.id}/approval`);
  const declined = await command(server.app, member.token, `${base}/written-resolutions/${second.body.id}/declining`);
  const ended = await read<{ status: string; declinedBy: string }>(server.app, member.token, `${base}/written-resolutions/${second.body.id}?minPosition=${declined.body.position}`);
  t.match(ended.body, { status: 'declined', declinedBy: member.id });
});

t.test('a secret ballot: turnout is known, choices are sealed and the key is destroyed once counted', async (t) => {
  const { server, cooperative, members, base, assemblyId, scheduledAt } = await assemblyOf(t, 4);
  const motionId = await tableAndOpen(server, cooperative, base, assemblyId, { ballot: 'secret' });
  for (const [index, choice] of (['for', 'against', 'for'] as const).entries()) {
    t.equal((await command(server.app, members[index]!.token, `${base}/motions/${motionId}/votes`, { choice })).status, 200);
  }
  const keys = new SqliteKeyStore({ path: join(server.dataDir, 'events.db') });
  t.teardown(() => keys.close());
  t.ok(await keys.key(`ballot-box-${motionId}-1`), 'the ballot key exists while voting is open');

  server.clock.set(new Date(new Date(scheduledAt).getTime() + 60_000));
  await command(server.app, cooperative.secretary, `${base}/assemblies/${assemblyId}/opening`);
  const closed = await command(server.app, cooperative.secretary, `${base}/motions/${motionId}/closing`);
  t.equal(closed.status, 200);
  t.equal(await keys.key(`ballot-box-${motionId}-1`), undefined, 'the key is destroyed once the round is counted');

  const motion = await read(server.app, members[3]!.token, `${base}/motions/${motionId}?minPosition=${closed.body.position}`);
  t.match(motion.body, { ballot: 'secret', result: { tally: { for: 2, against: 1, abstain: 0, notVoted: 1 } } });
  const history = await server.app.inject({
    url: `${base}/events?type=SecretBallotCast`,
    headers: bearer(cooperative.secretary),
  });
  const ballots = (history.json() as { events: { data: Record<string, unknown> }[] }).events;
  t.equal(ballots.length, 3);
  t.notMatch(history.body, /"(for|against|abstain)"/, 'no choice appears in the history');
  const turnout = await read<{ voted: { choice: unknown }[] }>(server.app, cooperative.secretary, `${base}/motions/${motionId}/turnout`);
  t.same(turnout.body.voted.map((entry) => entry.choice), [null, null, null]);
});

t.test('a challenged result is voted again; both decisions stay on record', async (t) => {
  const { server, cooperative, members, base, assemblyId, scheduledAt } = await assemblyOf(t, 3);
  server.clock.set(new Date(new Date(scheduledAt).getTime() + 60_000));
  await command(server.app, cooperative.secretary, `${base}/assemblies/${assemblyId}/opening`);
  const motionId = await tableAndOpen(server, cooperative, base, assemblyId);
  await command(server.app, members[0]!.token, `${base}/motions/${motionId}/votes`, { choice: 'for' });
  for (const present of members.slice(1)) {
    await command(server.app, cooperative.secretary, `${base}/assemblies/${assemblyId}/attendance`, { memberId: present.id });
  }
  await command(server.app, cooperative.secretary, `${base}/motions/${motionId}/closing`);
  const challenge = (token: string, requestedBy: string[]) =>
    command(server.app, token, `${base}/motions/${motionId}/challenge`, { reason: 'Mijn stem is niet meegeteld', requestedBy });
  t.equal((await challenge(members[1]!.token, [members[1]!.id, members[2]!.id])).status, 403, 'a member asks; the secretary records the request');
  t.match(await challenge(cooperative.secretary, [members[1]!.id]), {
    status: 422,
    body: { code: 'MOTION.CHALLENGE_WITHOUT_MAJORITY', rule: 'BW 2:13 lid 3' },
  });
  const challenged = await challenge(cooperative.secretary, [members[1]!.id, members[2]!.id]);
  t.equal(challenged.status, 200, 'two of the three votes at the meeting ask for a new vote');
  await command(server.app, members[1]!.token, `${base}/motions/${motionId}/votes`, { choice: 'against' });
  await command(server.app, members[2]!.token, `${base}/motions/${motionId}/votes`, { choice: 'against' });
  const closed = await command(server.app, cooperative.secretary, `${base}/motions/${motionId}/closing`);
  const motion = await read<{ round: number; result: { round: number; outcome: string }; decisions: { challenge: unknown }[] }>(
    server.app,
    members[0]!.token,
    `${base}/motions/${motionId}?minPosition=${closed.body.position}`,
  );
  t.match(motion.body, { round: 2, result: { round: 2, outcome: 'rejected' } });
  t.equal(motion.body.decisions.length, 2);
  t.match(motion.body.decisions[0], {
    round: 1,
    outcome: 'passed',
    challenge: { reason: 'Mijn stem is niet meegeteld', requestedBy: [members[1]!.id, members[2]!.id] },
  });
});

t.test('members demand an assembly once they hold a tenth of the votes', async (t) => {
  const { server, cooperative, members, base } = await assemblyOf(t, 12);
  const requested = await command(server.app, members[4]!.token, `${base}/assembly-requests`, { subject: 'De huurverhoging' });
  t.equal(requested.status, 201);
  const requestId = requested.body.id;
  const twice = await command(server.app, members[4]!.token, `${base}/assembly-requests/${requestId}/support`);
  t.match(twice, { status: 409, body: { code: 'ASSEMBLY_REQUEST.ALREADY_SUPPORTED' } });
  const supported = await command(server.app, members[5]!.token, `${base}/assembly-requests/${requestId}/support`);
  t.equal(supported.status, 200);
  const beyond = await command(server.app, members[6]!.token, `${base}/assembly-requests/${requestId}/support`);
  t.match(beyond, { status: 409, body: { code: 'ASSEMBLY_REQUEST.ALREADY_DEMANDED' } });
  const request = await read(server.app, members[0]!.token, `${base}/assembly-requests/${requestId}?minPosition=${supported.body.position}`);
  const deadline = new Date(server.clock.now().getTime() + days(28)).toISOString();
  t.match(request.body, { supporters: 2, supportingWeight: 2, demanded: true, eligibleWeight: 12, deadline });
  t.equal((await command(server.app, cooperative.admin, `${base}/assembly-requests`, { subject: 'x' })).status, 403, 'an admin has no vote');

  // BW 2:41 lid 2: the board has 14 days to convene it; then the requesters may, and the record says by whom and whether in time.
  const conveneAs = (token: string, extra: object = { requestId }) =>
    command(server.app, token, `${base}/assemblies`, {
      title: 'Extra ledenvergadering over de huurverhoging',
      scheduledAt: new Date(server.clock.now().getTime() + days(14)).toISOString(),
      venue: { kind: 'place', address: 'Buurthuis De Meent' },
      ...extra,
    });
  t.match(await conveneAs(members[5]!.token), { status: 409, body: { code: 'ASSEMBLY_REQUEST.BOARD_STILL_IN_TIME', rule: 'BW 2:41 lid 2' } });
  t.match(await conveneAs(members[5]!.token, {}), { status: 403, body: { code: 'ASSEMBLY_REQUEST.NOT_A_REQUESTER' } }, 'a member convenes only for a demand');
  server.clock.advance(days(15));
  t.match(await conveneAs(members[6]!.token), { status: 403, body: { code: 'ASSEMBLY_REQUEST.NOT_A_REQUESTER' } }, 'not one of the requesters');
  const convened = await conveneAs(members[5]!.token);
  t.equal(convened.status, 201, JSON.stringify(convened.body));
  const answered = await read(server.app, members[0]!.token, `${base}/assembly-requests/${requestId}?minPosition=${convened.body.position}`);
  t.match(answered.body, { convocation: { assemblyId: convened.body.id, convenedBy: 'requesters', withinDeadline: false } }, 'held after the four weeks: on record as late');
  t.match(await conveneAs(cooperative.secretary), { status: 409, body: { code: 'ASSEMBLY_REQUEST.ALREADY_CONVENED' } });
});

t.test('proxies: granted and revoked by the grantor, shown to officers and to those concerned', async (t) => {
  const { server, cooperative, members, base, assemblyId } = await assemblyOf(t, 4);
  const proxies = `${base}/assemblies/${assemblyId}/proxies`;
  t.equal((await command(server.app, members[1]!.token, proxies, { holderId: members[2]!.id })).status, 200);
  const second = await command(server.app, members[1]!.token, proxies, { holderId: members[3]!.id });
  t.match(second, { status: 409, body: { code: 'ASSEMBLY.PROXY_ALREADY_GRANTED' } });
  const outsider = await command(server.app, members[3]!.token, proxies, { holderId: '0193a6f0-0000-7000-8000-000000000999' });
  t.match(outsider, { status: 404, body: { code: 'NOT_FOUND', errors: [{ in: 'body', field: 'holderId' }] } }, 'no such member here');
  const seenByOther = await read<{ proxies: unknown[] }>(server.app, members[3]!.token, `${base}/assemblies/${assemblyId}?minPosition=${cooperative.position}`);
  t.same(seenByOther.body.proxies, [], 'another member does not see whose proxy who holds');
  const seenBySecretary = await read<{ proxies: unknown[] }>(server.app, cooperative.secretary, `${base}/assemblies/${assemblyId}`);
  t.equal(seenBySecretary.body.proxies.length, 1);
  const revoked = await command(server.app, members[1]!.token, `${proxies}/revocation`);
  t.equal(revoked.status, 200);
  const after = await read<{ proxies: unknown[] }>(server.app, cooperative.secretary, `${base}/assemblies/${assemblyId}?minPosition=${revoked.body.position}`);
  t.same(after.body.proxies, []);
});

t.test('the assemblies page by page with a cursor, latest first: each once, those on one day by id; a forged cursor is a 400', async (t) => {
  const { server, cooperative, base, assemblyId, scheduledAt } = await assemblyOf(t, 1);
  const convene = (at: string) =>
    command(server.app, cooperative.secretary, `${base}/assemblies`, { title: 'Ledenvergadering', scheduledAt: at, venue: { kind: 'online' } });
  const later = await convene(new Date(Date.parse(scheduledAt) + days(10)).toISOString());
  const sameDay = await convene(scheduledAt);
  t.equal(sameDay.status, 201, JSON.stringify(sameDay.body));
  type Page = { assemblies: { id: string }[]; nextCursor: string | null };
  const seen = await idsPageByPage(server.app, cooperative.secretary, `${base}/assemblies?limit=1&minPosition=${sameDay.body.position}`, 'assemblies');
  const onOneDay = [assemblyId, sameDay.body.id].sort().reverse();
  t.same(seen, [later.body.id, ...onOneDay]);
  const whole = await read<Page>(server.app, cooperative.secretary, `${base}/assemblies`);
  t.same(whole.body, { assemblies: whole.body.assemblies, nextCursor: null });
  t.same(whole.body.assemblies.map((assembly) => assembly.id), seen, 'one page of them all, in the same order');
  const forged = await server.app.inject({ url: `${base}/assemblies?after=${Buffer.from('[1, 2]').toString('base64url')}`, headers: bearer(cooperative.secretary) });
  t.match(forged.json(), { status: 400, code: 'VALIDATION', errors: [{ in: 'querystring', field: 'after' }] });
});
