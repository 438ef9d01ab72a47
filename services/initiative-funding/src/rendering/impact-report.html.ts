// The annual impact report as a printable page, in Dutch or English: one financial year's figures per theme, with the
// years before it in the charts. Plain HTML and SVG with its styles inline — nothing to load, nothing to run — so it
// prints, archives and goes along with the convocation as it is.
import type { ImpactReport, ImpactRow } from '../domain/impact-report.js';
import { escapeHtml, horizontalBarChart, stackedBarChart } from './svg-charts.js';

export const REPORT_LANGUAGES = ['nl', 'en'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

const TEXT = {
  nl: {
    title: (year: number) => `Jaarverslag maatschappelijke impact ${year}`,
    asOf: 'Stand van zaken',
    now: 'nu',
    position: 'positie in het gebeurtenissenlogboek',
    period: 'Boekjaar',
    summary: 'Per thema',
    allThemes: 'Alle thema’s',
    theme: 'Thema',
    granted: 'Toegekend',
    paid: 'Uitbetaald',
    active: 'Lopend',
    new: 'Nieuw',
    continued: 'Voortgezet',
    ended: 'Beëindigd',
    continuingShare: 'Aandeel voortgezet',
    moneyChart: 'Toegekend geld: nieuwe en voortgezette lijnen per jaar',
    moneyChartDescription: 'Per boekjaar het geld dat naar nieuwe lijnen van werk ging en het geld dat naar lijnen ging die al liepen.',
    newLines: 'Nieuwe lijnen',
    continuingLines: 'Voortgezette lijnen',
    themeChart: (year: number) => `Toegekend per thema in ${year}`,
    themeChartDescription: 'Het geld dat dit boekjaar is toegekend, per thema; een initiatief met meer thema’s telt bij elk thema mee.',
    durability: 'Duurzaamheid',
    cohortChart: 'Nog lopend na één, twee en drie jaar',
    cohortChartDescription: 'Per cohort (de lijnen die in hetzelfde jaar voor het eerst geld kregen) het aandeel dat later nog geld krijgt.',
    cohort: 'Cohort',
    after: (years: number) => (years === 1 ? 'na 1 jaar' : `na ${years} jaar`),
    lines: 'lijnen',
    indicators: 'Indicatoren tegen doelen',
    initiative: 'Initiatief',
    indicator: 'Indicator',
    baseline: 'Nulmeting',
    target: 'Doel',
    actual: 'Gerealiseerd',
    met: 'Gehaald',
    yes: 'ja',
    no: 'nee',
    none: '—',
    indicatorChart: (year: number) => `Doelen gehaald per thema in ${year}`,
    indicatorChartDescription: 'Per thema het aandeel van de indicatoren met een doel voor dit jaar dat gehaald is.',
    of: 'van',
    participation: 'Deelname (aantallen, nooit personen)',
    residentsReached: 'Bewoners bereikt',
    volunteers: 'Vrijwilligers',
    volunteerHours: 'Vrijwilligersuren',
    intoWorkOrTraining: 'Naar werk of opleiding',
    partners: 'Bijdragen van partners',
    partner: 'Partner',
    hours: 'Uren',
    coFunding: 'Cofinanciering',
    expertise: 'Expertise (keren)',
    space: 'Ruimte (keren)',
    socialEnterprises: 'Sociale ondernemingen: eigen inkomsten',
    ownIncome: 'Eigen inkomsten',
    ownShare: 'Aandeel eigen inkomsten',
    noData: 'Niets te melden dit jaar.',
    definitions:
      'Een lijn van werk is een toekenning samen met de jaren waarin een meerjarige afspraak haar voortzette. Nieuw: dit jaar voor het eerst geld; voortgezet: al eerder geld; beëindigd: dit jaar het laatste jaar, met het einde vastgelegd. Uitbetaald: wat van de toekenningen van dit jaar is overgemaakt.',
  },
  en: {
    title: (year: number) => `Annual impact report ${year}`,
    asOf: 'As of',
    now: 'now',
    position: 'position in the event log',
    period: 'Financial year',
    summary: 'Per theme',
    allThemes: 'All themes',
    theme: 'Theme',
    granted: 'Granted',
    paid: 'Paid',
    active: 'Active',
    new: 'New',
    continued: 'Continued',
    ended: 'Ended',
    continuingShare: 'Share continuing',
    moneyChart: 'Money granted: new and continuing lines per year',
    moneyChartDescription: 'Per financial year, the money that went to new lines of work and the money that went to lines already running.',
    newLines: 'New lines',
    continuingLines: 'Continuing lines',
    themeChart: (year: number) => `Granted per theme in ${year}`,
    themeChartDescription: 'The money granted this financial year, per theme; an initiative with several themes counts under each.',
    durability: 'Durability',
    cohortChart: 'Still active after one, two and three years',
    cohortChartDescription: 'Per cohort (the lines first funded in the same year), the share still funded later.',
    cohort: 'Cohort',
    after: (years: number) => (years === 1 ? 'after 1 year' : `after ${years} years`),
    lines: 'lines',
    indicators: 'Indicators against targets',
    initiative: 'Initiative',
    indicator: 'Indicator',
    baseline: 'Baseline',
    target: 'Target',
    actual: 'Actual',
    met: 'Met',
    yes: 'yes',
    no: 'no',
    none: '—',
    indicatorChart: (year: number) => `Targets met per theme in ${year}`,
    indicatorChartDescription: 'Per theme, the share of the indicators with a target for this year that met it.',
    of: 'of',
    participation: 'Participation (counts, never persons)',
    residentsReached: 'Residents reached',
    volunteers: 'Volunteers',
    volunteerHours: 'Volunteer hours',
    intoWorkOrTraining: 'Into work or training',
    partners: 'Partner contributions',
    partner: 'Partner',
    hours: 'Hours',
    coFunding: 'Co-funding',
    expertise: 'Expertise (occasions)',
    space: 'Space (occasions)',
    socialEnterprises: 'Social enterprises: own income',
    ownIncome: 'Own income',
    ownShare: 'Own income share',
    noData: 'Nothing to report this year.',
    definitions:
      'A line of work is a grant together with the years a multi-year agreement continued it. New: funded for the first time this year; continued: funded before; ended: this year its last, with the ending on record. Paid: what of this year’s grants has been paid out.',
  },
} as const;

const STYLE = `
body { font-family: system-ui, sans-serif; color: #1b1b1b; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
.moment { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
section > table > caption { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
figcaption { font-weight: 600; margin-bottom: .3rem; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .4rem; text-align: left; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
tr.total th, tr.total td { font-weight: 600; border-top: 2px solid #888; }
figure { margin: 1rem 0; } svg { max-width: 100%; height: auto; }
svg text { font-size: 12px; fill: #1b1b1b; } .axis { stroke: #888; }
.bar, .series-new { fill: #2f6f9f; } .series-continuing { fill: #6aa84f; }
.legend { list-style: none; padding: 0; display: flex; gap: 1.5rem; font-size: .9rem; }
.swatch { display: inline-block; width: .9rem; height: .9rem; margin-right: .4rem; vertical-align: middle; }
.swatch.series-new { background: #2f6f9f; } .swatch.series-continuing { background: #6aa84f; }
.definitions { font-size: .85rem; color: #444; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } figure, table { break-inside: avoid; } }
`;

type Text = (typeof TEXT)[ReportLanguage];

export interface ImpactReportPage {
  readonly report: ImpactReport;
  readonly year: number;
  readonly language: ReportLanguage;
  readonly cooperativeName: string;
}

export function impactReportHtml({ report, year, language, cooperativeName }: ImpactReportPage): string {
  const text = TEXT[language];
  const locale = language === 'nl' ? 'nl-NL' : 'en-GB';
  const money = new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' });
  const euros = (cents: number) => money.format(cents / 100);
  const whole = (value: number) => value.toLocaleString(locale);
  const percent = (value: number) => `${value.toLocaleString(locale, { maximumFractionDigits: 1 })}%`;
  const shown = report.years.find((entry) => entry.year === year);
  if (!shown) throw new RangeError(`The report has no financial year ${year}`);
  const themeName = (code: string | null) => (code === null ? text.allThemes : (report.themes.find((theme) => theme.code === code)?.[language] ?? code));
  const rows = [...shown.themes, shown.all];
  const helpers = { text, euros, whole, percent, themeName };
  const moment = `${text.asOf}: ${escapeHtml(report.asOf ?? text.now)} · ${text.position} ${report.position}`;
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${text.title(year)} — ${cooperativeName}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(text.title(year))}</h1>
<p>${escapeHtml(cooperativeName)} · ${text.period} ${year} (${shown.firstDay} – ${shown.lastDay})</p>
<p class="moment">${moment}</p>
</header>
<main>
${summarySection(rows, helpers)}
${chartsSection(report, year, shown.themes, helpers)}
${indicatorSection(rows, year, helpers)}
${participationSection(rows, helpers)}
${partnerSection(rows, helpers)}
${enterpriseSection(report, year, helpers)}
<p class="definitions">${escapeHtml(text.definitions)}</p>
</main>
</body>
</html>
`;
}

interface Helpers {
  readonly text: Text;
  readonly euros: (cents: number) => string;
  readonly whole: (value: number) => string;
  readonly percent: (value: number) => string;
  readonly themeName: (code: string | null) => string;
}

const cell = (value: string) => `<td class="number">${value}</td>`;

function themeRow(row: ImpactRow, helpers: Helpers, values: readonly string[]): string {
  return `<tr${row.theme === null ? ' class="total"' : ''}><th scope="row">${escapeHtml(helpers.themeName(row.theme))}</th>${values.map(cell).join('')}</tr>`;
}

function table(caption: string, headings: readonly string[], body: readonly string[]): string {
  const head = headings.map((heading, index) => `<th scope="col"${index > 0 ? ' class="number"' : ''}>${escapeHtml(heading)}</th>`).join('');
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body.join('\n')}</tbody></table>`;
}

