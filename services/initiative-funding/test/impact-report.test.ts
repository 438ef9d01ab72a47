// The annual impact report and the durability figures, as known answers: a cooperative's facts over three financial
// years folded by hand into what its assembly should read — money, lines of work new, continued and ended, indicators
// against their targets, participation, partners, and how much of the money went to work already running.
import t from 'tap';
import { durabilityFigures, durabilitySchema, percentOf } from '../src/domain/durability.js';
import { impactReport, impactReportSchema, type ImpactFact, type ImpactRow, type Participation } from '../src/domain/impact-report.js';

const id = (n: number) => `0193a6f0-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
const cooperativeId = id(0xc0);
const [b24, b25, b26] = [id(0x24), id(0x25), id(0x26)];
const [taalcafe, taalcafe2025, werkplaats, moestuin, eenzaamheid, repairCafe] = [id(0xa), id(0xa2), id(0xb), id(0xc), id(0xd), id(0xe)];
const [agreement, deelnemers, eenzameBewoners] = [id(0x1a), id(0x2a), id(0x2d)];
const [hogeschool, bakkerij, withHogeschool, withBakkerij] = [id(0x3a), id(0x3b), id(0x4a), id(0x4b)];
const moment = { asOf: '2026-12-31', asOfPosition: null, position: 412 };
const themes = [
  { code: 'leren', nl: 'Leren', en: 'Learning' },
  { code: 'werken', nl: 'Werken', en: 'Working' },
  { code: 'meedoen', nl: 'Meedoen', en: 'Taking part' },
];

const budget = (budgetId: string, year: number): ImpactFact => ({ type: 'budget', budgetId, year, firstDay: `${year}-01-01`, lastDay: `${year}-12-31` });
const submitted = (
  initiativeId: string,
  title: string,
  budgetId: string,
  themes: string[],
  kind: 'community-initiative' | 'social-enterprise' = 'community-initiative',
  agreementId: string | null = null,
): ImpactFact => ({ type: 'submitted', initiativeId, title, budgetId, themes, kind, agreementId });
const granted = (initiativeId: string, cents: number): ImpactFact => ({ type: 'granted', initiativeId, cents });
const participation = (residentsReached: number, volunteers: number, volunteerHours: number, intoWorkOrTraining: number): Participation => ({
  residentsReached,
  volunteers,
  volunteerHours,
  intoWorkOrTraining,
});
const progress = (initiativeId: string, year: number, counted: Participation, actuals: { indicatorId: string; value: number }[] = [], ownIncomeCents: number | null = null): ImpactFact => ({
  type: 'progress',
  initiativeId,
  year,
  actuals,
  participation: counted,
  ownIncomeCents,
});

/**
 * 2024: a language café (learning, €1,000 granted, €600 paid) under a funding agreement for 2024–2026, and a workshop
 * run as a social enterprise (working, €500, paid, completed; it earned €1,500 itself). 2025: the café continued
 * (€800) and a review ended its agreement before 2026; a garden's grant revoked; a project against loneliness (taking
 * part, €400, €100 paid) whose indicator aims down. 2026: a repair café under a theme the cooperative never named.
 */
const facts: ImpactFact[] = [
  budget(b24, 2024),
  budget(b25, 2025),
  budget(b26, 2026),
  granted(id(0x99), 99_999), // for no initiative on record: counts nowhere
  { type: 'reviewed', agreementId: id(0x98), year: 2025, ended: true }, // of no agreement on record
  submitted(taalcafe, 'Taalcafé', b24, ['leren']),
  granted(taalcafe, 100_000),
  { type: 'agreement', agreementId: agreement, initiativeId: taalcafe, firstYear: 2024, lastYear: 2026 },
  submitted(werkplaats, 'Buurtwerkplaats', b24, ['werken'], 'social-enterprise'),
  granted(werkplaats, 50_000),
  { type: 'disbursed', initiativeId: taalcafe, cents: 60_000 },
  { type: 'disbursed', initiativeId: werkplaats, cents: 50_000 },
  { type: 'closed', initiativeId: werkplaats },
  {
    type: 'indicator',
    initiativeId: taalcafe,
    indicatorId: deelnemers,
    name: 'Deelnemers',
    unit: 'deelnemers',
    theme: 'leren',
    baseline: { year: 2023, value: 10 },
    targets: [
      { year: 2024, value: 20 },
      { year: 2025, value: 30 },
    ],
  },
  progress(taalcafe, 2024, participation(40, 5, 120, 2), [{ indicatorId: deelnemers, value: 25 }]),
  progress(werkplaats, 2024, participation(30, 3, 60, 4), [], 150_000),
  submitted(taalcafe2025, 'Taalcafé 2025', b25, ['leren'], 'community-initiative', agreement),
  granted(taalcafe2025, 80_000),
  { type: 'reviewed', agreementId: agreement, year: 2025, ended: false },
  submitted(moestuin, 'Moestuin', b25, ['leren', 'meedoen']),
  granted(moestuin, 30_000),
  { type: 'revoked', initiativeId: moestuin },
  submitted(eenzaamheid, 'Samen aan tafel', b25, ['meedoen']),
  granted(eenzaamheid, 40_000),
  { type: 'disbursed', initiativeId: eenzaamheid, cents: 10_000 },
  {
    type: 'indicator',
    initiativeId: eenzaamheid,
    indicatorId: eenzameBewoners,
    name: 'Eenzame bewoners',
    unit: 'bewoners',
    theme: 'meedoen',
    baseline: { year: 2024, value: 50 },
    targets: [{ year: 2025, value: 40 }],
  },
  progress(taalcafe2025, 2025, participation(45, 6, 100, 0), [{ indicatorId: deelnemers, value: 26 }]),
  // The later report of the same year replaces the earlier one.
  progress(taalcafe2025, 2025, participation(50, 6, 130, 1), [{ indicatorId: deelnemers, value: 28 }]),
  progress(eenzaamheid, 2025, participation(20, 2, 10, 0), [{ indicatorId: eenzameBewoners, value: 35 }]),
  { type: 'reviewed', agreementId: agreement, year: 2026, ended: true },
  submitted(repairCafe, 'Repair café', b26, ['buurt'], 'social-enterprise'),
  granted(repairCafe, 10_000),
  progress(repairCafe, 2026, participation(0, 0, 0, 0), [], 2_500),
  { type: 'partner', partnerId: hogeschool, name: 'Hogeschool Rotterdam', kind: 'college' },
  { type: 'partner', partnerId: bakkerij, name: 'Bakkerij Jansen', kind: 'employer' },
  { type: 'partnership', partnershipId: withHogeschool, partnerId: hogeschool, initiativeId: taalcafe },
  { type: 'partnership', partnershipId: withBakkerij, partnerId: bakkerij, initiativeId: werkplaats },
  { type: 'contribution', partnershipId: withHogeschool, kind: 'hours', quantity: 12, on: '2024-03-01' },
  { type: 'contribution', partnershipId: withHogeschool, kind: 'co-funding', quantity: 5_000, on: '2024-05-01' },
  { type: 'contribution', partnershipId: withHogeschool, kind: 'expertise', quantity: null, on: '2025-02-01' },
  { type: 'contribution', partnershipId: withBakkerij, kind: 'space', quantity: null, on: '2024-06-01' },
  // Before any financial year the cooperative budgeted: in no year's report.
  { type: 'contribution', partnershipId: withBakkerij, kind: 'hours', quantity: 8, on: '2023-12-31' },
];

const noPartners = { hours: 0, coFundingCents: 0, expertise: 0, space: 0, byPartner: [] };
const nothingIn = (theme: string | null): ImpactRow => ({
  theme,
  money: { grantedCents: 0, paidCents: 0 },
  initiatives: { active: 0, new: 0, continued: 0, ended: 0 },
  durability: { newCents: 0, continuingCents: 0, continuingShare: 0, retention: [] },
  socialEnterprises: { ownIncomeCents: 0, grantedCents: 0, ownShare: 0 },
  indicators: { withTarget: 0, reported: 0, met: 0, entries: [] },
  participation: participation(0, 0, 0, 0),
  partners: noPartners,
});
const deelnemersIn = (year: number, target: number, actual: number, met: boolean) => ({
  initiativeId: taalcafe,
  initiative: 'Taalcafé',
  indicatorId: deelnemers,
  name: 'Deelnemers',
  unit: 'deelnemers',
  baseline: { year: 2023, value: 10 },
  target,
  actual,
  met,
});
const eenzameBewonersIn2025 = {
  initiativeId: eenzaamheid,
  initiative: 'Samen aan tafel',
  indicatorId: eenzameBewoners,
  name: 'Eenzame bewoners',
  unit: 'bewoners',
  baseline: { year: 2024, value: 50 },
  target: 40,
  actual: 35,
  met: true,
};

t.test('the report folds the facts of each financial year, all themes together', async (t) => {
  const report = impactReport(cooperativeId, facts, themes, moment);
  t.strictSame({ cooperativeId: report.cooperativeId, asOf: report.asOf, asOfPosition: report.asOfPosition, position: report.position }, { cooperativeId, ...moment });
  t.strictSame(report.themes, [...themes, { code: 'buurt', nl: 'buurt', en: 'buurt' }], "a theme used but never named is listed by its code, after the cooperative's own");
  t.strictSame(
    report.years.map(({ year, firstDay, lastDay }) => ({ year, firstDay, lastDay })),
    [2024, 2025, 2026].map((year) => ({ year, firstDay: `${year}-01-01`, lastDay: `${year}-12-31` })),
  );
  const [y2024, y2025, y2026] = report.years;
  t.strictSame(y2024?.all, {
    theme: null,
    money: { grantedCents: 150_000, paidCents: 110_000 },
    // The workshop was completed and not funded again: it ended. The café goes on under its agreement.
    initiatives: { active: 2, new: 2, continued: 0, ended: 1 },
    durability: { newCents: 150_000, continuingCents: 0, continuingShare: 0, retention: [] },
    socialEnterprises: { ownIncomeCents: 150_000, grantedCents: 50_000, ownShare: 75 },
    indicators: { withTarget: 1, reported: 1, met: 1, entries: [deelnemersIn(2024, 20, 25, true)] },
    participation: participation(70, 8, 180, 6),
    partners: {
      hours: 12,
      coFundingCents: 5_000,
      expertise: 0,
      space: 1,
      byPartner: [
        { partnerId: bakkerij, name: 'Bakkerij Jansen', kind: 'employer', hours: 0, coFundingCents: 0, expertise: 0, space: 1 },
        { partnerId: hogeschool, name: 'Hogeschool Rotterdam', kind: 'college', hours: 12, coFundingCents: 5_000, expertise: 0, space: 0 },
      ],
    },
  });
  t.strictSame(y2025?.all, {
    theme: null,
    // The revoked garden counts nowhere.
    money: { grantedCents: 120_000, paidCents: 10_000 },
    // The café's review ended its agreement before 2026: it ended in 2025; the loneliness project is not completed.
    initiatives: { active: 2, new: 1, continued: 1, ended: 1 },
    durability: { newCents: 40_000, continuingCents: 80_000, continuingShare: 66.7, retention: [{ cohortYear: 2024, after: 1, share: { lines: 1, of: 2, percent: 50 } }] },
    socialEnterprises: { ownIncomeCents: 0, grantedCents: 0, ownShare: 0 },
    // 28 against a target of 30 up from 10 is not met; 35 against 40 down from 50 is.
    indicators: { withTarget: 2, reported: 2, met: 1, entries: [deelnemersIn(2025, 30, 28, false), eenzameBewonersIn2025] },
    participation: participation(70, 8, 140, 1),
    partners: {
      ...noPartners,
      expertise: 1,
      byPartner: [{ partnerId: hogeschool, name: 'Hogeschool Rotterdam', kind: 'college', hours: 0, coFundingCents: 0, expertise: 1, space: 0 }],
    },
  });
  t.strictSame(y2026?.all, {
    ...nothingIn(null),
    money: { grantedCents: 10_000, paidCents: 0 },
    initiatives: { active: 1, new: 1, continued: 0, ended: 0 },
    durability: {
      newCents: 10_000,
      continuingCents: 0,
      continuingShare: 0,
      retention: [
        { cohortYear: 2024, after: 2, share: { lines: 0, of: 2, percent: 0 } },
        { cohortYear: 2025, after: 1, share: { lines: 0, of: 1, percent: 0 } },
      ],
    },
    socialEnterprises: { ownIncomeCents: 2_500, grantedCents: 10_000, ownShare: 20 },
  });
  t.strictSame(report.durability, {
    cohorts: [
      {
        year: 2024,
        lines: 2,
        stillActive: [
          { after: 1, year: 2025, share: { lines: 1, of: 2, percent: 50 } },
          { after: 2, year: 2026, share: { lines: 0, of: 2, percent: 0 } },
        ],
      },
      { year: 2025, lines: 1, stillActive: [{ after: 1, year: 2026, share: { lines: 0, of: 1, percent: 0 } }] },
      { year: 2026, lines: 1, stillActive: [] },
    ],
    funding: [
      { year: 2024, newCents: 150_000, continuingCents: 0, continuingShare: 0 },
      { year: 2025, newCents: 40_000, continuingCents: 80_000, continuingShare: 66.7 },
      { year: 2026, newCents: 10_000, continuingCents: 0, continuingShare: 0 },
    ],
    socialEnterprises: [
      { line: werkplaats, years: [{ year: 2024, ownIncomeCents: 150_000, grantedCents: 50_000, ownShare: 75 }] },
      { line: repairCafe, years: [{ year: 2026, ownIncomeCents: 2_500, grantedCents: 10_000, ownShare: 20 }] },
    ],
  });
});

t.test("each theme's row counts only its own initiatives, indicators, participation and partners", async (t) => {
  const [leren, werken, meedoen, buurt] = impactReport(cooperativeId, facts, themes, moment, 2025).years[0]?.themes ?? [];
  t.strictSame(leren, {
    theme: 'leren',
    money: { grantedCents: 80_000, paidCents: 0 },
    initiatives: { active: 1, new: 0, continued: 1, ended: 1 },
    durability: { newCents: 0, continuingCents: 80_000, continuingShare: 100, retention: [{ cohortYear: 2024, after: 1, share: { lines: 1, of: 1, percent: 100 } }] },
    socialEnterprises: { ownIncomeCents: 0, grantedCents: 0, ownShare: 0 },
    indicators: { withTarget: 1, reported: 1, met: 0, entries: [deelnemersIn(2025, 30, 28, false)] },
    participation: participation(50, 6, 130, 1),
    partners: {
      ...noPartners,
      expertise: 1,
      byPartner: [{ partnerId: hogeschool, name: 'Hogeschool Rotterdam', kind: 'college', hours: 0, coFundingCents: 0, expertise: 1, space: 0 }],
    },
  });
  t.strictSame(meedoen, {
    ...nothingIn('meedoen'),
    money: { grantedCents: 40_000, paidCents: 10_000 },
    initiatives: { active: 1, new: 1, continued: 0, ended: 0 },
    durability: { newCents: 40_000, continuingCents: 0, continuingShare: 0, retention: [] },
    indicators: { withTarget: 1, reported: 1, met: 1, entries: [eenzameBewonersIn2025] },
    participation: participation(20, 2, 10, 0),
  });
  t.strictSame(werken, nothingIn('werken'), 'the workshop ended in 2024: its theme has nothing in 2025');
  t.strictSame(buurt, nothingIn('buurt'));
});

t.test('the report of one year is that year of the whole report', async (t) => {
  const whole = impactReport(cooperativeId, facts, themes, moment);
  const only2024 = impactReport(cooperativeId, facts, themes, moment, 2024);
  t.strictSame(only2024.years, [whole.years[0]]);
  t.strictSame(only2024.durability, whole.durability, 'durability is over every year, whichever is shown');
  t.strictSame(impactReport(cooperativeId, facts, themes, moment, 2030).years, []);
});

t.test('a line of work ends with its year only when the record says so', async (t) => {
  const line = id(0x50);
  const yearOf = (extra: ImpactFact[]) =>
    impactReport(cooperativeId, [budget(b24, 2024), budget(b25, 2025), submitted(line, 'Buurtkrant', b24, ['meedoen']), granted(line, 1_000), ...extra], themes, moment)
      .years[0]?.all.initiatives;
  t.strictSame(yearOf([]), { active: 1, new: 1, continued: 0, ended: 0 }, 'not completed and not funded again: not (yet) ended');
  t.strictSame(yearOf([{ type: 'closed', initiativeId: line }]), { active: 1, new: 1, continued: 0, ended: 1 }, 'completed and not funded again');
  const agreementFor = (firstYear: number, lastYear: number): ImpactFact => ({ type: 'agreement', agreementId: agreement, initiativeId: line, firstYear, lastYear });
  t.equal(yearOf([agreementFor(2024, 2024)])?.ended, 1, 'its agreement ran its last year');
  t.equal(yearOf([agreementFor(2024, 2025), { type: 'closed', initiativeId: line }])?.ended, 0, "completed, but its agreement runs on: next year's grant may still come");
  t.equal(
    yearOf([agreementFor(2024, 2026), { type: 'reviewed', agreementId: agreement, year: 2025, ended: true }])?.ended,
    1,
    'a review ended its agreement before the next year',
  );
  t.equal(
    yearOf([agreementFor(2024, 2026), { type: 'reviewed', agreementId: agreement, year: 2026, ended: true }])?.ended,
    0,
    'a review that ends it later ends it later',
  );
  const funded2025 = [submitted(id(0x51), 'Buurtkrant 2025', b25, ['meedoen'], 'community-initiative', agreement), granted(id(0x51), 1_000)];
  t.equal(yearOf([agreementFor(2024, 2024), { type: 'closed', initiativeId: line }, ...funded2025])?.ended, 0, 'funded again the next year: it goes on');
});

t.test('an indicator is met in the direction its target sets from the baseline', async (t) => {
  const metWith = (baseline: number, target: number, actual: number) =>
    impactReport(
      cooperativeId,
      [
        budget(b24, 2024),
        { type: 'indicator', initiativeId: taalcafe, indicatorId: deelnemers, name: 'n', unit: 'u', theme: 'leren', baseline: { year: 2023, value: baseline }, targets: [{ year: 2024, value: target }] },
        progress(taalcafe, 2024, participation(0, 0, 0, 0), [{ indicatorId: deelnemers, value: actual }]),
      ],
      themes,
      moment,
    ).years[0]?.all.indicators.entries[0]?.met;
  t.equal(metWith(10, 20, 20), true, 'up: reaching the target exactly');
  t.equal(metWith(10, 20, 19), false, 'up: one short');
  t.equal(metWith(50, 40, 40), true, 'down: reaching the target exactly');
  t.equal(metWith(50, 40, 41), false, 'down: one short');
  t.equal(metWith(10, 10, 10), true, 'a target of holding the baseline, held');
  t.equal(metWith(10, 10, 9), false, 'a target of holding the baseline, fallen below');
});

t.test('an indicator without a target, or without a figure, this year', async (t) => {
  const report = impactReport(
    cooperativeId,
    [
      budget(b24, 2024),
      submitted(taalcafe, 'Taalcafé', b24, ['leren']),
      { type: 'indicator', initiativeId: taalcafe, indicatorId: deelnemers, name: 'n', unit: 'u', theme: 'leren', baseline: { year: 2023, value: 1 }, targets: [{ year: 2024, value: 5 }] },
      { type: 'indicator', initiativeId: id(0x77), indicatorId: eenzameBewoners, name: 'm', unit: 'u', theme: 'leren', baseline: { year: 2023, value: 1 }, targets: [] },
      progress(taalcafe, 2024, participation(0, 0, 0, 0), [{ indicatorId: eenzameBewoners, value: 3 }]),
    ],
    themes,
    moment,
  );
  const indicators = report.years[0]?.all.indicators;
  t.strictSame(
    { withTarget: indicators?.withTarget, reported: indicators?.reported, met: indicators?.met },
    { withTarget: 1, reported: 0, met: 0 },
    'a target with no figure yet is not reported; a figure with no target is no target',
  );
  t.strictSame(
    indicators?.entries.map(({ indicatorId, initiative, target, actual, met }) => ({ indicatorId, initiative, target, actual, met })),
    [
      { indicatorId: deelnemers, initiative: 'Taalcafé', target: 5, actual: null, met: null },
      { indicatorId: eenzameBewoners, initiative: '', target: null, actual: 3, met: null },
    ],
  );
});

t.test('durability over four years: a cohort followed one, two and three years on', async (t) => {
  const [steady, once] = [id(0x61), id(0x62)];
  const grant = (line: string, year: number, cents: number, socialEnterprise = false) => ({ line, year, cents, socialEnterprise });
  const figures = durabilityFigures(
    [grant(steady, 2021, 300), grant(once, 2021, 100), grant(steady, 2022, 200), grant(steady, 2024, 100, true)],
    [{ line: steady, year: 2023, cents: 50 }],
  );
  t.strictSame(figures.cohorts, [
    {
      year: 2021,
      lines: 2,
      stillActive: [
        { after: 1, year: 2022, share: { lines: 1, of: 2, percent: 50 } },
        { after: 2, year: 2023, share: { lines: 0, of: 2, percent: 0 } },
        { after: 3, year: 2024, share: { lines: 1, of: 2, percent: 50 } },
      ],
    },
  ]);
  t.strictSame(figures.funding, [
    { year: 2021, newCents: 400, continuingCents: 0, continuingShare: 0 },
    { year: 2022, newCents: 0, continuingCents: 200, continuingShare: 100 },
    { year: 2024, newCents: 0, continuingCents: 100, continuingShare: 100 },
  ]);
  t.strictSame(figures.socialEnterprises, [
    {
      line: steady,
      years: [
        { year: 2023, ownIncomeCents: 50, grantedCents: 0, ownShare: 100 },
        { year: 2024, ownIncomeCents: 0, grantedCents: 100, ownShare: 0 },
      ],
    },
  ]);
  t.strictSame(durabilityFigures([], []), { cohorts: [], funding: [], socialEnterprises: [] });
});

t.test('a share is rounded half up to a tenth of a percent; nothing of nothing is 0', async (t) => {
  t.equal(percentOf(1, 3), 33.3);
  t.equal(percentOf(2, 3), 66.7);
  t.equal(percentOf(1, 8), 12.5);
  t.equal(percentOf(1, 16), 6.3);
  t.equal(percentOf(3, 3), 100);
  t.equal(percentOf(0, 0), 0);
});

t.test('the report is what the API says it is, and its years and cohorts come in order whatever the order of the facts', async (t) => {
  const report = impactReport(cooperativeId, facts, themes, moment);
  t.strictSame(impactReportSchema.parse(report), report, 'every figure the fold computes is in the published schema');
  const reordered = impactReport(cooperativeId, [budget(b26, 2026), budget(b25, 2025), ...facts.filter((fact) => fact.type !== 'budget'), budget(b24, 2024)], themes, moment);
  t.strictSame(
    reordered.years.map((year) => year.year),
    [2024, 2025, 2026],
  );
  t.strictSame(reordered.durability, report.durability);
  const [early, late] = [id(0x63), id(0x64)];
  const figures = durabilityFigures(
    [
      { line: late, year: 2023, cents: 100, socialEnterprise: true },
      { line: early, year: 2022, cents: 100, socialEnterprise: true },
      { line: early, year: 2021, cents: 100, socialEnterprise: true },
    ],
    [],
  );
  t.strictSame(durabilitySchema.parse(figures), figures);
  t.strictSame(figures.cohorts.map((cohort) => cohort.year), [2021, 2023]);
  t.strictSame(figures.funding.map((entry) => entry.year), [2021, 2022, 2023]);
  t.strictSame(figures.socialEnterprises.map((enterprise) => [enterprise.line, enterprise.years.map((entry) => entry.year)]), [
    [early, [2021, 2022]],
    [late, [2023]],
  ]);
});

t.test("a partner's contribution counts in the financial year whose days hold it, first and last day included", async (t) => {
  const hoursIn = (year: number, on: string) =>
    impactReport(
      cooperativeId,
      [
        { type: 'budget', budgetId: b24, year, firstDay: '2023-07-01', lastDay: '2024-06-30' },
        submitted(taalcafe, 'Taalcafé', b24, ['leren']),
        granted(taalcafe, 1_000),
        { type: 'partner', partnerId: hogeschool, name: 'Hogeschool Rotterdam', kind: 'college' },
        { type: 'partnership', partnershipId: withHogeschool, partnerId: hogeschool, initiativeId: taalcafe },
        { type: 'contribution', partnershipId: withHogeschool, kind: 'hours', quantity: 3, on },
      ],
      themes,
      moment,
    ).years[0]?.all.partners.hours;
  t.equal(hoursIn(2024, '2023-07-01'), 3, 'its first day, in the calendar year before');
  t.equal(hoursIn(2023, '2024-06-30'), 3, 'its last day, in the calendar year after');
  t.equal(hoursIn(2023, '2024-07-01'), 0, 'the day after');
});
