// A general assembly from convening to closing, over HTTP: 25 members, three motions (a simple open one, a
// two-thirds statute amendment with a quorum, a secret one), proxies, changed votes, and the expected results —
// then the amendment's rules in force at the next assembly.
import { join } from 'node:path';
import t from 'tap';
import { SqliteEventStore } from '@meent/event-store';
import { take } from '@meent/event-store/testing';
import { admittedMember, command, foundCooperative, read } from '../support/cooperative-fixture.js';
import { days, testServer } from '../support/test-server.js';

interface Result {
  outcome: string;
  tally: { for: number; against: number; abstain: number; notVoted: number };
  quorumMet: boolean;
  presentWeight: number;
  explanation: string;
}

t.test('a general assembly decides three motions', async (t) => {
  const server = await testServer(t);
  const start = new Date('2026-03-01T10:00:00.000Z');
  server.clock.set(start);
  const foundingRules = { decisions: { 'statute-amendment': { quorum: { numerator: 1, denominator: 2 } } } };
  const cooperative = await foundCooperative(server, foundingRules);
  const { cooperativeId, secretary } = cooperative;
  const base = `/cooperatives/${cooperativeId}`;
  const members = [{ id: cooperative.secretaryId, token: secretary }];
  for (let n = 2; n <= 25; n += 1) members.push(await admittedMember(server, cooperative, `Lid ${n}`, `lid${n}@example.nl`));
  const member = (n: number) => members[n - 1]!;

  server.clock.set(new Date(start.getTime() + 3_600_000));
  const recordDate = server.clock.now().toISOString();
  server.clock.advance(3_600_000);
  const scheduledAt = new Date(start.getTime() + days(20)).toISOString();
  const convened = await command(server.app, secretary, `${base}/assemblies`, {
    title: 'Algemene ledenvergadering voorjaar 2026',
    scheduledAt,
    venue: { kind: 'place', address: 'Buurthuis De Meent, Dorpsstraat 1' },
    recordDate,
    announcesStatuteAmendment: true,
  });
  t.equal(convened.status, 201);
  const assemblyId = convened.body.id;

  // After the record date: a newcomer is admitted, member 25 is suspended. Neither changes the roll; the suspension
  // takes member 25's vote away while it lasts.
  server.clock.advance(3_600_000);
  const latecomer = await admittedMember(server, cooperative, 'Laatkomer', 'laat@example.nl');
  t.equal((await command(server.app, secretary, `${base}/members/${member(25).id}/suspension`, { reason: 'contributie' })).status, 200);

  const table = async (body: object) => {
    const tabled = await command(server.app, secretary, `${base}/assemblies/${assemblyId}/motions`, body);
    t.equal(tabled.status, 201, JSON.stringify(tabled.body));
    return tabled.body.id;
  };
  const garden = await table({ title: 'Buurtmoestuin', text: 'De vergadering besluit tot een buurtmoestuin.' });
  const statutes = await table({
    title: 'Statutenwijziging artikel 12',
    text: 'Artikel 12 komt te luiden: de ledenvergadering wordt ten minste tweemaal per jaar gehouden.',
    decisionType: 'statute-amendment',
    subject: { kind: 'rules', rules: { ...foundingRules, maxProxiesPerHolder: 2 } },
  });
  const board = await table({ title: 'Kandidaat bestuur', text: 'Benoeming van een bestuurslid.', ballot: 'secret' });

  const vote = async (motionId: string, n: number, choice: string, onBehalfOf?: number) =>
    command(server.app, member(n).token, `${base}/motions/${motionId}/votes`, {
      choice,
      ...(onBehalfOf ? { onBehalfOf: member(onBehalfOf).id } : {}),
    });
  const voteAll = async (motionId: string, from: number, to: number, choice: string) => {
    for (let n = from; n <= to; n += 1) t.equal((await vote(motionId, n, choice)).status, 200, `member ${n} votes ${choice}`);
  };

  t.test('online voting before the meeting', async (t) => {
    t.equal((await command(server.app, member(16).token, `${base}/assemblies/${assemblyId}/proxies`, { holderId: member(17).id })).status, 200);
    const capped = await command(server.app, member(18).token, `${base}/assemblies/${assemblyId}/proxies`, { holderId: member(17).id });
    t.match(capped, { status: 422, body: { code: 'ASSEMBLY.PROXY_CAP_REACHED', rule: 'maxProxiesPerHolder' } });

    t.equal((await command(server.app, secretary, `${base}/motions/${garden}/opening`)).status, 200);
    t.equal((await command(server.app, secretary, `${base}/motions/${board}/opening`)).status, 200);

    await voteAll(garden, 1, 10, 'for');
    await voteAll(garden, 11, 14, 'against');
    t.equal((await vote(garden, 15, 'abstain')).status, 200);
    t.equal((await vote(garden, 14, 'for')).status, 200, 'member 14 changes their vote');
    t.equal((await vote(garden, 17, 'against', 16)).status, 200, 'the proxy holder votes for member 16');
    t.match(await vote(garden, 17, 'for', 16), { status: 409, body: { code: 'MOTION.PROXY_ALREADY_USED' } });
    t.equal((await vote(garden, 16, 'for')).status, 200, 'member 16 votes in person, overriding the proxy');
    t.match(
      await vote(garden, 25, 'against'),
      { status: 403, body: { code: 'FORBIDDEN' } },
      'suspended after the record date: on the roll, but no vote while suspended (BW 2:38 lid 1)',
    );
    t.equal((await command(server.app, secretary, `${base}/members/${member(25).id}/reinstatement`)).status, 200);
    t.equal((await vote(garden, 25, 'against')).status, 200, 'reinstated before the close: the vote is back');
    const late = await command(server.app, latecomer.token, `${base}/motions/${garden}/votes`, { choice: 'for' });
    t.match(late, { status: 403, body: { code: 'MOTION.NOT_ON_ROLL' } });
    t.match(await vote(statutes, 1, 'for'), { status: 409, body: { code: 'MOTION.VOTING_NOT_OPEN' } });

    await voteAll(board, 1, 6, 'for');
    await voteAll(board, 7, 10, 'against');
    t.equal((await vote(board, 10, 'for')).status, 200);
    t.equal((await vote(board, 10, 'against')).status, 200, 'a secret vote is changed too');
  });

  t.test('the meeting', async (t) => {
    server.clock.set(new Date(new Date(scheduledAt).getTime() + 60_000));
    t.equal((await command(server.app, secretary, `${base}/assemblies/${assemblyId}/opening`)).status, 200);
    for (let n = 1; n <= 13; n += 1) {
      const present = await command(server.app, secretary, `${base}/assemblies/${assemblyId}/attendance`, { memberId: member(n).id });
      t.equal(present.status, 200);
    }
    t.equal((await command(server.app, secretary, `${base}/motions/${statutes}/opening`)).status, 200);
    await voteAll(statutes, 1, 8, 'for');
    await voteAll(statutes, 9, 12, 'against');
    t.equal((await vote(statutes, 13, 'abstain')).status, 200);

    const stillVoting = await command(server.app, secretary, `${base}/assemblies/${assemblyId}/closing`);
    t.match(stillVoting, { status: 409, body: { code: 'ASSEMBLY.VOTING_STILL_OPEN' } });
    let position = 0;
    for (const motionId of [garden, statutes, board]) {
      const closed = await command(server.app, secretary, `${base}/motions/${motionId}/closing`);
      t.equal(closed.status, 200);
      position = closed.body.position;
    }
    const result = async (motionId: string) =>
      (await read<{ result: Result; status: string }>(server.app, member(20).token, `${base}/motions/${motionId}?minPosition=${position}`)).body;

    t.match(await result(garden), {
      status: 'decided',
      result: { outcome: 'passed', tally: { for: 12, against: 4, abstain: 1, notVoted: 8 }, quorumMet: true },
    });
    // 8 for, 4 against is exactly two thirds; 13 of 25 present is more than the half the quorum asks.
    t.match(await result(statutes), {
      result: { outcome: 'passed', tally: { for: 8, against: 4, abstain: 1, notVoted: 12 }, quorumMet: true, presentWeight: 13 },
    });
    t.match(await result(board), { result: { outcome: 'passed', tally: { for: 6, against: 4, abstain: 0, notVoted: 15 } } });

    const turnout = await read<{ voted: { memberId: string; choice: string | null }[] }>(
      server.app,
      secretary,
      `${base}/motions/${board}/turnout`,
    );
    t.equal(turnout.body.voted.length, 10, 'the secretary sees who voted on the secret motion');
    t.ok(turnout.body.voted.every((entry) => entry.choice === null), 'and never how');
    const own = await read<{ votes: { motionId: string; vote: { choice: string | null } | null }[] }>(
      server.app,
      member(16).token,
      `${base}/assemblies/${assemblyId}/voters/${member(16).id}`,
    );
    t.match(own.body.votes.find((entry) => entry.motionId === garden), { vote: { choice: 'for', castBy: member(16).id } });
    t.equal((await read(server.app, member(16).token, `${base}/assemblies/${assemblyId}/voters/${member(17).id}`)).status, 403);

    const seals = new SqliteEventStore({ path: join(server.dataDir, 'events.db') });
    t.teardown(() => seals.close());
    const sealed = seals.subscribeToAll({ after: position, filter: { eventTypes: ['AuditSealed'] } });
    const closed = await command(server.app, secretary, `${base}/assemblies/${assemblyId}/closing`);
    t.equal(closed.status, 200);
    const [seal] = await take(sealed, 1);
    await sealed.close();
    t.match(seal?.data, { cooperativeId, reason: 'assembly-closed', upToPosition: closed.body.position, root: /^[0-9a-f]{64}$/ });
    t.match(seal?.metadata, { actor: { id: 'reaction:seal-when-assembly-closed' }, causationId: /^[0-9a-f-]{36}$/ });
    const verification = await read(server.app, secretary, `${base}/audit/verification`);
    t.match(verification.body, { verified: true, firstBrokenLink: null, seals: 1 }, 'sealed when the assembly closed');
    const overview = await read<{ status: string; rollSize: number; presentWeight: number; motions: unknown[] }>(
      server.app,
      secretary,
      `${base}/assemblies/${assemblyId}?minPosition=${cooperative.position}`,
    );
    t.match(overview.body, { rollSize: 25, presentWeight: 13 });
    t.equal(overview.body.motions.length, 3);
  });

  t.test('the passed statute amendment puts its rules in force from its notarial deed, for the next assembly', async (t) => {
    const amendments = new SqliteEventStore({ path: join(server.dataDir, 'events.db') });
    t.teardown(() => amendments.close());
    const adoptions = amendments.subscribeToAll({ filter: { eventTypes: ['StatuteAmendmentAdopted'] } });
    const [adoption] = await take(adoptions, 1);
    await adoptions.close();
    t.match(adoption?.data, { cooperativeId, motionId: statutes, rules: { maxProxiesPerHolder: 2 } });
    t.match(adoption?.metadata, { actor: { id: 'reaction:amend-rules-when-statute-amendment-passed' } });
    const awaiting = await read<{ rulesVersion: number; statuteAmendments: object[] }>(server.app, member(20).token, `${base}?minPosition=${adoption?.position}`);
    t.match(awaiting.body, { rulesVersion: 1, statuteAmendments: [{ motionId: statutes, status: 'awaiting-deed', deed: null }] }, 'BW 2:43 lid 5: not before the deed');
    const early = await command(server.app, secretary, `${base}/statute-amendments/${statutes}/deed`, { executedOn: '2020-01-01', notary: 'mr. J. de Notaris' });
    t.match(early, { status: 422, body: { code: 'COOPERATIVE.DEED_DATE_IMPOSSIBLE', rule: 'BW 2:43 lid 5' } });
    const today = server.clock.now().toISOString().slice(0, 10);
    t.equal((await command(server.app, member(20).token, `${base}/statute-amendments/${statutes}/deed`, { executedOn: today, notary: 'x' })).status, 403);
    const deed = await command(server.app, secretary, `${base}/statute-amendments/${statutes}/deed`, { executedOn: today, notary: 'mr. J. de Notaris' });
    t.equal(deed.status, 200);
    const filed = await command(server.app, secretary, `${base}/statute-amendments/${statutes}/filing`, { filedOn: today });
    t.equal(filed.status, 200);
    const amendment = { position: filed.body.position };

    const inForce = await read<{ rulesVersion: number; rules: { maxProxiesPerHolder: number; decisions: object } }>(
      server.app,
      member(20).token,
      `${base}?minPosition=${amendment.position}`,
    );
    t.match(inForce.body, {
      rulesVersion: 2,
      statuteAmendments: [{ motionId: statutes, status: 'in-force', deed: { executedOn: today, notary: 'mr. J. de Notaris' }, filedOn: today }],
      rules: { maxProxiesPerHolder: 2, decisions: { 'statute-amendment': { quorum: { numerator: 1, denominator: 2 } } } },
    });

    const next = await command(server.app, secretary, `${base}/assemblies`, {
      title: 'Algemene ledenvergadering najaar 2026',
      scheduledAt: new Date(server.clock.now().getTime() + days(30)).toISOString(),
      venue: { kind: 'online' },
    });
    t.equal(next.status, 201);
    t.equal((await command(server.app, member(16).token, `${base}/assemblies/${next.body.id}/proxies`, { holderId: member(17).id })).status, 200);
    const second = await command(server.app, member(18).token, `${base}/assemblies/${next.body.id}/proxies`, { holderId: member(17).id });
    t.equal(second.status, 200, 'a holder now holds two proxies');
    const nextOverview = await read<{ rulesVersion: number }>(
      server.app,
      secretary,
      `${base}/assemblies/${next.body.id}?minPosition=${second.body.position}`,
    );
    t.equal(nextOverview.body.rulesVersion, 2);
  });
});
