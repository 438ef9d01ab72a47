// BW 2:13 lid 4 over HTTP, reactions and all: a decision whose result was challenged at the meeting and voted down in
// the new round loses its legal effects — a statute amendment's rules leave force, a grant is revoked and its money
// goes back to the budget line.
import { join } from 'node:path';
import t from 'tap';
import { SqliteEventStore } from '@meent/event-store';
import { admittedMember, command, conveneAssembly, foundCooperative, read, type FoundedCooperative, withTreasurerAndChair } from '../support/cooperative-fixture.js';
import { nextEvent } from '../support/events.js';
import { testServer, type TestServer } from '../support/test-server.js';

interface Voter {
  readonly id: string;
  readonly token: string;
}

/**
 * A motion voted at the meeting: passed by the first two voters while the third looks on; the second and third ask for
 * a new vote, which the secretary records; voted down in the new round. Answers the position of the second decision.
 */
async function passedChallengedAndRejected(
  server: TestServer,
  cooperative: FoundedCooperative,
  assemblyId: string,
  motionId: string,
  voters: Voter[],
) {
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  const step = async (token: string, url: string, body?: object) => {
    const answer = await command(server.app, token, `${base}${url}`, body);
    if (answer.status >= 300) throw new Error(`${url} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body.position as number;
  };
  await step(cooperative.secretary, `/motions/${motionId}/opening`);
  // Not everyone votes, so voting stays open until the chair closes it at the meeting.
  for (const voter of voters.slice(0, 2)) await step(voter.token, `/motions/${motionId}/votes`, { choice: 'for' });
  const [, second, third] = voters as [Voter, Voter, Voter];
  await step(cooperative.secretary, `/assemblies/${assemblyId}/attendance`, { memberId: third.id });
  await step(cooperative.secretary, `/motions/${motionId}/closing`);
  await step(cooperative.secretary, `/motions/${motionId}/challenge`, { reason: 'Er is verkeerd geteld', requestedBy: [second.id, third.id] });
  for (const voter of voters.slice(0, 2)) await step(voter.token, `/motions/${motionId}/votes`, { choice: 'against' });
  const position = await step(cooperative.secretary, `/motions/${motionId}/closing`);
  const motion = await read<{ result: { round: number; outcome: string } }>(server.app, cooperative.secretary, `${base}/motions/${motionId}?minPosition=${position}`);
  if (motion.body.result.round !== 2 || motion.body.result.outcome !== 'rejected') {
    throw new Error(`the new round was not a rejection: ${JSON.stringify(motion.body)}`);
  }
  return position;
}

/** The meeting in session: the clock a minute past its scheduled time, opened by the secretary. */
async function inSession(server: TestServer, cooperative: FoundedCooperative, convened: { id: string; position: number }) {
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  const assembly = await read<{ scheduledAt: string }>(server.app, cooperative.secretary, `${base}/assemblies/${convened.id}?minPosition=${convened.position}`);
  const { scheduledAt } = assembly.body;
  server.clock.set(new Date(new Date(scheduledAt).getTime() + 60_000));
  const opened = await command(server.app, cooperative.secretary, `${base}/assemblies/${convened.id}/opening`);
  if (opened.status !== 200) throw new Error(`the meeting did not open: ${JSON.stringify(opened.body)}`);
}

t.test('a statute amendment voted down after a challenge never takes effect: its deed is refused, the rules stay', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-03-01T10:00:00.000Z');
  const cooperative = await foundCooperative(server);
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  const voters: Voter[] = [{ id: cooperative.secretaryId, token: cooperative.secretary }];
  for (let n = 2; n <= 4; n += 1) voters.push(await admittedMember(server, cooperative, `Lid ${n}`, `lid${n}@example.nl`));
  const founded = await read<{ rules: object; rulesVersion: number }>(server.app, cooperative.secretary, base);
  server.clock.advance(60_000);
  const convened = await conveneAssembly(server, cooperative, { announcesStatuteAmendment: true });
  t.equal(convened.status, 201);
  const tabled = await command(server.app, cooperative.secretary, `${base}/assemblies/${convened.body.id}/motions`, {
    title: 'Statutenwijziging',
    text: 'Ten hoogste twee volmachten per lid.',
    decisionType: 'statute-amendment',
    subject: { kind: 'rules', rules: { maxProxiesPerHolder: 2 } },
  });
  t.equal(tabled.status, 201, JSON.stringify(tabled.body));
  await inSession(server, cooperative, convened.body);

  const store = new SqliteEventStore({ path: join(server.dataDir, 'events.db') });
  t.teardown(() => store.close());
  const decided = await passedChallengedAndRejected(server, cooperative, convened.body.id, tabled.body.id, voters);
  const adopted = await nextEvent(store, 'StatuteAmendmentAdopted', 0);
  t.match(adopted.data, { motionId: tabled.body.id, rules: { maxProxiesPerHolder: 2 } }, 'the first round adopted it, awaiting its deed');
  const undone = await nextEvent(store, 'AdoptedAmendmentUndone', decided);
  t.match(undone.data, { motionId: tabled.body.id });
  const inForce = await read<{ rules: object; rulesVersion: number; statuteAmendments: object[] }>(
    server.app,
    cooperative.secretary,
    `${base}?minPosition=${undone.position}`,
  );
  t.same(inForce.body.rules, founded.body.rules, 'the rules in force are those before the amendment');
  t.equal(inForce.body.rulesVersion, 1);
  t.match(inForce.body.statuteAmendments, [{ motionId: tabled.body.id, status: 'undone', deed: null }], 'the amendment stays on record');
  const deed = await command(server.app, cooperative.secretary, `${base}/statute-amendments/${tabled.body.id}/deed`, {
    executedOn: server.clock.now().toISOString().slice(0, 10),
    notary: 'mr. J. de Notaris',
  });
  t.match(deed, { status: 409, body: { code: 'COOPERATIVE.NO_AMENDMENT_AWAITING_DEED' } });
});

t.test('a grant voted down after a challenge is revoked, and its reservation goes back to the line', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-10-01T10:00:00.000Z');
  const cooperative = await foundCooperative(server);
  const { cooperativeId, secretary } = cooperative;
  const base = `/cooperatives/${cooperativeId}`;
  const { treasurer, chair } = await withTreasurerAndChair(server, cooperative);
  const applicant = await admittedMember(server, cooperative, 'Ali Aanvrager', 'ali@example.nl');
  const store = new SqliteEventStore({ path: join(server.dataDir, 'events.db') });
  t.teardown(() => store.close());

  const budgetId = (await command(server.app, treasurer.token, `${base}/budgets`, { financialYear: 2027, title: 'Begroting 2027' })).body.id;
  const budget = `${base}/budgets/${budgetId}`;
  await command(server.app, treasurer.token, `${budget}/lines`, { code: '4100', name: 'Buurtinitiatieven', kind: 'expense', amountCents: 400_000 });
  await command(server.app, treasurer.token, `${budget}/submission`);
  const budgetAssembly = await conveneAssembly(server, cooperative);
  const budgetMotion = await command(server.app, secretary, `${base}/assemblies/${budgetAssembly.body.id}/motions`, {
    title: 'Begroting 2027',
    text: 'De vergadering stelt de begroting vast.',
    decisionType: 'budget-adoption',
    subject: { kind: 'budget', id: budgetId },
  });
  await command(server.app, secretary, `${base}/motions/${budgetMotion.body.id}/opening`);
  let voted = 0;
  for (const voter of [secretary, treasurer.token, chair.token, applicant.token]) {
    voted = (await command(server.app, voter, `${base}/motions/${budgetMotion.body.id}/votes`, { choice: 'for' })).body.position;
  }
  await nextEvent(store, 'BudgetAdopted', voted);

  server.clock.set('2027-01-15T10:00:00.000Z');
  const garden = await command(server.app, applicant.token, `${base}/initiatives`, {
    title: 'Buurtmoestuin',
    description: 'Een moestuin voor de hele buurt',
    requestedCents: 300_000,
    budgetId,
    lineCode: '4100',
    tranches: [{ amountCents: 300_000, milestone: 'Aanleg' }],
    themes: ['meedoen'],
  });
  t.equal(garden.status, 201);
  const convened = await conveneAssembly(server, cooperative);
  const motion = await command(server.app, secretary, `${base}/assemblies/${convened.body.id}/motions`, {
    title: 'Subsidie buurtmoestuin',
    text: 'De vergadering kent € 3.000 toe aan de buurtmoestuin.',
    decisionType: 'funding-decision',
    subject: { kind: 'initiative', id: garden.body.id },
  });
  t.equal(motion.status, 201, JSON.stringify(motion.body));
  await inSession(server, cooperative, convened.body);

  const decided = await passedChallengedAndRejected(server, cooperative, convened.body.id, motion.body.id, [
    { id: cooperative.secretaryId, token: secretary },
    treasurer,
    chair,
  ]);
  const revoked = await nextEvent(store, 'FundingRevoked', 0);
  t.match(revoked.data, { initiativeId: garden.body.id, motionId: motion.body.id, round: 2 });
  const released = await nextEvent(store, 'ReservationReleased', decided);
  t.match(released.data, { lineCode: '4100', amountCents: 300_000, reason: /BW 2:13 lid 4/ });

  const initiative = await read<{ status: string; money: Record<string, number> }>(
    server.app,
    applicant.token,
    `${base}/initiatives/${garden.body.id}?minPosition=${released.position}`,
  );
  t.match(initiative.body, { status: 'rejected', money: { grantedCents: 0, releasedCents: 300_000, remainingCents: 0 } });
  const actuals = await read<{ lines: { code: string; reservedCents: number; availableCents: number }[] }>(
    server.app,
    treasurer.token,
    `${budget}?minPosition=${released.position}`,
  );
  t.match(actuals.body.lines.find((line) => line.code === '4100'), { reservedCents: 0, availableCents: 400_000 }, 'the line has its money back');
});
