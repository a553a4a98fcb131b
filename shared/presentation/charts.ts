import { escapeHtml } from '#presentation/html.ts';

/**
 * Static inline SVG charts for the simulator's HTML report and the console: no script, no fonts, no network. Each chart is an
 * `<svg role="img">` named by its `<title>`, scales with its container (viewBox, width 100 %),
 * and is never the only place the numbers are: the page puts a table or text beside each.
 * Every text that reaches the markup goes through escapeHtml.
 */

/** A line or bar colour and its dash: at least 4.5:1 against white, and the dash tells lines apart without colour. */
export interface SeriesStyle {
  readonly colour: string;
  readonly dash: string;
}

const PALETTE: readonly SeriesStyle[] = [
  { colour: '#0b5cad', dash: '' },
  { colour: '#a84300', dash: '9 4' },
  { colour: '#1b6e36', dash: '3 3' },
  { colour: '#6f3597', dash: '12 4 3 4' },
  { colour: '#9e1239', dash: '6 2' },
  { colour: '#4a4a4a', dash: '2 5' },
];

export const seriesStyle = (index: number): SeriesStyle => PALETTE[index % PALETTE.length] ?? { colour: '#000000', dash: '' };

const WIDTH = 480;
const HEIGHT = 270;
const margin = { left: 52, right: 12, top: 14, bottom: 46 };
const plotWidth = WIDTH - margin.left - margin.right;
const plotHeight = HEIGHT - margin.top - margin.bottom;
/** viewBox units; the page keeps charts at most ~1.4× this width, so the text stays near 12–18 px. */
const FONT = 13;

const fixed = (value: number) => (Math.round(value * 10) / 10).toString();

/** A round upper bound for the y axis and its step (1, 2, 2.5 or 5 × 10^n), four or five steps high. */
function niceScale(max: number): { readonly top: number; readonly step: number } {
  if (!(max > 0)) return { top: 1, step: 0.25 };
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((factor) => factor * power >= rough) ?? 10) * power;
  return { top: Math.ceil(max / step) * step, step };
}

function frame(id: string, title: string, body: string): string {
  return (
    `<svg class="chart" role="img" aria-labelledby="${id}-title" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" ` +
    `preserveAspectRatio="xMidYMid meet" font-size="${FONT}" font-family="system-ui, sans-serif">` +
    `<title id="${id}-title">${escapeHtml(title)}</title>${body}</svg>`
  );
}

/** Horizontal grid lines with their labels, and the axis titles. */
function axes(top: number, step: number, yLabel: (value: number) => string, xTitle: string, yTitle: string): string {
  let grid = '';
  for (let value = 0; value <= top + step / 1000; value += step) {
    const y = margin.top + plotHeight - (value / top) * plotHeight;
    grid +=
      `<line x1="${margin.left}" x2="${WIDTH - margin.right}" y1="${fixed(y)}" y2="${fixed(y)}" stroke="#d0d0d0" stroke-width="1"/>` +
      `<text x="${margin.left - 6}" y="${fixed(y + 4)}" text-anchor="end" fill="#333333">${escapeHtml(yLabel(value))}</text>`;
  }
  const baseline = margin.top + plotHeight;
  return (
    `<g aria-hidden="true">${grid}` +
    `<line x1="${margin.left}" x2="${WIDTH - margin.right}" y1="${baseline}" y2="${baseline}" stroke="#333333" stroke-width="1"/>` +
    `<text x="${margin.left + plotWidth / 2}" y="${HEIGHT - 6}" text-anchor="middle" fill="#333333">${escapeHtml(xTitle)}</text>` +
    `<text transform="translate(13 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" fill="#333333">${escapeHtml(yTitle)}</text></g>`
  );
}

export interface LineSeries {
  readonly name: string;
  /** One value per x position, 0 … n − 1; null leaves a gap. */
  readonly values: readonly (number | null)[];
}

