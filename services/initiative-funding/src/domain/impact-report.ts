// The annual impact report — the *jaarverslag* an assembly reads next to the accounts: per financial year and theme,
// the money granted and paid, the lines of work that were new, continued and ended, indicators against their targets,
// the participation counted, what partners brought, and the durability figures. Pure: a fold over the cooperative's
// facts up to a moment, so the report as of any date or log position is the same fold over fewer facts.
import type { EventOf } from '@meent/eventsourcing';
import { z } from 'zod';
import { durabilityFigures, durabilitySchema, percentOf, shareSchema, type LineGrant } from './durability.js';
import type { INITIATIVE_KINDS, IndicatorDefined, ProgressReported } from './initiative.events.js';
import type { CONTRIBUTION_KINDS, PARTNER_KINDS } from './partner.events.js';

type IndicatorData = EventOf<typeof IndicatorDefined>['data'];
type ProgressData = EventOf<typeof ProgressReported>['data'];
export type Participation = ProgressData['participation'];

/**
 * What the report needs of each event, and nothing more: no applicant, no description, no person — so the report's
 * read model holds no personal data to forget.
 */
export type ImpactFact =
  | { readonly type: 'budget'; readonly budgetId: string; readonly year: number; readonly firstDay: string; readonly lastDay: string }
  | {
      readonly type: 'submitted';
      readonly initiativeId: string;
      readonly title: string;
      readonly budgetId: string;
      readonly themes: readonly string[];
      readonly kind: (typeof INITIATIVE_KINDS)[number];
      readonly agreementId: string | null;
    }
  | { readonly type: 'granted'; readonly initiativeId: string; readonly cents: number }
  | { readonly type: 'revoked'; readonly initiativeId: string }
  | { readonly type: 'disbursed'; readonly initiativeId: string; readonly cents: number }
  /** Completed with its final report, or withdrawn: the year's work is over. */
  | { readonly type: 'closed'; readonly initiativeId: string }
  | { readonly type: 'agreement'; readonly agreementId: string; readonly initiativeId: string; readonly firstYear: number; readonly lastYear: number }
  | { readonly type: 'reviewed'; readonly agreementId: string; readonly year: number; readonly ended: boolean }
  | ({ readonly type: 'indicator' } & Pick<IndicatorData, 'initiativeId' | 'indicatorId' | 'name' | 'unit' | 'theme' | 'baseline' | 'targets'>)
  | ({ readonly type: 'progress' } & Pick<ProgressData, 'initiativeId' | 'year' | 'actuals' | 'participation' | 'ownIncomeCents'>)
  | { readonly type: 'partner'; readonly partnerId: string; readonly name: string; readonly kind: (typeof PARTNER_KINDS)[number] }
  | { readonly type: 'partnership'; readonly partnershipId: string; readonly partnerId: string; readonly initiativeId: string }
  | {
      readonly type: 'contribution';
      readonly partnershipId: string;
      readonly kind: (typeof CONTRIBUTION_KINDS)[number];
      readonly quantity: number | null;
      readonly on: string;
    };

const count = z.int().nonnegative();

const participationSchema = z.object({ residentsReached: count, volunteers: count, volunteerHours: count, intoWorkOrTraining: count });

const contributionTotalsSchema = z.object({
  hours: count,
  coFundingCents: count,
  /** Occasions expertise was brought, and space given. */
  expertise: count,
  space: count,
});

