// A cooperative's financial year over HTTP with the server's clock moved on by the test: statutes with a year from
// July (BW 2:10a), the budget adopted, income and expenses booked within the year only, the books closed and the
// accounts drawn up after it, examined by an audit committee of members off the board (BW 2:48 lid 2), adopted and the
// board discharged by the assembly (BW 2:48 lid 3) — and the presentation deadline (BW 2:58 lid 1) shown as met, while
// a later year whose accounts never came is shown overdue.
import { join } from 'node:path';
import t from 'tap';
import { SqliteEventStore } from '@meent/event-store';
import { admittedMember, command, foundCooperative, read, withTreasurerAndChair } from '../support/cooperative-fixture.js';
import { nextEvent } from '../support/events.js';
import { days, testServer } from '../support/test-server.js';

interface AnnualAccounts {
  financialYear: number;
  period: { firstDay: string; lastDay: string };
  deadline: { presentBy: string; extensionMonths: number; presentedOn: string | null; status: string };
  statements: {
    incomeAndExpenditure: { incomeCents: number; expenditureCents: number; resultCents: number };
    balanceSheet: { cashCents: number; payablesCents: number; earmarkedReserveCents: number; generalReserveCents: number };
  } | null;
  auditCommittee: string[];
  auditReport: { reportedBy: string; advisesAdoption: boolean } | null;
  adoption: { status: string; motionId: string } | null;
  discharge: { status: string } | null;
  adopted: boolean;
  discharged: boolean;
}

