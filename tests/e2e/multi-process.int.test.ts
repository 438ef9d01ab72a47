// The four services as four `meent serve --only` processes on one PostgreSQL, plus a second voting process: a
// scenario over HTTP across them; the voting process writing the projections is killed, the other takes over, and
// its read model ends equal to a clean replay.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import type { Test } from 'tap';
import { PostgresEventStore } from '@meent/event-store';
import { temporaryDirectory } from '@meent/eventsourcing/testing';
import { signToken } from '@meent/http';
import { spawnTypeScript, waitForLine } from '../support/processes.js';
import { nextEvent } from '../support/events.js';
import { TEST_SECRET, days, thisYear } from '../support/test-server.js';
import { postgresServeEnvironment, postgresTest } from '../support/postgres.js';

const CLI = 'packages/cli/src/main.ts';

interface Process {
  readonly baseUrl: string;
  kill(): Promise<void>;
}

async function serve(t: Test, environment: Record<string, string>, only: string): Promise<Process> {
  const child = spawnTypeScript(CLI, ['serve', '--only', only], { ...environment, MEENT_DATA_DIR: join(temporaryDirectory(t), only) });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const listening = await waitForLine(child, (line) => line.includes('Server listening at'));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    baseUrl: /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(listening)?.[1] ?? '',
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

postgresTest('four services as processes on PostgreSQL, and a takeover', async (t, url) => {
  const schema = `meent_mp_${randomBytes(5).toString('hex')}`;
  t.teardown(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.query(`DROP SCHEMA IF EXISTS "${schema}_read_models" CASCADE`);
    await client.end();
  });
  const environment = postgresServeEnvironment(url, schema);
  // The first process creates the schemas; the others then start together.
  const membership = await serve(t, environment, 'membership');
  const [votingA, votingB, budget, initiatives] = await Promise.all(
    ['voting', 'voting', 'budget', 'initiative-funding'].map((only) => serve(t, environment, only)),
  ) as [Process, Process, Process, Process];
  const events = new PostgresEventStore({ connectionString: url, schema });
  t.teardown(() => events.close());
  const next = (type: string, after: number) => nextEvent(events, type, after);
  const token = (subject: string, roles: ('admin' | 'member')[], cooperativeId?: string) =>
    signToken(TEST_SECRET, { subject, roles, ...(cooperativeId ? { cooperativeId } : {}), expiresInSeconds: 3600, now: new Date() });
  const call = async (target: Process, bearer: string, method: 'GET' | 'POST', path: string, body?: object) => {
    const response = await fetch(`${target.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & { id: string; position: number } };
  };
  const admin = token('admin-1', ['admin']);

  const founded = await call(membership, admin, 'POST', '/cooperatives', { name: 'De Meent' });
  const cooperativeId = founded.body.id;
  const base = `/cooperatives/${cooperativeId}`;
  const members: { id: string; token: string }[] = [];
  for (const name of ['Sanne', 'Theo', 'Clara', 'Ali']) {
    const registered = await call(membership, admin, 'POST', `${base}/members`, { name, email: `${name.toLowerCase()}@example.nl` });
    await call(membership, admin, 'POST', `${base}/members/${registered.body.id}/admission`);
    members.push({ id: registered.body.id, token: token(registered.body.id, ['member'], cooperativeId) });
  }
  const [secretary, treasurer, chair, applicant] = members as [(typeof members)[0], (typeof members)[0], (typeof members)[0], (typeof members)[0]];
  for (const [member, office] of [
    [secretary, 'secretary'],
    [treasurer, 'treasurer'],
    [chair, 'chair'],
  ] as const) {
    t.equal((await call(membership, admin, 'POST', `${base}/officers`, { memberId: member.id, office })).status, 200);
  }

  const budgetId = (await call(budget, treasurer.token, 'POST', `${base}/budgets`, { financialYear: thisYear(), title: 'Begroting' })).body.id;
  await call(budget, treasurer.token, 'POST', `${base}/budgets/${budgetId}/lines`, { code: '4100', name: 'Initiatieven', kind: 'expense', amountCents: 500_000 });
  await call(budget, treasurer.token, 'POST', `${base}/budgets/${budgetId}/submission`);

  const convened = await call(votingA, secretary.token, 'POST', `${base}/assemblies`, {
    title: 'Ledenvergadering',
    scheduledAt: new Date(Date.now() + days(20)).toISOString(),
    venue: { kind: 'online' },
  });
  t.equal(convened.status, 201, JSON.stringify(convened.body));
  const assemblyId = convened.body.id;
  const motionAbout = async (voting: Process, body: object) => {
    const tabled = await call(voting, secretary.token, 'POST', `${base}/assemblies/${assemblyId}/motions`, body);
    await call(voting, secretary.token, 'POST', `${base}/motions/${tabled.body.id}/opening`);
    return tabled.body.id;
  };
  const budgetMotion = await motionAbout(votingB, {
    title: 'Vaststelling begroting',
    text: 'Vastgesteld.',
    decisionType: 'budget-adoption',
    subject: { kind: 'budget', id: budgetId },
  });
  let voted = 0;
  for (const [index, member] of members.entries()) {
    const cast = await call(index % 2 ? votingA : votingB, member.token, 'POST', `${base}/motions/${budgetMotion}/votes`, { choice: 'for' });
    t.equal(cast.status, 200);
    voted = Math.max(voted, cast.body.position);
  }
  const adopted = await next('BudgetAdopted', voted);
  const actuals = await call(budget, applicant.token, 'GET', `${base}/budgets/${budgetId}?minPosition=${adopted.position}`);
  t.match(actuals.body, { status: 'adopted', version: 1 }, 'adopted across the voting and budget processes', { body: actuals.body });

  const submitted = await call(initiatives, applicant.token, 'POST', `${base}/initiatives`, {
    title: 'Buurtmoestuin',
    description: 'Een moestuin',
    requestedCents: 200_000,
    budgetId,
    lineCode: '4100',
    tranches: [{ amountCents: 200_000, milestone: 'Klaar' }],
    themes: ['werken'],
  });
  const decided = await call(initiatives, chair.token, 'POST', `${base}/initiatives/${submitted.body.id}/decision`, { approve: true, reason: 'Goed plan' });
  t.equal(decided.status, 200);
  const reserved = await next('InitiativeFundsReserved', decided.body.position);
  const initiative = await call(initiatives, applicant.token, 'GET', `${base}/initiatives/${submitted.body.id}?minPosition=${reserved.position}`);
  t.match(initiative.body, { status: 'funded', money: { reservedCents: 200_000 } }, 'reserved across the initiative and budget processes');

  t.test('the voting process writing the projections dies; the other takes over', async (t) => {
    const statusIn = async (target: Process) => {
      const listed = await call(target, admin, 'GET', '/admin/projections');
      return (listed.body.projections as { name: string; status: string }[]).find((projection) => projection.name === 'motions')?.status;
    };
    const [statusA, statusB] = [await statusIn(votingA), await statusIn(votingB)];
    t.same([statusA, statusB].sort(), ['running', 'standby'], 'exactly one voting process writes the motions');
    const [holder, survivor] = statusA === 'running' ? [votingA, votingB] : [votingB, votingA];
    await holder.kill();

    const motionId = await motionAbout(survivor, { title: 'Jaarverslag', text: 'Goedgekeurd.' });
    let position = 0;
    for (const member of members) {
      const cast = await call(survivor, member.token, 'POST', `${base}/motions/${motionId}/votes`, { choice: 'for' });
      t.equal(cast.status, 200, 'the survivor takes the vote');
      position = Math.max(position, cast.body.position);
    }
    const decidedMotion = await call(survivor, secretary.token, 'GET', `${base}/motions/${motionId}?minPosition=${position}`);
    t.match(decidedMotion.body, { status: 'decided', result: { outcome: 'passed', tally: { for: 4 } } }, 'the survivor took over and caught up');
    t.equal(await statusIn(survivor), 'running');

    const views = async () => ({
      assembly: (await call(survivor, secretary.token, 'GET', `${base}/assemblies/${assemblyId}`)).body,
      motions: await Promise.all([budgetMotion, motionId].map(async (id) => (await call(survivor, secretary.token, 'GET', `${base}/motions/${id}`)).body)),
    });
    const before = await views();
    for (const name of ['assemblies', 'motions']) {
      t.equal((await call(survivor, admin, 'POST', `/admin/projections/${name}/replay`)).status, 202);
      const deadline = performance.now() + 30_000;
      for (;;) {
        const info = await call(survivor, admin, 'GET', `/admin/projections/${name}`);
        if ((info.body.replay as { status: string } | null)?.status === 'completed') break;
        if (performance.now() > deadline) throw new Error(`the replay of ${name} did not complete within 30 s: ${JSON.stringify(info.body)}`);
        await delay(50);
      }
    }
    t.same(await views(), before, 'the read model equals a clean replay');
  });

  t.teardown(async () => {
    for (const target of [membership, votingA, votingB, budget, initiatives]) await target.kill().catch(() => undefined);
  });
});
