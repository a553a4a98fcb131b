import { addDays } from '#domain/calendar.ts';
import type { NamedPolicy } from './arguments.ts';
import { simulatePolicy } from './engine.ts';
import type { History } from './history.ts';
import { type PolicyKpis, policyKpis } from './kpis.ts';
import { generatePortfolio, type SimulatedInvoice } from './portfolio.ts';
import { defaultHoldModel, defaultSendPrices, type HoldModel, type SendPrices } from './response-model.ts';
import { type PolicySeries, policySeries } from './series.ts';

/**
 * The first simulated day. Fixed, so a run never depends on when it is made: a Monday with no
 * public holiday in the simulated countries.
 */
export const SIMULATION_START = '2027-03-01';
/** Invoices are issued over the first month of the period, so that the period has sales to measure DSO on. */
export const ISSUE_WINDOW_DAYS = 30;
/** One seller, one currency (the KPIs are per currency). */
export const CURRENCY = 'EUR';

export interface SimulationRequest {
  readonly policies: readonly NamedPolicy[];
  readonly invoices: number;
  readonly days: number;
  readonly seed: number;
  readonly holds?: HoldModel | undefined;
  readonly prices?: SendPrices | undefined;
  readonly onProgress?: ((policy: string, done: number) => void) | undefined;
  /** Replay these invoices of a lake instead of generating `invoices` (`days` then defaults to the history's span). */
  readonly history?: History | undefined;
  /** With history: the days to replay; the history's own span when absent. */
  readonly historyDays?: number | undefined;
}

export interface SimulationReport {
  readonly seed: number;
  readonly invoices: number;
  readonly days: number;
  /** The first and the last simulated day. */
  readonly from: string;
  readonly to: string;
  /** Invoices generated from the seed, or replayed from a lake (--history). */
  readonly source: 'generated' | 'history';
  readonly currency: string;
  /** `series` feeds the HTML report only: `--json` carries the API's fields, nothing more. */
  readonly policies: readonly {
    readonly policy: string;
    readonly kpis: PolicyKpis;
    readonly series: PolicySeries;
    /** Replayed events the invoices refused under this policy, by type (history only): said on stderr. */
    readonly notApplied: Readonly<Record<string, readonly string[]>>;
  }[];
}

/** A lake's invoice as the engine takes it: no response model (segment unused), its real events replayed. */
export function historyPortfolio(history: History): SimulatedInvoice[] {
  return history.invoices.map((invoice) => ({
    input: invoice.input,
    segment: 'smb',
    startingTier: invoice.startingTier,
    reachability: invoice.reachability,
    replay: { receivedAt: invoice.receivedAt, startedAt: invoice.startedAt, events: invoice.events },
  }));
}

/** Every policy over the same invoices (generated, or a lake's) and the same customer luck. */
export function runSimulation(request: SimulationRequest): SimulationReport {
  const history = request.history;
  const start = history?.from ?? SIMULATION_START;
  const days = history ? (request.historyDays ?? history.days) : request.days;
  const currency = history?.currency ?? CURRENCY;
  const portfolio = history
    ? historyPortfolio(history)
    : generatePortfolio({
        seed: request.seed,
        invoices: request.invoices,
        start,
        issueWindowDays: Math.min(ISSUE_WINDOW_DAYS, days),
        currency,
      });
  const period = { from: start, to: addDays(start, days - 1), currency };
  const policies = request.policies.map(({ label, policy }) => {
    const run = simulatePolicy(portfolio, policy, {
      seed: request.seed,
      start,
      days,
      holds: request.holds ?? defaultHoldModel,
      onProgress: request.onProgress ? (done) => request.onProgress?.(label, done) : undefined,
    });
    return {
      policy: label,
      kpis: policyKpis(run.invoices, run.counts, period, request.prices ?? defaultSendPrices),
      series: policySeries(run.invoices, period),
      notApplied: run.notApplied,
    };
  });
  return {
    seed: request.seed,
    invoices: portfolio.length,
    days,
    from: start,
    to: period.to,
    source: history ? 'history' : 'generated',
    currency,
    policies,
  };
}

/** The `--json` document: key order fixed by construction, so equal reports are equal bytes. */
export function reportJson(report: SimulationReport): string {
  return `${JSON.stringify(
    {
      seed: report.seed,
      invoices: report.invoices,
      days: report.days,
      policies: report.policies.map(({ policy, kpis }) => ({
        policy,
        kpis: {
          dso: kpis.dso,
          cei: kpis.cei,
          collectedShare: { '30': kpis.collectedShare['30'], '60': kpis.collectedShare['60'], '90': kpis.collectedShare['90'] },
          messages: { email: kpis.messages.email, sms: kpis.messages.sms },
          tasks: kpis.tasks,
          sendCostUsd: kpis.sendCostUsd,
        },
      })),
    },
    null,
    2,
  )}\n`;
}

const percent = (value: number | null) => (value === null ? '—' : `${value.toFixed(2)} %`);
const decimal = (value: number | null) => (value === null ? '—' : value.toFixed(2));

/** The KPI rows of the terminal table and of the HTML report, in order: a name and the cell of one policy. */
export const KPI_ROWS: readonly (readonly [string, (kpis: PolicyKpis) => string])[] = [
  ['DSO (days)', (kpis) => decimal(kpis.dso)],
  ['CEI', (kpis) => percent(kpis.cei)],
  ['collected by due + 30', (kpis) => percent(kpis.collectedShare['30'])],
  ['collected by due + 60', (kpis) => percent(kpis.collectedShare['60'])],
  ['collected by due + 90', (kpis) => percent(kpis.collectedShare['90'])],
  ['emails', (kpis) => String(kpis.messages.email)],
  ['SMS', (kpis) => String(kpis.messages.sms)],
  ['collector tasks', (kpis) => String(kpis.tasks)],
  ['send cost (USD)', (kpis) => kpis.sendCostUsd.toFixed(4)],
];

/** "1000 invoices, 120 days from 2027-03-01, seed 1" (or "…, replayed from history") */
export const reportTitle = (report: SimulationReport) =>
  `${report.invoices} invoices, ${report.days} days from ${report.from}, ${report.source === 'history' ? 'replayed from history' : `seed ${report.seed}`}`;

/** The terminal table: one column per policy. */
export function reportTable(report: SimulationReport): string {
  const header = ['', ...report.policies.map((entry) => entry.policy)];
  const body = KPI_ROWS.map(([name, cell]) => [name, ...report.policies.map((entry) => cell(entry.kpis))]);
  const widths = header.map((_, column) => Math.max(...[header, ...body].map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  return `${reportTitle(report)}\n${line(header)}\n${widths.map((width) => '-'.repeat(width)).join('  ')}\n${body.map(line).join('\n')}\n`;
}