t.test('a financial year from budget to discharge', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-05-01T10:00:00.000Z');
  const cooperative = await foundCooperative(server, { financialYearStartMonth: 7 });
  const { cooperativeId, secretaryId } = cooperative;
  const base = `/cooperatives/${cooperativeId}`;
  const { treasurer, chair } = await withTreasurerAndChair(server, cooperative);
  const anna = await admittedMember(server, cooperative, 'Anna Kas', 'anna@example.nl');
  const bram = await admittedMember(server, cooperative, 'Bram Controle', 'bram@example.nl');
  // Tokens last a year of test time: each request carries one minted at the clock's moment.
  const as = (memberId: string) => server.token(['member'], { subject: memberId, cooperativeId });
  const voters = [secretaryId, treasurer.id, chair.id, anna.id, bram.id];
  const store = new SqliteEventStore({ path: join(server.dataDir, 'events.db') });
  t.teardown(() => store.close());

  const convene = () =>
    command(server.app, as(secretaryId), `${base}/assemblies`, {
      title: 'Ledenvergadering',
      scheduledAt: new Date(server.clock.now().getTime() + days(20)).toISOString(),
      venue: { kind: 'online' },
    });
  /** The secretary convenes an assembly, tables each motion, opens it, and every member votes for it. */
  const assemblyDecides = async (...motions: object[]) => {
    const assembly = await convene();
    const decided: { id: string; position: number }[] = [];
    for (const motion of motions) {
      const tabled = await command(server.app, as(secretaryId), `${base}/assemblies/${assembly.body.id}/motions`, motion);
      t.equal(tabled.status, 201, `tabled: ${JSON.stringify(tabled.body)}`);
      await command(server.app, as(secretaryId), `${base}/motions/${tabled.body.id}/opening`);
      let position = 0;
      for (const voter of voters) position = (await command(server.app, as(voter), `${base}/motions/${tabled.body.id}/votes`, { choice: 'for' })).body.position;
      decided.push({ id: tabled.body.id, position });
    }
    return decided;
  };

  const drafted = await command(server.app, as(treasurer.id), `${base}/budgets`, { financialYear: 2026, title: 'Begroting 2026/27' });
  const budgetId = drafted.body.id;
  const budget = `${base}/budgets/${budgetId}`;
  await command(server.app, as(treasurer.id), `${budget}/lines`, { code: '8000', name: 'Bijdrage gemeente', kind: 'income', amountCents: 500_000 });
  await command(server.app, as(treasurer.id), `${budget}/lines`, { code: '4100', name: 'Taalcafé', kind: 'expense', amountCents: 300_000 });
  const submitted = await command(server.app, as(treasurer.id), `${budget}/submission`);
  const [adoptionMotion] = await assemblyDecides({
    title: 'Vaststelling begroting 2026/27',
    text: 'De vergadering stelt de begroting vast.',
    decisionType: 'budget-adoption',
    subject: { kind: 'budget', id: budgetId },
  });
  await nextEvent(store, 'BudgetAdopted', submitted.body.position);
  t.ok(adoptionMotion);

  t.test('BW 2:10a: the year runs from July, and its books hold that year only', async (t) => {
    const year = await read<AnnualAccounts>(server.app, as(anna.id), `${budget}/annual-accounts?minPosition=${drafted.body.position}`);
    t.same(year.body.period, { firstDay: '2026-07-01', lastDay: '2027-06-30' });
    t.match(year.body.deadline, { presentBy: '2027-12-31', presentedOn: null, status: 'open' });
    server.clock.set('2026-06-15T10:00:00.000Z');
    const early = await command(server.app, as(treasurer.id), `${budget}/expenses`, {
      lineCode: '4100',
      payee: 'Drukkerij',
      amountCents: 1_000,
      invoiceReference: 'V-1',
      description: 'Folders',
    });
    t.match(early, { status: 422, body: { code: 'LEDGER.OUTSIDE_FINANCIAL_YEAR', rule: 'BW 2:10a financialYearStartMonth' } });
    const lastYear = await command(server.app, as(treasurer.id), `${budget}/income`, { lineCode: '8000', source: 'Gemeente', amountCents: 1, receivedOn: '2026-06-30' });
    t.match(lastYear, { status: 422, body: { code: 'LEDGER.OUTSIDE_FINANCIAL_YEAR' } });
  });

  t.test('the year is booked, and its books close only after its last day', async (t) => {
    server.clock.set('2026-09-01T10:00:00.000Z');
    t.equal((await command(server.app, as(treasurer.id), `${budget}/income`, { lineCode: '8000', source: 'Gemeente', amountCents: 500_000, receivedOn: '2026-08-30' })).status, 201);
    const paid = await command(server.app, as(treasurer.id), `${budget}/expenses`, {
      lineCode: '4100',
      payee: 'Buurthuis',
      amountCents: 40_000,
      invoiceReference: 'B-1',
      description: 'Zaalhuur taalcafé',
    });
    t.equal((await command(server.app, as(treasurer.id), `${budget}/expenses/${paid.body.id}/payment`)).status, 200);
    const owed = await command(server.app, as(treasurer.id), `${budget}/expenses`, {
      lineCode: '4100',
      payee: 'Koffiebrander',
      amountCents: 10_000,
      invoiceReference: 'K-1',
      description: 'Koffie',
    });
    t.equal(owed.status, 201);
    server.clock.set('2027-06-30T10:00:00.000Z');
    const tooSoon = await command(server.app, as(treasurer.id), `${budget}/annual-accounts`);
    t.match(tooSoon, { status: 409, body: { code: 'LEDGER.YEAR_NOT_ENDED' } });
  });

  t.test('BW 2:48 lid 2: the secretary records an audit committee of members who are not on the board', async (t) => {
    server.clock.set('2027-08-16T10:00:00.000Z');
    const withTheTreasurer = await command(server.app, as(secretaryId), `${budget}/annual-accounts/audit-committee`, { memberIds: [anna.id, treasurer.id] });
    t.match(withTheTreasurer, { status: 422, body: { code: 'ACCOUNTS.COMMITTEE_MEMBER_ON_THE_BOARD', rule: 'BW 2:48 lid 2' } });
    const byTheTreasurer = await command(server.app, as(treasurer.id), `${budget}/annual-accounts/audit-committee`, { memberIds: [anna.id, bram.id] });
    t.equal(byTheTreasurer.status, 403, 'the secretary records it');
    t.equal((await command(server.app, as(secretaryId), `${budget}/annual-accounts/audit-committee`, { memberIds: [anna.id, bram.id] })).status, 200);
  });

  t.test('the treasurer closes the books and draws the accounts up from them; the committee reports', async (t) => {
    const drawnUp = await command(server.app, as(treasurer.id), `${budget}/annual-accounts`);
    t.equal(drawnUp.status, 201);
    const late = await command(server.app, as(treasurer.id), `${budget}/income`, { lineCode: '8000', source: 'Gemeente', amountCents: 1, receivedOn: '2027-06-30' });
    t.match(late, { status: 409, body: { code: 'LEDGER.BOOKS_CLOSED' } });
    const year = await read<AnnualAccounts>(server.app, as(anna.id), `${budget}/annual-accounts?minPosition=${drawnUp.body.position}`);
    t.match(year.body.statements, {
      incomeAndExpenditure: { incomeCents: 500_000, expenditureCents: 50_000, resultCents: 450_000 },
      // 5,000.00 received less 400.00 paid = 4,600.00 in cash: 100.00 owed and a result of 4,500.00.
      balanceSheet: { cashCents: 460_000, payablesCents: 10_000, earmarkedReserveCents: 0, generalReserveCents: 450_000 },
    });
    t.match(year.body.deadline, { presentBy: '2027-12-31', presentedOn: '2027-08-16', status: 'met' });
    const notOnIt = await command(server.app, as(chair.id), `${budget}/annual-accounts/audit-report`, { findings: 'Akkoord', advisesAdoption: true });
    t.match(notOnIt, { status: 403, body: { code: 'ACCOUNTS.NOT_ON_THE_COMMITTEE' } });
    const report = await command(server.app, as(anna.id), `${budget}/annual-accounts/audit-report`, {
      findings: 'Bonnen en bankafschriften gecontroleerd; in orde bevonden.',
      advisesAdoption: true,
    });
    t.equal(report.status, 200);
  });

  t.test('BW 2:48 lid 3: the assembly adopts the accounts, and discharges the board by a decision apart', async (t) => {
    server.clock.set('2027-09-01T10:00:00.000Z');
    const assembly = await convene();
    const misfit = await command(server.app, as(secretaryId), `${base}/assemblies/${assembly.body.id}/motions`, {
      title: 'Jaarrekening',
      text: 'Vastgesteld.',
      decisionType: 'annual-accounts',
      subject: { kind: 'budget', id: budgetId },
    });
    t.match(misfit, { status: 422, body: { code: 'MOTION.SUBJECT_DOES_NOT_FIT' } });
    const [adoption, discharge] = await assemblyDecides(
      { title: 'Vaststelling jaarrekening 2026/27', text: 'De vergadering stelt de jaarrekening vast.', decisionType: 'annual-accounts', subject: { kind: 'annual-accounts', id: budgetId } },
      { title: 'Décharge bestuur 2026/27', text: 'De vergadering verleent het bestuur décharge.', decisionType: 'discharge', subject: { kind: 'annual-accounts', id: budgetId } },
    );
    const discharged = await nextEvent(store, 'BoardDischarged', discharge?.position ?? 0);
    const year = await read<AnnualAccounts>(server.app, as(anna.id), `${budget}/annual-accounts?minPosition=${discharged.position}`);
    t.match(year.body, {
      adopted: true,
      discharged: true,
      adoption: { status: 'adopted', motionId: adoption?.id },
      discharge: { status: 'granted' },
      auditCommittee: [anna.id, bram.id],
      auditReport: { reportedBy: anna.id, advisesAdoption: true },
      deadline: { status: 'met' },
    });
  });

  t.test('BW 2:58 lid 1: a year whose accounts never came is shown overdue', async (t) => {
    const next = await command(server.app, as(treasurer.id), `${base}/budgets`, { financialYear: 2027, title: 'Begroting 2027/28' });
    server.clock.set('2029-01-02T10:00:00.000Z');
    const cycle = await read<{ years: (Omit<AnnualAccounts, 'statements'> & { budgetId: string })[] }>(
      server.app,
      as(anna.id),
      `${base}/annual-accounts?minPosition=${next.body.position}`,
    );
    t.match(cycle.body.years, [
      { budgetId: next.body.id, financialYear: 2027, deadline: { presentBy: '2028-12-31', presentedOn: null, status: 'overdue' }, adopted: false },
      { budgetId, financialYear: 2026, deadline: { status: 'met' }, adopted: true, discharged: true },
    ]);
  });
});
