// Budget against actuals as an SVG drawn on the server: an image with a title and a description for screen readers,
// every figure it shows also in the table beside it.
import { html, type Html } from './html.js';

export interface BudgetChartText {
  readonly title: string;
  readonly description: string;
  readonly budgeted: string;
  readonly actual: string;
  readonly format: (cents: number) => string;
}

export interface BudgetChartRow {
  readonly label: string;
  readonly budgeted: number;
  readonly actual: number;
}

const WIDTH = 640;
const LABEL_WIDTH = 200;
const VALUE_WIDTH = 110;
const BAR_HEIGHT = 14;
const ROW_HEIGHT = 2 * BAR_HEIGHT + 14;

/** Two bars a line, budgeted above actual, against the largest amount of any. */
export function budgetChart(text: BudgetChartText, rows: readonly BudgetChartRow[]): Html {
  const height = ROW_HEIGHT * rows.length + 8;
  const plotWidth = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const top = Math.max(1, ...rows.flatMap((row) => [row.budgeted, row.actual]));
  const bar = (className: string, label: string, value: number, y: number) => {
    const width = (Math.max(0, value) / top) * plotWidth;
    return html`<rect class="${className}" x="${LABEL_WIDTH}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}"><title>${label}: ${text.format(value)}</title></rect>
<text x="${(LABEL_WIDTH + width + 6).toFixed(1)}" y="${y + BAR_HEIGHT - 3}">${text.format(value)}</text>`;
  };
  const drawn = rows.map((row, index) => {
    const y = 4 + ROW_HEIGHT * index;
    return html`<text x="${LABEL_WIDTH - 8}" y="${y + BAR_HEIGHT + 4}" text-anchor="end">${row.label}</text>
${bar('budgeted', `${row.label} · ${text.budgeted}`, row.budgeted, y)}
${bar('actual', `${row.label} · ${text.actual}`, row.actual, y + BAR_HEIGHT + 2)}`;
  });
  return html`<figure><figcaption>${text.title}</figcaption>
<svg viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-labelledby="budget-chart-title budget-chart-desc">
<title id="budget-chart-title">${text.title}</title>
<desc id="budget-chart-desc">${text.description}</desc>
${drawn}
</svg>
<ul class="legend"><li><span class="swatch budgeted"></span>${text.budgeted}</li><li><span class="swatch actual"></span>${text.actual}</li></ul></figure>`;
}