function summarySection(rows: readonly ImpactRow[], helpers: Helpers): string {
  const { text, euros, whole, percent } = helpers;
  const body = rows.map((row) =>
    themeRow(row, helpers, [
      euros(row.money.grantedCents),
      euros(row.money.paidCents),
      whole(row.initiatives.active),
      whole(row.initiatives.new),
      whole(row.initiatives.continued),
      whole(row.initiatives.ended),
      percent(row.durability.continuingShare),
    ]),
  );
  return `<section><h2>${text.summary}</h2>${table(text.summary, [text.theme, text.granted, text.paid, text.active, text.new, text.continued, text.ended, text.continuingShare], body)}</section>`;
}

function chartsSection(report: ImpactReport, year: number, themeRows: readonly ImpactRow[], helpers: Helpers): string {
  const { text, euros, percent } = helpers;
  const funding = report.durability.funding.filter((entry) => entry.year <= year);
  const moneyChart = stackedBarChart(
    { id: 'money', title: text.moneyChart, description: text.moneyChartDescription, format: euros },
    funding.map((entry) => String(entry.year)),
    [
      { label: text.newLines, values: funding.map((entry) => entry.newCents), className: 'series-new' },
      { label: text.continuingLines, values: funding.map((entry) => entry.continuingCents), className: 'series-continuing' },
    ],
  );
  const themeChart = horizontalBarChart(
    { id: 'themes', title: text.themeChart(year), description: text.themeChartDescription, format: euros },
    themeRows.map((row) => ({ label: helpers.themeName(row.theme), value: row.money.grantedCents })),
  );
  const retention = report.durability.cohorts
    .flatMap((cohort) => cohort.stillActive.filter((entry) => entry.year <= year).map((entry) => ({ cohort, entry })))
    .map(({ cohort, entry }) => ({
      label: `${text.cohort} ${cohort.year}, ${text.after(entry.after)} (${entry.share.lines} ${text.of} ${entry.share.of})`,
      value: entry.share.percent,
    }));
  const cohortChart = horizontalBarChart({ id: 'cohorts', title: text.cohortChart, description: text.cohortChartDescription, format: percent }, retention, 100);
  return `<section><h2>${text.durability}</h2>${moneyChart}${themeChart}${retention.length > 0 ? cohortChart : ''}</section>`;
}