export const impactRowSchema = z
  .object({
    /** The theme's code; null for the row of all themes, where an initiative with several themes counts once. */
    theme: z.string().nullable(),
    money: z.object({ grantedCents: count, paidCents: count }),
    initiatives: z.object({ active: count, new: count, continued: count, ended: count }),
    durability: z.object({
      newCents: count,
      continuingCents: count,
      continuingShare: z.number(),
      /** Of the lines first funded one, two and three years before, the share active this year. */
      retention: z.array(z.object({ cohortYear: z.int(), after: z.int().min(1).max(3), share: shareSchema })),
    }),
    socialEnterprises: z.object({ ownIncomeCents: count, grantedCents: count, ownShare: z.number() }),
    indicators: z.object({
      withTarget: count,
      /** With a target and an actual value this year. */
      reported: count,
      met: count,
      entries: z.array(
        z.object({
          initiativeId: z.uuid(),
          initiative: z.string(),
          indicatorId: z.uuid(),
          name: z.string(),
          unit: z.string(),
          baseline: z.object({ year: z.int(), value: count }),
          target: count.nullable(),
          actual: count.nullable(),
          /** Whether the actual reached the target in the target's direction from the baseline; null without both. */
          met: z.boolean().nullable(),
        }),
      ),
    }),
    participation: participationSchema,
    partners: contributionTotalsSchema.extend({
      byPartner: z.array(contributionTotalsSchema.extend({ partnerId: z.uuid(), name: z.string(), kind: z.string() })),
    }),
  })
  .meta({ id: 'ImpactRow', description: "One theme's figures (or all themes') in one financial year" });
export type ImpactRow = z.infer<typeof impactRowSchema>;

export const impactReportSchema = z
  .object({
    cooperativeId: z.uuid(),
    /** The moment asked for: recorded up to the end of this date or this instant; null for now. */
    asOf: z.string().nullable(),
    asOfPosition: z.int().nullable(),
    /** The last position in the event log the report includes: asked for again with it, the report is the same. */
    position: z.int().nonnegative(),
    themes: z.array(z.object({ code: z.string(), nl: z.string(), en: z.string() })),
    years: z.array(
      z.object({ year: z.int(), firstDay: z.iso.date(), lastDay: z.iso.date(), all: impactRowSchema, themes: z.array(impactRowSchema) }),
    ),
    /** The cooperative's durability figures over every year, as of the same moment. */
    durability: durabilitySchema,
  })
  .meta({ id: 'ImpactReport', description: 'The annual impact report: per financial year and theme, money, lines of work, outcomes, partners and durability' });
export type ImpactReport = z.infer<typeof impactReportSchema>;

interface Grant {
  readonly initiativeId: string;
  readonly title: string;
  readonly budgetId: string;
  readonly themes: readonly string[];
  readonly socialEnterprise: boolean;
  readonly line: string;
  /** What stands granted: null before the grant, and after it was revoked. */
  grantedCents: number | null;
  paidCents: number;
  closed: boolean;
}

interface Agreement {
  readonly line: string;
  readonly lastYear: number;
  decidedUpTo: number;
  endedByReview: boolean;
}

type IndicatorFact = Extract<ImpactFact, { type: 'indicator' }>;

/** The cooperative's facts folded: what each figure is computed from. */
class ImpactRecord {
  readonly budgets = new Map<string, Extract<ImpactFact, { type: 'budget' }>>();
  readonly grants = new Map<string, Grant>();
  readonly agreements = new Map<string, Agreement>();
  readonly indicators = new Map<string, IndicatorFact>();
  /** The latest report's figures, by initiative or indicator and year. */
  readonly actuals = new Map<string, number>();
  readonly participation = new Map<string, Participation>();
  readonly income = new Map<string, number>();
  readonly partners = new Map<string, Extract<ImpactFact, { type: 'partner' }>>();
  readonly partnerships = new Map<string, Extract<ImpactFact, { type: 'partnership' }>>();
  readonly contributions: Extract<ImpactFact, { type: 'contribution' }>[] = [];

