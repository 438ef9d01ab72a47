// The annual impact report over HTTP, across three financial years on an injected clock: twelve initiatives under the
// three themes — one-off grants that complete, are withdrawn or are refused, lines of work continued, adjusted and
// ended by multi-year agreements, social enterprises reporting their own income — two partners booking what they
// bring, and indicators against their targets. The report's figures are the hand-computed ones below; the report put
// on an assembly's agenda keeps the figures it had then; the printed page renders in headless Chromium.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import t from 'tap';
import { SqliteEventStore } from '@meent/event-store';
import { admittedMember, command, foundCooperative, read, withTreasurerAndChair } from '../support/cooperative-fixture.js';
import { nextEvent } from '../support/events.js';
import { browserTest } from '../support/browser.js';
import { REPOSITORY_ROOT } from '../support/processes.js';
import { days, testServer } from '../support/test-server.js';

interface Row {
  theme: string | null;
  money: { grantedCents: number; paidCents: number };
  initiatives: { active: number; new: number; continued: number; ended: number };
  durability: { newCents: number; continuingCents: number; continuingShare: number; retention: { cohortYear: number; after: number; share: object }[] };
  socialEnterprises: { ownIncomeCents: number; grantedCents: number; ownShare: number };
  indicators: { withTarget: number; reported: number; met: number; entries: { name: string; target: number | null; actual: number | null; met: boolean | null }[] };
  participation: object;
  partners: { hours: number; coFundingCents: number; expertise: number; space: number; byPartner: { name: string }[] };
}
interface Report {
  position: number;
  years: { year: number; all: Row; themes: Row[] }[];
  durability: object;
}

