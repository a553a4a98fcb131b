import { groupedBarChart, legend, lineChart, type SeriesStyle, seriesStyle } from '#presentation/charts.ts';
import { escapeHtml } from '#presentation/html.ts';
import { KPI_ROWS, reportTitle, type SimulationReport } from './simulation.ts';

/**
 * `--out=<file.html>`: the report as one self-contained page. No script and nothing fetched (the
 * Content-Security-Policy allows no network source at all): inline CSS and inline SVG charts,
 * each with its numbers in a table. Nothing depends on the time it is made, so the same seed and
 * inputs give the same bytes. Policy names (file paths) are escaped wherever they appear.
 */
export function reportHtml(report: SimulationReport): string {
  const title = `Dunwell policy simulation: ${reportTitle(report)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Policy simulation</h1>
<p class="meta">${report.invoices} invoices, ${report.source === 'history' ? 'replayed from history' : `seed ${report.seed}`}: ${report.days} days from ${report.from} to ${report.to}, amounts in ${escapeHtml(report.currency)}.</p>
${
  report.source === 'history'
    ? '<p class="note"><strong>Replayed from the lake.</strong> Invoices arrive, and customers pay, dispute and promise, when they really did; only what the pipeline decides (reminders, tasks) follows each policy. A customer who might have paid sooner under a firmer policy still pays on the day they did: use these figures to compare what each policy would have sent.</p>'
    : '<p class="note"><strong>The response model is a lever, not a forecast.</strong> Customers pay by the stated response model of the simulator (a daily propensity per segment, lifted by each message with an effect that fades): use these figures to compare policies with one another, not to predict cash.</p>'
}
${kpiSection(report)}
${collectedSection(report)}
${messagesSection(report)}
${agingSection(report)}
</main>
</body>
</html>
`;
}

const STYLE = [
  ':root{color-scheme:light;--ink:#1a1a1a;--muted:#4d4d4d;--rule:#c8c8c8}',
  '*{box-sizing:border-box}',
  'body{margin:0;font:16px/1.5 system-ui,sans-serif;color:var(--ink);background:#ffffff}',
  'main{max-width:48rem;margin:0 auto;padding:1rem}',
  'h1,h2,h3,p,li,summary{overflow-wrap:anywhere}',
  'th,caption{overflow-wrap:break-word}',
  'td{white-space:nowrap}',
  '.scroll{overflow-x:auto;max-width:100%}',
  '.scroll:focus-visible{outline:2px solid #0b5cad;outline-offset:2px}',
  'h1{font-size:1.6rem;margin:0 0 .25rem}',
  'h2{font-size:1.25rem;margin:2rem 0 .5rem;border-top:1px solid var(--rule);padding-top:1rem}',
  'h3{font-size:1rem;margin:1.25rem 0 .25rem}',
  '.meta{color:var(--muted);margin:0 0 1rem}',
  '.note{background:#fff6d6;border-left:4px solid #8a6d00;padding:.5rem .75rem}',
  'svg.chart{display:block;width:100%;max-width:42rem;height:auto}',
  '.legend{list-style:none;padding:0;margin:.25rem 0;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}',
  '.legend li{display:flex;align-items:center;gap:.4rem;min-width:0}',
  '.swatch{flex:none}',
  'table{border-collapse:collapse;width:100%;font-size:.875rem;margin:.5rem 0;font-variant-numeric:tabular-nums}',
  'caption{text-align:left;font-weight:600;padding:.25rem 0}',
  'th,td{border-bottom:1px solid var(--rule);padding:.2rem .4rem;text-align:right;vertical-align:top}',
  'th:first-child,td:first-child{text-align:left}',
  'thead th{vertical-align:bottom}',
  'details{margin:.5rem 0}',
  'summary{cursor:pointer;color:#0b5cad}',
].join('\n');