/** Lines over a shared x axis (x labels at the given positions), y from 0 to `yMax`. */
export function lineChart(options: {
  readonly id: string;
  readonly title: string;
  readonly series: readonly LineSeries[];
  readonly yMax: number;
  readonly yStep: number;
  readonly yLabel: (value: number) => string;
  readonly xTicks: readonly { readonly at: number; readonly label: string }[];
  readonly xTitle: string;
  readonly yTitle: string;
}): string {
  const count = Math.max(1, ...options.series.map((series) => series.values.length));
  const x = (index: number) => margin.left + (count === 1 ? plotWidth / 2 : (index / (count - 1)) * plotWidth);
  const y = (value: number) => margin.top + plotHeight - (Math.min(value, options.yMax) / options.yMax) * plotHeight;
  const ticks = options.xTicks
    .map(
      (tick) =>
        `<line x1="${fixed(x(tick.at))}" x2="${fixed(x(tick.at))}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight + 5}" stroke="#333333"/>` +
        `<text x="${fixed(x(tick.at))}" y="${margin.top + plotHeight + 19}" text-anchor="middle" fill="#333333">${escapeHtml(tick.label)}</text>`,
    )
    .join('');
  const lines = options.series
    .map((series, index) => {
      const style = seriesStyle(index);
      let path = '';
      let pen = 'M';
      series.values.forEach((value, at) => {
        if (value === null) {
          pen = 'M';
          return;
        }
        path += `${pen}${fixed(x(at))} ${fixed(y(value))}`;
        pen = 'L';
      });
      const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
      return (
        `<path class="series" data-series="${escapeHtml(series.name)}" d="${path}" fill="none" stroke="${style.colour}" ` +
        `stroke-width="2.5" stroke-linejoin="round"${dash}/>`
      );
    })
    .join('');
  return frame(
    options.id,
    options.title,
    `${axes(options.yMax, options.yStep, options.yLabel, options.xTitle, options.yTitle)}<g aria-hidden="true">${ticks}${lines}</g>`,
  );
}

export interface BarSeries {
  readonly name: string;
  /** One value per category. */
  readonly values: readonly number[];
}

/** Grouped bars: one group per category, one bar per series in each, y from 0 to a round maximum. */
export function groupedBarChart(options: {
  readonly id: string;
  readonly title: string;
  readonly categories: readonly string[];
  readonly series: readonly BarSeries[];
  readonly yLabel: (value: number) => string;
  readonly xTitle: string;
  readonly yTitle: string;
  /** Bar colours; the policy palette by default. */
  readonly styles?: readonly SeriesStyle[] | undefined;
  /** The y axis reaches at least this, so all-zero (or tiny) values still get readable, distinct ticks. */
  readonly minimumTop?: number | undefined;
}): string {
  const max = Math.max(options.minimumTop ?? 0, ...options.series.flatMap((series) => series.values));
  const { top, step } = niceScale(max);
  const groups = Math.max(1, options.categories.length);
  const band = plotWidth / groups;
  const bar = (band * 0.8) / Math.max(1, options.series.length);
  // Label as many categories as fit side by side (about 7 characters each).
  const longest = Math.max(1, ...options.categories.map((category) => category.length));
  const every = Math.max(1, Math.ceil((groups * longest * FONT * 0.6) / plotWidth));
  const labels = options.categories
    .map((category, index) =>
      index % every === 0
        ? `<text x="${fixed(margin.left + band * (index + 0.5))}" y="${margin.top + plotHeight + 19}" text-anchor="middle" fill="#333333">${escapeHtml(category)}</text>`
        : '',
    )
    .join('');
  const bars = options.series
    .map((series, seriesIndex) => {
      const style = options.styles?.[seriesIndex] ?? seriesStyle(seriesIndex);
      const rects = series.values
        .map((value, index) => {
          const height = (value / top) * plotHeight;
          const left = margin.left + band * index + band * 0.1 + bar * seriesIndex;
          return `<rect x="${fixed(left)}" y="${fixed(margin.top + plotHeight - height)}" width="${fixed(bar)}" height="${fixed(height)}"/>`;
        })
        .join('');
      return `<g class="series" data-series="${escapeHtml(series.name)}" fill="${style.colour}">${rects}</g>`;
    })
    .join('');
  return frame(
    options.id,
    options.title,
    `${axes(top, step, options.yLabel, options.xTitle, options.yTitle)}<g aria-hidden="true">${labels}${bars}</g>`,
  );
}

