// The process is killed between an initiative's approval and its reservation, and again right after reserving:
// restarted, exactly one reservation exists. Real `meent serve` processes on one data directory, killed with SIGKILL.
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import t, { type Test } from 'tap';
import { SqliteEventStore } from '@meent/event-store';
import { collect } from '@meent/event-store/testing';
import { temporaryDirectory } from '@meent/eventsourcing/testing';
import { signToken } from '@meent/http';
import { buildServer, loadConfig } from '@meent/server';
import { admittedMember, command, foundCooperative } from '../support/cooperative-fixture.js';
import { spawnTypeScript, waitForLine } from '../support/processes.js';
import { nextEvent } from '../support/events.js';
import { TEST_SECRET, TestClock, days, thisYear, type TestServer } from '../support/test-server.js';

const CLI = 'packages/cli/src/main.ts';

/**
 * Asks the process's admin API, every 50 ms, until each named reaction has finished the event at its position; fails
 * after `timeoutMs` with where the reactions stood.
 */
async function untilReactionsReach(baseUrl: string, positions: Record<string, number>, timeoutMs = 20_000): Promise<void> {
  const admin = signToken(TEST_SECRET, { subject: 'admin-1', roles: ['admin'], expiresInSeconds: 600, now: new Date() });
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${baseUrl}/admin/reactions`, { headers: { authorization: `Bearer ${admin}` } });
    const { reactions } = (await response.json()) as { reactions: { name: string; position: number }[] };
    const reached = Object.entries(positions).every(([name, position]) =>
      reactions.some((reaction) => reaction.name === name && reaction.position >= position),
    );
    if (reached) return;
    if (performance.now() > deadline) {
      throw new Error(`reactions did not reach ${JSON.stringify(positions)} within ${timeoutMs} ms: ${JSON.stringify(reactions)}`);
    }
    await delay(50);
  }
}

async function serveProcess(t: Test, dataDir: string, reactions: 'on' | 'off') {
  const server = spawnTypeScript(CLI, ['serve'], {
    MEENT_DATA_DIR: dataDir,
    MEENT_PORT: '0',
    MEENT_JWT_SECRET: TEST_SECRET,
    MEENT_REACTIONS: reactions,
    MEENT_LOG_LEVEL: 'info',
  });
  t.teardown(() => {
    if (server.exitCode === null) server.kill('SIGKILL');
  });
  const listening = await waitForLine(server, (line) => line.includes('Server listening at'));
  const baseUrl = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(listening)?.[1] ?? '';
  const killed = new Promise((resolve) => server.once('exit', resolve));
  return { baseUrl, kill: async () => (server.kill('SIGKILL'), await killed) };
}

t.test('killed between approval and reservation, and after reserving: one reservation', async (t) => {
  const dataDir = temporaryDirectory(t);
  const config = loadConfig({ MEENT_DATA_DIR: dataDir, MEENT_JWT_SECRET: TEST_SECRET, MEENT_LOG_LEVEL: 'silent' });
  const clock = new TestClock();
  const app = await buildServer({ config, logger: false, clock: clock.now });
  const token: TestServer['token'] = (roles, { subject = 'caller-1', cooperativeId } = {}) =>
    signToken(TEST_SECRET, { subject, roles, ...(cooperativeId ? { cooperativeId } : {}), expiresInSeconds: 3600, now: clock.now() });
  const server: TestServer = { app, dataDir, clock, token };

  // An adopted budget and an initiative within the board's mandate, set up in this process, which then stops.
  const cooperative = await foundCooperative(server);
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  const treasurer = await admittedMember(server, cooperative, 'Theo', 'theo@example.nl');
  const chair = await admittedMember(server, cooperative, 'Clara', 'clara@example.nl');
  const applicant = await admittedMember(server, cooperative, 'Ali', 'ali@example.nl');
  await command(app, cooperative.admin, `${base}/officers`, { memberId: treasurer.id, office: 'treasurer' });
  await command(app, cooperative.admin, `${base}/officers`, { memberId: chair.id, office: 'chair' });
  const budgetId = (await command(app, treasurer.token, `${base}/budgets`, { financialYear: thisYear(), title: 'Begroting' })).body.id;
  await command(app, treasurer.token, `${base}/budgets/${budgetId}/lines`, { code: '4100', name: 'Initiatieven', kind: 'expense', amountCents: 500_000 });
  await command(app, treasurer.token, `${base}/budgets/${budgetId}/submission`);
  const assembly = await command(app, cooperative.secretary, `${base}/assemblies`, {
    title: 'Begroting',
    scheduledAt: new Date(clock.now().getTime() + days(20)).toISOString(),
    venue: { kind: 'online' },
  });
  const motion = await command(app, cooperative.secretary, `${base}/assemblies/${assembly.body.id}/motions`, {
    title: 'Begroting',
    text: 'Vastgesteld.',
    decisionType: 'budget-adoption',
    subject: { kind: 'budget', id: budgetId },
  });
  await command(app, cooperative.secretary, `${base}/motions/${motion.body.id}/opening`);
  const events = new SqliteEventStore({ path: join(dataDir, 'events.db') });
  t.teardown(() => events.close());
  const next = (type: string, after: number) => nextEvent(events, type, after);
  let voted = 0;
  for (const voter of [cooperative.secretary, treasurer.token, chair.token, applicant.token]) {
    voted = (await command(app, voter, `${base}/motions/${motion.body.id}/votes`, { choice: 'for' })).body.position;
  }
  await next('BudgetAdopted', voted);
  const initiative = await command(app, applicant.token, `${base}/initiatives`, {
    title: 'Buurtmoestuin',
    description: 'Een moestuin',
    requestedCents: 200_000,
    budgetId,
    lineCode: '4100',
    tranches: [{ amountCents: 200_000, milestone: 'Klaar' }],
    themes: ['werken'],
  });
  await app.close();

  const first = await serveProcess(t, dataDir, 'off');
  const approval = await fetch(`${first.baseUrl}${base}/initiatives/${initiative.body.id}/decision`, {
    method: 'POST',
    headers: { authorization: `Bearer ${chair.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ approve: true, reason: 'Binnen mandaat' }),
  });
  t.equal(approval.status, 200);
  const approvedAt = ((await approval.json()) as { position: number }).position;
  await first.kill();
  const reservationsOf = async () =>
    (await collect(events.readAll({ filter: { eventTypes: ['FundsReserved'] } }))).filter(
      (event) => (event.data.reference as { id?: string } | null)?.id === initiative.body.id,
    );
  // The set-up, not the claim: with its reactions off, the process stands for one killed before its reaction ran.
  t.same(await reservationsOf(), [], 'killed after the approval: nothing reserved yet');

  // A lost reservation fails here, naming what came after the approval instead.
  const second = await serveProcess(t, dataDir, 'on');
  const reserved = await next('FundsReserved', approvedAt);
  t.equal((reserved.data.reference as { id?: string } | null)?.id, initiative.body.id, 'the restarted process reserved for the initiative');
  await second.kill();

  const third = await serveProcess(t, dataDir, 'on');
  await untilReactionsReach(third.baseUrl, {
    'reserve-funds-when-funding-approved': approvedAt,
    'record-reservation-outcome': reserved.position,
  });
  t.equal((await reservationsOf()).length, 1, 'exactly one reservation');
  const recorded = await collect(events.readAll({ filter: { eventTypes: ['InitiativeFundsReserved'] } }));
  t.equal(recorded.length, 1, 'recorded on the initiative once');
  await third.kill();
});