  apply(fact: ImpactFact): void {
    switch (fact.type) {
      case 'budget':
        this.budgets.set(fact.budgetId, fact);
        return;
      case 'submitted': {
        // A continued year's grant carries on the line of its agreement's first grant.
        const line = (fact.agreementId && this.agreements.get(fact.agreementId)?.line) ?? fact.initiativeId;
        const { initiativeId, title, budgetId, themes } = fact;
        this.grants.set(initiativeId, { initiativeId, title, budgetId, themes, socialEnterprise: fact.kind === 'social-enterprise', line, grantedCents: null, paidCents: 0, closed: false });
        return;
      }
      case 'granted':
        this.withGrant(fact.initiativeId, (grant) => (grant.grantedCents = fact.cents));
        return;
      case 'revoked':
        this.withGrant(fact.initiativeId, (grant) => (grant.grantedCents = null));
        return;
      case 'disbursed':
        this.withGrant(fact.initiativeId, (grant) => (grant.paidCents += fact.cents));
        return;
      case 'closed':
        this.withGrant(fact.initiativeId, (grant) => (grant.closed = true));
        return;
      case 'agreement': {
        const line = this.grants.get(fact.initiativeId)?.line ?? fact.initiativeId;
        this.agreements.set(fact.agreementId, { line, lastYear: fact.lastYear, decidedUpTo: fact.firstYear, endedByReview: false });
        return;
      }
      case 'reviewed': {
        const agreement = this.agreements.get(fact.agreementId);
        if (!agreement) return;
        agreement.decidedUpTo = fact.year;
        agreement.endedByReview = fact.ended;
        return;
      }
      case 'indicator':
        this.indicators.set(fact.indicatorId, fact);
        return;
      case 'progress':
        for (const actual of fact.actuals) this.actuals.set(`${actual.indicatorId}|${fact.year}`, actual.value);
        this.participation.set(`${fact.initiativeId}|${fact.year}`, fact.participation);
        if (fact.ownIncomeCents !== null) this.income.set(`${fact.initiativeId}|${fact.year}`, fact.ownIncomeCents);
        return;
      case 'partner':
        this.partners.set(fact.partnerId, fact);
        return;
      case 'partnership':
        this.partnerships.set(fact.partnershipId, fact);
        return;
      case 'contribution':
        this.contributions.push(fact);
        return;
    }
  }

  private withGrant(initiativeId: string, change: (grant: Grant) => void): void {
    const grant = this.grants.get(initiativeId);
    if (grant) change(grant);
  }

  yearOf(grant: Grant): number | undefined {
    return this.budgets.get(grant.budgetId)?.year;
  }

  /** The financial year a day falls in: the budget whose period holds it, else the calendar year. */
  financialYearOf(day: string): number {
    for (const budget of this.budgets.values()) if (budget.firstDay <= day && day <= budget.lastDay) return budget.year;
    return Number(day.slice(0, 4));
  }

  /** Grants that stand, with their financial year, under the theme (any theme for null). */
  standingGrants(theme: string | null): (Grant & { readonly year: number })[] {
    const standing: (Grant & { readonly year: number })[] = [];
    for (const grant of this.grants.values()) {
      const year = this.yearOf(grant);
      if (grant.grantedCents === null || year === undefined || (theme !== null && !grant.themes.includes(theme))) continue;
      standing.push({ ...grant, year });
    }
    return standing;
  }

  /**
   * Whether a line funded in `year` and not the year after has ended with it, on the record: a review ended its
   * agreement for the next year, its agreement ran its last year, or — with no agreement running — that year's work
   * was completed or withdrawn.
   */
  endedIn(line: string, year: number, grantsOfYear: readonly Grant[]): boolean {
    const agreements = [...this.agreements.values()].filter((agreement) => agreement.line === line);
    if (agreements.some((agreement) => agreement.endedByReview && agreement.decidedUpTo === year + 1)) return true;
    if (agreements.some((agreement) => !agreement.endedByReview && agreement.lastYear === year && agreement.decidedUpTo === year)) return true;
    const running = agreements.some((agreement) => !agreement.endedByReview && agreement.decidedUpTo < agreement.lastYear);
    return !running && grantsOfYear.length > 0 && grantsOfYear.every((grant) => grant.closed);
  }
}

const byYear = (key: string) => Number(key.slice(key.lastIndexOf('|') + 1));

export interface ReportMoment {
  readonly asOf: string | null;
  readonly asOfPosition: number | null;
  readonly position: number;
}

