// The budget over HTTP: drafted and submitted by the treasurer, adopted by the assembly's motion, then income, a
// small and a large expense (with its second approver), a reversal, a board override — and budget versus actuals
// to the cent, now and as of an earlier date.
import { join } from 'node:path';
import t from 'tap';
import { SqliteEventStore } from '@meent/event-store';
import { take } from '@meent/event-store/testing';
import { admittedMember, command, foundCooperative, read, withTreasurerAndChair } from '../support/cooperative-fixture.js';
import { days, testServer } from '../support/test-server.js';

interface Line {
  code: string;
  budgetedCents: number;
  receivedCents: number;
  spentCents: number;
  reservedCents: number;
  availableCents: number;
}

t.test('a budget from draft to actuals', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-10-01T10:00:00.000Z');
  const cooperative = await foundCooperative(server);
  const { cooperativeId, secretary } = cooperative;
  const base = `/cooperatives/${cooperativeId}`;
  const { treasurer, chair } = await withTreasurerAndChair(server, cooperative);

  const drafted = await command(server.app, treasurer.token, `${base}/budgets`, { financialYear: 2027, title: 'Begroting 2027' });
  t.equal(drafted.status, 201);
  const budgetId = drafted.body.id;
  const budget = `${base}/budgets/${budgetId}`;
  for (const line of [
    { code: '8000', name: 'Bijdrage woningcorporatie', kind: 'income', amountCents: 1_200_000 },
    { code: '4100', name: 'Buurtmoestuin', kind: 'expense', amountCents: 250_000 },
    { code: '4200', name: 'Buurtfeest', kind: 'expense', amountCents: 100_000 },
  ]) {
    t.equal((await command(server.app, treasurer.token, `${budget}/lines`, line)).status, 200);
  }
  t.equal((await command(server.app, secretary, `${budget}/lines`, { code: '4300', name: 'x', kind: 'expense', amountCents: 1 })).status, 403);
  const submission = await command(server.app, treasurer.token, `${budget}/submission`);
  t.equal(submission.status, 200);
  const submittedAt = submission.body.position;
  const early = await command(server.app, treasurer.token, `${budget}/income`, {
    lineCode: '8000',
    source: 'Woningcorporatie',
    amountCents: 100,
    receivedOn: '2026-10-01',
  });
  t.match(early, { status: 409, body: { code: 'LEDGER.BUDGET_NOT_ADOPTED' } });

  t.test('the assembly adopts it by a budget-adoption motion', async (t) => {
    const convened = await command(server.app, secretary, `${base}/assemblies`, {
      title: 'Begrotingsvergadering',
      scheduledAt: new Date(server.clock.now().getTime() + days(20)).toISOString(),
      venue: { kind: 'place', address: 'Buurthuis' },
    });
    const motion = await command(server.app, secretary, `${base}/assemblies/${convened.body.id}/motions`, {
      title: 'Vaststelling begroting 2027',
      text: 'De vergadering stelt de begroting 2027 vast.',
      decisionType: 'budget-adoption',
      subject: { kind: 'budget', id: budgetId },
    });
    await command(server.app, secretary, `${base}/motions/${motion.body.id}/opening`);
    const events = new SqliteEventStore({ path: join(server.dataDir, 'events.db') });
    t.teardown(() => events.close());
    const adoptions = events.subscribeToAll({ filter: { eventTypes: ['BudgetAdopted'] } });
    for (const voter of [secretary, treasurer.token, chair.token]) {
      t.equal((await command(server.app, voter, `${base}/motions/${motion.body.id}/votes`, { choice: 'for' })).status, 200);
    }
    const [adopted] = await take(adoptions, 1);
    await adoptions.close();
    t.match(adopted?.data, { budgetId, version: 1, motionId: motion.body.id, round: 1 });
    const view = await read(server.app, treasurer.token, `${budget}?minPosition=${adopted?.position}`);
    t.match(view.body, { status: 'adopted', version: 1 });
  });

  t.test('the ledger, and budget versus actuals to the cent', async (t) => {
    server.clock.set('2027-01-15T10:00:00.000Z');
    const income = await command(server.app, treasurer.token, `${budget}/income`, {
      lineCode: '8000',
      source: 'Woningcorporatie, eerste kwartaal',
      amountCents: 100_000,
      receivedOn: '2027-01-10',
    });
    t.equal(income.status, 201);
    const expense = (token: string, body: object) =>
      command(server.app, token, `${budget}/expenses`, {
        payee: 'Tuincentrum Groen',
        invoiceReference: 'F-2027-001',
        description: 'Zaden en gereedschap',
        lineCode: '4100',
        ...body,
      });
    const small = await expense(treasurer.token, { amountCents: 20_000 });
    t.equal(small.status, 201);
    const large = await expense(treasurer.token, { amountCents: 60_000, invoiceReference: 'F-2027-002' });
    t.equal(large.status, 201);
    const self = await command(server.app, treasurer.token, `${budget}/expenses/${large.body.id}/approval`);
    t.match(self, { status: 403, body: { code: 'LEDGER.SAME_APPROVER', rule: 'fourEyesThresholdCents' } });
    t.equal((await command(server.app, chair.token, `${budget}/expenses/${large.body.id}/approval`)).status, 200);
    t.equal((await command(server.app, treasurer.token, `${budget}/expenses/${large.body.id}/payment`)).status, 200);
    const reversal = await command(server.app, treasurer.token, `${budget}/entries/${small.body.id}/reversal`, { reason: 'dubbel gefactureerd' });
    t.equal(reversal.status, 201);

    for (const invoice of ['F-1', 'F-2']) {
      t.equal((await expense(treasurer.token, { lineCode: '4200', amountCents: 45_000, invoiceReference: invoice })).status, 201);
    }
    const beyond = await expense(treasurer.token, { lineCode: '4200', amountCents: 20_000, invoiceReference: 'F-3' });
    t.match(beyond, { status: 422, body: { code: 'LEDGER.LINE_EXHAUSTED', rule: 'an expense or reservation never exceeds what its line has left' } });
    const notBoard = await expense(treasurer.token, { lineCode: '4200', amountCents: 20_000, invoiceReference: 'F-3', overrideReason: 'nodig' });
    t.equal(notBoard.status, 403, 'the treasurer cannot exceed a line');
    const overridden = await expense(chair.token, {
      lineCode: '4200',
      amountCents: 20_000,
      invoiceReference: 'F-3',
      overrideReason: 'Bestuursbesluit 12 januari: extra geluidsinstallatie',
    });
    t.equal(overridden.status, 201);

    const actuals = await read<{ lines: Line[]; cashCents: number; totals: object }>(
      server.app,
      cooperative.secretary,
      `${budget}?minPosition=${overridden.body.position}`,
    );
    const byCode = Object.fromEntries(actuals.body.lines.map((line) => [line.code, line]));
    t.match(byCode['4100'], { budgetedCents: 250_000, spentCents: 60_000, reservedCents: 0, availableCents: 190_000 });
    t.match(byCode['4200'], { budgetedCents: 100_000, spentCents: 110_000, availableCents: -10_000 });
    t.match(byCode['8000'], { budgetedCents: 1_200_000, receivedCents: 100_000, availableCents: 1_100_000 });
    t.equal(actuals.body.cashCents, 40_000, 'received 1,000.00, paid 600.00');
    t.match(actuals.body.totals, { budgetedIncomeCents: 1_200_000, budgetedExpenseCents: 350_000, spentCents: 170_000 });

    const before = await read<{ lines: Line[]; cashCents: number }>(server.app, treasurer.token, `${budget}?asOf=2027-01-09`);
    t.equal(before.body.lines.length, actuals.body.lines.length, 'every line is there on 9 January');
    t.ok(before.body.lines.every((line) => line.receivedCents === 0 && line.spentCents === 0), 'with nothing on it yet');
    const beforeDrafting = await read(server.app, treasurer.token, `${budget}?asOf=2026-09-30`);
    t.match(beforeDrafting, { status: 404 }, 'no budget at all before it was drafted');
    const beforeAdoption = await read<{ status: string; version: number | null; lines: Line[] }>(
      server.app,
      treasurer.token,
      `${budget}?asOfPosition=${submittedAt}`,
    );
    t.match(beforeAdoption.body, { status: 'submitted', version: null, lines: [] }, 'submitted, not yet in force, before its adoption');
    const beforeOverride = await read<{ asOfPosition: number; lines: Line[] }>(
      server.app,
      treasurer.token,
      `${budget}?asOfPosition=${overridden.body.position - 1}`,
    );
    t.match(beforeOverride.body, { asOfPosition: overridden.body.position - 1 });
    t.match(
      beforeOverride.body.lines.find((line) => line.code === '4200'),
      { spentCents: 90_000, availableCents: 10_000 },
      'as recorded before the board overrode the line',
    );

    const csv = await server.app.inject({ url: `${budget}/overview.csv`, headers: { authorization: `Bearer ${treasurer.token}` } });
    t.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
    t.match(csv.body, /^4100,Buurtmoestuin,expense,250000,0,60000,0,190000$/m);
    t.match(csv.body, /^4200,Buurtfeest,expense,100000,0,110000,0,-10000$/m);

    const journal = await read<{ entries: { kind: string; actor: string; entryId: string }[] }>(server.app, treasurer.token, `${budget}/journal`);
    t.same(
      journal.body.entries.slice(0, 8).map((entry) => entry.kind),
      ['income', 'expense-submitted', 'expense-booked', 'expense-submitted', 'expense-approved', 'expense-booked', 'expense-paid', 'reversal'],
    );
    t.equal(journal.body.entries[4]?.actor, chair.id, 'who approved is on record');
    t.equal((await read(server.app, (await admittedMember(server, cooperative, 'Lid', 'lid@example.nl')).token, `${budget}/journal`)).status, 403);
  });
});
