// The durability figures on cohorts computed by hand. Four lines of work over 2027–2029:
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
import { FundingAgreementMade, FundingApproved, FundingRevoked, InitiativeSubmitted, ProgressReported, initiativeEvents } from '@meent/initiative-funding/events';
import { projectionSpecification } from '@meent/eventsourcing/testing';
import { durabilityOf, durabilityProjection } from '../../services/initiative-funding/src/projections/durability.projection.js';
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

t.test('cohorts of lines of work, and the money to new and to continuing lines', async (t) => {
  const spec = projectionSpecification(t, durabilityProjection, [...initiativeEvents, ...budgetContextEvents]).given(...history);
  await spec.then((reader, tables) => durabilityOf(reader, tables, cooperativeId), {
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
  });
  await spec.then((reader, tables) => durabilityOf(reader, tables, id(777)), { cohorts: [], funding: [], socialEnterprises: [] }, 'a cooperative with no grants');
});