const percentLabel = (value: number) => `${Math.round(value)} %`;
/** Axis labels: 950, 1.5K, 2M (the exact numbers are in the tables). */
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const countLabel = (value: number) => compact.format(value);
const cell = (text: string) => `<td>${escapeHtml(text)}</td>`;
const percentCell = (value: number | null) => cell(value === null ? '—' : `${value.toFixed(2)} %`);

/** Escaped, with a line-break opportunity after each slash, so a policy's file path wraps in a narrow column. */
const breakable = (text: string) => escapeHtml(text).replaceAll('/', '/<wbr>');

/** A table in a region that scrolls by itself (keyboard too) when many policies make it wider than a phone. */
function table(caption: string, head: readonly string[], rows: readonly string[]): string {
  const header = head.map((name) => `<th scope="col">${breakable(name)}</th>`).join('');
  return (
    `<div class="scroll" role="region" tabindex="0" aria-label="Table: ${escapeHtml(caption)}">` +
    `<table><caption>${breakable(caption)}</caption><thead><tr>${header}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`
  );
}

const rowOf = (label: string, cells: readonly string[]) => `<tr><th scope="row">${escapeHtml(label)}</th>${cells.join('')}</tr>`;

function policyLegend(report: SimulationReport, kind: 'line' | 'bar'): string {
  return legend(
    report.policies.map((entry, index) => ({ name: entry.policy, style: seriesStyle(index) })),
    kind,
  );
}

function kpiSection(report: SimulationReport): string {
  const rows = KPI_ROWS.map(([name, value]) =>
    rowOf(
      name,
      report.policies.map((entry) => cell(value(entry.kpis))),
    ),
  );
  return `<section aria-labelledby="kpis"><h2 id="kpis">KPIs per policy</h2>
<p>DSO and CEI by the definitions of the finance reports over the whole period; collected by due + N: the share of the amount of the invoices whose day N after due lies in the period, paid by that day.</p>
${table('KPIs per policy', ['KPI', ...report.policies.map((entry) => entry.policy)], rows)}</section>`;
}

function collectedSection(report: SimulationReport): string {
  const days = report.days;
  const step = days <= 14 ? 1 : days <= 60 ? 10 : days <= 180 ? 30 : 60;
  const ticks = [{ at: 0, label: '1' }];
  for (let day = step; day <= days; day += step) ticks.push({ at: day - 1, label: String(day) });
  const chart = lineChart({
    id: 'collected-chart',
    title: `Collected share of the portfolio amount by day of the period, one line per policy: ${report.policies
      .map((entry) => `${entry.policy} ${entry.series.collected.at(-1)?.share?.toFixed(2) ?? '—'} % by day ${days}`)
      .join('; ')}`,
    series: report.policies.map((entry) => ({ name: entry.policy, values: entry.series.collected.map((point) => point.share) })),
    yMax: 100,
    yStep: 25,
    yLabel: percentLabel,
    xTicks: ticks,
    xTitle: `day of the period (day 1 = ${report.from})`,
    yTitle: 'collected (%)',
  });
  const first = report.policies[0]?.series.collected ?? [];
  const rows = first.map((point, index) =>
    rowOf(String(point.day), [
      cell(point.date),
      ...report.policies.map((entry) => percentCell(entry.series.collected[index]?.share ?? null)),
    ]),
  );
  return `<section aria-labelledby="collected"><h2 id="collected">Collected share of the portfolio amount, by day of the period</h2>
<p>Payments received by the end of each day of the period (day 1 = ${report.from}), as a share of the amount of all the simulated invoices. ${report.source === 'history' ? 'Invoices arrive when they really did.' : 'Invoices are issued over the first month, so no curve reaches 100 % early.'}</p>
${policyLegend(report, 'line')}
${chart}
<details><summary>The numbers: collected share by day</summary>
${table('Collected share of the portfolio amount by day of the period', ['day', 'date', ...report.policies.map((entry) => entry.policy)], rows)}
</details></section>`;
}

const CHANNEL_STYLES: readonly SeriesStyle[] = [
  { colour: '#0b5cad', dash: '' },
  { colour: '#a84300', dash: '' },
];

