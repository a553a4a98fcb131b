import { addDays, daysBetween, isIsoDate, localDateAt, zonedInstant } from './calendar.ts';
import { type MessageChannelId, messageChannelOf } from './channels.ts';
import { deliveryChannel, type Reachability } from './customers.ts';
import type { Hold } from './hold-types.ts';
import { activeHolds, installmentsCovered, pendingPlanRequests } from './holds.ts';
import { holidayPlace, publicHoliday } from './holidays.ts';
import { balanceMinor, type Invoice, isSettled } from './invoice.ts';
import { findStep, maxSilenceDays, type Policy, type PolicyStep } from './policy.ts';
import { effectiveTier, type Tier } from './risk.ts';
import { type Channel, type ClosedDays, customerFacing, plannedSendInstant } from './send-window.ts';

/**
 * What the workflow should do next for an invoice. The planner is pure: the same invoice,
 * policy and clock always give the same action, so a restarted execution picks up exactly
 * where the last one left off.
 */
export type PlannedAction =
  | { readonly type: SendActionType; readonly stepId: string; readonly dueAt: string }
  | { readonly type: 'open_task'; readonly stepId: string; readonly reason: TaskReason; readonly dueAt: string }
  | {
      readonly type: 'sleep';
      /** When to plan again; null means "until a signal" (nothing left to do, or an open-ended hold). */
      readonly until: string | null;
      readonly nextStepId: string | null;
      /** Why nothing is sent meanwhile, when it is not just waiting for the next step. */
      readonly pausedBy?: 'hold' | 'grace' | undefined;
    }
  | { readonly type: 'close'; readonly reason: CloseReason };

export type CloseReason = 'paid' | 'void' | 'written_off' | 'nothing_due';
export type TaskReason =
  | 'call'
  | 'agency_referral'
  | 'write_off_proposal'
  | 'broken_promise'
  | 'broken_payment_plan'
  | 'no_channel'
  | 'payment_plan_request';

/** The collector task for a customer who opted out of every channel. */
export const NO_CHANNEL_TASK_KEY = 'no-channel';

/** The collector task of one payment-plan request (keyed by the hold that pauses dunning meanwhile). */
export function planRequestTaskKey(holdId: string): string {
  return `plan-request-${holdId}`;
}

/** The skip detail of a message no channel could carry; the planner then opens that task. */
export const NO_CHANNEL = 'no channel';

/** A step is given up after this many failed attempts. */
export const MAX_STEP_FAILURES = 3;

/** After its n-th failed attempt a step waits `RETRY_DELAYS_MS[n - 1]` before the next one. */
export const RETRY_DELAYS_MS: readonly number[] = [5 * 60_000, 30 * 60_000];

/**
 * When a step whose last attempt failed may be tried again (epoch ms); undefined when it is not
 * waiting for a retry (never failed, or given up). A provider outage of minutes costs a delay,
 * not the reminder.
 */
export function retryAt(invoice: Invoice, stepId: string): number | undefined {
  const record = invoice.steps[stepId];
  if (record?.state !== 'failed') return undefined;
  const failures = record.failures ?? 0;
  if (failures >= MAX_STEP_FAILURES || failures < 1) return undefined;
  return Date.parse(record.at) + (RETRY_DELAYS_MS[Math.min(failures, RETRY_DELAYS_MS.length) - 1] ?? 0);
}

/** Now, or the step's retry when its last attempt failed and that is later. */
function firstAttemptFrom(invoice: Invoice, stepId: string, now: Date): Date {
  return new Date(Math.max(now.getTime(), retryAt(invoice, stepId) ?? Number.NEGATIVE_INFINITY));
}

/** A hand-over to a person goes now, unless its last attempt failed and the retry is not due yet. */
function openOrWait(action: Extract<PlannedAction, { type: 'open_task' }>, invoice: Invoice, now: Date): PlannedAction {
  const retry = retryAt(invoice, action.stepId);
  if (retry !== undefined && retry > now.getTime()) {
    return { type: 'sleep', until: new Date(retry).toISOString(), nextStepId: action.stepId };
  }
  return action;
}

