import { addDays, daysBetween } from '#domain/calendar.ts';
import { AGING_BUCKETS, type AgingReport, agingReport, rounded } from '#domain/finance-reports.ts';
import type { Invoice } from '#domain/invoice.ts';
import { arAt, type Period } from './kpis.ts';

/**
 * What the HTML report draws per policy, computed from the invoices as they stand at the end of
 * the run (their timelines hold every payment and message with its instant), so the engine's
 * event loop is unchanged and the same run always gives the same series.
 */
export interface PolicySeries {
  /** One point per day of the period, in order: the share of the portfolio amount paid by the end of that day. */
  readonly collected: readonly CollectedPoint[];
  /** One entry per ISO week that overlaps the period, in order (the first and last may be partial). */
  readonly messagesByWeek: readonly WeekMessages[];
  /** The aging at the last day of the period, by the definitions of GET /v1/reports/aging. */
  readonly aging: AgingReport;
}

export interface CollectedPoint {
  /** Day of the period, 1 = its first day. */
  readonly day: number;
  readonly date: string;
  /** Percent of Σ amount of the portfolio, 2 decimals; null for an empty portfolio. */
  readonly share: number | null;
}

export interface WeekMessages {
  /** ISO 8601 week, like 2027-W09. */
  readonly week: string;
  /** The days of the period it covers. */
  readonly from: string;
  readonly to: string;
  /** Reminder messages sent, as the KPI `messages` counts them (thank-yous not included). */
  readonly email: number;
  readonly sms: number;
}

const reportingDay = (instant: string) => instant.slice(0, 10);

/** The ISO 8601 week of a date: weeks start on Monday, week 1 holds the year's first Thursday. */
export function isoWeek(date: string): string {
  const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
  const thursday = addDays(date, 3 - weekday);
  const year = thursday.slice(0, 4);
  const week = Math.floor(daysBetween(`${year}-01-01`, thursday) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export function policySeries(invoices: readonly Invoice[], period: Period): PolicySeries {
  const days = daysBetween(period.from, period.to) + 1;
  // Payments by the day they were paid (capped at the invoice amount, as collectedShare is), and messages by the day sent.
  const paidOn = new Array<bigint>(days).fill(0n);
  const emailOn = new Array<number>(days).fill(0);
  const smsOn = new Array<number>(days).fill(0);
  let portfolio = 0n;
  const aging = new Map<string, { amount: bigint; invoices: bigint }>();
  for (const invoice of invoices) {
    if (invoice.currency !== period.currency) continue;
    portfolio += BigInt(invoice.amountMinor);
    let left = BigInt(invoice.amountMinor);
    const payments = Object.values(invoice.payments).sort((a, b) => (a.paidAt < b.paidAt ? -1 : a.paidAt > b.paidAt ? 1 : 0));
    for (const payment of payments) {
      const index = Math.max(0, daysBetween(period.from, reportingDay(payment.paidAt)));
      const amount = BigInt(payment.amountMinor) < left ? BigInt(payment.amountMinor) : left;
      left -= amount;
      if (index < days) paidOn[index] = (paidOn[index] ?? 0n) + amount;
    }
    for (const event of invoice.timeline) {
      if (event.type !== 'reminder.sent') continue;
      // A message covering several invoices counts once, on its lead (the first of combinedWith).
      if (Array.isArray(event.combinedWith) && event.combinedWith[0] !== invoice.invoiceId) continue;
      const index = daysBetween(period.from, reportingDay(event.at));
      if (index < 0 || index >= days) continue;
      if (event.channel === 'sms') smsOn[index] = (smsOn[index] ?? 0) + 1;
      else emailOn[index] = (emailOn[index] ?? 0) + 1;
    }
    const ar = arAt(invoice, period.to);
    if (ar > 0n) {
      const bucket = agingBucket(daysBetween(invoice.dueDate, period.to));
      const sums = aging.get(bucket) ?? { amount: 0n, invoices: 0n };
      aging.set(bucket, { amount: sums.amount + ar, invoices: sums.invoices + 1n });
    }
  }

  const collected: CollectedPoint[] = [];
  let paid = 0n;
  for (let index = 0; index < days; index++) {
    paid += paidOn[index] ?? 0n;
    collected.push({ day: index + 1, date: addDays(period.from, index), share: rounded(paid * 100n, portfolio) });
  }

  const messagesByWeek: { week: string; from: string; to: string; email: number; sms: number }[] = [];
  for (let index = 0; index < days; index++) {
    const date = addDays(period.from, index);
    const week = isoWeek(date);
    let entry = messagesByWeek.at(-1);
    if (entry?.week !== week) {
      entry = { week, from: date, to: date, email: 0, sms: 0 };
      messagesByWeek.push(entry);
    }
    entry.to = date;
    entry.email += emailOn[index] ?? 0;
    entry.sms += smsOn[index] ?? 0;
  }

  const rows = AGING_BUCKETS.map((bucket) => {
    const sums = aging.get(bucket) ?? { amount: 0n, invoices: 0n };
    return [bucket, String(sums.amount), String(sums.invoices)];
  });
  return {
    collected,
    messagesByWeek,
    aging: agingReport({ columns: ['bucket', 'amount_minor', 'invoices'], rows }, { asOf: period.to, currency: period.currency }),
  };
}

/** Days past due → the aging bucket of API.md (current when ≤ 0). */
export function agingBucket(daysPastDue: number): (typeof AGING_BUCKETS)[number] {
  if (daysPastDue <= 0) return 'current';
  if (daysPastDue <= 30) return '1-30';
  if (daysPastDue <= 60) return '31-60';
  if (daysPastDue <= 90) return '61-90';
  return '91+';
}