function messagesSection(report: SimulationReport): string {
  const parts = report.policies.map((entry, index) => {
    const weeks = entry.series.messagesByWeek;
    const email = weeks.reduce((sum, week) => sum + week.email, 0);
    const sms = weeks.reduce((sum, week) => sum + week.sms, 0);
    const chart = groupedBarChart({
      id: `messages-chart-${index + 1}`,
      title: `Reminder messages per ISO week for ${entry.policy}: ${email} emails and ${sms} SMS over ${weeks.length} weeks`,
      categories: weeks.map((week) => week.week.slice(5)),
      series: [
        { name: 'email', values: weeks.map((week) => week.email) },
        { name: 'SMS', values: weeks.map((week) => week.sms) },
      ],
      styles: CHANNEL_STYLES,
      yLabel: countLabel,
      xTitle: `ISO week (${weeks[0]?.week.slice(0, 4) ?? ''})`,
      yTitle: 'messages',
    });
    const rows = weeks.map((week) =>
      rowOf(week.week, [cell(`${week.from} – ${week.to}`), cell(String(week.email)), cell(String(week.sms))]),
    );
    return `<h3 id="messages-${index + 1}">${escapeHtml(entry.policy)}</h3>
${chart}
<details><summary>The numbers: messages per week for ${escapeHtml(entry.policy)}</summary>
${table(`Reminder messages per ISO week: ${entry.policy}`, ['week', 'days in the period', 'email', 'SMS'], rows)}
</details>`;
  });
  return `<section aria-labelledby="messages"><h2 id="messages">Messages per ISO week, by channel</h2>
<p>Reminder messages sent in each ISO week (Monday to Sunday; the first and last weeks may be partial), counted as the KPI does: thank-yous not included.</p>
${legend(
  [
    { name: 'email', style: CHANNEL_STYLES[0] ?? seriesStyle(0) },
    { name: 'SMS', style: CHANNEL_STYLES[1] ?? seriesStyle(1) },
  ],
  'bar',
)}
${parts.join('\n')}</section>`;
}

function agingSection(report: SimulationReport): string {
  const buckets = report.policies[0]?.series.aging.buckets.map((bucket) => bucket.bucket) ?? [];
  const currency = report.currency;
  const chart = groupedBarChart({
    id: 'aging-chart',
    title: `Aging at ${report.to}, amount owed by days past due, one bar per policy: ${report.policies
      .map((entry) => `${entry.policy} ${entry.series.aging.total.amount} ${currency} in ${entry.series.aging.total.invoices} invoices`)
      .join('; ')}`,
    categories: buckets.map((bucket) => (bucket === 'current' ? 'current' : `${bucket} d`)),
    series: report.policies.map((entry) => ({
      name: entry.policy,
      values: entry.series.aging.buckets.map((bucket) => Number(bucket.amount)),
    })),
    yLabel: countLabel,
    xTitle: 'days past due',
    yTitle: `owed (${currency})`,
  });
  const tables = report.policies.map((entry) => {
    const rows = entry.series.aging.buckets.map((bucket) =>
      rowOf(bucket.bucket, [cell(bucket.amount), cell(String(bucket.invoices)), percentCell(bucket.share)]),
    );
    rows.push(rowOf('total', [cell(entry.series.aging.total.amount), cell(String(entry.series.aging.total.invoices)), cell('')]));
    return table(`Aging at ${report.to}: ${entry.policy}`, ['bucket', `amount (${currency})`, 'invoices', 'share'], rows);
  });
  return `<section aria-labelledby="aging"><h2 id="aging">Aging at the end of the period</h2>
<p>What is still owed at the end of ${report.to} (invoices with a balance only), by days past due, as GET /v1/reports/aging counts it.</p>
${policyLegend(report, 'bar')}
${chart}
<details><summary>The numbers: aging per policy</summary>
${tables.join('\n')}
</details></section>`;
}
