// Durability, measured: a commons or a carousel of projects? A *line of work* is a grant together with the years its
// funding agreements continued it; it is active in a financial year when it holds a grant on that year's budget that
// was not revoked. Per cohort — the lines first funded in a year — the share still active one, two and three years
// on; per year, how much of the money granted went to lines already running rather than to new ones; per social
// enterprise, how much of what it lived on it earned itself. Pure: the durability read model and the annual impact
// report both compute their figures here.
import { z } from 'zod';

/** A grant that stands: its line of work, its budget's financial year, the money granted and the initiative's kind. */
export interface LineGrant {
  readonly line: string;
  readonly year: number;
  readonly cents: number;
  readonly socialEnterprise: boolean;
}

/** A social enterprise's own income in a year, as its latest report of the year says. */
export interface LineIncome {
  readonly line: string;
  readonly year: number;
  readonly cents: number;
}

/** A share as the exact count it is, and rounded to a tenth of a percent for people. */
export const shareSchema = z.object({ lines: z.int(), of: z.int(), percent: z.number() });

export const durabilitySchema = z
  .object({
    cohorts: z.array(
      z.object({
        /** The financial year the cohort's lines were first funded in. */
        year: z.int(),
        lines: z.int(),
        /** Still active one, two and three years on (a later year not yet reached is left out). */
        stillActive: z.array(z.object({ after: z.int().min(1).max(3), year: z.int(), share: shareSchema })),
      }),
    ),
    funding: z.array(z.object({ year: z.int(), newCents: z.int(), continuingCents: z.int(), continuingShare: z.number() })),
    /** Per social enterprise's line and year: its own income beside its grants, and the share that is its own. */
    socialEnterprises: z.array(
      z.object({ line: z.uuid(), years: z.array(z.object({ year: z.int(), ownIncomeCents: z.int(), grantedCents: z.int(), ownShare: z.number() })) }),
    ),
  })
  .meta({ id: 'Durability', description: 'Per cohort of lines of work, the share still funded in later years; per year, money to new and to continuing lines' });
export type Durability = z.infer<typeof durabilitySchema>;

/** `part` of `whole` in percent, rounded half up to a tenth; 0 of nothing is 0. */
export const percentOf = (part: number, whole: number): number => (whole === 0 ? 0 : Math.round((1000 * part) / whole) / 10);

const sumOf = (amounts: readonly { readonly cents: number }[]) => amounts.reduce((total, amount) => total + amount.cents, 0);

/** The durability figures of these grants and incomes, up to the last financial year anything was granted in. */
export function durabilityFigures(grants: readonly LineGrant[], income: readonly LineIncome[]): Durability {
  const yearsOf = new Map<string, Set<number>>();
  for (const grant of grants) yearsOf.set(grant.line, (yearsOf.get(grant.line) ?? new Set()).add(grant.year));
  const firstYearOf = new Map([...yearsOf].map(([line, years]) => [line, Math.min(...years)]));
  const lastYear = Math.max(...grants.map((grant) => grant.year));
  const cohorts = [...new Set(firstYearOf.values())]
    .sort((a, b) => a - b)
    .map((year) => {
      const lines = [...firstYearOf].filter(([, first]) => first === year).map(([line]) => line);
      const stillActive = [1, 2, 3]
        .filter((after) => year + after <= lastYear)
        .map((after) => {
          const active = lines.filter((line) => yearsOf.get(line)?.has(year + after)).length;
          return { after, year: year + after, share: { lines: active, of: lines.length, percent: percentOf(active, lines.length) } };
        });
      return { year, lines: lines.length, stillActive };
    });
  const funding = [...new Set(grants.map((grant) => grant.year))]
    .sort((a, b) => a - b)
    .map((year) => {
      const ofYear = grants.filter((grant) => grant.year === year);
      const continuingCents = sumOf(ofYear.filter((grant) => (firstYearOf.get(grant.line) ?? year) < year));
      const newCents = sumOf(ofYear) - continuingCents;
      return { year, newCents, continuingCents, continuingShare: percentOf(continuingCents, newCents + continuingCents) };
    });
  return { cohorts, funding, socialEnterprises: socialEnterprisesOf(grants, income) };
}

/** Each social enterprise's line, year by year: what it earned itself beside what it was granted. */
function socialEnterprisesOf(grants: readonly LineGrant[], income: readonly LineIncome[]): Durability['socialEnterprises'] {
  const granted = grants.filter((grant) => grant.socialEnterprise);
  const lines = [...new Set([...granted, ...income].map((entry) => entry.line))].sort();
  return lines.map((line) => {
    const ofLine = (entries: readonly LineIncome[], year: number) => entries.filter((entry) => entry.line === line && entry.year === year);
    const years = [...new Set([...granted, ...income].filter((entry) => entry.line === line).map((entry) => entry.year))].sort((a, b) => a - b);
    return {
      line,
      years: years.map((year) => {
        const ownIncomeCents = sumOf(ofLine(income, year));
        const grantedCents = sumOf(ofLine(granted, year));
        return { year, ownIncomeCents, grantedCents, ownShare: percentOf(ownIncomeCents, ownIncomeCents + grantedCents) };
      }),
    };
  });
}
