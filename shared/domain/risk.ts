import { isIsoDate } from './calendar.ts';

/**
 * A customer's risk score from their own payment behaviour, with the drivers that produced it.
 * The score picks the tier a new invoice starts dunning at; the invoice's own age then
 * escalates it (`effectiveTier`). Pure: the caller passes the history and today's date.
 *
 * Every driver turns one measured value into at most its cap in points; the caps add up to
 * 100, so the score is the plain sum of the driver points. Each driver's points only grow
 * with worse behaviour, so paying later, disputing more, breaking more promises, answering
 * fewer reminders or not paying at all (a debt written off instead of paid) can never lower
 * the score.
 *
 * A written-off invoice was never paid: it is bad debt, the worst outcome of an invoice. It
 * counts in the lateness drivers like an unpaid invoice, by its days past due so far (at least
 * to the write-off day), so it is never less late than any payment of it could have been; and
 * it adds the `written_off` driver on top. So writing a debt off instead of collecting it
 * never lowers a driver, and a write-off scores worse than paying the same invoice late.
 * Writing off an invoice that is still open (the creditor's act, not the customer's) moves it
 * from `open_overdue` to `written_off`. A void invoice is not in the history at all: the claim
 * was cancelled (see `invoiceHistory`).
 */

/** What the customer did on one of their invoices, as the risk model sees it. */
export interface InvoiceHistory {
  readonly invoiceId: string;
  /** YYYY-MM-DD. */
  readonly dueDate: string;
  /**
   * YYYY-MM-DD on which payments or credit notes brought the balance to zero; null while the
   * invoice is open, and for a written-off invoice (it was never paid).
   */
  readonly settledOn: string | null;
  /** YYYY-MM-DD on which the unpaid balance was written off as bad debt; null unless it was. */
  readonly writtenOffOn: string | null;
  readonly disputed: boolean;
  readonly promisesMade: number;
  readonly promisesBroken: number;
  /** Customer-facing messages sent for this invoice. */
  readonly remindersSent: number;
  /** The customer reacted after a reminder: paid, disputed, promised or replied. */
  readonly responded: boolean;
}

export type Tier = 1 | 2 | 3 | 4;

export type RiskDriverName =
  | 'written_off'
  | 'average_days_late'
  | 'share_paid_late'
  | 'dispute_rate'
  | 'broken_promises'
  | 'unresponsiveness'
  | 'open_overdue';

export interface RiskDriver {
  readonly driver: RiskDriverName;
  /**
   * The measured value, recency-weighted except `open_overdue`: days for `average_days_late`
   * and `open_overdue`, a 0..1 share for the rates, a weighted count for `broken_promises` and
   * `written_off`.
   * Rounded to two decimals; the points are computed before rounding.
   */
  readonly value: number;
  /** Contribution to the score, a non-negative integer. */
  readonly points: number;
  /** Plain English for a finance user, from unweighted counts ("Paid 4 of 10 invoices late"). */
  readonly explanation: string;
}

export interface RiskAssessment {
  /** 0 (no risk) .. 100, an integer: the sum of the drivers' points. */
  readonly score: number;
  /** The dunning tier a new invoice of this customer starts at. */
  readonly tier: Tier;
  /**
   * Every driver that could be measured from the history (those with 0 points too), by points,
   * highest first. Empty for a customer with no history.
   */
  readonly drivers: readonly RiskDriver[];
  /** `settled`: the invoices paid or credited to zero (not the written-off ones, which were never paid). */
  readonly basis: { readonly invoices: number; readonly settled: number };
}

/**
 * Recency: an invoice's weight halves every 180 days after its due date, so the last two
 * quarters dominate while a year-old habit still counts for a quarter. Measured from the due
 * date, not the settlement date, so paying later never makes an invoice weigh less.
 */
export const HALF_LIFE_DAYS = 180;

/** Payments landing within this many days of the due date are not "late" (bank transfer lag). */
export const LATE_TOLERANCE_DAYS = 3;

/**
 * Maximum points per driver; they add up to 100. `written_off` (20) took its points from the
 * drivers that measure a lesser form of the same thing or count part of it twice:
 * `broken_promises` 20 → 15 (a broken promise forecasts a debt that is not paid; the write-off
 * is that debt), `dispute_rate` 20 → 10 (the cash a dispute delays is already in the lateness
 * drivers, and a dispute the customer won voids the invoice, which then does not count at all)
 * and `unresponsiveness` 10 → 5 (it asks for a firmer channel; what the silence costs shows in
 * the lateness drivers). The lateness drivers and `open_overdue` keep theirs, so a debt left
 * unpaid weighs as before until it is written off (one invoice unpaid 90 days: 50, tier 3).
 */