export interface ScheduledStep {
  readonly step: PolicyStep;
  /** The channel it goes by for this customer (their preference and reachable addresses). */
  readonly channel: Channel;
  readonly tier: Tier;
  /** When the step is due: the policy's start of business on the offset day, then the send window. */
  readonly dueAt: Date;
}

/** Days past due at a step's offset decide the tier; the starting tier and escalation raise it. */
export function invoiceTier(invoice: Pick<Invoice, 'startingTier' | 'escalation'>, daysPastDue: number): Tier {
  return effectiveTier(invoice.startingTier ?? 1, daysPastDue, invoice.escalation ?? 0);
}

function conditionsMet(step: PolicyStep, invoice: Invoice): boolean {
  const conditions = step.conditions;
  if (!conditions) return true;
  if (conditions.segments && !conditions.segments.includes(invoice.customer.segment ?? '')) return false;
  const minimum = conditions.minBalance;
  if (minimum && (minimum.currency !== invoice.currency || balanceMinor(invoice) < minimum.amountMinor)) return false;
  return true;
}

/**
 * The policy laid out on the calendar for this invoice: the steps of the tier the invoice is in
 * at each step's offset, due at the start of business on that day in the customer's time zone,
 * moved into the channel's send window (business days and hours; SMS 08:00–21:00).
 */
export function scheduleSteps(invoice: Invoice, policy: Policy, reachability?: Reachability): ScheduledStep[] {
  const timeZone = invoice.customer.timeZone;
  const rules = policy.sendRules;
  const closed = closedDaysFor(invoice, policy);
  return policy.tiers
    .flatMap((tier) =>
      tier.steps
        .filter((step) => invoiceTier(invoice, step.offsetDays) === tier.tier && conditionsMet(step, invoice))
        .map((step) => {
          const opening = zonedInstant(addDays(invoice.dueDate, step.offsetDays), rules.businessHours.start, timeZone);
          // The window of the channel it really goes by: a text moved from email keeps SMS hours.
          const channel = deliveryChannel(step.channel, invoice.customer, reachability);
          return { step, channel, tier: tier.tier, dueAt: plannedSendInstant(opening, channel, timeZone, rules, [], closed) };
        }),
    )
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.step.offsetDays - b.step.offsetDays);
}

/**
 * The local dates on which nothing goes to this customer: the public holidays of their country
 * (and region), and the policy's closed dates.
 */
export function closedDaysFor(invoice: Invoice, policy: Policy): ClosedDays {
  // One plan asks many times (every step, every follow-up day tried): built once per customer and policy.
  let byPolicy = closedDaysCache.get(invoice.customer);
  if (!byPolicy) {
    byPolicy = new WeakMap();
    closedDaysCache.set(invoice.customer, byPolicy);
  }
  let closed = byPolicy.get(policy);
  if (!closed) {
    const place = holidayPlace(invoice.customer);
    const closedDates = new Set(policy.closedDates ?? []);
    closed = (date) => closedDates.has(date) || publicHoliday(place, date) !== undefined;
    byPolicy.set(policy, closed);
  }
  return closed;
}

/** Keyed by the (immutable) customer and policy objects a plan is made from. */
const closedDaysCache = new WeakMap<Invoice['customer'], WeakMap<Policy, ClosedDays>>();

/** When a message of this invoice due at `dueAt` may go: in the customer's window, on an open day, under the cap. */
function sendInstant(invoice: Invoice, policy: Policy, dueAt: Date, channel: Channel, sent: readonly Date[]): Date {
  return plannedSendInstant(dueAt, channel, invoice.customer.timeZone, policy.sendRules, sent, closedDaysFor(invoice, policy));
}

