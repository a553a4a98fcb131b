import { addDays, daysBetween } from '#domain/calendar.ts';
import { kpiReport, kpiRequestProblems, type ReportRows, rounded } from '#domain/finance-reports.ts';
import type { Invoice } from '#domain/invoice.ts';
import type { RunCounts } from './engine.ts';
import type { SendPrices } from './response-model.ts';

/** What the simulator reports per policy (the `kpis` object of `--json`). */
export interface PolicyKpis {
  readonly dso: number | null;
  readonly cei: number | null;
  /** Percent of the amount of the invoices whose day N after due lies in the period, paid by that day. */
  readonly collectedShare: { readonly '30': number | null; readonly '60': number | null; readonly '90': number | null };
  readonly messages: { readonly email: number; readonly sms: number };
  readonly tasks: number;
  readonly sendCostUsd: number;
}

export interface Period {
  readonly from: string;
  readonly to: string;
  readonly currency: string;
}

/** The reporting day of an instant: the deployment's reporting time zone is UTC by default (API.md, Reports). */
const reportingDay = (instant: string) => instant.slice(0, 10);

function voidedOn(invoice: Invoice): string | undefined {
  const event = invoice.timeline.find((candidate) => candidate.type === 'invoice.voided');
  return event ? reportingDay(event.at) : undefined;
}

/** AR(D) of API.md: amount − payments paid by D − credits recorded by D; 0 when issued after D or voided / written off by D. */
export function arAt(invoice: Invoice, day: string): bigint {
  if (invoice.issueDate > day) return 0n;
  const voided = voidedOn(invoice);
  if (voided !== undefined && voided <= day) return 0n;
  let ar = BigInt(invoice.amountMinor);
  for (const payment of Object.values(invoice.payments)) if (reportingDay(payment.paidAt) <= day) ar -= BigInt(payment.amountMinor);
  for (const note of Object.values(invoice.creditNotes ?? {})) if (reportingDay(note.appliedAt) <= day) ar -= BigInt(note.amountMinor);
  return ar;
}

const within = (day: string, period: Period) => day >= period.from && day <= period.to;

/**
 * The sums and counts `kpis.sql` returns, computed from the simulated invoices, so that
 * `kpiReport` (finance-reports.ts, what GET /v1/reports/kpis answers) turns them into DSO and CEI
 * with the API's exact definitions and rounding.
 */
export function kpiRows(invoices: readonly Invoice[], period: Period): ReportRows {
  const before = addDays(period.from, -1);
  let sales = 0n;
  let arBegin = 0n;
  let arEnd = 0n;
  let arEndCurrent = 0n;
  let collected = 0n;
  let kept = 0n;
  let broken = 0n;
  let issued = 0n;
  let disputed = 0n;
  // kpis.sql counts distinct message ids: a message covering several invoices counts once.
  const emails = new Set<unknown>();
  const texts = new Set<unknown>();
  let daysToPay = 0n;
  let paidInvoices = 0n;
  for (const invoice of invoices) {
    if (invoice.currency !== period.currency) continue;
    const issuedInPeriod = within(invoice.issueDate, period);
    if (issuedInPeriod) {
      sales += BigInt(invoice.amountMinor);
      issued++;
    }
    arBegin += arAt(invoice, before);
    const end = arAt(invoice, period.to);
    arEnd += end;
    if (daysBetween(invoice.dueDate, period.to) <= 0) arEndCurrent += end;
    let lastPayment = '';
    for (const payment of Object.values(invoice.payments)) {
      const day = reportingDay(payment.paidAt);
      if (within(day, period)) collected += BigInt(payment.amountMinor);
      if (day > lastPayment) lastPayment = day;
    }
    let disputedByEnd = false;
    let paidEvent = false;
    for (const event of invoice.timeline) {
      const day = reportingDay(event.at);
      if (event.type === 'dispute.opened' && day <= period.to) disputedByEnd = true;
      if (!within(day, period)) continue;
      if (event.type === 'promise.kept') kept++;
      if (event.type === 'promise.broken') broken++;
      if (event.type === 'invoice.paid') paidEvent = true;
      // As kpis.sql: email (a notice by email included) and SMS; letters are not messages here.
      if (event.type === 'reminder.sent' && event.channel === 'sms') texts.add(event.messageId ?? event);
      else if (event.type === 'reminder.sent' && (event.channel === 'email' || event.channel === 'notice'))
        emails.add(event.messageId ?? event);
    }
    if (issuedInPeriod && disputedByEnd) disputed++;
    if (paidEvent && lastPayment !== '') {
      daysToPay += BigInt(daysBetween(invoice.issueDate, lastPayment));
      paidInvoices++;
    }
  }
  const row: Record<string, bigint> = {
    days: BigInt(daysBetween(period.from, period.to) + 1),
    sales_minor: sales,
    ar_begin_minor: arBegin,
    ar_end_minor: arEnd,
    ar_end_current_minor: arEndCurrent,
    collected_minor: collected,
    promises_kept: kept,
    promises_broken: broken,
    disputed_invoices: disputed,
    issued_invoices: issued,
    email_messages: BigInt(emails.size),
    sms_messages: BigInt(texts.size),
    // The simulator's customers do not write back.
    replies_payment_claimed: 0n,
    replies_dispute: 0n,
    replies_promise: 0n,
    replies_auto_reply: 0n,
    replies_other: 0n,
    days_to_pay_sum: daysToPay,
    paid_invoices: paidInvoices,
  };
  return { columns: Object.keys(row), rows: [Object.values(row).map(String)] };
}

/** Percent of the amount of invoices whose day `after` past due is in the period, paid by then. */
export function collectedShare(invoices: readonly Invoice[], period: Period, after: number): number | null {
  let owed = 0n;
  let paid = 0n;
  for (const invoice of invoices) {
    if (invoice.currency !== period.currency) continue;
    const by = addDays(invoice.dueDate, after);
    if (by > period.to) continue;
    owed += BigInt(invoice.amountMinor);
    let received = 0n;
    for (const payment of Object.values(invoice.payments)) if (reportingDay(payment.paidAt) <= by) received += BigInt(payment.amountMinor);
    paid += received < BigInt(invoice.amountMinor) ? received : BigInt(invoice.amountMinor);
  }
  return rounded(paid * 100n, owed);
}

/** Send cost in USD, rounded to 4 decimals (a tenth of a cent shows on small runs): every email and text, thank-yous included. */
export function sendCostUsd(counts: RunCounts, prices: SendPrices): number {
  const usd = (counts.email + counts.thankYouEmail) * prices.emailUsd + (counts.sms + counts.thankYouSms) * prices.smsUsd;
  return Math.round(usd * 10_000) / 10_000;
}

export function policyKpis(invoices: readonly Invoice[], counts: RunCounts, period: Period, prices: SendPrices): PolicyKpis {
  const problems = kpiRequestProblems({ from: period.from, to: period.to, currency: period.currency });
  if (problems.length > 0)
    throw new Error(`Period ${period.from}..${period.to}: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
  const report = kpiReport(kpiRows(invoices, period), { columns: ['step_id', 'sent', 'paid_within_7_days'], rows: [] }, period);
  return {
    dso: report.dso,
    cei: report.cei,
    collectedShare: {
      '30': collectedShare(invoices, period, 30),
      '60': collectedShare(invoices, period, 60),
      '90': collectedShare(invoices, period, 90),
    },
    messages: report.messages,
    tasks: counts.tasks,
    sendCostUsd: sendCostUsd(counts, prices),
  };
}
