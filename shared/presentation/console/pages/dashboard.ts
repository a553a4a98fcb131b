import type { AgingReport, KpiReport } from '#domain/finance-reports.ts';
import { formatAmount, minorDigits } from '#domain/money.ts';
import { agingChart, sparkline, weeklyCashChart } from '#presentation/charts.ts';
import { type ConsoleContext, consolePaths } from '../context.ts';
import { consolePage } from '../layout.ts';
import { consoleWording as w } from '../wording.ts';
import { amount, dataTable, dateHtml, figure, heading, labelFor, link, minorOf, text } from './parts.ts';

/** One currency's key figures: the period's report and the same report for each of the last 12 months, oldest first. */
export interface KpiPanel {
  readonly current: KpiReport;
  readonly months: readonly KpiReport[];
}

/** Cash collected in one currency, per week: `collected` is `GET /v1/reports/kpis` over that week. */
export interface WeeklyCash {
  readonly currency: string;
  readonly weeks: readonly { readonly weekOf: string; readonly collected: string }[];
}

/**
 * What the dashboard shows, in the report API's own JSON shapes (money as decimal strings in
 * the currency's precision; the page reads them into integer minor units for the charts).
 */
export interface DashboardReportsView {
  /** `GET /v1/reports/aging`, one per currency. */
  readonly aging: readonly AgingReport[];
  /** `GET /v1/reports/kpis`, one panel per currency. */
  readonly kpis: readonly KpiPanel[];
  readonly cash: readonly WeeklyCash[];
}

export interface DashboardView {
  /** The report figures as last computed; absent until the first computation finished. */
  readonly reports?: DashboardReportsView | undefined;
  /** Work waiting for a person today (live). */
  readonly attention: { readonly openTasks: number; readonly brokenPromises: number; readonly unmatchedCash: number };
  /** When the report figures were computed. */
  readonly reportsAt?: string | undefined;
  /** Newer report figures are being computed: the next view shows them. */
  readonly refreshing: boolean;
}

const d = w.dashboard;

/** Axis labels for money: whole units, compact ("€12K"), exact from integer minor units. */
function axisMoney(currency: string): (minor: number) => string {
  const format = new Intl.NumberFormat(w.locale, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 });
  const scale = 10 ** minorDigits(currency);
  // Intl formats decimal strings exactly; rounding to whole minor units keeps the string exact.
  return (minor) => format.format(formatAmount(Math.round(minor / scale) * scale, currency) as unknown as number);
}

/** Money axes reach at least 100 whole units: the compact labels of whole units stay distinct when little or nothing is owed. */
const axisFloor = (currency: string) => 100 * 10 ** minorDigits(currency);

function agingSection(report: AgingReport, index: number): string {
  const currency = report.currency;
  const title = d.agingChartTitle(currency, report.asOf);
  const chart = agingChart({
    id: `aging-${index}`,
    title,
    buckets: report.buckets.map((bucket) => ({ label: labelFor(d.bucketsShort, bucket.bucket), value: minorOf(bucket.amount, currency) })),
    yLabel: axisMoney(currency),
    minimumTop: axisFloor(currency),
    xTitle: d.daysPastDue,
    yTitle: currency,
  });
  const rows = report.buckets.map((bucket) => [
    text(labelFor(d.buckets, bucket.bucket)),
    text(amount(bucket.amount, currency)),
    text(String(bucket.invoices)),
    text(figure(bucket.share, d.percent)),
  ]);
  rows.push([text(d.total), text(amount(report.total.amount, currency)), text(String(report.total.invoices)), '']);
  const table = dataTable(
    d.agingCaption(currency, report.asOf),
    [
      { header: text(d.bucket) },
      { header: text(d.amount), numeric: true },
      { header: text(d.invoices), numeric: true },
      { header: text(d.share), numeric: true },
    ],
    rows,
  );
  return `<div class="chart-pair">${chart}${table}</div>`;
}

interface Tile {
  readonly key: keyof typeof d.kpis;
  /** The value as text, and the value as a number for the trend (money in minor units). */
  readonly show: (report: KpiReport) => string;
  readonly measure: (report: KpiReport) => number | null;
}