export const MAX_POINTS: Readonly<Record<RiskDriverName, number>> = {
  /**
   * Bad debt: a balance the customer never paid and finance gave up on — the loss dunning
   * exists to prevent. A write-off also counts as never paid in the lateness drivers, so no
   * other single thing a customer does on an invoice costs as many points.
   */
  written_off: 20,
  /** How late the customer pays is the core of payment history. */
  average_days_late: 25,
  /** Separates a habit from a one-off that skews the average. */
  share_paid_late: 15,
  /** Disputes of invoices that stood delay cash; many of them call for a person, not a cadence. */
  dispute_rate: 10,
  /** A broken promise is the clearest sign of intent not to pay, short of not paying at all. */
  broken_promises: 15,
  /** Reminders that get no reaction need a firmer channel. */
  unresponsiveness: 5,
  /** Money overdue right now, for the starting tier of the customer's next invoice. */
  open_overdue: 10,
};

/** Average lateness at which `average_days_late` reaches its cap: two months. */
export const FULL_POINTS_AVERAGE_DAYS_LATE = 60;
/** Dispute rate at which `dispute_rate` reaches its cap: every other invoice. */
export const FULL_POINTS_DISPUTE_RATE = 0.5;
/** Recency-weighted broken promises at which `broken_promises` reaches its cap. */
export const FULL_POINTS_BROKEN_PROMISES = 2;
/**
 * Recency-weighted write-offs at which `written_off` reaches its cap: one write-off of an
 * invoice due within the last two half-lives (360 days). The default policy proposes a
 * write-off 180 days past due, so a write-off counts in full for at least half a year after
 * it happens, then halves every 180 days. A count, not a share of the customer's invoices:
 * one unpaid debt is a loss however many other invoices were paid.
 */
export const FULL_POINTS_WRITTEN_OFF = 0.25;
/** Days past due of the oldest open invoice at which `open_overdue` reaches its cap (the 90+ bucket). */
export const FULL_POINTS_OPEN_OVERDUE_DAYS = 90;

/** Lowest score of tiers 2, 3 and 4: below 25 → 1, below 50 → 2, below 75 → 3, else 4. */
export const TIER_THRESHOLDS = [25, 50, 75] as const;

/** Days-past-due buckets of the 4-tier matrix: the last day of tiers 1, 2 and 3 (1–30, 31–60, 61–90, 90+). */
export const AGE_BUCKET_LAST_DAYS = [30, 60, 90] as const;

const DAY_MS = 86_400_000;