/** The report of the cooperative's facts (in log order) for each of its financial years, or only `onlyYear`. */
export function impactReport(
  cooperativeId: string,
  facts: readonly ImpactFact[],
  themes: readonly { code: string; nl: string; en: string }[],
  moment: ReportMoment,
  onlyYear?: number,
): ImpactReport {
  const record = new ImpactRecord();
  for (const fact of facts) record.apply(fact);
  const used = new Set([...record.grants.values()].flatMap((grant) => grant.themes));
  const named = [...themes, ...[...used].filter((code) => !themes.some((theme) => theme.code === code)).map((code) => ({ code, nl: code, en: code }))];
  // Each theme's grants and durability figures are the same whatever the year: worked out once, read per year.
  const all = themeView(record, null);
  const views = named.map((theme) => themeView(record, theme.code));
  const years = [...record.budgets.values()]
    .filter((budget) => onlyYear === undefined || budget.year === onlyYear)
    .sort((a, b) => a.year - b.year)
    .map(({ year, firstDay, lastDay }) => ({
      year,
      firstDay,
      lastDay,
      all: rowOf(record, year, all, all),
      themes: views.map((view) => rowOf(record, year, view, all)),
    }));
  return { cooperativeId, ...moment, themes: named, years, durability: all.durability };
}

/** A theme's standing grants (every theme's for null), the first year of each of its lines, and its durability figures. */
interface ThemeView {
  readonly theme: string | null;
  readonly standing: readonly (Grant & { readonly year: number })[];
  readonly firstYearOf: ReadonlyMap<string, number>;
  readonly durability: ImpactReport['durability'];
}