/** A legend in text, with a sample of each line or bar (the sample is decoration). */
export function legend(entries: readonly { readonly name: string; readonly style: SeriesStyle }[], kind: 'line' | 'bar'): string {
  const items = entries
    .map(({ name, style }) => {
      const sample =
        kind === 'line'
          ? `<line x1="1" x2="31" y1="6" y2="6" stroke="${style.colour}" stroke-width="3"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''}/>`
          : `<rect x="8" y="0" width="16" height="12" fill="${style.colour}"/>`;
      return `<li><svg class="swatch" aria-hidden="true" viewBox="0 0 32 12" width="32" height="12">${sample}</svg>${escapeHtml(name)}</li>`;
    })
    .join('');
  return `<ul class="legend">${items}</ul>`;
}

// ---------------------------------------------------------------------------------------
// Console charts: thin wrappers that fix the shape each console page needs
// ---------------------------------------------------------------------------------------

/** One bar: its category label and its value (for money, integer minor units). */
export interface Bar {
  readonly label: string;
  readonly value: number;
}

/** Receivables of one currency by aging bucket (current, 1–30 … 90+): one bar per bucket, in bucket order. */
export function agingChart(options: {
  readonly id: string;
  readonly title: string;
  readonly buckets: readonly Bar[];
  readonly yLabel: (value: number) => string;
  readonly xTitle: string;
  readonly yTitle: string;
  readonly minimumTop?: number | undefined;
}): string {
  return singleSeriesBars(options, options.buckets);
}

/** Cash collected per week, one bar per week (values in minor units of one currency). */
export function weeklyCashChart(options: {
  readonly id: string;
  readonly title: string;
  readonly weeks: readonly Bar[];
  readonly yLabel: (value: number) => string;
  readonly xTitle: string;
  readonly yTitle: string;
  readonly minimumTop?: number | undefined;
}): string {
  return singleSeriesBars(options, options.weeks);
}

function singleSeriesBars(
  options: {
    readonly id: string;
    readonly title: string;
    readonly yLabel: (value: number) => string;
    readonly xTitle: string;
    readonly yTitle: string;
    readonly minimumTop?: number | undefined;
  },
  bars: readonly Bar[],
): string {
  return groupedBarChart({
    minimumTop: options.minimumTop,
    id: options.id,
    title: options.title,
    categories: bars.map((bar) => bar.label),
    series: [{ name: options.title, values: bars.map((bar) => bar.value) }],
    yLabel: options.yLabel,
    xTitle: options.xTitle,
    yTitle: options.yTitle,
  });
}

const SPARK_WIDTH = 120;
const SPARK_HEIGHT = 32;
const SPARK_PAD = 3;

/**
 * A KPI's trend as a small line without axes (12 monthly values, oldest first; null leaves a
 * gap), the last value marked. The title says what it shows in words ("DSO over 12 months:
 * 41 to 38 days"); the tile beside it carries the number itself.
 */
export function sparkline(options: { readonly id: string; readonly title: string; readonly values: readonly (number | null)[] }): string {
  const known = options.values.filter((value): value is number => value !== null);
  // Scaled to the values' own range: a trend is about change, not distance from zero.
  const low = known.length ? Math.min(...known) : 0;
  const high = Math.max(low + 1e-9, ...known);
  const count = options.values.length;
  const x = (index: number) =>
    SPARK_PAD + (count <= 1 ? (SPARK_WIDTH - 2 * SPARK_PAD) / 2 : (index / (count - 1)) * (SPARK_WIDTH - 2 * SPARK_PAD));
  const y = (value: number) => SPARK_PAD + (1 - (value - low) / (high - low)) * (SPARK_HEIGHT - 2 * SPARK_PAD);
  let path = '';
  let pen = 'M';
  let last = '';
  options.values.forEach((value, index) => {
    if (value === null) {
      pen = 'M';
      return;
    }
    path += `${pen}${fixed(x(index))} ${fixed(y(value))}`;
    pen = 'L';
    last = `<circle cx="${fixed(x(index))}" cy="${fixed(y(value))}" r="2.5" fill="${PALETTE[0]?.colour}"/>`;
  });
  const line = path ? `<path d="${path}" fill="none" stroke="${PALETTE[0]?.colour}" stroke-width="2" stroke-linejoin="round"/>` : '';
  return (
    `<svg class="sparkline" role="img" aria-labelledby="${escapeHtml(options.id)}-title" viewBox="0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}" ` +
    `width="${SPARK_WIDTH}" height="${SPARK_HEIGHT}"><title id="${escapeHtml(options.id)}-title">${escapeHtml(options.title)}</title>${line}${last}</svg>`
  );
}
