// Bar charts drawn as SVG on the server: a printed report needs no browser-side framework, and every figure a chart
// shows is also in a table beside it. Each chart is an image with a title and a description for screen readers.

export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

export interface Series {
  readonly label: string;
  /** One value per category. */
  readonly values: readonly number[];
  /** The CSS class that colours it. */
  readonly className: string;
}

export interface ChartText {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly format: (value: number) => string;
}

const WIDTH = 640;
const HEIGHT = 260;
const MARGIN = { top: 16, right: 16, bottom: 48, left: 16 };

function frame(text: ChartText, body: string, height = HEIGHT): string {
  return `<svg viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-labelledby="${text.id}-title ${text.id}-desc">
<title id="${text.id}-title">${escapeHtml(text.title)}</title>
<desc id="${text.id}-desc">${escapeHtml(text.description)}</desc>
${body}
</svg>`;
}

function caption(text: ChartText): string {
  return `<figcaption>${escapeHtml(text.title)}</figcaption>`;
}

function legend(series: readonly Series[]): string {
  return `<ul class="legend">${series.map((entry) => `<li><span class="swatch ${entry.className}"></span>${escapeHtml(entry.label)}</li>`).join('')}</ul>`;
}

/** Vertical bars, one per category, with the series stacked on each other. */
export function stackedBarChart(text: ChartText, categories: readonly string[], series: readonly Series[]): string {
  const totals = categories.map((_, index) => series.reduce((sum, entry) => sum + (entry.values[index] ?? 0), 0));
  const top = Math.max(1, ...totals);
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const slot = (WIDTH - MARGIN.left - MARGIN.right) / Math.max(1, categories.length);
  const barWidth = Math.min(80, slot * 0.6);
  const bars = categories.map((category, index) => {
    const x = MARGIN.left + slot * index + (slot - barWidth) / 2;
    let base = HEIGHT - MARGIN.bottom;
    const segments = series.map((entry) => {
      const value = entry.values[index] ?? 0;
      const height = (value / top) * plotHeight;
      base -= height;
      return `<rect class="${entry.className}" x="${x.toFixed(1)}" y="${base.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${height.toFixed(1)}"><title>${escapeHtml(`${category} · ${entry.label}: ${text.format(value)}`)}</title></rect>`;
    });
    const centre = (x + barWidth / 2).toFixed(1);
    return `${segments.join('')}
<text class="value" x="${centre}" y="${(base - 4).toFixed(1)}" text-anchor="middle">${escapeHtml(text.format(totals[index] ?? 0))}</text>
<text class="category" x="${centre}" y="${HEIGHT - MARGIN.bottom + 18}" text-anchor="middle">${escapeHtml(category)}</text>`;
  });
  const axis = `<line class="axis" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${HEIGHT - MARGIN.bottom}" y2="${HEIGHT - MARGIN.bottom}"/>`;
  return `<figure>${caption(text)}${frame(text, `${axis}\n${bars.join('\n')}`)}${legend(series)}</figure>`;
}

/** Horizontal bars, one per labelled value, against a common maximum (100 for percentages). */
export function horizontalBarChart(text: ChartText, items: readonly { label: string; value: number }[], maximum?: number): string {
  const rowHeight = 28;
  const height = MARGIN.top + rowHeight * Math.max(1, items.length) + 8;
  const labelWidth = 220;
  const plotWidth = WIDTH - labelWidth - MARGIN.right - 90;
  const top = Math.max(1, maximum ?? 0, ...items.map((item) => item.value));
  const rows = items.map((item, index) => {
    const y = MARGIN.top + rowHeight * index;
    const width = (item.value / top) * plotWidth;
    return `<text class="category" x="${labelWidth - 8}" y="${y + 17}" text-anchor="end">${escapeHtml(item.label)}</text>
<rect class="bar" x="${labelWidth}" y="${y + 4}" width="${width.toFixed(1)}" height="${rowHeight - 8}"><title>${escapeHtml(`${item.label}: ${text.format(item.value)}`)}</title></rect>
<text class="value" x="${(labelWidth + width + 6).toFixed(1)}" y="${y + 17}">${escapeHtml(text.format(item.value))}</text>`;
  });
  return `<figure>${caption(text)}${frame(text, rows.join('\n'), height)}</figure>`;
}
