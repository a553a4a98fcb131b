import type { Tone } from '#domain/policy.ts';

/**
 * How simulated customers respond. This is a lever, not a claim: every number below is either
 * derived from a cited source or an explicit assumption, and the point of the simulator is to
 * compare policies under the same stated model — not to forecast cash. Change a number here and
 * every policy is re-run under the new model.
 *
 * The model is a daily hazard of paying the whole balance (a customer pays on day k with
 * probability 1 − exp(−h(k))):
 *
 *   h(k) = base(segment, k − due) + Σ over past contacts c of lift(c) · 0.5^((k − day(c) − 1) / halfLife)
 *
 * A contact's effect starts the day after it and fades by half every `LIFT_HALF_LIFE_DAYS`.
 * While the invoice is disputed the hazard is 0 (nobody pays an invoice they contest); a promise
 * to pay replaces the hazard by the promise (kept: paid by the promised date; broken: not paid
 * until the promise's check).
 */

export const segments = ['smb', 'enterprise', 'low-responder'] as const;
export type Segment = (typeof segments)[number];

/** Where a contact came from: a message of the cadence, or a person (collector task). */
export type Contact =
  | { readonly kind: 'email' | 'sms'; readonly tone: Tone; readonly formal: boolean }
  | { readonly kind: 'task'; readonly reason: string };

/**
 * Daily base propensity to pay (hazard per day), per segment and phase. ASSUMPTION, not fitted
 * data: chosen so that without any reminder a good share of SMB and enterprise balances is still
 * open at the due date and most is paid within a few weeks after it, which is the usual B2B
 * picture; replace with the rates of your own ledger (`--history`, a later step) when known.
 * `early`: before due − 2; `atDue`: due − 2 … due + 2 (the payment run around the due date);
 * `late`: after due + 2.
 */
export const BASE_HAZARD: Readonly<Record<Segment, { readonly early: number; readonly atDue: number; readonly late: number }>> = {
  smb: { early: 0.006, atDue: 0.08, late: 0.018 },
  // Enterprises pay in scheduled AP runs: little before due, a strong run at due.
  enterprise: { early: 0.003, atDue: 0.12, late: 0.015 },
  // Customers who largely ignore the reminders; they move when it gets serious (see below).
  'low-responder': { early: 0.001, atDue: 0.01, late: 0.004 },
};

/** ASSUMPTION: a reminder's extra propensity halves every 3 days (most responses come within a week). */
export const LIFT_HALF_LIFE_DAYS = 3;

/** Σ_{a≥0} 0.5^(a / halfLife): the total of a lift of 1 over its whole fade. */
export const LIFT_TOTAL_FACTOR = 1 / (1 - 0.5 ** (1 / LIFT_HALF_LIFE_DAYS));

/**
 * SMS calibration, from the UK Behavioural Insights Team field trial of text reminders for unpaid
 * court fines (Haynes, Green, Gallagher, John & Torgerson, "Collection of delinquent fines: an
 * adaptive randomized trial to assess the effectiveness of alternative text messages", Journal of
 * Policy Analysis and Management 32(4), 2013; summarised in BIT's "Applying behavioural insights
 * to reduce fraud, error and debt", Cabinet Office 2012): 5 % paid with no text, 23 % with a
 * standard text, 33 % with a text that used the debtor's name. Dunwell's texts name the customer
 * and the invoice, so the named arm is used: one SMS adds −ln(1 − 0.33) + ln(1 − 0.05) ≈ 0.35 to
 * the cumulative hazard of paying (over its whole fade). Court-fine debtors are not B2B payers:
 * this is the calibration of the lever, not a measurement of Dunwell's customers.
 */
export const BIT_PAID_NO_TEXT = 0.05;
export const BIT_PAID_NAMED_TEXT = 0.33;
export const SMS_CUMULATIVE_LIFT = -Math.log(1 - BIT_PAID_NAMED_TEXT) + Math.log(1 - BIT_PAID_NO_TEXT);

/**
 * ASSUMPTION: an email moves about a third as much as a text (texts are read by most recipients
 * within minutes; B2B reminder emails are opened by a minority, and land in shared AP inboxes).
 */
export const EMAIL_RELATIVE_TO_SMS = 0.35;

/** ASSUMPTION: firmer tones move more; a formal notice (demand letter) most. */
export const TONE_FACTOR: Readonly<Record<Tone, number>> = { friendly: 1, firm: 1.3, final: 1.6 };
export const FORMAL_NOTICE_FACTOR = 1.5;

/**
 * ASSUMPTION: a collector's call (or the agency hand-over) adds this much cumulative hazard, like
 * one and a half named texts: a person on the phone gets an answer. A write-off proposal is an
 * internal decision and moves nobody.
 */
export const TASK_CUMULATIVE_LIFT: Readonly<Record<string, number>> = {
  call: 0.5,
  broken_promise: 0.5,
  broken_payment_plan: 0.5,
  no_channel: 0.4,
  agency_referral: 0.6,
  payment_plan_request: 0,
  write_off_proposal: 0,
};

