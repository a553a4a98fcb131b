/**
 * Properties of the planner (issue 3, §7) over random invoices, policies, holds, step records,
 * clocks and send histories: it never sends on hold, never after paid or void, never outside the
 * allowed hours, never the same step twice, never above the frequency cap, and its send times
 * never go backwards. The expectations are computed here from the wall clock and the sends
 * themselves, not by asking the planner's own helpers, wherever that can be done simply.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { addDays } from '#domain/calendar.ts';
import { deliveryChannel, type Reachability, type Suppression } from '#domain/customers.ts';
import type { Hold, HoldReason, Installment } from '#domain/hold-types.ts';
import {
  activeHolds,
  makePromise,
  openDispute,
  pendingPlanRequests,
  placeManualHold,
  releaseHold,
  resolveDispute,
  reviewHolds,
  startPaymentPlan,
} from '#domain/holds.ts';
import { holidayPlace, publicHoliday } from '#domain/holidays.ts';
import {
  balanceMinor,
  type Invoice,
  type InvoiceStatus,
  isSettled,
  recordPayment,
  type StepOutcome,
  type StepRecord,
} from '#domain/invoice.ts';
import {
  brokenPromiseTaskKey,
  installmentStepId,
  isSendAction,
  NO_CHANNEL_TASK_KEY,
  type PlannedAction,
  planNextAction,
  resolveStep,
  type SendActionType,
  scheduleSteps,
  stepSettled,
  supersededSteps,
} from '#domain/planner.ts';
import {
  allSteps,
  channels,
  checkPolicy,
  defaultPolicy,
  findStep,
  MIN_SILENCE_DAYS,
  maxSilenceDays,
  type Policy,
  type PolicyStep,
  type PolicyTier,
  tones,
} from '#domain/policy.ts';
import type { Tier } from '#domain/risk.ts';
import {
  type Channel,
  checkSendRules,
  customerFacing,
  defaultSendRules,
  isAllowedInstant,
  nextAllowedInstant,
  type SendRules,
} from '#domain/send-window.ts';
import { newInvoice } from '../support/invoices.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
const WEEK = 7 * DAY;

const timeZones = [
  'Asia/Kolkata',
  'Australia/Adelaide',
  'America/St_Johns',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Tokyo',
  'Europe/London',
  // DST at local midnight: the day starts at 01:00 once a year.
  'America/Santiago',
  // A 30-minute DST shift.
  'Australia/Lord_Howe',
  'Pacific/Auckland',
] as const;
const segments = ['enterprise', 'smb', 'public'] as const;

// ---------------------------------------------------------------------------------------
// Wall clock, computed independently of shared/domain/calendar.ts
// ---------------------------------------------------------------------------------------

interface WallClock {
  /** YYYY-MM-DD in the zone. */
  readonly date: string;
  /** ISO weekday, 1 = Monday. */
  readonly weekday: number;
  readonly minuteOfDay: number;
  readonly offsetMs: number;
}

const wallFormatters = new Map<string, Intl.DateTimeFormat>();
const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function wallClock(instant: number, timeZone: string): WallClock {
  let formatter = wallFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    wallFormatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
  const [year, month, day, hour, minute, second] = [parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second].map(Number);
  const wallAsUtc = Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0);
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: weekdays.indexOf(parts.weekday ?? '') + 1,
    minuteOfDay: (hour ?? 0) * 60 + (minute ?? 0),
    offsetMs: wallAsUtc - Math.floor(instant / 1000) * 1000,
  };
}

const minutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const hhmm = (minuteOfDay: number) =>
  `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;

/**
 * Whether the local wall clock is inside the channel's hours on a business day; undefined within a
 * day of a DST change, where a window boundary in a skipped hour moves by the jump (send-window.ts).
 */
function insideHoursByWallClock(instant: number, channel: Channel, timeZone: string, rules: SendRules): boolean | undefined {
  if (wallClock(instant - DAY, timeZone).offsetMs !== wallClock(instant + DAY, timeZone).offsetMs) return undefined;
  const wall = wallClock(instant, timeZone);
  let start = minutes(rules.businessHours.start);
  let end = minutes(rules.businessHours.end);
  if (channel === 'sms') {
    start = Math.max(start, minutes(rules.smsHours.start));
    end = Math.min(end, minutes(rules.smsHours.end));
  }
  return rules.businessHours.days.includes(wall.weekday) && wall.minuteOfDay >= start && wall.minuteOfDay < end;
}

/** Messages already sent on the instant's local day, and in the 7×24h up to and including it. */
function capUse(instant: number, sent: readonly number[], timeZone: string): { today: number; thisWeek: number } {
  const day = wallClock(instant, timeZone).date;
  return {
    today: sent.filter((at) => at <= instant && wallClock(at, timeZone).date === day).length,
    thisWeek: sent.filter((at) => at > instant - WEEK && at <= instant).length,
  };
}

// ---------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------

/** `arbitrary` a quarter of the time, undefined otherwise. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
}

const dueDates = fc
  .integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 11, 31) })
  .map((ms) => new Date(ms).toISOString().slice(0, 10));

/** A half-open daily window in minutes, start < end ≤ 23:59. */
const dailyWindow = fc
  .integer({ min: 0, max: 1438 })
  .chain((start) => fc.record({ start: fc.constant(start), end: fc.integer({ min: start + 1, max: 1439 }) }));

/** Sound rules by construction: the SMS hours always overlap the business hours. */
const randomSendRules: fc.Arbitrary<SendRules> = dailyWindow
  .chain((business) =>
    fc.record({
      business: fc.constant(business),
      sms: fc
        .integer({ min: 0, max: business.end - 1 })
        .chain((start) =>
          fc.record({ start: fc.constant(start), end: fc.integer({ min: Math.max(business.start, start) + 1, max: 1439 }) }),
        ),
      days: fc.shuffledSubarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 }),
      perDay: fc.integer({ min: 1, max: 3 }),
      extraPerWeek: fc.integer({ min: 0, max: 4 }),
    }),
  )
  .map(({ business, sms, days, perDay, extraPerWeek }) => ({
    businessHours: { start: hhmm(business.start), end: hhmm(business.end), days },
    smsHours: { start: hhmm(sms.start), end: hhmm(sms.end) },
    frequencyCap: { perDay, perWeek: perDay + extraPerWeek },
  }));

/** Office-like hours (opening 06:00–12:00, closing 13:00–22:00), where most real policies live. */
const officeSendRules: fc.Arbitrary<SendRules> = fc
  .record({
    start: fc.integer({ min: 6 * 60, max: 12 * 60 }),
    end: fc.integer({ min: 13 * 60, max: 22 * 60 }),
    days: fc.constantFrom([1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6, 7], [7, 1, 2, 3, 4]),
    perDay: fc.integer({ min: 1, max: 2 }),
    extraPerWeek: fc.integer({ min: 0, max: 3 }),
  })
  .map(({ start, end, days, perDay, extraPerWeek }) => ({
    businessHours: { start: hhmm(start), end: hhmm(end), days },
    smsHours: defaultSendRules.smsHours,
    frequencyCap: { perDay, perWeek: perDay + extraPerWeek },
  }));

const stepSpec = fc.record({
  offsetDays: fc.integer({ min: -15, max: 200 }),
  // Mostly customer messages, which most of the properties are about; every channel appears.
  channel: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom<Channel>('email', 'email', 'sms', 'notice') },
    { weight: 1, arbitrary: fc.constantFrom(...channels) },
  ),
  tone: fc.constantFrom(...tones),
  minBalance: sometimes(fc.record({ currency: fc.constantFrom('EUR', 'USD'), amountMinor: fc.integer({ min: 1, max: 2_000_000 }) })),
  segments: sometimes(fc.subarray([...segments], { minLength: 1 })),
  taskDeadlineDays: fc.integer({ min: 1, max: 30 }),
});
type StepSpec = typeof stepSpec extends fc.Arbitrary<infer T> ? T : never;

function tierOf(tier: Tier, specs: readonly StepSpec[]): PolicyTier {
  const steps = specs.map(
    (spec, index): PolicyStep => ({
      stepId: `t${tier}-${index}-${spec.channel}`,
      offsetDays: spec.offsetDays,
      channel: spec.channel,
      tone: spec.tone,
      ...(spec.minBalance || spec.segments
        ? { conditions: { minBalance: spec.minBalance && { ...spec.minBalance }, segments: spec.segments } }
        : {}),
      ...(customerFacing(spec.channel) ? {} : { taskDeadlineDays: spec.taskDeadlineDays }),
    }),
  );
  return { tier, steps };
}

/** A valid custom policy: tier 1 and any of tiers 2–4, each with random steps on every channel. */
const customPolicy: fc.Arbitrary<Policy> = fc
  .record({
    sendRules: fc.oneof(
      { weight: 1, arbitrary: fc.constant(defaultSendRules) },
      { weight: 2, arbitrary: officeSendRules },
      { weight: 1, arbitrary: randomSendRules },
    ),
    tier1: fc.array(stepSpec, { minLength: 1, maxLength: 6 }),
    higher: fc.tuple(
      ...([2, 3, 4] as const).map((tier) =>
        fc
          .oneof(
            { weight: 1, arbitrary: fc.constant(undefined) },
            { weight: 3, arbitrary: fc.array(stepSpec, { minLength: 1, maxLength: 5 }) },
          )
          .map((steps) => ({ tier, steps })),
      ),
    ),
  })
  .map(({ sendRules, tier1, higher }) => ({
    policyId: 'property',
    version: 1,
    name: 'Random policy',
    sendRules,
    holdRules: defaultPolicy.holdRules,
    tiers: [tierOf(1, tier1), ...higher.flatMap(({ tier, steps }) => (steps ? [tierOf(tier, steps)] : []))],
  }));

/** Most policies leave `maxSilenceDays` at its default; some set their own, anywhere in the allowed range. */
const silenceLimits = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.integer({ min: MIN_SILENCE_DAYS, max: 30 }) },
);

/** A policy's own closed dates, as days from the invoice's due date: mostly none, sometimes a closure of a few days. */
const closedOffsets = fc.oneof(
  { weight: 3, arbitrary: fc.constant<number[]>([]) },
  { weight: 1, arbitrary: fc.uniqueArray(fc.integer({ min: -10, max: 120 }), { maxLength: 6 }) },
  {
    weight: 1,
    arbitrary: fc
      .record({ from: fc.integer({ min: -10, max: 120 }), length: fc.integer({ min: 1, max: 10 }) })
      .map(({ from, length }) => Array.from({ length }, (_, index) => from + index)),
  },
);

function withClosedDates(policy: Policy, dueDate: string, offsets: readonly number[]): Policy {
  return offsets.length === 0 ? policy : { ...policy, closedDates: offsets.map((offset) => addDays(dueDate, offset)) };
}

/** Whether nothing may go to this customer on a local date: a public holiday where they are, or a closed date of the policy. */
function closedOn(invoice: Invoice, policy: Policy, date: string): boolean {
  return (policy.closedDates ?? []).includes(date) || publicHoliday(holidayPlace(invoice.customer), date) !== undefined;
}

const policies = fc
  .tuple(fc.oneof({ weight: 1, arbitrary: fc.constant(defaultPolicy) }, { weight: 2, arbitrary: customPolicy }), silenceLimits)
  .map(([policy, limit]): Policy => (limit === undefined ? policy : { ...policy, maxSilenceDays: limit }));

const statuses = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<InvoiceStatus>('open', 'on_hold', 'escalated') },
  { weight: 1, arbitrary: fc.constantFrom<InvoiceStatus>('paid', 'void', 'written_off') },
);

/** Mostly unpaid or partly paid; sometimes paid in full or overpaid. */
const paidPermille = fc.oneof(
  { weight: 4, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 999 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 1300 }) },
);

const holdReasons: readonly HoldReason[] = ['dispute', 'promise', 'payment_plan', 'unmatched_cash', 'manual'];

const holdSpec = fc.record({
  reason: fc.constantFrom(...holdReasons),
  active: fc.boolean(),
  openedAgo: fc.integer({ min: 0, max: 40 * DAY }),
  /** Deadline relative to the clock: past, future, or none. */
  until: fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: fc.integer({ min: -20 * DAY, max: 40 * DAY }) }),
  outcome: fc.constantFrom('released', 'expired', 'kept', 'broken', 'rejected', 'credited', 'upheld', 'replaced'),
  installmentDays: fc.uniqueArray(fc.integer({ min: -10, max: 40 }), { minLength: 1, maxLength: 4 }),
});
type HoldSpec = typeof holdSpec extends fc.Arbitrary<infer T> ? T : never;

/** Installments on these days from `today` that add up to `total`, the last taking the remainder. */
function installmentsOver(today: string, days: readonly number[], total: number): Installment[] {
  const sorted = [...days].sort((a, b) => a - b);
  const share = Math.floor(total / sorted.length);
  return sorted.map((offset, index) => ({
    dueDate: addDays(today, offset),
    amountMinor: index === sorted.length - 1 ? total - share * (sorted.length - 1) : share,
  }));
}

function holdFrom(spec: HoldSpec, index: number, now: number, invoice: Invoice): Hold {
  const openedAt = new Date(now - spec.openedAgo).toISOString();
  const today = new Date(now).toISOString().slice(0, 10);
  const balance = Math.max(1, balanceMinor(invoice));
  return {
    holdId: `hold-${index}`,
    reason: spec.reason,
    status: spec.active ? 'active' : 'released',
    openedAt,
    until: spec.until === null ? null : new Date(now + spec.until).toISOString(),
    ...(spec.active ? {} : { releasedAt: openedAt, outcome: spec.outcome }),
    ...(spec.reason === 'dispute' ? { dispute: { reasonCode: 'pricing' as const } } : {}),
    ...(spec.reason === 'promise'
      ? {
          promise: {
            promisedDate: addDays(today, spec.installmentDays[0] ?? 0),
            amountMinor: balance,
            paidMinorAtPromise: invoice.paidMinor,
          },
        }
      : {}),
    ...(spec.reason === 'payment_plan'
      ? { paymentPlan: { installments: installmentsOver(today, spec.installmentDays, balance), paidMinorAtStart: invoice.paidMinor } }
      : {}),
  };
}

const stepRecordSpec = fc.record({
  state: fc.constantFrom<StepOutcome>('claimed', 'sent', 'unconfirmed', 'skipped', 'failed'),
  failures: fc.integer({ min: 0, max: 5 }),
  ago: fc.integer({ min: 0, max: 60 * DAY }),
});
type StepRecordSpec = typeof stepRecordSpec extends fc.Arbitrary<infer T> ? T : never;

/** Every key a step record can have: policy steps, broken-promise tasks, installment reminders. */
function stepKeys(policy: Policy): string[] {
  const holdIds = [0, 1, 2].map((index) => `hold-${index}`);
  return [
    ...allSteps(policy).map((step) => step.stepId),
    ...holdIds.map(brokenPromiseTaskKey),
    NO_CHANNEL_TASK_KEY,
    ...holdIds.flatMap((holdId) => [1, 2, 3, 4].map((number) => installmentStepId(holdId, number))),
  ];
}

/** An invoice in any state, a clock, and the customer's recent messages. */
interface Scenario {
  readonly policy: Policy;
  readonly invoice: Invoice;
  readonly now: Date;
  readonly recentSends: readonly Date[];
  /** The customer's channels as the plan handler reads them (preference, consent, suppressed addresses). */
  readonly reachability?: Reachability | undefined;
}

/** Consent, preference and suppressed addresses, over the invoice's own email and phone. */
const reachabilitySpec = fc.record({
  email: fc.boolean(),
  sms: fc.boolean(),
  preferredChannel: fc.constantFrom(undefined, 'email' as const, 'sms' as const),
  emailSuppressed: fc.boolean(),
  phoneSuppressed: fc.boolean(),
});

function reachabilityFrom(spec: typeof reachabilitySpec extends fc.Arbitrary<infer T> ? T : never, invoice: Invoice): Reachability {
  const at = invoice.createdAt;
  const suppressions: Suppression[] = [];
  if (spec.emailSuppressed && invoice.customer.email) {
    suppressions.push({ channel: 'email', address: invoice.customer.email, reason: 'bounce', at });
  }
  if (spec.phoneSuppressed && invoice.customer.phone) {
    suppressions.push({ channel: 'sms', address: invoice.customer.phone, reason: 'sms_opt_out', at });
  }
  return { consent: { email: spec.email, sms: spec.sms }, suppressions, preferredChannel: spec.preferredChannel };
}

const invoiceBasics = {
  dueDate: dueDates,
  timeZone: fc.constantFrom(...timeZones),
  segment: fc.constantFrom(...segments),
  currency: fc.constantFrom('EUR', 'USD'),
  startingTier: fc.constantFrom<Tier>(1, 2, 3, 4),
  escalation: fc.integer({ min: 0, max: 2 }),
  amountMinor: fc.integer({ min: 1, max: 5_000_000 }),
};

function baseInvoice(spec: {
  dueDate: string;
  timeZone: string;
  segment: string;
  currency: string;
  startingTier: Tier;
  escalation: number;
  amountMinor: number;
  paidPermille: number;
}): Invoice {
  const { dueDate, timeZone, segment, currency, amountMinor } = spec;
  const invoice = newInvoice({
    invoiceId: 'INV-PROP',
    dueDate,
    issueDate: dueDate,
    currency,
    amountMinor,
    customer: { timeZone, segment },
  });
  return {
    ...invoice,
    startingTier: spec.startingTier,
    escalation: spec.escalation,
    paidMinor: Math.floor((amountMinor * spec.paidPermille) / 1000),
  };
}

/**
 * Where the clock stands: anywhere from a month before the due date to seven months after it, or
 * (more often) at or shortly after one of the invoice's scheduled steps, where the decisions are.
 */
const clockSpec = fc.oneof(
  { weight: 1, arbitrary: fc.record({ anchor: fc.constant(undefined), offset: fc.integer({ min: -30 * DAY, max: 220 * DAY }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      anchor: fc.nat(),
      offset: fc.oneof(
        { weight: 2, arbitrary: fc.integer({ min: -MINUTE, max: 30 * MINUTE }) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 20 * DAY }) },
      ),
    }),
  },
);

const scenarios: fc.Arbitrary<Scenario> = policies.chain((chosen) =>
  fc
    .record({
      ...invoiceBasics,
      closedOffsets,
      status: statuses,
      paidPermille,
      creditPermille: sometimes(
        fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 500 }) }, { weight: 1, arbitrary: fc.constant(1000) }),
      ),
      clock: clockSpec,
      holds: fc.oneof(
        { weight: 3, arbitrary: fc.constant<HoldSpec[]>([]) },
        { weight: 2, arbitrary: fc.array(holdSpec, { minLength: 1, maxLength: 3 }) },
        // A payment plan alone: the one hold under which the planner still sends (installment reminders).
        { weight: 1, arbitrary: holdSpec.map((hold): HoldSpec[] => [{ ...hold, reason: 'payment_plan', active: true }]) },
      ),
      // The grace pause after a rejected dispute: mostly none, else ended or still running.
      pausedFor: fc.oneof(
        { weight: 1, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.integer({ min: -10 * DAY, max: 10 * DAY }) },
      ),
      steps: fc.oneof(
        { weight: 1, arbitrary: fc.constant<Record<string, StepRecordSpec>>({}) },
        { weight: 2, arbitrary: fc.dictionary(fc.constantFrom(...stepKeys(chosen)), stepRecordSpec, { maxKeys: 5 }) },
      ),
      sendsAgo: fc.array(fc.integer({ min: 0, max: 10 * DAY }), { maxLength: 4 }),
      reach: sometimes(reachabilitySpec),
    })
    .map((spec): Scenario => {
      const policy = withClosedDates(chosen, spec.dueDate, spec.closedOffsets);
      const base: Invoice = { ...baseInvoice(spec), status: spec.status };
      const creditMinor = spec.creditPermille === undefined ? 0 : Math.floor((base.amountMinor * spec.creditPermille) / 1000);
      const credited = (appliedAt: string): Invoice =>
        creditMinor === 0
          ? base
          : { ...base, creditNotes: { 'cn-1': { creditNoteId: 'cn-1', amountMinor: creditMinor, reason: 'goodwill', appliedAt } } };
      // The balance (and so the step conditions) does not depend on when the credit was applied.
      const schedule = scheduleSteps(credited(base.createdAt), policy);
      const anchor = spec.clock.anchor === undefined ? undefined : schedule[spec.clock.anchor % Math.max(1, schedule.length)];
      const now = (anchor ? anchor.dueAt.getTime() : Date.parse(`${spec.dueDate}T00:00:00Z`)) + spec.clock.offset;
      let invoice = credited(new Date(now - DAY).toISOString());
      const withoutHolds = invoice;
      const steps = Object.fromEntries(
        Object.entries(spec.steps).map(([stepId, record]): [string, StepRecord] => {
          const at = new Date(now - record.ago).toISOString();
          return [stepId, record.state === 'failed' ? { state: 'failed', at, failures: record.failures } : { state: record.state, at }];
        }),
      );
      invoice = {
        ...invoice,
        holds: spec.holds.map((hold, index) => holdFrom(hold, index, now, withoutHolds)),
        ...(spec.pausedFor === undefined ? {} : { pausedUntil: new Date(now + spec.pausedFor).toISOString() }),
        steps,
      };
      return {
        policy,
        invoice,
        now: new Date(now),
        recentSends: spec.sendsAgo.map((ago) => new Date(now - ago)),
        reachability: spec.reach ? reachabilityFrom(spec.reach, invoice) : undefined,
      };
    }),
);

/** The scenario as the workflow plans it: holds whose time has come are decided first (planInvoice). */
function reviewed(scenario: Scenario): Scenario {
  return { ...scenario, invoice: reviewHolds(scenario.invoice, scenario.now, scenario.policy.holdRules) ?? scenario.invoice };
}

// ---------------------------------------------------------------------------------------
// Checks shared by the single-plan properties and the lifecycle
// ---------------------------------------------------------------------------------------

type Message = Extract<PlannedAction, { type: SendActionType }>;

function isMessage(action: PlannedAction): action is Message {
  return isSendAction(action);
}

/**
 * The channel a planned step goes out on for this customer: its policy step's, or email for an
 * installment reminder, moved by the customer's preference and reachable addresses.
 */
function channelOf(invoice: Invoice, policy: Policy, stepId: string, reachability?: Reachability): Channel | undefined {
  const step = findStep(policy, stepId) ?? (stepId.startsWith('follow-up.') ? resolveStep(policy, stepId) : undefined);
  const planned = step ? step.channel : installmentReminderIds(invoice).has(stepId) ? 'email' : undefined;
  return planned && deliveryChannel(planned, invoice.customer, reachability);
}

/** The installment reminders of the invoice's payment plans, active or not. */
function installmentReminderIds(invoice: Invoice): Set<string> {
  return new Set(
    (invoice.holds ?? []).flatMap((hold) =>
      (hold.paymentPlan?.installments ?? []).map((_, index) => installmentStepId(hold.holdId, index + 1)),
    ),
  );
}

/** `assert.ok` whose message, a long description of the case, is only built when it fails. */
function check(condition: unknown, message: () => string): asserts condition {
  if (!condition) assert.fail(message());
}

const describeCase = (scenario: Scenario, action: PlannedAction) =>
  JSON.stringify({
    now: scenario.now.toISOString(),
    timeZone: scenario.invoice.customer.timeZone,
    action,
    holds: scenario.invoice.holds,
    pausedUntil: scenario.invoice.pausedUntil,
    steps: scenario.invoice.steps,
    recentSends: scenario.recentSends,
    sendRules: scenario.policy.sendRules,
  });

/** 1a. No customer message while on hold — save a payment plan's own installment reminders when it is the only hold. */
function assertNothingLeavesOnHold(scenario: Scenario, action: PlannedAction): void {
  const holds = activeHolds(scenario.invoice);
  if (holds.length === 0) return;
  if (isMessage(action)) {
    const plan = holds.length === 1 && holds[0]?.reason === 'payment_plan' ? holds[0] : undefined;
    const reminders = plan ? (plan.paymentPlan?.installments ?? []).map((_, index) => installmentStepId(plan.holdId, index + 1)) : [];
    check(reminders.includes(action.stepId), () => `a message was planned while on hold: ${describeCase(scenario, action)}`);
  }
  // Collector tasks from the cadence wait too; only a broken promise or plan, or a customer no
  // channel can reach, is handed over at once.
  if (action.type === 'open_task') {
    check(action.reason === 'broken_promise' || action.reason === 'broken_payment_plan' || action.reason === 'no_channel', () =>
      describeCase(scenario, action),
    );
  }
}

/** 1b. No customer message while the grace pause (`pausedUntil`, e.g. after a rejected dispute) runs. */
function assertNothingLeavesWhilePaused(scenario: Scenario, action: PlannedAction): void {
  const { pausedUntil } = scenario.invoice;
  const paused = pausedUntil !== undefined && Date.parse(pausedUntil) > scenario.now.getTime();
  if (paused) check(!isMessage(action), () => `a message was planned during the grace pause: ${describeCase(scenario, action)}`);
}

/** 2. A paid, void, written-off or fully settled invoice only closes — and only such an invoice closes. */
function assertClosesWhenSettled(scenario: Scenario, action: PlannedAction): void {
  const { invoice } = scenario;
  if (isSettled(invoice.status)) assert.deepEqual(action, { type: 'close', reason: invoice.status });
  else if (balanceMinor(invoice) <= 0) assert.deepEqual(action, { type: 'close', reason: 'nothing_due' });
  else check(action.type !== 'close', () => describeCase(scenario, action));
}

/** 3. A message goes out inside its channel's hours; a sleep towards a customer message ends inside them. */
function assertInsideAllowedHours(scenario: Scenario, action: PlannedAction): void {
  const { invoice, policy, now } = scenario;
  const timeZone = invoice.customer.timeZone;
  const rules = policy.sendRules;
  if (isMessage(action)) {
    const channel = channelOf(invoice, policy, action.stepId, scenario.reachability);
    assert.ok(channel, `unknown step ${action.stepId}`);
    // The action matches its step's channel: an SMS step is not e-mailed outside the SMS hours.
    const expected = channel === 'sms' ? 'send_sms' : channel === 'letter' ? 'send_letter' : 'send_email';
    check(action.type === expected, () => `wrong channel: ${describeCase(scenario, action)}`);
    check(isAllowedInstant(now, channel, timeZone, rules), () => `outside ${channel} hours: ${describeCase(scenario, action)}`);
    const today = wallClock(now.getTime(), timeZone).date;
    check(!closedOn(invoice, policy, today), () => `on a public holiday or closed date (${today}): ${describeCase(scenario, action)}`);
    const byWallClock = insideHoursByWallClock(now.getTime(), channel, timeZone, rules);
    if (byWallClock !== undefined)
      check(byWallClock, () => `outside ${channel} hours by the wall clock: ${describeCase(scenario, action)}`);
    check(Date.parse(action.dueAt) <= now.getTime(), () => `sent before it was due: ${describeCase(scenario, action)}`);
  }
  if (action.type === 'open_task' && !action.stepId.startsWith('broken-')) {
    const channel = findStep(policy, action.stepId)?.channel;
    check(channel && !customerFacing(channel), () => `open_task for a customer message: ${describeCase(scenario, action)}`);
  }
  // A sleep towards the retry of a broken promise's collector task (openOrWait) is no message: as
  // for open_task above, no channel hours apply to it.
  if (action.type === 'sleep' && action.until !== null && action.nextStepId !== null && !action.nextStepId.startsWith('broken-')) {
    const channel = channelOf(invoice, policy, action.nextStepId, scenario.reachability);
    assert.ok(channel, `sleeps towards unknown step ${action.nextStepId}`);
    if (!customerFacing(channel)) return;
    const until = new Date(action.until);
    const allowed =
      isAllowedInstant(until, channel, timeZone, rules) && !closedOn(invoice, policy, wallClock(until.getTime(), timeZone).date);
    // Under a payment plan the sleep may end first at the plan's own check, to review it.
    const holdCheck = action.pausedBy === 'hold' && activeHolds(invoice).some((hold) => hold.until === action.until);
    check(allowed || holdCheck, () => `sleeps until ${action.until}, outside ${channel} hours: ${describeCase(scenario, action)}`);
  }
}

/** 6. A message planned now leaves the customer within the cap, counting what they already got. */
function assertUnderCap(scenario: Scenario, action: PlannedAction): void {
  if (!isMessage(action)) return;
  const { perDay, perWeek } = scenario.policy.sendRules.frequencyCap;
  const use = capUse(
    scenario.now.getTime(),
    scenario.recentSends.map((sent) => sent.getTime()),
    scenario.invoice.customer.timeZone,
  );
  check(use.today < perDay, () => `cap of ${perDay} a day already reached: ${describeCase(scenario, action)}`);
  check(use.thisWeek < perWeek, () => `cap of ${perWeek} a week already reached: ${describeCase(scenario, action)}`);
}

/** 5. A sleep ends strictly in the future, and only at a step that is still to do. */
function assertSleepsForward(scenario: Scenario, action: PlannedAction): void {
  if (action.type !== 'sleep') return;
  if (action.until !== null) {
    check(Date.parse(action.until) > scenario.now.getTime(), () => `sleeps until the past: ${describeCase(scenario, action)}`);
  }
  if (action.nextStepId !== null) check(!stepSettled(scenario.invoice, action.nextStepId), () => describeCase(scenario, action));
}

function plan(scenario: Scenario): PlannedAction {
  return planNextAction(scenario.invoice, scenario.policy, scenario.now, scenario.recentSends, scenario.reachability);
}

/** Freezes an input so that any write to it by the planner throws (ESM is strict mode). */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const field of Object.values(value)) deepFreeze(field);
  }
  return value;
}

// ---------------------------------------------------------------------------------------
// Single plans over random states
// ---------------------------------------------------------------------------------------

describe('planner properties over random invoices, policies, holds, records and clocks', () => {
  test('the generators build sound policies', () => {
    fc.assert(
      fc.property(policies, (policy) => {
        assert.deepEqual(checkPolicy(policy), []);
        assert.equal(checkSendRules(policy.sendRules), undefined);
      }),
      { numRuns: 200 },
    );
  });

  test('never plans a customer message while a hold is active (but a lone payment plan its own reminders)', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        assertNothingLeavesOnHold(scenario, plan(scenario));
        assertNothingLeavesOnHold(reviewed(scenario), plan(reviewed(scenario)));
      }),
      { numRuns: 500 },
    );
  });

  test('never plans a customer message while the grace pause runs', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        assertNothingLeavesWhilePaused(scenario, plan(scenario));
        assertNothingLeavesWhilePaused(reviewed(scenario), plan(reviewed(scenario)));
      }),
      { numRuns: 500 },
    );
  });

  test('only closes, with its reason, a paid, void, written-off or settled invoice', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => assertClosesWhenSettled(scenario, plan(scenario))),
      { numRuns: 300 },
    );
  });

  test('sends only inside the channel hours, and sleeps towards a message until an allowed instant', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        assertInsideAllowedHours(scenario, plan(scenario));
        assertInsideAllowedHours(reviewed(scenario), plan(reviewed(scenario)));
      }),
      { numRuns: 300 },
    );
  });

  test('a sleep ends strictly after now, at a step still to do (holds reviewed first, as planInvoice does)', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        const current = reviewed(scenario);
        assertSleepsForward(current, plan(current));
      }),
      { numRuns: 300 },
    );
  });

  test('is deterministic and mutates none of its inputs', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        const copy = structuredClone({ ...scenario });
        const instants = [scenario.now, ...scenario.recentSends].map((instant) => instant.getTime());
        const first = planNextAction(deepFreeze(scenario.invoice), deepFreeze(scenario.policy), scenario.now, scenario.recentSends);
        const again = planNextAction(copy.invoice, copy.policy, copy.now, copy.recentSends);
        assert.deepEqual(first, again);
        assert.deepEqual(scenario.invoice, copy.invoice);
        assert.deepEqual(scenario.policy, copy.policy);
        assert.deepEqual(
          [scenario.now, ...scenario.recentSends].map((instant) => instant.getTime()),
          instants,
        );
      }),
      { numRuns: 200 },
    );
  });

  test('a message planned now keeps the customer under the frequency cap', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => assertUnderCap(scenario, plan(scenario))),
      { numRuns: 300 },
    );
  });

  /** Scenarios in which, with no history, the planner would send a message right now. */
  const sendable = scenarios.filter((scenario) => isMessage(plan({ ...scenario, recentSends: [] })));

  test('with the day already at the cap, no customer message is planned now', () => {
    fc.assert(
      fc.property(sendable, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }), (scenario, spread) => {
        const { perDay } = scenario.policy.sendRules.frequencyCap;
        const now = scenario.now.getTime();
        const timeZone = scenario.invoice.customer.timeZone;
        const today = wallClock(now, timeZone);
        const sinceMidnight = today.minuteOfDay * MINUTE + (now % MINUTE);
        // perDay messages earlier today (local), at or before now.
        const earlierToday = spread.slice(0, perDay).map((fraction) => {
          const at = now - Math.floor(fraction * sinceMidnight);
          return wallClock(at, timeZone).date === today.date ? at : now;
        });
        const atCap: Scenario = { ...scenario, recentSends: earlierToday.map((at) => new Date(at)) };
        const action = plan(atCap);
        check(!isMessage(action), () => `a message over the daily cap: ${describeCase(atCap, action)}`);
        assertSleepsForward(reviewed(atCap), plan(reviewed(atCap)));
      }),
      { numRuns: 150 },
    );
  });

  test('with the rolling week already at the cap, no customer message is planned now', () => {
    fc.assert(
      fc.property(sendable, fc.array(fc.integer({ min: 0, max: WEEK - 1 }), { minLength: 7, maxLength: 7 }), (scenario, ago) => {
        const { perWeek } = scenario.policy.sendRules.frequencyCap;
        const now = scenario.now.getTime();
        const atCap: Scenario = { ...scenario, recentSends: ago.slice(0, perWeek).map((offset) => new Date(now - offset)) };
        const action = plan(atCap);
        check(!isMessage(action), () => `a message over the weekly cap: ${describeCase(atCap, action)}`);
      }),
      { numRuns: 150 },
    );
  });
});

// ---------------------------------------------------------------------------------------
// Whole lifecycles
// ---------------------------------------------------------------------------------------

type SignalKind = 'payment' | 'dispute' | 'reject_dispute' | 'promise' | 'manual_hold' | 'release' | 'payment_plan';

const signalSpec = fc.record({
  after: fc.integer({ min: 0, max: 150 * DAY }),
  kind: fc.constantFrom<SignalKind>(
    'payment',
    'dispute',
    'reject_dispute',
    'promise',
    'manual_hold',
    'release',
    'payment_plan',
    'payment_plan',
  ),
  days: fc.integer({ min: 0, max: 30 }),
  permille: fc.integer({ min: 50, max: 1100 }),
});
type SignalSpec = typeof signalSpec extends fc.Arbitrary<infer T> ? T : never;

const lifecycles = policies.chain((policy) =>
  fc.record({
    policy: fc.constant(policy),
    ...invoiceBasics,
    closedOffsets,
    paidPermille: fc.integer({ min: 0, max: 999 }),
    start: fc.integer({ min: -20 * DAY, max: 150 * DAY }),
    /** Messages the customer got about other invoices in the days before. */
    historyAgo: fc.array(fc.integer({ min: 1, max: 10 * DAY }), { maxLength: 5 }),
    signals: fc.array(signalSpec, { maxLength: 4 }),
  }),
);

/** A signal as the API applies it (domain functions, at the signal's instant); ignored when refused. */
function applySignal(invoice: Invoice, policy: Policy, signal: SignalSpec, index: number, now: Date): Invoice {
  const rules = policy.holdRules;
  const today = wallClock(now.getTime(), invoice.customer.timeZone).date;
  const balance = balanceMinor(invoice);
  switch (signal.kind) {
    case 'payment': {
      const amountMinor = Math.max(1, Math.floor((balance * signal.permille) / 1000));
      const outcome = recordPayment(invoice, { paymentId: `pay-${index}`, amountMinor, paidAt: now.toISOString() }, now);
      return outcome.kind === 'recorded' ? outcome.invoice : invoice;
    }
    case 'dispute': {
      const outcome = openDispute(invoice, `dispute-${index}`, 'pricing', undefined, now);
      return outcome.kind === 'ok' ? outcome.invoice : invoice;
    }
    case 'reject_dispute': {
      const dispute = activeHolds(invoice).find((hold) => hold.reason === 'dispute');
      if (!dispute) return invoice;
      const outcome = resolveDispute(invoice, dispute.holdId, 'rejected', undefined, now, rules);
      return outcome.kind === 'ok' ? outcome.invoice : invoice;
    }
    case 'promise': {
      const outcome = makePromise(invoice, `promise-${index}`, addDays(today, signal.days), undefined, now, rules);
      return outcome.kind === 'ok' ? outcome.invoice : invoice;
    }
    case 'manual_hold': {
      const until = signal.days === 0 ? null : new Date(now.getTime() + signal.days * DAY).toISOString();
      const outcome = placeManualHold(invoice, `manual-${index}`, until, 'property test', now);
      return outcome.kind === 'ok' ? outcome.invoice : invoice;
    }
    case 'release': {
      const hold = activeHolds(invoice).find((candidate) => candidate.reason !== 'dispute');
      if (!hold) return invoice;
      const outcome = releaseHold(invoice, hold.holdId, now);
      return outcome.kind === 'ok' ? outcome.invoice : invoice;
    }
    case 'payment_plan': {
      const count = 1 + (signal.days % 3);
      const days = Array.from({ length: count }, (_, n) => (signal.days % 7) + n * (1 + (signal.permille % 25)));
      const outcome = startPaymentPlan(invoice, `plan-${index}`, installmentsOver(today, days, balance), now, rules);
      return outcome.kind === 'ok' ? outcome.invoice : invoice;
    }
  }
}

/** What the real sender records: superseded steps skipped, the step itself sent (tasks: opened). */
function recordAction(
  invoice: Invoice,
  policy: Policy,
  action: Message | Extract<PlannedAction, { type: 'open_task' }>,
  now: Date,
): Invoice {
  const at = now.toISOString();
  const skipped =
    action.type === 'open_task'
      ? []
      : supersededSteps(invoice, policy, action.stepId).map((stepId): [string, StepRecord] => [
          stepId,
          { state: 'skipped', at, detail: `superseded by ${action.stepId}` },
        ]);
  return { ...invoice, steps: { ...invoice.steps, ...Object.fromEntries(skipped), [action.stepId]: { state: 'sent', at } } };
}

const MAX_ROUNDS = 400;
/** Lifecycles are followed this many days past the due date. */
const HORIZON_DAYS = 260;

/**
 * The silence bound (maxSilenceDays): an open, overdue invoice that is not on hold or paused has a
 * customer message or a collector task due within the policy's `maxSilenceDays` calendar days
 * (customer's time zone) of the last thing that happened to it — its last message or task, the
 * end of its last hold or pause, or the day it fell overdue. Read without the frequency cap (the
 * cap delays a message that is due; it does not make it less due): the plan acts now, or sleeps
 * until a day within the bound. Only where the bound holds a day the policy sends on.
 */
function assertNeverQuiet(scenario: Scenario, lastActed: number | undefined, trace: () => string): void {
  const { invoice, policy, now } = scenario;
  const timeZone = invoice.customer.timeZone;
  const today = wallClock(now.getTime(), timeZone).date;
  const quiet =
    invoice.status === 'open' &&
    balanceMinor(invoice) > 0 &&
    today > invoice.dueDate &&
    activeHolds(invoice).length === 0 &&
    pendingPlanRequests(invoice).length === 0 &&
    !(invoice.pausedUntil && Date.parse(invoice.pausedUntil) > now.getTime());
  if (!quiet) return;
  const overdueFrom = wallClockMidnightAfter(invoice.dueDate, timeZone);
  const ends = [
    overdueFrom,
    lastActed ?? Number.NEGATIVE_INFINITY,
    ...(invoice.holds ?? []).map((hold) => (hold.releasedAt ? Date.parse(hold.releasedAt) : Number.NEGATIVE_INFINITY)),
    invoice.pausedUntil ? Date.parse(invoice.pausedUntil) : Number.NEGATIVE_INFINITY,
  ].filter((instant) => instant <= now.getTime());
  const since = wallClock(Math.max(...ends), timeZone).date;
  const limit = maxSilenceDays(policy);
  const deadline = addDays(since, limit);
  const days = policy.sendRules.businessHours.days;
  const sendDays = Array.from({ length: limit }, (_, index) => addDays(since, index + 1)).filter(
    (date) => days.includes(isoWeekdayOf(date)) && !closedOn(invoice, policy, date),
  );
  if (sendDays.length === 0) return;
  const action = plan({ ...scenario, recentSends: [] });
  if (action.type !== 'sleep') return;
  check(action.until !== null, () => `silent until a signal although open and overdue (since ${since}):\n${trace()}`);
  const wakes = wallClock(Date.parse(action.until), timeZone).date;
  // Quiet too long already (an invoice that arrived late, say): due now, so at the next send day.
  let bound = deadline;
  if ((sendDays.at(-1) ?? deadline) <= today) {
    bound = addDays(today, 1);
    while (!days.includes(isoWeekdayOf(bound)) || closedOn(invoice, policy, bound)) bound = addDays(bound, 1);
  }
  check(
    wakes <= bound,
    () => `nothing due until ${wakes}, past ${bound} (${limit} days after ${since}): ${JSON.stringify(action)}\n${trace()}`,
  );
}

/**
 * After a broken promise or plan, dunning resumes at once: until the customer has had a message
 * since the break, an invoice free to be dunned has one due now (read without the cap), or sleeps
 * only until that message's channel may next send.
 */
function assertResumesAfterBreak(scenario: Scenario, lastMessage: number | undefined, trace: () => string): void {
  const { invoice, policy, now } = scenario;
  const breaks = (invoice.holds ?? []).filter((hold) => hold.outcome === 'broken' && hold.releasedAt);
  const brokenAt = Math.max(...breaks.map((hold) => Date.parse(hold.releasedAt ?? '')));
  if (breaks.length === 0 || brokenAt <= (lastMessage ?? Number.NEGATIVE_INFINITY)) return;
  const free =
    invoice.status === 'open' &&
    balanceMinor(invoice) > 0 &&
    wallClock(now.getTime(), invoice.customer.timeZone).date > invoice.dueDate &&
    activeHolds(invoice).length === 0 &&
    !(invoice.pausedUntil && Date.parse(invoice.pausedUntil) > now.getTime());
  if (!free) return;
  const action = plan({ ...scenario, recentSends: [] });
  if (action.type !== 'sleep') return;
  check(action.until !== null, () => `no message after the break: ${JSON.stringify(action)}\n${trace()}`);
  // A hand-over due first (at the same instant) comes before the message; SMS hours are the narrowest.
  const next = action.nextStepId === null ? undefined : channelOf(invoice, policy, action.nextStepId, scenario.reachability);
  const channel = next && customerFacing(next) ? next : 'sms';
  const firstChance = nextAllowedInstant(now, channel, invoice.customer.timeZone, policy.sendRules, (date) =>
    closedOn(invoice, policy, date),
  );
  check(
    Date.parse(action.until) <= firstChance.getTime(),
    () => `the break at ${new Date(brokenAt).toISOString()} waits until ${action.until}, not ${firstChance.toISOString()}:\n${trace()}`,
  );
}

/** The instant local midnight starts the day after `date` (the first overdue day), by the wall clock. */
function wallClockMidnightAfter(date: string, timeZone: string): number {
  const next = addDays(date, 1);
  // Search the UTC day around it for the first instant whose wall clock shows that date.
  let instant = Date.parse(`${next}T00:00:00Z`) - 15 * 60 * MINUTE;
  while (wallClock(instant, timeZone).date < next) instant += 15 * MINUTE;
  return instant;
}

function isoWeekdayOf(date: string): number {
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

type World = typeof lifecycles extends fc.Arbitrary<infer T> ? T : never;

interface Acted {
  readonly stepId: string;
  readonly at: number;
  readonly message: boolean;
  /** When the step was due (for a message), to tell an older reminder from a newer one. */
  readonly dueAt: number;
  /** How many times the invoice had been escalated (broken promises, plans) when it was acted on. */
  readonly escalation: number;
}

interface LifecycleRun {
  readonly acted: readonly Acted[];
  /** The customer's messages before the run, about other invoices. */
  readonly history: readonly number[];
  /** `horizon`: still open when the simulated time ran out (follow-ups never stop while something is owed). */
  readonly ending: 'closed' | 'idle' | 'horizon' | 'unsettled';
  /** Every plan, for reading a counterexample. */
  readonly trace: readonly string[];
}

/**
 * Runs the workflow's loop: review holds and plan; act (recording as the sender and the task
 * opener do) and plan again at the same instant; or sleep until `until`, unless a signal comes
 * first. Every plan along the way is checked against the single-plan properties.
 */
function simulate(world: World): LifecycleRun {
  const policy = withClosedDates(world.policy, world.dueDate, world.closedOffsets);
  let now = new Date(Date.parse(`${world.dueDate}T00:00:00Z`) + world.start);
  let invoice = baseInvoice(world);
  const signals = world.signals
    .map((signal, index) => ({ ...signal, index, at: now.getTime() + signal.after }))
    .sort((a, b) => a.at - b.at);
  const history = world.historyAgo.map((ago) => now.getTime() - ago);
  // The customer's ledger, fed back as recentSends: the history, then this invoice's messages.
  const ledger = [...history];
  const acted: Acted[] = [];
  const trace: string[] = [];
  let nextSignal = 0;
  const horizon = Date.parse(`${world.dueDate}T00:00:00Z`) + HORIZON_DAYS * DAY;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (now.getTime() > horizon) return { acted, history, ending: 'horizon', trace };
    invoice = reviewHolds(invoice, now, policy.holdRules) ?? invoice;
    const scenario: Scenario = { policy, invoice, now, recentSends: ledger.map((at) => new Date(at)) };
    const action = plan(scenario);
    trace.push(`${now.toISOString()} ${JSON.stringify(action)}`);
    assertNeverQuiet(scenario, acted.at(-1)?.at, () => trace.join('\n'));
    assertResumesAfterBreak(scenario, acted.filter((entry) => entry.message).at(-1)?.at, () => trace.join('\n'));
    assertNothingLeavesOnHold(scenario, action);
    assertNothingLeavesWhilePaused(scenario, action);
    assertClosesWhenSettled(scenario, action);
    assertInsideAllowedHours(scenario, action);
    assertUnderCap(scenario, action);
    assertSleepsForward(scenario, action);
    if (action.type === 'close') return { acted, history, ending: 'closed', trace };
    if (action.type === 'sleep') {
      const wake = action.until === null ? Number.POSITIVE_INFINITY : Date.parse(action.until);
      const signal = signals[nextSignal];
      if (signal && signal.at <= wake) {
        // A signal wakes the execution at once, to plan again at the signal's instant.
        now = new Date(Math.max(now.getTime(), signal.at));
        invoice = applySignal(invoice, policy, signal, signal.index, now);
        trace.push(`${now.toISOString()} signal ${signal.kind}`);
        nextSignal++;
      } else if (action.until === null) return { acted, history, ending: 'idle', trace };
      else now = new Date(wake);
      continue;
    }
    check(!acted.some((entry) => entry.stepId === action.stepId), () => `step ${action.stepId} acted on twice:\n${trace.join('\n')}`);
    acted.push({
      stepId: action.stepId,
      at: now.getTime(),
      message: isMessage(action),
      dueAt: Date.parse(action.dueAt),
      escalation: invoice.escalation ?? 0,
    });
    if (isMessage(action)) ledger.push(now.getTime());
    invoice = recordAction(invoice, policy, action, now);
  }
  return { acted, history, ending: 'unsettled', trace };
}

/** The series a message belongs to: the policy's cadence, or the reminders of one payment plan. */
function seriesOf(stepId: string): string {
  return /^plan\.(.+)\.\d+$/.exec(stepId)?.[1] ?? 'cadence';
}

describe('planner properties over whole lifecycles', () => {
  test('never acts on a step twice, never goes back in time, and keeps every rule at every plan', () => {
    fc.assert(
      fc.property(lifecycles, (world) => {
        const run = simulate(world);
        const trace = () => run.trace.join('\n');
        check(run.ending !== 'unsettled', () => `the lifecycle did not settle within ${MAX_ROUNDS} plans:\n${trace()}`);
        // Follow-ups repeat while something is owed, but never as a burst: at most one a day on average.
        check(run.acted.length <= HORIZON_DAYS + 40, () => `runaway: ${run.acted.length} actions:\n${trace()}`);
        const backwards = run.acted.findIndex((entry, index) => index > 0 && entry.at < (run.acted[index - 1]?.at ?? entry.at));
        check(backwards < 0, () => `action ${backwards} went back in time:\n${trace()}`);
      }),
      // Shrinking a whole lifecycle is slow: report the smallest case found within the limit.
      { numRuns: 300, plugins: [fc.interruptAfterTimeLimit(5_000)] },
    );
  });

  test('messages: never two at once, never an older reminder after a newer one, never over the cap', () => {
    fc.assert(
      fc.property(lifecycles, (world) => {
        const run = simulate(world);
        const trace = () => run.trace.join('\n');
        const messages = run.acted.filter((entry) => entry.message);
        // Only the latest due message goes out: no burst of several at one instant.
        check(new Set(messages.map((entry) => entry.at)).size === messages.length, () => `two messages at one instant:\n${trace()}`);
        // Once a reminder has gone, one due before it is stale (planner: "only the latest is sent") —
        // until a broken promise or plan escalates the invoice, and the firmer tier's latest due
        // step goes at once, however old.
        for (const [index, message] of messages.entries()) {
          const newer = messages
            .slice(0, index)
            .find(
              (earlier) =>
                seriesOf(earlier.stepId) === seriesOf(message.stepId) &&
                earlier.escalation === message.escalation &&
                earlier.dueAt > message.dueAt,
            );
          check(newer === undefined, () => `${message.stepId} went out after the newer ${newer?.stepId}:\n${trace()}`);
        }
        // The cap over the whole run, counting the other invoices' messages before the start.
        const { perDay, perWeek } = world.policy.sendRules.frequencyCap;
        const sent = messages.map((entry) => entry.at);
        sent.forEach((at, index) => {
          const use = capUse(at, [...run.history, ...sent.slice(0, index)], world.timeZone);
          check(use.today < perDay && use.thisWeek < perWeek, () => `over the cap at ${new Date(at).toISOString()}:\n${trace()}`);
        });
      }),
      // Shrinking a whole lifecycle is slow: report the smallest case found within the limit.
      { numRuns: 300, plugins: [fc.interruptAfterTimeLimit(5_000)] },
    );
  });
});