/** True when a step has been dealt with and must never be attempted again. */
export function stepSettled(invoice: Invoice, stepId: string): boolean {
  const record = invoice.steps[stepId];
  if (!record) return false;
  if (record.state === 'failed') return (record.failures ?? 0) >= MAX_STEP_FAILURES;
  return true;
}

const taskReasons: Partial<Record<PolicyStep['channel'], TaskReason>> = {
  task: 'call',
  agency: 'agency_referral',
  write_off: 'write_off_proposal',
};

function actionFor(entry: ScheduledStep): PlannedAction {
  const dueAt = entry.dueAt.toISOString();
  const reason = taskReasons[entry.step.channel];
  if (reason) return { type: 'open_task', stepId: entry.step.stepId, reason, dueAt };
  return { type: sendActionFor(entry.channel), stepId: entry.step.stepId, dueAt };
}

/** `send_email`, `send_sms`…: the planner's action for a message by one channel of the registry. */
export type SendActionType = `send_${MessageChannelId}`;

/** The send action for a step's delivery channel (a notice goes as an email). */
export function sendActionFor(channel: Channel): SendActionType {
  return `send_${messageChannelOf(channel) ?? 'email'}`;
}

/** Whether the planner says to send a message now (by any channel). */
export function isSendAction(action: PlannedAction): action is Extract<PlannedAction, { type: SendActionType }> {
  return action.type.startsWith('send_');
}

/** Each broken promise hands the invoice to a collector once. */
export function brokenPromiseTaskKey(holdId: string): string {
  return `broken-${holdId}`;
}

/**
 * `recentSends`: the customer-facing messages the customer got lately, across all their invoices
 * (the frequency cap counts them all); a step that would exceed the cap waits.
 */
