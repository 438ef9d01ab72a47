// The durability figures on cohorts computed by hand, from the durability read model and from the annual impact
// report's, which also counts the lines new, continued and ended each year. Four lines of work over 2027–2029:
//   A  granted 2027, continued 2028 and 2029 under its agreement           active 2027, 2028, 2029
//   B  granted 2027, its agreement ended at the 2028 review                 active 2027
//   C  granted 2027, its first agreement ended; a second restarts it 2029  active 2027, 2029
//   D  granted 2028, a social enterprise earning 40 of its own that year   active 2028 (and 90 of its own in 2029)
// plus E, submitted in 2028 and never granted, and F, granted 2029 and revoked by a new vote: neither counts.
// Cohort 2027 (A, B, C): one year on 1 of 3 (A), two years on 2 of 3 (A, C). Cohort 2028 (D): a year on 0 of 1.
// Money: 2027 all new (A 100, B 50, C 80 = 230); 2028 new D 60 and continuing A 100; 2029 continuing A 100 and C 80.
// D's own share: 2028 40 of 100 (its later report of the year replaces the first, of 20); 2029 all its own.
import t from 'tap';
import { budgetContextEvents, BudgetDrafted } from '@meent/budget/events';
import { recorded } from '@meent/eventsourcing/testing';
import { ContinuationReviewed, FundingAgreementMade, FundingApproved, FundingRevoked, InitiativeSubmitted, ProgressReported, initiativeEvents } from '@meent/initiative-funding/events';
import { projectionSpecification } from '@meent/eventsourcing/testing';
import { impactReport } from '../../services/initiative-funding/src/domain/impact-report.js';
import { durabilityOf, durabilityProjection } from '../../services/initiative-funding/src/projections/durability.projection.js';
import { impactFactsOf, impactProjection } from '../../services/initiative-funding/src/projections/impact.projection.js';
import { applicantId, at, cooperativeId, otherCooperativeId } from './fixtures.js';

const id = (n: number) => `0193a6f0-0000-7000-8000-${String(n).padStart(12, '0')}`;
const budgets = { 2027: id(901), 2028: id(902), 2029: id(903) } as const;
type Year = keyof typeof budgets;
const inCooperative = (day: string, cooperative = cooperativeId) => ({ at: at(day), cooperativeId: cooperative });

const drafted = (year: Year) =>
  recorded(
    `budget-${budgets[year]}`,
    BudgetDrafted({ budgetId: budgets[year], cooperativeId, financialYear: year, period: { firstDay: `${year}-01-01`, lastDay: `${year}-12-31` }, title: `Begroting ${year}`, draftedAt: at(`${year - 1}-11-01`) }),
    inCooperative(`${year - 1}-11-01`),
  );

/** A grant on a year's budget: submitted (within an agreement's line when named) and, unless left out, approved. */
function grant(
  initiativeId: string,
  year: Year,
  euros: number,
  options: { agreementId?: string; granted?: boolean; cooperative?: string; kind?: 'community-initiative' | 'social-enterprise' } = {},
) {
  const cooperative = options.cooperative ?? cooperativeId;
  const submitted = recorded(
    `initiative-${initiativeId}`,
    InitiativeSubmitted({
      initiativeId,
      cooperativeId: cooperative,
      applicant: { kind: 'member', memberId: applicantId },
      submittedBy: applicantId,
      title: `Initiatief ${initiativeId.slice(-3)}`,
      description: 'Voor de buurt',
      requestedCents: euros * 100,
      budgetId: budgets[year],
      lineCode: '4100',
      tranches: [{ amountCents: euros * 100, milestone: 'Klaar' }],
      themes: ['meedoen'],
      kind: options.kind ?? 'community-initiative',
      ...(options.agreementId ? { agreement: { agreementId: options.agreementId, year } } : {}),
      submittedAt: at(`${year}-01-10`),
    }),
    inCooperative(`${year}-01-10`, cooperative),
  );
  if (options.granted === false) return [submitted];
  const approved = recorded(
    `initiative-${initiativeId}`,
    FundingApproved({ initiativeId, cooperativeId: cooperative, amountCents: euros * 100, budgetId: budgets[year], lineCode: '4100', decidedBy: { kind: 'board', boardMembers: [id(999)] }, approvedAt: at(`${year}-01-20`) }),
    inCooperative(`${year}-01-20`, cooperative),
  );
  return [submitted, approved];
}
const agreement = (agreementId: string, initiativeId: string, firstYear: Year) =>
  recorded(
    `funding_agreement-${agreementId}`,
    FundingAgreementMade({ agreementId, cooperativeId, initiativeId, firstYear, lastYear: 2029, yearlyCents: 10_000, madeBy: [id(999)], madeAt: at(`${firstYear}-02-01`) }),
    inCooperative(`${firstYear}-02-01`),
  );

const [a, b, c, d, e, f] = [id(1), id(2), id(3), id(4), id(5), id(6)];
const ownIncome = (year: number, euros: number, reportId: string) =>
  recorded(
    `initiative-${d}`,
    ProgressReported({
      initiativeId: d,
      reportId,
      year,
      actuals: [],
      participation: { residentsReached: 0, volunteers: 0, volunteerHours: 0, intoWorkOrTraining: 0 },
      ownIncomeCents: euros * 100,
      trancheNumber: null,
      reportedBy: applicantId,
      reportedAt: at(`${year}-06-01`),
    }),
    inCooperative(`${year}-06-01`),
  );
