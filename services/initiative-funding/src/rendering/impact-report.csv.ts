// The annual impact report as CSV for a treasurer's spreadsheet: one row per financial year and theme, and a row for
// all themes (`all`), where an initiative with several themes counts once. Money in cents and counts as whole numbers,
// so the sheet's sums are exact; a share is given by its two counts, never as a fraction a spreadsheet reads as a date.
import { CsvTable, UTF8_BOM, type CsvOptions } from '@meent/http';
import type { ImpactReport, ImpactRow } from '../domain/impact-report.js';

const COLUMNS = [
  'year',
  'theme',
  'granted_cents',
  'paid_cents',
  'lines_active',
  'lines_new',
  'lines_continued',
  'lines_ended',
  'new_lines_cents',
  'continuing_lines_cents',
  'continuing_share_percent',
  'cohort_1y_active',
  'cohort_1y_lines',
  'cohort_2y_active',
  'cohort_2y_lines',
  'cohort_3y_active',
  'cohort_3y_lines',
  'indicators_with_target',
  'indicators_reported',
  'indicators_met',
  'residents_reached',
  'volunteers',
  'volunteer_hours',
  'into_work_or_training',
  'partners',
  'partner_hours',
  'partner_co_funding_cents',
  'partner_expertise',
  'partner_space',
  'social_enterprise_own_income_cents',
  'social_enterprise_granted_cents',
  'social_enterprise_own_share_percent',
] as const;

function cells(year: number, row: ImpactRow): (string | number | null)[] {
  const retention = [1, 2, 3].flatMap((after) => {
    const share = row.durability.retention.find((entry) => entry.after === after)?.share;
    return share ? [share.lines, share.of] : [null, null];
  });
  return [
    year,
    row.theme ?? 'all',
    row.money.grantedCents,
    row.money.paidCents,
    row.initiatives.active,
    row.initiatives.new,
    row.initiatives.continued,
    row.initiatives.ended,
    row.durability.newCents,
    row.durability.continuingCents,
    row.durability.continuingShare,
    ...retention,
    row.indicators.withTarget,
    row.indicators.reported,
    row.indicators.met,
    row.participation.residentsReached,
    row.participation.volunteers,
    row.participation.volunteerHours,
    row.participation.intoWorkOrTraining,
    row.partners.byPartner.length,
    row.partners.hours,
    row.partners.coFundingCents,
    row.partners.expertise,
    row.partners.space,
    row.socialEnterprises.ownIncomeCents,
    row.socialEnterprises.grantedCents,
    row.socialEnterprises.ownShare,
  ];
}

export function impactReportCsv(report: ImpactReport, options?: CsvOptions): string {
  const table = new CsvTable(COLUMNS, options);
  const lines = [UTF8_BOM, table.header()];
  for (const year of report.years) {
    for (const row of [year.all, ...year.themes]) lines.push(table.line(cells(year.year, row)));
  }
  return lines.join('');
}