function utcDay(date: string, what: string): number {
  if (!isIsoDate(date)) throw new RangeError(`${what} must be a calendar date (YYYY-MM-DD), got ${JSON.stringify(date)}`);
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

/** Whole days from the due date to today: 0 on the due date, negative before it. UTC dates, so no DST. */
export function daysPastDue(dueDate: string, today: string): number {
  return utcDay(today, 'today') - utcDay(dueDate, 'dueDate');
}

export function tierForScore(score: number): Tier {
  const [t2, t3, t4] = TIER_THRESHOLDS;
  if (score >= t4) return 4;
  if (score >= t3) return 3;
  if (score >= t2) return 2;
  return 1;
}

/** The tier of the 4-tier matrix for an invoice's age alone; not yet due counts as tier 1. */
export function ageTier(daysPastDue: number): Tier {
  const [last1, last2, last3] = AGE_BUCKET_LAST_DAYS;
  if (daysPastDue > last3) return 4;
  if (daysPastDue > last2) return 3;
  if (daysPastDue > last1) return 2;
  return 1;
}

/**
 * The tier an invoice is dunned at on a given day: its age tier, never lower than the
 * customer's starting tier, raised by `boost` (e.g. 1 after a broken promise), at most 4.
 */
export function effectiveTier(startingTier: Tier, daysPastDue: number, boost = 0): Tier {
  if (Number.isNaN(daysPastDue)) throw new RangeError('daysPastDue must be a number');
  if (!Number.isInteger(boost) || boost < 0) throw new RangeError(`boost must be a non-negative integer, got ${boost}`);
  return Math.min(4, Math.max(startingTier, ageTier(daysPastDue)) + boost) as Tier;
}

interface Weighted {
  weight: number;
  total: number;
}

function recencyWeight(dueDate: string, today: string): number {
  return 0.5 ** (Math.max(0, daysPastDue(dueDate, today)) / HALF_LIFE_DAYS);
}

function pointsFor(driver: RiskDriverName, fraction: number): number {
  return Math.round(MAX_POINTS[driver] * Math.min(1, Math.max(0, fraction)));
}

const round2 = (value: number) => Math.round(value * 100) / 100;
const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** Drivers in this order when their points tie, so the list is deterministic. */
const DRIVER_ORDER: readonly RiskDriverName[] = [
  'broken_promises',
  'average_days_late',
  'share_paid_late',
  'dispute_rate',
  'unresponsiveness',
  'open_overdue',
  'written_off',
];

export function assessRisk(history: readonly InvoiceHistory[], today: string): RiskAssessment {
  utcDay(today, 'today');
  const drivers: RiskDriver[] = [];
  const add = (driver: RiskDriverName, value: number, fraction: number, explanation: string) =>
    drivers.push({ driver, value: round2(value), points: pointsFor(driver, fraction), explanation });

  // Lateness counts settled invoices by how late they were paid and open past-due ones by how
  // late they are so far (a lower bound), so a customer who never pays does not look punctual.
  // A written-off invoice is never paid: late by its days past due so far, like an open one,
  // but at least to the day it was written off.
  const lateness: Weighted = { weight: 0, total: 0 };
  const paidLate: Weighted = { weight: 0, total: 0 };
  const disputes: Weighted = { weight: 0, total: 0 };
  const unanswered: Weighted = { weight: 0, total: 0 };
  let brokenWeighted = 0;
  let measuredLateness = 0;
  let lateCount = 0;
  let openOverdueLateCount = 0;
  let writtenOffLateCount = 0;
  let writtenOffCount = 0;
  let writtenOffWeighted = 0;
  let disputedCount = 0;
  let promisesMade = 0;
  let promisesBroken = 0;
  let remindedCount = 0;
  let unansweredCount = 0;
  let settled = 0;
  let open = 0;
  let openOverdue = 0;
  let oldestOpenDays = 0;

  // Sum in a fixed order so the result does not depend on the order the store returned them in.
  const ordered = [...history].sort((a, b) => compareText(a.dueDate, b.dueDate) || compareText(a.invoiceId, b.invoiceId));
  for (const invoice of ordered) {
    checkCounts(invoice);
    const weight = recencyWeight(invoice.dueDate, today);
    let daysLate: number | null = null;
    if (invoice.writtenOffOn !== null) {
      writtenOffCount += 1;
      writtenOffWeighted += weight;
      const asOf = compareText(invoice.writtenOffOn, today) > 0 ? invoice.writtenOffOn : today;
      daysLate = Math.max(0, daysPastDue(invoice.dueDate, asOf));
    } else if (invoice.settledOn !== null) {
      settled += 1;
      daysLate = Math.max(0, daysPastDue(invoice.dueDate, invoice.settledOn));
    } else {
      open += 1;
      const overdue = daysPastDue(invoice.dueDate, today);
      if (overdue > 0) {
        openOverdue += 1;
        oldestOpenDays = Math.max(oldestOpenDays, overdue);
        daysLate = overdue;
      }
    }
    if (daysLate !== null) {
      measuredLateness += 1;
      lateness.weight += weight;
      lateness.total += weight * daysLate;
      paidLate.weight += weight;
      if (daysLate > LATE_TOLERANCE_DAYS) {
        paidLate.total += weight;
        lateCount += 1;
        if (invoice.writtenOffOn !== null) writtenOffLateCount += 1;
        else if (invoice.settledOn === null) openOverdueLateCount += 1;
      }
    }
    disputes.weight += weight;
    if (invoice.disputed) {
      disputes.total += weight;
      disputedCount += 1;
    }
    promisesMade += invoice.promisesMade;
    promisesBroken += invoice.promisesBroken;
    brokenWeighted += weight * invoice.promisesBroken;
    if (invoice.remindersSent > 0) {
      remindedCount += 1;
      unanswered.weight += weight;
      if (!invoice.responded) {
        unanswered.total += weight;
        unansweredCount += 1;
      }
    }
  }

  // The explanations never say "paid" of an invoice that was written off.
  if (measuredLateness > 0) {
    const averageDaysLate = lateness.total / lateness.weight;
    const shareLate = paidLate.total / paidLate.weight;
    const rounded = Math.round(averageDaysLate);
    const neverPaid = [
      ...(writtenOffCount > 0 ? [`${writtenOffCount} written off`] : []),
      ...(openOverdue > 0 ? [`${openOverdue} unpaid`] : []),
    ];
    const counting = neverPaid.length > 0 ? `, counting ${neverPaid.join(' and ')} by their days past due so far` : '';
    add(
      'average_days_late',
      averageDaysLate,
      averageDaysLate / FULL_POINTS_AVERAGE_DAYS_LATE,
      rounded === 0 && writtenOffCount === 0
        ? `Pays on time on average${counting}`
        : `${plural(rounded, 'day')} late on average${counting} (recent invoices count most)`,
    );
    const late = `${lateCount} of ${plural(measuredLateness, 'invoice')} more than ${plural(LATE_TOLERANCE_DAYS, 'day')} late`;
    const unpaidLate = (
      [
        [writtenOffLateCount, 'written off'],
        [openOverdueLateCount, 'still unpaid'],
      ] as const
    )
      .filter(([count]) => count > 0)
      .map(([count, what], index) => `${count}${index === 0 ? ' of them' : ''} ${what}`);
    add(
      'share_paid_late',
      shareLate,
      shareLate,
      writtenOffCount === 0 && openOverdue === 0 ? `Paid ${late}` : `${late}${unpaidLate.length > 0 ? ` (${unpaidLate.join(', ')})` : ''}`,
    );
  }
  if (history.length > 0) {
    add(
      'written_off',
      writtenOffWeighted,
      writtenOffWeighted / FULL_POINTS_WRITTEN_OFF,
      `${writtenOffCount} of ${plural(history.length, 'invoice')} written off as bad debt`,
    );
    const rate = disputes.total / disputes.weight;
    add('dispute_rate', rate, rate / FULL_POINTS_DISPUTE_RATE, `Disputed ${disputedCount} of ${plural(history.length, 'invoice')}`);
  }
  if (promisesMade > 0 || promisesBroken > 0) {
    add(
      'broken_promises',
      brokenWeighted,
      brokenWeighted / FULL_POINTS_BROKEN_PROMISES,
      `Broke ${promisesBroken} of ${plural(Math.max(promisesMade, promisesBroken), 'promise')} to pay`,
    );
  }
  if (remindedCount > 0) {
    const share = unanswered.total / unanswered.weight;
    add('unresponsiveness', share, share, `No reaction to reminders on ${unansweredCount} of ${plural(remindedCount, 'reminded invoice')}`);
  }
  if (open > 0) {
    add(
      'open_overdue',
      oldestOpenDays,
      oldestOpenDays / FULL_POINTS_OPEN_OVERDUE_DAYS,
      openOverdue === 0
        ? `None of ${plural(open, 'open invoice')} is past due`
        : `${openOverdue} of ${plural(open, 'open invoice')} past due, the oldest by ${plural(oldestOpenDays, 'day')}`,
    );
  }

  drivers.sort((a, b) => b.points - a.points || DRIVER_ORDER.indexOf(a.driver) - DRIVER_ORDER.indexOf(b.driver));
  const score = Math.min(
    100,
    drivers.reduce((sum, driver) => sum + driver.points, 0),
  );
  return { score, tier: tierForScore(score), drivers, basis: { invoices: history.length, settled } };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkCounts(invoice: InvoiceHistory): void {
  for (const field of ['promisesMade', 'promisesBroken', 'remindersSent'] as const) {
    const value = invoice[field];
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`${field} of invoice ${invoice.invoiceId} must be a non-negative integer, got ${value}`);
    }
  }
  if (invoice.settledOn !== null) utcDay(invoice.settledOn, `settledOn of invoice ${invoice.invoiceId}`);
  if (invoice.writtenOffOn !== null) utcDay(invoice.writtenOffOn, `writtenOffOn of invoice ${invoice.invoiceId}`);
  if (invoice.settledOn !== null && invoice.writtenOffOn !== null) {
    throw new RangeError(`invoice ${invoice.invoiceId} cannot be both settled and written off`);
  }
}