export function planNextAction(
  invoice: Invoice,
  policy: Policy,
  now: Date,
  recentSends: readonly Date[] = [],
  reachability?: Reachability,
): PlannedAction {
  if (isSettled(invoice.status)) {
    return { type: 'close', reason: invoice.status as Exclude<CloseReason, 'nothing_due'> };
  }
  if (balanceMinor(invoice) <= 0) return { type: 'close', reason: 'nothing_due' };

  // A broken promise opens a collector task, even while another hold pauses the messages.
  const broken = (invoice.holds ?? []).find(
    (hold) =>
      (hold.reason === 'promise' || hold.reason === 'payment_plan') &&
      hold.outcome === 'broken' &&
      !stepSettled(invoice, brokenPromiseTaskKey(hold.holdId)),
  );
  if (broken) {
    const reason = broken.reason === 'payment_plan' ? 'broken_payment_plan' : 'broken_promise';
    return openOrWait({ type: 'open_task', stepId: brokenPromiseTaskKey(broken.holdId), reason, dueAt: now.toISOString() }, invoice, now);
  }

  // A customer no channel can reach is handed to a collector once, instead of being left in silence.
  const unreachable = Object.values(invoice.steps).some((record) => record.state === 'skipped' && record.detail === NO_CHANNEL);
  if (unreachable && !stepSettled(invoice, NO_CHANNEL_TASK_KEY)) {
    return openOrWait({ type: 'open_task', stepId: NO_CHANNEL_TASK_KEY, reason: 'no_channel', dueAt: now.toISOString() }, invoice, now);
  }

  // A customer's request for a payment plan is handed to a collector once, while it is pending.
  const requested = pendingPlanRequests(invoice).find((hold) => !stepSettled(invoice, planRequestTaskKey(hold.holdId)));
  if (requested) {
    const stepId = planRequestTaskKey(requested.holdId);
    return openOrWait({ type: 'open_task', stepId, reason: 'payment_plan_request', dueAt: now.toISOString() }, invoice, now);
  }

  // On hold: nothing leaves until the earliest hold deadline (or a signal, for open-ended holds),
  // except the installment reminders of a payment plan when that is the only hold.
  const holds = activeHolds(invoice);
  const plan = holds.length === 1 && holds[0]?.reason === 'payment_plan' ? holds[0] : undefined;
  if (plan && invoice.pausedUntil && Date.parse(invoice.pausedUntil) > now.getTime()) {
    return { type: 'sleep', until: earliest(invoice.pausedUntil, plan.until), nextStepId: null, pausedBy: 'grace' };
  }
  if (plan) return planInstallments(invoice, plan, policy, now, recentSends, reachability);
  if (holds.length > 0) {
    // Wake at the earliest deadline to review that hold, even if another one is open-ended.
    const deadlines = holds.map((hold) => hold.until).filter((until): until is string => until !== null);
    return { type: 'sleep', until: deadlines.sort()[0] ?? null, nextStepId: null, pausedBy: 'hold' };
  }
  if (invoice.pausedUntil && Date.parse(invoice.pausedUntil) > now.getTime()) {
    return { type: 'sleep', until: invoice.pausedUntil, nextStepId: null, pausedBy: 'grace' };
  }

  const schedule = scheduleSteps(invoice, policy, reachability);

  // Hand-overs to people come first. Of those already due, only the latest: an invoice that
  // arrives late (or a hold that ends) starts at its present, not with a tier's old calls.
  const internal = latestDue(
    invoice,
    schedule.filter((entry) => !customerFacing(entry.step.channel)),
    now,
  );
  if (internal) {
    const action = actionFor(internal);
    return action.type === 'open_task' ? openOrWait(action, invoice, now) : action;
  }

  // Of the customer messages already due, only the latest is sent: an invoice that arrives
  // late, or a pause that ends, never fires a burst of stale reminders. A step due before the
  // customer's last message is stale, whatever tier it belongs to (an escalation can bring an
  // earlier-offset step of a firmer tier into the schedule) — except right after a broken
  // promise or plan, when dunning resumes at once with the firmer tier's latest due step.
  const lastContact = lastContactAt(invoice, policy);
  const brokenAt = lastBreakAt(invoice);
  const staleBefore = brokenAt > lastContact ? Number.NEGATIVE_INFINITY : lastContact;
  const latest = latestDue(
    invoice,
    schedule.filter((entry) => customerFacing(entry.step.channel)),
    now,
  );
  if (latest && latest.dueAt.getTime() > staleBefore) return sendOrWait(latest, invoice, policy, now, recentSends);

  // Never a long silence: a follow-up fills any gap longer than the policy allows.
  const followUp = followUpStep(invoice, policy, schedule, now, { lastContact, brokenAt }, reachability);
  if (followUp && followUp.dueAt.getTime() <= now.getTime()) return sendOrWait(followUp, invoice, policy, now, recentSends);

  const next = schedule.find((entry) => entry.dueAt.getTime() > now.getTime() && !invoice.steps[entry.step.stepId]);
  const upcoming = followUp && (!next || followUp.dueAt.getTime() < next.dueAt.getTime()) ? followUp : next;
  if (upcoming) {
    const until = sendInstant(invoice, policy, upcoming.dueAt, upcoming.channel, recentSends);
    return { type: 'sleep', until: until.toISOString(), nextStepId: upcoming.step.stepId };
  }
  return { type: 'sleep', until: null, nextStepId: null };
}

/**
 * Of a track's steps already due (the customer messages, or the hand-overs to people), the
 * latest, unless it or a later step of the track has been dealt with: earlier ones are passed
 * over (recorded `skipped` when the latest is acted on, see `supersededSteps`).
 */
function latestDue(invoice: Invoice, track: readonly ScheduledStep[], now: Date): ScheduledStep | undefined {
  const dueCount = track.filter((entry) => entry.dueAt.getTime() <= now.getTime()).length;
  const latest = track[dueCount - 1];
  if (!latest || stepSettled(invoice, latest.step.stepId)) return undefined;
  if (track.slice(dueCount).some((entry) => invoice.steps[entry.step.stepId])) return undefined;
  return latest;
}