/**
 * ASSUMPTION: how much each segment reacts to routine messages, and to escalation (a final-tone
 * message, a formal notice, a collector task). The low-responder segment barely reacts to routine
 * reminders but does to escalation; enterprises' AP departments react less to anything.
 */
export const SEGMENT_RESPONSE: Readonly<Record<Segment, { readonly routine: number; readonly escalation: number }>> = {
  smb: { routine: 1, escalation: 1 },
  enterprise: { routine: 0.6, escalation: 0.8 },
  'low-responder': { routine: 0.15, escalation: 1.5 },
};

/** Disputes, promises and their outcomes. All ASSUMPTIONS, configurable per run. */
export interface HoldModel {
  /** Daily chance, per open invoice past its due date and not on hold, that the customer disputes it. */
  readonly disputePerDay: number;
  /** Median days finance takes to resolve a dispute (log-normal, σ 0.6). */
  readonly disputeResolutionMedianDays: number;
  /** Shares of resolutions: rejected (reminders resume after the grace period), credited, upheld (void). */
  readonly disputeOutcomes: { readonly rejected: number; readonly credited: number; readonly upheld: number };
  /** The share of the balance a credited dispute credits. */
  readonly creditShare: number;
  /** Daily chance, per open overdue invoice not on hold, that the customer promises to pay. */
  readonly promisePerDay: number;
  /** The promised date is 3 … this many days out (within the policy's maxPromiseDays). */
  readonly promiseMaxDaysOut: number;
  /** Per segment: the chance a promise is kept (paid by the promised date). */
  readonly promiseKept: Readonly<Record<Segment, number>>;
}

export const defaultHoldModel: HoldModel = {
  // ≈ 2–3 % of invoices disputed over a typical 60-day overdue life.
  disputePerDay: 0.0004,
  disputeResolutionMedianDays: 10,
  disputeOutcomes: { rejected: 0.6, credited: 0.3, upheld: 0.1 },
  creditShare: 0.2,
  promisePerDay: 0.002,
  promiseMaxDaysOut: 14,
  promiseKept: { smb: 0.75, enterprise: 0.85, 'low-responder': 0.4 },
};

/** True for a contact the low-responder segment reacts to: anything that says it is getting serious. */
export function isEscalation(contact: Contact): boolean {
  if (contact.kind === 'task') return true;
  return contact.formal || contact.tone === 'final';
}

/** The cumulative hazard a contact adds over its whole fade, before the segment's response. */
export function cumulativeLift(contact: Contact): number {
  if (contact.kind === 'task') return TASK_CUMULATIVE_LIFT[contact.reason] ?? 0;
  const channel = contact.kind === 'sms' ? SMS_CUMULATIVE_LIFT : SMS_CUMULATIVE_LIFT * EMAIL_RELATIVE_TO_SMS;
  return channel * TONE_FACTOR[contact.tone] * (contact.formal ? FORMAL_NOTICE_FACTOR : 1);
}

/** The extra daily hazard a contact gives on the first day after it, for a customer of `segment`. */
export function initialLift(contact: Contact, segment: Segment): number {
  const response = SEGMENT_RESPONSE[segment];
  const factor = isEscalation(contact) ? response.escalation : response.routine;
  return (cumulativeLift(contact) * factor) / LIFT_TOTAL_FACTOR;
}

/** What is left of a lift `daysAfter` days after its contact (1 on the next day, fading). */
export function fade(daysAfter: number): number {
  return daysAfter < 1 ? 0 : 0.5 ** ((daysAfter - 1) / LIFT_HALF_LIFE_DAYS);
}

/** The base hazard on day `dayFromDue` (negative before the due date). */
export function baseHazard(segment: Segment, dayFromDue: number): number {
  const base = BASE_HAZARD[segment];
  if (dayFromDue < -2) return base.early;
  if (dayFromDue <= 2) return base.atDue;
  return base.late;
}

/** A day's hazard: the base plus every earlier contact's faded lift. */
export function dailyHazard(
  segment: Segment,
  dayFromDue: number,
  lifts: readonly { readonly day: number; readonly size: number }[],
  day: number,
): number {
  let hazard = baseHazard(segment, dayFromDue);
  for (const lift of lifts) hazard += lift.size * fade(day - lift.day);
  return hazard;
}

/** Send prices, USD. */
export interface SendPrices {
  /** Amazon SES outbound email: $0.10 per 1,000 emails (SES pricing page). */
  readonly emailUsd: number;
  /**
   * Amazon SNS SMS, per message. ASSUMPTION: $0.05, a blend of the SNS list prices for the
   * simulated destinations (US ≈ $0.009 with carrier fees, UK ≈ $0.04, Germany ≈ $0.09, France
   * ≈ $0.07 per transactional message at the time of writing); set it from the SNS pricing page
   * for your mix.
   */
  readonly smsUsd: number;
}

export const defaultSendPrices: SendPrices = { emailUsd: 0.1 / 1000, smsUsd: 0.05 };