t.test('three financial years of initiatives, and the report the assembly reads', async (t) => {
  const server = await testServer(t);
  server.clock.set('2024-10-01T10:00:00.000Z');
  const cooperative = await foundCooperative(server);
  const { cooperativeId } = cooperative;
  const base = `/cooperatives/${cooperativeId}`;
  const officers = await withTreasurerAndChair(server, cooperative);
  const applicantId = (await admittedMember(server, cooperative, 'Ali Aanvrager', 'ali@example.nl')).id;
  const events = new SqliteEventStore({ path: join(server.dataDir, 'events.db') });
  t.teardown(() => events.close());

  // Tokens last a year of test time: each year the four sign in again.
  const tokens = () => ({
    secretary: server.token(['member'], { subject: cooperative.secretaryId, cooperativeId }),
    treasurer: server.token(['member'], { subject: officers.treasurer.id, cooperativeId }),
    chair: server.token(['member'], { subject: officers.chair.id, cooperativeId }),
    applicant: server.token(['member'], { subject: applicantId, cooperativeId }),
  });
  let as = tokens();
  let position = 0;
  const ok = async (answer: Promise<{ status: number; body: { id: string; position: number } }>, what: string) => {
    const { status, body } = await answer;
    if (status >= 300) throw new Error(`${what}: ${status} ${JSON.stringify(body)}`);
    position = Math.max(position, body.position);
    return body.id;
  };
  const after = async (type: string) => (position = (await nextEvent(events, type, position)).position);

  /** A budget for the year with one line, adopted by the assembly: every member votes for it. */
  const adoptedBudget = async (financialYear: number) => {
    const budgetId = await ok(command(server.app, as.treasurer, `${base}/budgets`, { financialYear, title: `Begroting ${financialYear}` }), 'budget');
    await ok(command(server.app, as.treasurer, `${base}/budgets/${budgetId}/lines`, { code: '4100', name: 'Buurtinitiatieven', kind: 'expense', amountCents: 2_000_000 }), 'line');
    await ok(command(server.app, as.treasurer, `${base}/budgets/${budgetId}/submission`), 'submission');
    const assemblyId = await ok(
      command(server.app, as.secretary, `${base}/assemblies`, {
        title: `Begrotingsvergadering ${financialYear}`,
        scheduledAt: new Date(server.clock.now().getTime() + days(20)).toISOString(),
        venue: { kind: 'online' },
      }),
      'assembly',
    );
    const motionId = await ok(
      command(server.app, as.secretary, `${base}/assemblies/${assemblyId}/motions`, {
        title: `Begroting ${financialYear}`,
        text: 'De vergadering stelt de begroting vast.',
        decisionType: 'budget-adoption',
        subject: { kind: 'budget', id: budgetId },
      }),
      'motion',
    );
    await ok(command(server.app, as.secretary, `${base}/motions/${motionId}/opening`), 'opening');
    for (const voter of [as.secretary, as.treasurer, as.chair, as.applicant]) {
      await ok(command(server.app, voter, `${base}/motions/${motionId}/votes`, { choice: 'for' }), 'vote');
    }
    await after('BudgetAdopted');
    return budgetId;
  };

  /** Submitted by the applicant and decided by the chair within the board's mandate; reserved when granted. */
  const initiative = async (budgetId: string, title: string, cents: number, themes: string[], options: { kind?: string; grant?: boolean; tranches?: number[] } = {}) => {
    const id = await ok(
      command(server.app, as.applicant, `${base}/initiatives`, {
        title,
        description: `${title} in de wijk`,
        requestedCents: cents,
        budgetId,
        lineCode: '4100',
        tranches: (options.tranches ?? [cents]).map((amountCents, index) => ({ amountCents, milestone: `Deel ${index + 1}` })),
        themes,
        kind: options.kind ?? 'community-initiative',
      }),
      title,
    );
    const grant = options.grant ?? true;
    await ok(command(server.app, as.chair, `${base}/initiatives/${id}/decision`, { approve: grant, reason: grant ? 'Past bij de wijkagenda' : 'Dubbel met de sportvereniging' }), 'decision');
    if (grant) await after('InitiativeFundsReserved');
    return id;
  };
  const payTranche = async (initiativeId: string, tranche: number) => {
    await ok(command(server.app, as.applicant, `${base}/initiatives/${initiativeId}/tranches`, { progressReport: 'Het loopt', spentSoFarCents: 0 }), 'tranche');
    await ok(command(server.app, as.chair, `${base}/initiatives/${initiativeId}/tranches/${tranche}/approval`), 'first approval');
    await ok(command(server.app, as.treasurer, `${base}/initiatives/${initiativeId}/tranches/${tranche}/approval`), 'second approval');
    await after('TrancheDisbursed');
  };
  const agreement = (initiativeId: string, firstYear: number, lastYear: number, yearlyCents: number) =>
    ok(command(server.app, as.chair, `${base}/initiatives/${initiativeId}/funding-agreement`, { firstYear, lastYear, yearlyCents }), 'agreement');
  const review = async (agreementId: string, year: number, outcome: string, budgetId: string, yearlyCents?: number) => {
    const continues = outcome !== 'ended';
    await ok(
      command(server.app, as.chair, `${base}/funding-agreements/${agreementId}/reviews`, {
        year,
        outcome,
        reason: continues ? 'Het werk loopt en de buurt doet mee' : 'Het café draait op eigen kracht verder',
        ...(continues ? { budgetId, lineCode: '4100', tranches: [{ amountCents: yearlyCents, milestone: `Heel ${year}` }] } : {}),
        ...(outcome === 'adjusted' ? { yearlyCents } : {}),
      }),
      `review ${year}`,
    );
    if (continues) await after('InitiativeFundsReserved');
  };
  const indicator = (initiativeId: string, body: object) =>
    ok(command(server.app, as.applicant, `${base}/initiatives/${initiativeId}/indicators`, body), 'indicator').then(async () => {
      const results = await read<{ indicators: { indicatorId: string }[] }>(server.app, as.applicant, `${base}/initiatives/${initiativeId}/results?minPosition=${position}`);
      return results.body.indicators.at(-1)!.indicatorId;
    });
  const progress = (initiativeId: string, body: object) => ok(command(server.app, as.applicant, `${base}/initiatives/${initiativeId}/progress-reports`, body), 'progress');
  const contribution = (partnershipId: string, body: object) =>
    ok(command(server.app, as.secretary, `${base}/partnerships/${partnershipId}/contributions`, { description: 'Bijdrage', ...body }), 'contribution');

  // 2025: four lines of work begin; the language café and the repair café under three-year agreements.
  const budget2025 = await adoptedBudget(2025);
  server.clock.set('2025-01-15T10:00:00.000Z');
  const taalcafe = await initiative(budget2025, 'Taalcafé', 100_000, ['leren'], { tranches: [60_000, 40_000] });
  const reparatiecafe = await initiative(budget2025, 'Reparatiecafé', 80_000, ['werken', 'meedoen'], { kind: 'social-enterprise' });
  const huiswerkklas = await initiative(budget2025, 'Huiswerkklas', 50_000, ['leren']);
  const moestuin = await initiative(budget2025, 'Buurtmoestuin', 60_000, ['meedoen']);
  const taalAgreement = await agreement(taalcafe, 2025, 2027, 100_000);
  const reparatieAgreement = await agreement(reparatiecafe, 2025, 2027, 80_000);
  const college = await ok(command(server.app, as.secretary, `${base}/partners`, { name: 'ROC Midden', kind: 'college' }), 'college');
  const ggd = await ok(command(server.app, as.secretary, `${base}/partners`, { name: 'GGD Regio', kind: 'health-service' }), 'ggd');
  const withCollege = await ok(
    command(server.app, as.secretary, `${base}/initiatives/${taalcafe}/partnerships`, { partnerId: college, offer: { role: 'docent Nederlands', hoursPerYear: 100, space: 'Een lokaal op dinsdagavond' }, from: '2025-02-01' }),
    'partnership',
  );
  const withGgd = await ok(command(server.app, as.secretary, `${base}/initiatives/${moestuin}/partnerships`, { partnerId: ggd, offer: { coFundingCents: 25_000, expertise: 'Preventie van eenzaamheid' }, from: '2025-02-01' }), 'partnership');
  const taalIndicator = await indicator(taalcafe, {
    name: 'Deelnemers taalcafé',
    unit: 'deelnemers',
    theme: 'leren',
    baseline: { year: 2024, value: 10 },
    targets: [{ year: 2025, value: 20 }, { year: 2026, value: 30 }, { year: 2027, value: 40 }],
  });
  const eenzaamheid = await indicator(moestuin, { name: 'Bewoners die zich eenzaam voelen', unit: '%', theme: 'meedoen', baseline: { year: 2024, value: 40 }, targets: [{ year: 2025, value: 35 }] });
  await payTranche(taalcafe, 1);
  await payTranche(huiswerkklas, 1);
  await ok(command(server.app, as.applicant, `${base}/initiatives/${huiswerkklas}/completion`, { finalReport: 'Twintig kinderen geholpen' }), 'completion');
  server.clock.set('2025-07-01T10:00:00.000Z');
  await contribution(withCollege, { kind: 'hours', quantity: 40, on: '2025-03-01' });
  await contribution(withGgd, { kind: 'co-funding', quantity: 25_000, on: '2025-05-01' });
  await contribution(withGgd, { kind: 'expertise', on: '2025-06-01' });
  await progress(taalcafe, { year: 2025, actuals: [{ indicatorId: taalIndicator, value: 22 }], participation: { residentsReached: 40, volunteers: 5, volunteerHours: 300 } });
  await progress(moestuin, { year: 2025, actuals: [{ indicatorId: eenzaamheid, value: 33 }], participation: { residentsReached: 120, volunteers: 8, volunteerHours: 200 } });
  await progress(reparatiecafe, { year: 2025, participation: { residentsReached: 30, volunteers: 4, volunteerHours: 150, intoWorkOrTraining: 2 }, ownIncomeCents: 20_000 });
  const endOf2025 = position;

  // 2026: both agreements continued; three new lines, one refused; the paper completes, computer lessons withdrawn.
  server.clock.set('2025-10-01T10:00:00.000Z');
  as = tokens();
  const budget2026 = await adoptedBudget(2026);
  server.clock.set('2026-01-10T10:00:00.000Z');
  await review(taalAgreement, 2026, 'continued', budget2026, 100_000);
  await review(reparatieAgreement, 2026, 'continued', budget2026, 80_000);
  const jobcoaching = await initiative(budget2026, 'Jobcoaching', 90_000, ['werken'], { kind: 'social-enterprise' });
  const wijkkrant = await initiative(budget2026, 'Wijkkrant', 40_000, ['meedoen']);
  const computerles = await initiative(budget2026, 'Computerles', 30_000, ['leren', 'werken']);
  await initiative(budget2026, 'Beweegclub', 70_000, ['meedoen'], { grant: false });
  const jobAgreement = await agreement(jobcoaching, 2026, 2027, 90_000);
  const aanHetWerk = await indicator(jobcoaching, { name: 'Mensen aan het werk', unit: 'mensen', theme: 'werken', baseline: { year: 2025, value: 0 }, targets: [{ year: 2026, value: 5 }, { year: 2027, value: 8 }] });
  await payTranche(wijkkrant, 1);
  await ok(command(server.app, as.applicant, `${base}/initiatives/${wijkkrant}/completion`, { finalReport: 'Vier edities verschenen' }), 'completion');
  await ok(command(server.app, as.applicant, `${base}/initiatives/${computerles}/withdrawal`, { reason: 'Geen docent gevonden' }), 'withdrawal');
  server.clock.set('2026-07-01T10:00:00.000Z');
  await contribution(withCollege, { kind: 'hours', quantity: 60, on: '2026-02-01' });
  await contribution(withCollege, { kind: 'space', on: '2026-03-01' });
  await progress(taalcafe, { year: 2026, actuals: [{ indicatorId: taalIndicator, value: 28 }], participation: { residentsReached: 45, volunteers: 6, volunteerHours: 320 } });
  await progress(jobcoaching, { year: 2026, actuals: [{ indicatorId: aanHetWerk, value: 6 }], participation: { residentsReached: 12, volunteers: 2, volunteerHours: 100, intoWorkOrTraining: 6 }, ownIncomeCents: 30_000 });
  await progress(reparatiecafe, { year: 2026, participation: { residentsReached: 35, volunteers: 4, volunteerHours: 160, intoWorkOrTraining: 3 }, ownIncomeCents: 40_000 });

  // The secretary puts the 2026 report on the agenda of the autumn assembly, as it stands now.
  server.clock.set('2026-10-01T10:00:00.000Z');
  as = tokens();
  const autumn = await ok(
    command(server.app, as.secretary, `${base}/assemblies`, { title: 'Najaarsvergadering', scheduledAt: '2026-10-25T19:00:00.000Z', venue: { kind: 'online' } }),
    'assembly',
  );
  await ok(command(server.app, as.secretary, `${base}/assemblies/${autumn}/agenda`, { title: 'Jaarverslag maatschappelijke impact 2026', document: { kind: 'impact-report', year: 2026 } }), 'agenda');

  // 2027: the language café adjusted upwards, the repair café ended — it stands on its own —, jobcoaching continued
  // in its last year; four new lines.
  const budget2027 = await adoptedBudget(2027);
  server.clock.set('2027-01-10T10:00:00.000Z');
  await review(taalAgreement, 2027, 'adjusted', budget2027, 120_000);
  await review(reparatieAgreement, 2027, 'ended', budget2027);
  await review(jobAgreement, 2027, 'continued', budget2027, 90_000);
  await initiative(budget2027, 'Kookclub', 50_000, ['meedoen']);
  const fietsenwerkplaats = await initiative(budget2027, 'Fietsenwerkplaats', 65_000, ['werken'], { kind: 'social-enterprise' });
  await initiative(budget2027, 'Leesclub', 25_000, ['leren']);
  await initiative(budget2027, 'Speeltuin', 45_000, ['meedoen']);
  server.clock.set('2027-03-01T10:00:00.000Z');
  as = tokens();

  const report = await read<Report>(server.app, as.applicant, `${base}/impact-report?minPosition=${position}`);
  t.equal(report.status, 200, JSON.stringify(report.body));
  const year = (financialYear: number) => report.body.years.find((entry) => entry.year === financialYear)!;
  const row = (financialYear: number, theme: string | null) => (theme === null ? year(financialYear).all : year(financialYear).themes.find((entry) => entry.theme === theme)!);
  const share = (lines: number, of: number, percent: number) => ({ lines, of, percent });

  t.test('money granted and paid, and the lines of work new, continued and ended, per year', async (t) => {
    t.same(report.body.years.map((entry) => entry.year), [2025, 2026, 2027]);
    const summary = (entry: Row) => [entry.money.grantedCents, entry.money.paidCents, entry.initiatives];
    // 2025: the café, the repair café, homework class and garden; the homework class completed, so ended.
    t.same(summary(row(2025, null)), [290_000, 110_000, { active: 4, new: 4, continued: 0, ended: 1 }]);
    // 2026: two continued, three new (the refused sports club counts nowhere); the repair café's agreement was ended
    // for 2027, the paper completed, the computer lessons withdrawn.
    t.same(summary(row(2026, null)), [340_000, 40_000, { active: 5, new: 3, continued: 2, ended: 3 }]);
    // 2027: two agreements ran their last year.
    t.same(summary(row(2027, null)), [395_000, 0, { active: 6, new: 4, continued: 2, ended: 2 }]);
    // Under a theme an initiative with several counts under each.
    t.same(summary(row(2026, 'leren')), [130_000, 0, { active: 2, new: 1, continued: 1, ended: 1 }]);
    t.same(summary(row(2026, 'werken')), [200_000, 0, { active: 3, new: 2, continued: 1, ended: 2 }]);
    t.same(summary(row(2026, 'meedoen')), [120_000, 40_000, { active: 2, new: 1, continued: 1, ended: 2 }]);
  });

  t.test('durability: cohorts, money to continuing lines, own income of the social enterprises', async (t) => {
    t.same(report.body.durability, {
      cohorts: [
        { year: 2025, lines: 4, stillActive: [{ after: 1, year: 2026, share: share(2, 4, 50) }, { after: 2, year: 2027, share: share(1, 4, 25) }] },
        { year: 2026, lines: 3, stillActive: [{ after: 1, year: 2027, share: share(1, 3, 33.3) }] },
        { year: 2027, lines: 4, stillActive: [] },
      ],
      funding: [
        { year: 2025, newCents: 290_000, continuingCents: 0, continuingShare: 0 },
        { year: 2026, newCents: 160_000, continuingCents: 180_000, continuingShare: 52.9 },
        { year: 2027, newCents: 185_000, continuingCents: 210_000, continuingShare: 53.2 },
      ],
      socialEnterprises: [
        { line: reparatiecafe, years: [{ year: 2025, ownIncomeCents: 20_000, grantedCents: 80_000, ownShare: 20 }, { year: 2026, ownIncomeCents: 40_000, grantedCents: 80_000, ownShare: 33.3 }] },
        { line: jobcoaching, years: [{ year: 2026, ownIncomeCents: 30_000, grantedCents: 90_000, ownShare: 25 }, { year: 2027, ownIncomeCents: 0, grantedCents: 90_000, ownShare: 0 }] },
        { line: fietsenwerkplaats, years: [{ year: 2027, ownIncomeCents: 0, grantedCents: 65_000, ownShare: 0 }] },
      ].sort((a, b) => a.line.localeCompare(b.line)),
    });
    t.same(row(2027, null).durability.retention, [
      { cohortYear: 2025, after: 2, share: share(1, 4, 25) },
      { cohortYear: 2026, after: 1, share: share(1, 3, 33.3) },
    ]);
    t.same(row(2026, null).socialEnterprises, { ownIncomeCents: 70_000, grantedCents: 170_000, ownShare: 29.2 });
    t.same(row(2026, null).durability.continuingShare, 52.9);
  });

  t.test('indicators against their targets, participation and what partners brought', async (t) => {
    const indicators = (entry: Row) => [entry.indicators.withTarget, entry.indicators.reported, entry.indicators.met];
    t.same(indicators(row(2025, null)), [2, 2, 2], 'the café above its target; loneliness below it, as its target asks');
    t.same(indicators(row(2026, null)), [2, 2, 1], 'the café under its target, the jobs above');
    t.same(indicators(row(2027, null)), [2, 0, 0], 'targets set, nothing reported yet');
    t.same(indicators(row(2026, 'werken')), [1, 1, 1]);
    t.same(row(2025, null).participation, { residentsReached: 190, volunteers: 17, volunteerHours: 650, intoWorkOrTraining: 2 });
    t.same(row(2026, null).participation, { residentsReached: 92, volunteers: 12, volunteerHours: 580, intoWorkOrTraining: 9 });
    t.same(row(2026, 'werken').participation, { residentsReached: 47, volunteers: 6, volunteerHours: 260, intoWorkOrTraining: 9 });
    t.same(row(2025, null).partners, {
      hours: 40,
      coFundingCents: 25_000,
      expertise: 1,
      space: 0,
      byPartner: [
        { partnerId: ggd, name: 'GGD Regio', kind: 'health-service', hours: 0, coFundingCents: 25_000, expertise: 1, space: 0 },
        { partnerId: college, name: 'ROC Midden', kind: 'college', hours: 40, coFundingCents: 0, expertise: 0, space: 0 },
      ],
    });
    t.match(row(2026, 'leren').partners, { hours: 60, space: 1, coFundingCents: 0 });
    t.match(row(2026, 'meedoen').partners, { hours: 0, space: 0, byPartner: [] });
  });

  t.test('as of a date or a position, and on the agenda as it stood then', async (t) => {
    const atEndOf2025 = await read<Report>(server.app, as.treasurer, `${base}/impact-report?asOfPosition=${endOf2025}`);
    t.same(atEndOf2025.body.years.map((entry) => entry.year), [2025], 'the 2026 budget was not drafted yet');
    t.same(atEndOf2025.body.years[0]!.all, row(2025, null), "2025's figures: nothing later changed them");
    const again = await read<Report>(server.app, as.treasurer, `${base}/impact-report?asOfPosition=${atEndOf2025.body.position}`);
    t.same(again.body, { ...atEndOf2025.body, asOfPosition: atEndOf2025.body.position }, 'asked again at its position, the same report');
    const byDate = await read<Report>(server.app, as.treasurer, `${base}/impact-report?asOf=2026-12-31&year=2026`);
    t.same(byDate.body.years[0]!.all.initiatives, { active: 5, new: 3, continued: 2, ended: 2 }, "at the end of 2026 the repair café's ending was not yet decided");

    const agenda = await read<{ agenda: { title: string; document: { year: number; asOfPosition: number; href: string } | null }[] }>(server.app, as.applicant, `${base}/assemblies/${autumn}`);
    const document = agenda.body.agenda[0]!.document!;
    t.match(document, { year: 2026, href: `${base}/impact-report.html?year=2026&asOfPosition=${document.asOfPosition}` });
    const pinned = await read<Report>(server.app, as.applicant, `${base}/impact-report?year=2026&asOfPosition=${document.asOfPosition}`);
    t.same(pinned.body.years[0]!.all.initiatives, { active: 5, new: 3, continued: 2, ended: 2 }, 'the agenda keeps the figures the members were sent');
    const page = await server.app.inject({ url: document.href, headers: { authorization: `Bearer ${as.applicant}` } });
    t.equal(page.statusCode, 200);
    t.match(page.body, /Jaarverslag maatschappelijke impact 2026/);
  });

  t.test('as CSV: a row per year and theme, sums exact', async (t) => {
    const csv = await server.app.inject({ url: `${base}/impact-report.csv?year=2026`, headers: { authorization: `Bearer ${as.treasurer}` } });
    t.equal(csv.statusCode, 200);
    t.match(csv.headers['content-type'], /^text\/csv/);
    t.ok(csv.body.startsWith('\uFEFF'), 'UTF-8 with a byte-order mark, for spreadsheets');
    const [header, ...lines] = csv.body.slice(1).trimEnd().split('\n');
    const columns = header!.split(',');
    t.same(lines.length, 4, 'all themes, then leren, werken, meedoen');
    const cells = lines.map((line) => Object.fromEntries(line.split(',').map((value, index) => [columns[index], value])));
    t.match(cells[0], { year: '2026', theme: 'all', granted_cents: '340000', paid_cents: '40000', lines_new: '3', lines_continued: '2', lines_ended: '3', cohort_1y_active: '2', cohort_1y_lines: '4' });
    t.same(cells.map((cell) => cell.theme), ['all', 'leren', 'werken', 'meedoen']);
    const dutch = await server.app.inject({ url: `${base}/impact-report.csv?year=2026&separator=semicolon&amounts=euros-and-cents`, headers: { authorization: `Bearer ${as.treasurer}` } });
    const [dutchHeader, allThemes] = dutch.body.slice(1).split('\n');
    t.match(dutchHeader, /^year;theme;granted_cents;granted_euros;paid_cents;paid_euros;/, 'each amount in euros beside its cents');
    t.match(allThemes, /^2026;all;340000;3400,00;40000;400,00;/, 'with a decimal comma, for a spreadsheet set to Dutch');
  });

  t.test('bad input is refused, naming the field', async (t) => {
    const badYear = await read<{ errors: { field: string }[] }>(server.app, as.applicant, `${base}/impact-report?year=twenty`);
    t.match(badYear, { status: 400, body: { errors: [{ field: 'year' }] } });
    const noYear = await server.app.inject({ url: `${base}/impact-report.html?year=2031`, headers: { authorization: `Bearer ${as.applicant}` } });
    t.equal(noYear.statusCode, 404);
    const badLanguage = await read<{ errors: { field: string }[] }>(server.app, as.applicant, `${base}/impact-report.html?lang=de`);
    t.match(badLanguage, { status: 400, body: { errors: [{ field: 'lang' }] } });
  });

  await browserTest(t, 'the printed page in headless Chromium, in Dutch and in English', async (t, executablePath) => {
    const { chromium } = await import('playwright-core');
    const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
    const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    t.teardown(() => browser.close());
    const screenshots = join(REPOSITORY_ROOT, 'test-results');
    mkdirSync(screenshots, { recursive: true });
    const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    for (const [language, heading] of [
      ['nl', 'Jaarverslag maatschappelijke impact 2026'],
      ['en', 'Annual impact report 2026'],
    ] as const) {
      const context = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${as.applicant}` } });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      const response = await page.goto(`${address}${base}/impact-report.html?year=2026&lang=${language}`);
      t.equal(response?.status(), 200);
      t.equal(await page.locator('h1').textContent(), heading);
      t.equal(await page.locator('svg[role="img"]').count(), 4, 'money per year, per theme, cohorts, targets met');
      t.equal(await page.locator('svg rect').count() > 0, true, 'bars drawn');
      const path = join(screenshots, `impact-report-2026-${language}.png`);
      await page.screenshot({ path, fullPage: true });
      t.ok(readFileSync(path).length > 10_000, `screenshot saved: ${path}`);
      // Run through the DevTools protocol, which the page's policy against scripts does not govern.
      await page.evaluate(axeSource);
      const violations = await page.evaluate(async () => {
        const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string }[] }> } }).axe;
        return (await axe.run()).violations.map((violation) => violation.id);
      });
      t.same(violations, [], 'no accessibility violations (axe-core)');
      t.same(problems, [], 'no console errors or warnings');
      await context.close();
    }
  });
});