/** A due message goes now if its window is open and the customer's cap allows; else it waits for both. */
function sendOrWait(entry: ScheduledStep, invoice: Invoice, policy: Policy, now: Date, recentSends: readonly Date[]): PlannedAction {
  // A step pushed past its window (by a pause, or the customer's frequency cap) waits for it, and
  // one whose last attempt failed waits for its retry too.
  const sendAt = sendInstant(invoice, policy, firstAttemptFrom(invoice, entry.step.stepId, now), entry.channel, recentSends);
  if (sendAt.getTime() <= now.getTime()) return actionFor(entry);
  return { type: 'sleep', until: sendAt.toISOString(), nextStepId: entry.step.stepId };
}

/** The latest instant a promise or payment plan of this invoice was found broken; -∞ when none was. */
function lastBreakAt(invoice: Invoice): number {
  let last = Number.NEGATIVE_INFINITY;
  for (const hold of invoice.holds ?? []) {
    if (hold.outcome === 'broken' && hold.releasedAt) last = Math.max(last, Date.parse(hold.releasedAt));
  }
  return last;
}

const FOLLOW_UP_PREFIX = 'follow-up.';

/**
 * The key of a follow-up reminder: it repeats `baseStepId` (the latest customer message the
 * policy had due; none when it had none yet) and is due on `date`, so each is sent at most once.
 */
export function followUpStepId(baseStepId: string | undefined, date: string): string {
  return `${FOLLOW_UP_PREFIX}${baseStepId ? `${baseStepId}.` : ''}${date}`;
}

/** The step a follow-up key stands for: its base step's tone and template, by email (or SMS, if the base went by SMS). */
function followUpFor(policy: Policy, stepId: string): PolicyStep | undefined {
  if (!stepId.startsWith(FOLLOW_UP_PREFIX)) return undefined;
  const date = stepId.slice(-10);
  const baseId = stepId.slice(FOLLOW_UP_PREFIX.length, -11);
  if (!isIsoDate(date) || (baseId !== '' && stepId.at(-11) !== '.')) return undefined;
  const base = baseId ? findStep(policy, baseId) : undefined;
  if (baseId && !base) return undefined;
  return {
    stepId,
    offsetDays: base?.offsetDays ?? 0,
    // A formal notice is a one-time act: its follow-ups are reminders in the same tone.
    channel: messageChannelOf(base?.channel ?? 'email') ?? 'email',
    tone: base?.tone ?? 'firm',
    ...(base?.template ? { template: base.template } : {}),
  };
}

/**
 * The follow-up reminder that keeps an open, overdue invoice from going quiet, when the policy's
 * own steps would leave a gap longer than `maxSilenceDays` (measured in the customer's calendar
 * days from the last message or task, or from when dunning last resumed). The gap to the next
 * step is split evenly, and each follow-up goes on the latest send day that keeps within the
 * limit. Right after a broken promise or plan with no firmer step to send, one is due at once.
 * None for an invoice handed to an agency: it is theirs to chase.
 */