function indicatorSection(rows: readonly ImpactRow[], year: number, helpers: Helpers): string {
  const { text, whole, percent } = helpers;
  const total = rows.find((row) => row.theme === null);
  const entries = (total?.indicators.entries ?? []).map(
    (entry) =>
      `<tr><td>${escapeHtml(entry.initiative)}</td><td>${escapeHtml(`${entry.name} (${entry.unit})`)}</td>${[
        `${whole(entry.baseline.value)} (${entry.baseline.year})`,
        entry.target === null ? text.none : whole(entry.target),
        entry.actual === null ? text.none : whole(entry.actual),
        entry.met === null ? text.none : entry.met ? text.yes : text.no,
      ]
        .map(cell)
        .join('')}</tr>`,
  );
  const withTargets = rows.filter((row) => row.theme !== null && row.indicators.withTarget > 0);
  const chart = horizontalBarChart(
    { id: 'indicators', title: text.indicatorChart(year), description: text.indicatorChartDescription, format: percent },
    withTargets.map((row) => ({
      label: `${helpers.themeName(row.theme)} (${row.indicators.met} ${text.of} ${row.indicators.withTarget})`,
      value: Math.round((1000 * row.indicators.met) / row.indicators.withTarget) / 10,
    })),
    100,
  );
  if (entries.length === 0) return `<section><h2>${text.indicators}</h2><p>${text.noData}</p></section>`;
  const headings = [text.initiative, text.indicator, text.baseline, text.target, text.actual, text.met];
  const head = headings.map((heading, index) => `<th scope="col"${index > 1 ? ' class="number"' : ''}>${escapeHtml(heading)}</th>`).join('');
  return `<section><h2>${text.indicators}</h2>${withTargets.length > 0 ? chart : ''}<table><caption>${text.indicators}</caption><thead><tr>${head}</tr></thead><tbody>${entries.join('\n')}</tbody></table></section>`;
}