function themeView(record: ImpactRecord, theme: string | null): ThemeView {
  const standing = record.standingGrants(theme);
  const firstYearOf = new Map<string, number>();
  for (const grant of standing) firstYearOf.set(grant.line, Math.min(grant.year, firstYearOf.get(grant.line) ?? grant.year));
  const grants: LineGrant[] = standing.map((grant) => ({ line: grant.line, year: grant.year, cents: grant.grantedCents ?? 0, socialEnterprise: grant.socialEnterprise }));
  const incomes = [...record.income].flatMap(([key, cents]) => {
    const grant = record.grants.get(key.slice(0, key.indexOf('|')));
    return grant?.socialEnterprise && (theme === null || grant.themes.includes(theme)) ? [{ line: grant.line, year: byYear(key), cents }] : [];
  });
  return { theme, standing, firstYearOf, durability: durabilityFigures(grants, incomes) };
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/** One theme's row (all themes' for `all` itself) in one year; `all` says which lines go on the year after. */
function rowOf(record: ImpactRecord, year: number, view: ThemeView, all: ThemeView): ImpactRow {
  const { theme, durability } = view;
  const ofYear = view.standing.filter((grant) => grant.year === year);
  const lines = [...new Set(ofYear.map((grant) => grant.line))];
  const fundedNextYear = new Set(all.standing.filter((grant) => grant.year === year + 1).map((grant) => grant.line));
  const ended = lines.filter(
    (line) => !fundedNextYear.has(line) && record.endedIn(line, year, ofYear.filter((grant) => grant.line === line)),
  ).length;
  const newLines = lines.filter((line) => view.firstYearOf.get(line) === year).length;
  const funding = durability.funding.find((entry) => entry.year === year) ?? { newCents: 0, continuingCents: 0, continuingShare: 0 };
  const retention = durability.cohorts.flatMap((cohort) =>
    cohort.stillActive.filter((entry) => entry.year === year).map((entry) => ({ cohortYear: cohort.year, after: entry.after, share: entry.share })),
  );
  const enterprises = durability.socialEnterprises.flatMap((enterprise) => enterprise.years.filter((entry) => entry.year === year));
  const ownIncomeCents = sum(enterprises.map((entry) => entry.ownIncomeCents));
  const enterpriseGrantsCents = sum(enterprises.map((entry) => entry.grantedCents));
  return {
    theme,
    money: { grantedCents: sum(ofYear.map((grant) => grant.grantedCents ?? 0)), paidCents: sum(ofYear.map((grant) => grant.paidCents)) },
    initiatives: { active: lines.length, new: newLines, continued: lines.length - newLines, ended },
    durability: { newCents: funding.newCents, continuingCents: funding.continuingCents, continuingShare: funding.continuingShare, retention },
    socialEnterprises: { ownIncomeCents, grantedCents: enterpriseGrantsCents, ownShare: percentOf(ownIncomeCents, ownIncomeCents + enterpriseGrantsCents) },
    indicators: indicatorsOf(record, year, theme),
    participation: participationOf(record, year, theme),
    partners: partnersOf(record, year, theme),
  };
}

const underTheme = (grant: Grant | undefined, theme: string | null) => grant !== undefined && (theme === null || grant.themes.includes(theme));

function indicatorsOf(record: ImpactRecord, year: number, theme: string | null): ImpactRow['indicators'] {
  const entries = [...record.indicators.values()]
    .filter((indicator) => theme === null || indicator.theme === theme)
    .flatMap((indicator) => {
      const target = indicator.targets.find((entry) => entry.year === year)?.value ?? null;
      const actual = record.actuals.get(`${indicator.indicatorId}|${year}`) ?? null;
      if (target === null && actual === null) return [];
      const grant = record.grants.get(indicator.initiativeId);
      const { initiativeId, indicatorId, name, unit, baseline } = indicator;
      return [{ initiativeId, initiative: grant?.title ?? '', indicatorId, name, unit, baseline: { ...baseline }, target, actual, met: metTarget(baseline.value, target, actual) }];
    });
  const withTarget = entries.filter((entry) => entry.target !== null);
  return {
    withTarget: withTarget.length,
    reported: withTarget.filter((entry) => entry.actual !== null).length,
    met: entries.filter((entry) => entry.met === true).length,
    entries,
  };
}

/** A target above the baseline is met at or above it; one below the baseline (fewer lonely residents) at or below it. */
function metTarget(baseline: number, target: number | null, actual: number | null): boolean | null {
  if (target === null || actual === null) return null;
  return target >= baseline ? actual >= target : actual <= target;
}

function participationOf(record: ImpactRecord, year: number, theme: string | null): Participation {
  const counted = [...record.participation]
    .filter(([key]) => byYear(key) === year && underTheme(record.grants.get(key.slice(0, key.indexOf('|'))), theme))
    .map(([, participation]) => participation);
  return {
    residentsReached: sum(counted.map((entry) => entry.residentsReached)),
    volunteers: sum(counted.map((entry) => entry.volunteers)),
    volunteerHours: sum(counted.map((entry) => entry.volunteerHours)),
    intoWorkOrTraining: sum(counted.map((entry) => entry.intoWorkOrTraining)),
  };
}

function partnersOf(record: ImpactRecord, year: number, theme: string | null): ImpactRow['partners'] {
  const totals = new Map<string, { hours: number; coFundingCents: number; expertise: number; space: number }>();
  for (const contribution of record.contributions) {
    const partnership = record.partnerships.get(contribution.partnershipId);
    if (!partnership || record.financialYearOf(contribution.on) !== year || !underTheme(record.grants.get(partnership.initiativeId), theme)) continue;
    const total = totals.get(partnership.partnerId) ?? { hours: 0, coFundingCents: 0, expertise: 0, space: 0 };
    if (contribution.kind === 'hours') total.hours += contribution.quantity ?? 0;
    else if (contribution.kind === 'co-funding') total.coFundingCents += contribution.quantity ?? 0;
    else total[contribution.kind] += 1;
    totals.set(partnership.partnerId, total);
  }
  const byPartner = [...totals]
    .map(([partnerId, total]) => ({ partnerId, name: record.partners.get(partnerId)?.name ?? '', kind: record.partners.get(partnerId)?.kind ?? 'other', ...total }))
    .sort((a, b) => a.name.localeCompare(b.name, 'nl'));
  return {
    hours: sum(byPartner.map((partner) => partner.hours)),
    coFundingCents: sum(byPartner.map((partner) => partner.coFundingCents)),
    expertise: sum(byPartner.map((partner) => partner.expertise)),
    space: sum(byPartner.map((partner) => partner.space)),
    byPartner,
  };
}