function followUpStep(
  invoice: Invoice,
  policy: Policy,
  schedule: readonly ScheduledStep[],
  now: Date,
  contact: { readonly lastContact: number; readonly brokenAt: number },
  reachability: Reachability | undefined,
): ScheduledStep | undefined {
  if (invoice.status === 'escalated') return undefined;
  const timeZone = invoice.customer.timeZone;
  const today = localDateAt(now.getTime(), timeZone);
  if (today <= invoice.dueDate) return undefined;
  const base = schedule.filter((entry) => customerFacing(entry.step.channel) && entry.dueAt.getTime() <= now.getTime()).at(-1);
  // The channel followUpFor gives the follow-up of `base`, moved by the customer's channels.
  const channel = deliveryChannel(messageChannelOf(base?.step.channel ?? 'email') ?? 'email', invoice.customer, reachability);
  const make = (date: string, dueAt: Date): ScheduledStep | undefined => {
    const stepId = followUpStepId(base?.step.stepId, date);
    const step = followUpFor(policy, stepId);
    if (!step || stepSettled(invoice, stepId)) return undefined;
    const tier = invoiceTier(invoice, Math.max(0, daysBetween(invoice.dueDate, date)));
    return { step, channel, tier, dueAt };
  };

  if (contact.brokenAt > contact.lastContact) {
    const dueAt = sendInstant(invoice, policy, new Date(contact.brokenAt), channel, []);
    const resumed = make(localDateAt(dueAt.getTime(), timeZone), dueAt);
    if (resumed) return resumed;
  }

  const limit = maxSilenceDays(policy);
  const anchorDate = localDateAt(silenceSince(invoice, now), timeZone);
  const next = schedule.find((entry) => entry.dueAt.getTime() > now.getTime() && !invoice.steps[entry.step.stepId]);
  const gap = next ? daysBetween(anchorDate, localDateAt(next.dueAt.getTime(), timeZone)) : Number.POSITIVE_INFINITY;
  if (gap <= limit) return undefined;
  const stride = Number.isFinite(gap) ? Math.ceil(gap / Math.ceil(gap / limit)) : limit;
  const { date, dueAt } = latestSendDay(invoice, policy, anchorDate, stride, channel);
  return make(date, dueAt);
}

/**
 * The last day in (`from`, `from` + `days`] on which the channel's window opens (a business day,
 * not closed), with the instant it opens; the first one after, when that stretch has none.
 */
function latestSendDay(invoice: Invoice, policy: Policy, from: string, days: number, channel: Channel): { date: string; dueAt: Date } {
  const timeZone = invoice.customer.timeZone;
  const opening = (date: string) => zonedInstant(date, policy.sendRules.businessHours.start, timeZone);
  for (let offset = days; offset >= 1; offset--) {
    const date = addDays(from, offset);
    const dueAt = sendInstant(invoice, policy, opening(date), channel, []);
    if (localDateAt(dueAt.getTime(), timeZone) === date) return { date, dueAt };
  }
  const dueAt = sendInstant(invoice, policy, opening(addDays(from, days)), channel, []);
  return { date: localDateAt(dueAt.getTime(), timeZone), dueAt };
}

/**
 * Since when the invoice has been overdue without news: the latest of the start of its first
 * overdue day, its last message or task (a step record of any outcome but a failure still to be
 * retried), the end of its last hold and of its last grace pause.
 */
function silenceSince(invoice: Invoice, now: Date): number {
  let since = zonedInstant(addDays(invoice.dueDate, 1), '00:00', invoice.customer.timeZone).getTime();
  for (const record of Object.values(invoice.steps)) {
    if (record.state === 'failed' && (record.failures ?? 0) < MAX_STEP_FAILURES) continue;
    since = Math.max(since, Date.parse(record.at));
  }
  for (const hold of invoice.holds ?? []) {
    if (hold.releasedAt && Date.parse(hold.releasedAt) <= now.getTime()) since = Math.max(since, Date.parse(hold.releasedAt));
  }
  if (invoice.pausedUntil && Date.parse(invoice.pausedUntil) <= now.getTime()) since = Math.max(since, Date.parse(invoice.pausedUntil));
  return since;
}

/** The reminder key of installment `number` (1-based) of a payment plan. */
export function installmentStepId(planId: string, number: number): string {
  return `plan.${planId}.${number}`;
}

const INSTALLMENT_NOTICE_DAYS = 3;

/**
 * Under a payment plan: one friendly email a few days before each installment still to pay, in
 * the send window and under the cap; otherwise sleep until the next reminder or the plan check.
 */