function participationSection(rows: readonly ImpactRow[], helpers: Helpers): string {
  const { text, whole } = helpers;
  const body = rows.map((row) =>
    themeRow(row, helpers, [
      whole(row.participation.residentsReached),
      whole(row.participation.volunteers),
      whole(row.participation.volunteerHours),
      whole(row.participation.intoWorkOrTraining),
    ]),
  );
  return `<section><h2>${text.participation}</h2>${table(text.participation, [text.theme, text.residentsReached, text.volunteers, text.volunteerHours, text.intoWorkOrTraining], body)}</section>`;
}

function partnerSection(rows: readonly ImpactRow[], helpers: Helpers): string {
  const { text, euros, whole } = helpers;
  const total = rows.find((row) => row.theme === null);
  if (!total || total.partners.byPartner.length === 0) return `<section><h2>${text.partners}</h2><p>${text.noData}</p></section>`;
  const body = total.partners.byPartner.map(
    (partner) =>
      `<tr><th scope="row">${escapeHtml(partner.name)}</th>${[whole(partner.hours), euros(partner.coFundingCents), whole(partner.expertise), whole(partner.space)].map(cell).join('')}</tr>`,
  );
  const { hours, coFundingCents, expertise, space } = total.partners;
  body.push(`<tr class="total"><th scope="row">${text.allThemes}</th>${[whole(hours), euros(coFundingCents), whole(expertise), whole(space)].map(cell).join('')}</tr>`);
  return `<section><h2>${text.partners}</h2>${table(text.partners, [text.partner, text.hours, text.coFunding, text.expertise, text.space], body)}</section>`;
}

function enterpriseSection(report: ImpactReport, year: number, helpers: Helpers): string {
  const { text, euros, percent } = helpers;
  const shown = report.years.filter((entry) => entry.year <= year && (entry.all.socialEnterprises.grantedCents > 0 || entry.all.socialEnterprises.ownIncomeCents > 0));
  if (shown.length === 0) return '';
  const body = shown.map((entry) => {
    const figures = entry.all.socialEnterprises;
    return `<tr><th scope="row">${entry.year}</th>${[euros(figures.ownIncomeCents), euros(figures.grantedCents), percent(figures.ownShare)].map(cell).join('')}</tr>`;
  });
  return `<section><h2>${text.socialEnterprises}</h2>${table(text.socialEnterprises, [text.period, text.ownIncome, text.granted, text.ownShare], body)}</section>`;
}