const tiles: readonly Tile[] = [
  { key: 'dso', show: (r) => figure(r.dso, d.days), measure: (r) => r.dso },
  { key: 'cei', show: (r) => figure(r.cei, d.percent), measure: (r) => r.cei },
  { key: 'collected', show: (r) => amount(r.collected, r.currency), measure: (r) => minorOf(r.collected, r.currency) },
  { key: 'averageDaysDelinquent', show: (r) => figure(r.averageDaysDelinquent, d.days), measure: (r) => r.averageDaysDelinquent },
  { key: 'percentCurrent', show: (r) => figure(r.percentCurrent, d.percent), measure: (r) => r.percentCurrent },
  { key: 'disputeRate', show: (r) => figure(r.disputeRate, d.percent), measure: (r) => r.disputeRate },
  { key: 'promiseKeptRate', show: (r) => figure(r.promiseKeptRate, d.percent), measure: (r) => r.promiseKeptRate },
  { key: 'averageDaysToPay', show: (r) => figure(r.averageDaysToPay, d.days), measure: (r) => r.averageDaysToPay },
];

/** The trend's title says the first and last known values, so the sparkline is never the only way to read it. */
function trendTitle(tile: Tile, months: readonly KpiReport[]): string {
  const known = months.filter((month) => tile.measure(month) !== null);
  const first = known[0];
  const last = known.at(-1);
  const label = d.kpis[tile.key];
  return first && last ? d.trend(label, tile.show(first), tile.show(last)) : d.noTrend(label);
}

function kpiSection(panel: KpiPanel, index: number): string {
  const { current, months } = panel;
  const items = tiles
    .map(
      (tile) =>
        `<li class="tile"><p class="label">${text(d.kpis[tile.key])}</p><p class="value">${text(tile.show(current))}</p>` +
        sparkline({ id: `trend-${index}-${tile.key}`, title: trendTitle(tile, months), values: months.map(tile.measure) }) +
        '</li>',
    )
    .join('');
  const headingId = `kpi-${index}-heading`;
  return (
    `<section aria-labelledby="${headingId}">${heading(2, d.kpiHeading(current.currency, current.from, current.to), headingId)}` +
    `<ul class="tiles">${items}</ul></section>`
  );
}

function cashSection(cash: WeeklyCash, index: number): string {
  const chart = weeklyCashChart({
    id: `cash-${index}`,
    title: d.cashChartTitle(cash.currency),
    weeks: cash.weeks.map((week) => ({ label: week.weekOf.slice(5), value: minorOf(week.collected, cash.currency) })),
    yLabel: axisMoney(cash.currency),
    minimumTop: axisFloor(cash.currency),
    xTitle: d.weekOf,
    yTitle: cash.currency,
  });
  const table = dataTable(
    d.cashCaption(cash.currency),
    [{ header: text(d.weekOf) }, { header: text(d.collected), numeric: true }],
    cash.weeks.map((week) => [dateHtml(week.weekOf), text(amount(week.collected, cash.currency))]),
  );
  return `<div class="chart-pair">${chart}${table}</div>`;
}

function attentionSection(attention: DashboardView['attention']): string {
  const items = [
    link(consolePaths.tasks, d.openTasks(attention.openTasks)),
    link(consolePaths.brokenPromises, d.brokenPromises(attention.brokenPromises)),
    link(consolePaths.unmatchedCash, d.unmatchedCash(attention.unmatchedCash)),
  ]
    .map((item) => `<li>${item}</li>`)
    .join('');
  return `<section aria-labelledby="attention-heading">${heading(2, d.attentionHeading, 'attention-heading')}<ul>${items}</ul></section>`;
}

/** `GET /console/`: what needs a person today first, then receivables by age, key figures and cash. */
export function renderDashboard(view: DashboardView, ctx: ConsoleContext): string {
  const reports = view.reports;
  const stamp = view.reportsAt
    ? `<p class="hint">${text(d.reportsAt(view.reportsAt.slice(0, 16).replace('T', ' ')))}${view.refreshing ? ` ${text(d.refreshing)}` : ''}</p>`
    : '';
  const figures = reports
    ? `<section aria-labelledby="aging-heading">${heading(2, d.agingHeading, 'aging-heading')}${
        reports.aging.length ? reports.aging.map(agingSection).join('') : `<p>${text(d.noReports)}</p>`
      }</section>` +
      reports.kpis.map(kpiSection).join('') +
      `<section aria-labelledby="cash-heading">${heading(2, d.cashHeading, 'cash-heading')}${reports.cash.map(cashSection).join('')}</section>`
    : `<p class="notice">${text(d.computing)}</p>`;
  const body = heading(1, d.title) + attentionSection(view.attention) + stamp + figures;
  return consolePage(d.title, body, ctx);
}