function planInstallments(
  invoice: Invoice,
  plan: Hold,
  policy: Policy,
  now: Date,
  recentSends: readonly Date[],
  reachability: Reachability | undefined,
): PlannedAction {
  const timeZone = invoice.customer.timeZone;
  const rules = policy.sendRules;
  // Installment reminders are emails, unless the customer is reached by text.
  const channel = deliveryChannel('email', invoice.customer, reachability);
  const send = sendActionFor(channel);
  const installments = plan.paymentPlan?.installments ?? [];
  const covered = installmentsCovered(invoice, plan);
  const reminders = installments
    .map((installment, index) => ({ number: index + 1, installment }))
    .filter(({ number }) => number > covered && !stepSettled(invoice, installmentStepId(plan.holdId, number)))
    .map(({ number, installment }) => {
      const opening = zonedInstant(addDays(installment.dueDate, -INSTALLMENT_NOTICE_DAYS), rules.businessHours.start, timeZone);
      return { stepId: installmentStepId(plan.holdId, number), dueAt: sendInstant(invoice, policy, opening, channel, []) };
    });
  // The earliest installment still to pay comes first; a reminder that fell due before the
  // customer's last message is stale (two installments close together share one reminder).
  const lastContact = lastContactAt(invoice, policy);
  const due = reminders.find((reminder) => reminder.dueAt.getTime() <= now.getTime() && reminder.dueAt.getTime() > lastContact);
  if (due) {
    const sendAt = sendInstant(invoice, policy, firstAttemptFrom(invoice, due.stepId, now), channel, recentSends);
    if (sendAt.getTime() <= now.getTime()) return { type: send, stepId: due.stepId, dueAt: due.dueAt.toISOString() };
    return { type: 'sleep', until: earliest(sendAt.toISOString(), plan.until), nextStepId: due.stepId, pausedBy: 'hold' };
  }
  const next = reminders.find((reminder) => reminder.dueAt.getTime() > now.getTime());
  const until = next ? sendInstant(invoice, policy, next.dueAt, channel, recentSends).toISOString() : null;
  return { type: 'sleep', until: earliest(until, plan.until), nextStepId: next?.stepId ?? null, pausedBy: 'hold' };
}

function earliest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

/**
 * The step an id names: a policy step, the reminder of a payment-plan installment (a friendly
 * email), or a follow-up (its base step's tone). Undefined for anything else (collector-task keys, unknown ids).
 */
export function resolveStep(policy: Policy, stepId: string): PolicyStep | undefined {
  const step = findStep(policy, stepId);
  if (step) return step;
  if (stepId.startsWith('plan.')) return { stepId, offsetDays: 0, channel: 'email', tone: 'friendly' };
  return followUpFor(policy, stepId);
}

/** When the customer was last messaged about this invoice (sent, or possibly sent), as epoch ms. */
function lastContactAt(invoice: Invoice, policy: Policy): number {
  let last = Number.NEGATIVE_INFINITY;
  for (const [stepId, record] of Object.entries(invoice.steps)) {
    if (record.state !== 'sent' && record.state !== 'unconfirmed' && record.state !== 'claimed') continue;
    const step = resolveStep(policy, stepId);
    if (step && customerFacing(step.channel)) last = Math.max(last, Date.parse(record.at));
  }
  return last;
}

/**
 * The steps that acting on `stepId` supersedes: the earlier ones of its track (customer messages,
 * or hand-overs to people) never attempted. None for a step outside the schedule (a follow-up).
 */
export function supersededSteps(invoice: Invoice, policy: Policy, stepId: string, reachability?: Reachability): string[] {
  const schedule = scheduleSteps(invoice, policy, reachability);
  const step = schedule.find((entry) => entry.step.stepId === stepId);
  if (!step) return [];
  const facing = customerFacing(step.step.channel);
  const track = schedule.filter((entry) => customerFacing(entry.step.channel) === facing);
  return track
    .slice(0, track.indexOf(step))
    .map((entry) => entry.step.stepId)
    .filter((id) => !invoice.steps[id]);
}