const history = [
  drafted(2027),
  drafted(2028),
  drafted(2029),
  ...grant(a, 2027, 100),
  ...grant(b, 2027, 50),
  ...grant(c, 2027, 80),
  agreement(id(11), a, 2027),
  agreement(id(12), b, 2027),
  agreement(id(13), c, 2027),
  ...grant(id(21), 2028, 100, { agreementId: id(11) }),
  ...grant(d, 2028, 60, { kind: 'social-enterprise' }),
  ownIncome(2028, 20, id(41)),
  ownIncome(2028, 40, id(42)),
  ownIncome(2029, 90, id(43)),
  ...grant(e, 2028, 70, { granted: false }),
  // C restarts: a second agreement on its first grant, whose first review continues it into 2029.
  agreement(id(14), c, 2028),
  ...grant(id(22), 2029, 100, { agreementId: id(11) }),
  ...grant(id(23), 2029, 80, { agreementId: id(14) }),
  ...grant(f, 2029, 40),
  recorded(
    `initiative-${f}`,
    FundingRevoked({ initiativeId: f, cooperativeId, budgetId: budgets[2029], reservationId: null, motionId: id(998), round: 2, revokedAt: at('2029-03-01') }),
    inCooperative('2029-03-01'),
  ),
  // Another cooperative's grant counts only there.
  ...grant(id(31), 2027, 500, { cooperative: otherCooperativeId }),
];

const expectedDurability = {
  cohorts: [
    {
      year: 2027,
      lines: 3,
      stillActive: [
        { after: 1, year: 2028, share: { lines: 1, of: 3, percent: 33.3 } },
        { after: 2, year: 2029, share: { lines: 2, of: 3, percent: 66.7 } },
      ],
    },
    { year: 2028, lines: 1, stillActive: [{ after: 1, year: 2029, share: { lines: 0, of: 1, percent: 0 } }] },
  ],
  funding: [
    { year: 2027, newCents: 23_000, continuingCents: 0, continuingShare: 0 },
    { year: 2028, newCents: 6_000, continuingCents: 10_000, continuingShare: 62.5 },
    { year: 2029, newCents: 0, continuingCents: 18_000, continuingShare: 100 },
  ],
  socialEnterprises: [
    {
      line: d,
      years: [
        { year: 2028, ownIncomeCents: 4_000, grantedCents: 6_000, ownShare: 40 },
        { year: 2029, ownIncomeCents: 9_000, grantedCents: 0, ownShare: 100 },
      ],
    },
  ],
};

t.test('cohorts of lines of work, and the money to new and to continuing lines', async (t) => {
  const spec = projectionSpecification(t, durabilityProjection, [...initiativeEvents, ...budgetContextEvents]).given(...history);
  await spec.then((reader, tables) => durabilityOf(reader, tables, cooperativeId), expectedDurability);
  await spec.then((reader, tables) => durabilityOf(reader, tables, id(777)), { cohorts: [], funding: [], socialEnterprises: [] }, 'a cooperative with no grants');
});

const reviewed = (agreementId: string, year: Year, outcome: 'continued' | 'ended') =>
  recorded(
    `funding_agreement-${agreementId}`,
    ContinuationReviewed({
      agreementId,
      year,
      outcome,
      yearlyCents: outcome === 'ended' ? null : 10_000,
      reason: outcome === 'ended' ? 'Klaar' : 'Loopt',
      reviewedBy: [id(999)],
      grant: null,
      reviewedAt: at(`${year}-01-05`),
    }),
    inCooperative(`${year}-01-05`),
  );

// The reviews behind the years above: A continued to its last year, 2029; B and C ended for 2028; C's second
// agreement (first year 2028) continued it into 2029, its last. So in the report: 2027 three new lines, B and C ended
// with it; 2028 A continued, D new, neither ended (D has no agreement and its work is not closed); 2029 A and C —
// C counts as continued, funded before — and both ended, their agreements having run their last year.
const reviews = [reviewed(id(11), 2028, 'continued'), reviewed(id(12), 2028, 'ended'), reviewed(id(13), 2028, 'ended'), reviewed(id(11), 2029, 'continued'), reviewed(id(14), 2029, 'continued')];

t.test('the annual impact report over the same years: lines new, continued and ended, one ending and one restarting', async (t) => {
  const spec = projectionSpecification(t, impactProjection, [...initiativeEvents, ...budgetContextEvents]).given(...history, ...reviews);
  const reportOf = (cooperative: string) => async (reader: Parameters<typeof impactFactsOf>[0], tables: Parameters<typeof impactFactsOf>[1]) => {
    const { facts, position } = await impactFactsOf(reader, tables, cooperative, {});
    const report = impactReport(cooperative, facts, [{ code: 'meedoen', nl: 'Meedoen', en: 'Taking part' }], { asOf: null, asOfPosition: null, position });
    return report.years.map((year) => ({ year: year.year, grantedCents: year.all.money.grantedCents, initiatives: year.all.initiatives }));
  };
  await spec.then(reportOf(cooperativeId), [
    { year: 2027, grantedCents: 23_000, initiatives: { active: 3, new: 3, continued: 0, ended: 2 } },
    { year: 2028, grantedCents: 16_000, initiatives: { active: 2, new: 1, continued: 1, ended: 0 } },
    { year: 2029, grantedCents: 18_000, initiatives: { active: 2, new: 0, continued: 2, ended: 2 } },
  ]);
  await spec.then(reportOf(otherCooperativeId), [], "another cooperative's grant on no budget of its own: no years");
  await spec.then(
    async (reader, tables) => {
      const { facts, position } = await impactFactsOf(reader, tables, cooperativeId, {});
      return impactReport(cooperativeId, facts, [], { asOf: null, asOfPosition: null, position }).durability;
    },
    expectedDurability,
    'the report holds the same durability figures as the durability read model',
  );
});
