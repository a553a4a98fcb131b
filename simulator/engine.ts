import { addDays, localDateAt } from '#domain/calendar.ts';
import { disputeReasons } from '#domain/hold-types.ts';
import { activeHolds, makePromise, openDispute, resolveDispute } from '#domain/holds.ts';
import { balanceMinor, type Invoice, isSettled, recordPayment, upsertInvoice } from '#domain/invoice.ts';
import { isSendAction } from '#domain/planner.ts';
import { type Policy, policyFor } from '#domain/policy.ts';
import type { CollectorTask } from '#domain/tasks.ts';
import { EventQueue } from './event-queue.ts';
import type { HistoryEvent } from './history.ts';
import {
  claimCompanionsInMemory,
  closeInvoiceInMemory,
  openCollectorTaskInMemory,
  plan,
  reviewForPlan,
  sendReminderInMemory,
} from './in-memory-lifecycle.ts';
import type { SimulatedInvoice } from './portfolio.ts';
import { between, logNormal, type Random, streamFor, unitExponential, weighted } from './random.ts';
import { replayEvent } from './replay.ts';
import { type Contact, dailyHazard, type HoldModel, initialLift } from './response-model.ts';

const DAY_MS = 86_400_000;
/** planForCustomer's ledger keeps a little more than the weekly cap's rolling window. */
const LEDGER_KEEP_MS = 8 * DAY_MS;
/** A workflow that loops without sleeping is a bug (in the planner or here): stop it loudly. */
const MAX_ACTIONS_PER_PLAN = 50;

const PAYMENT_STREAM = 10;
const DISPUTE_STREAM = 11;
const PROMISE_STREAM = 12;

/** When in the (UTC) day customers act: payments between 07:00 and 17:00, disputes at 10:00, promises at 14:00. */
const PAYMENT_FROM_MS = 7 * 3_600_000;
const PAYMENT_SPAN_MS = 10 * 3_600_000;
const DISPUTE_AT_MS = 10 * 3_600_000;
const PROMISE_AT_MS = 14 * 3_600_000;

export interface RunOptions {
  readonly seed: number;
  /** First simulated day (YYYY-MM-DD, UTC) and how many days: events at or after the end are not simulated. */
  readonly start: string;
  readonly days: number;
  readonly holds: HoldModel;
  /** Called now and then with the share of the simulated time done. */
  readonly onProgress?: ((done: number) => void) | undefined;
}

export interface RunCounts {
  /** Reminder messages, by the channel they went by (a formal notice by email is an email). */
  email: number;
  sms: number;
  /** Letters posted (not in the messages KPI, which counts email and SMS as kpis.sql does). */
  letter: number;
  thankYouEmail: number;
  thankYouSms: number;
  tasks: number;
}

export interface RunResult {
  /** Each invoice as it stands at the end of the period, in portfolio order. */
  readonly invoices: readonly Invoice[];
  readonly counts: RunCounts;
  /** Replayed events (history) that did not apply to the invoice as this policy left it, by type: the invoice and why. */
  readonly notApplied: Readonly<Record<string, readonly string[]>>;
}

type Event =
  | { readonly kind: 'start' | 'dispute' | 'promise'; readonly track: Track }
  | { readonly kind: 'plan'; readonly track: Track; readonly token: number }
  | { readonly kind: 'pay'; readonly track: Track; readonly token: number }
  | { readonly kind: 'resolve'; readonly track: Track; readonly disputeId: string }
  | { readonly kind: 'replay'; readonly track: Track; readonly event: HistoryEvent };

/** At one instant, the pipeline's own timers fire before what arrives from outside (a real run's API calls come after the clock moved). */
const OUTSIDE_RANK = 1;

interface Track {
  invoice: Invoice;
  readonly sim: SimulatedInvoice;
  readonly index: number;
  readonly dueDay: number;
  readonly payments: Random;
  /** The time of day this customer pays at (ms after 00:00 UTC). */
  readonly payTimeMs: number;
  wakeToken: number;
  payToken: number;
  /** The payment process: the unit-exponential threshold left at `anchorDay`, and the cumulative hazard from there, a day at a time. */
  remaining: number;
  anchorDay: number;
  cumulative: number[];
  payDay: number | undefined;
  suspended: boolean;
  readonly lifts: { readonly day: number; readonly size: number }[];
  /** Collector tasks opened for the invoice, by id: a replayed completion finds its task here. */
  readonly tasks: Map<string, CollectorTask>;
}

const dayOf = (ms: number) => Math.floor(ms / DAY_MS);
const dayNumber = (date: string) => dayOf(Date.parse(`${date}T00:00:00Z`));

/**
 * Runs one policy over the portfolio with a virtual clock: one queue of events on their instant
 * (an invoice's arrival, the planner's next wake-up, a payment, a dispute or promise and its
 * deadline), so the work grows with the events, not with invoices × every day.
 */
export function simulatePolicy(portfolio: readonly SimulatedInvoice[], policy: Policy, options: RunOptions): RunResult {
  const queue = new EventQueue<Event>();
  const startMs = Date.parse(`${options.start}T00:00:00Z`);
  const endMs = startMs + options.days * DAY_MS;
  const endDay = dayOf(endMs);
  const counts: RunCounts = { email: 0, sms: 0, letter: 0, thankYouEmail: 0, thankYouSms: 0, tasks: 0 };
  /** Replayed events the invoice refused under this policy (a task it never opened, a hold already ended), by type. */
  const notApplied: Record<string, string[]> = {};
  const ledger = new Map<string, number[]>();
  const model = options.holds;

  const push = (at: number, event: Event, rank = 0) => {
    if (at < endMs) queue.push(at, event, rank);
  };
  const byCustomer = new Map<string, Track[]>();

  const tracks: Track[] = portfolio.map((sim, index) => {
    const payments = streamFor(options.seed, index, PAYMENT_STREAM);
    // The invoice as the ERP sends it: on its issue date (generated), or when it really arrived (history).
    const arrival = sim.replay?.receivedAt ?? Date.parse(`${sim.input.issueDate}T00:00:00Z`);
    const track: Track = {
      invoice: upsertInvoice(undefined, sim.input, new Date(arrival), policy, sim.startingTier).invoice,
      sim,
      index,
      dueDay: dayNumber(sim.input.dueDate),
      payments,
      payTimeMs: PAYMENT_FROM_MS + Math.floor(payments.next() * PAYMENT_SPAN_MS),
      wakeToken: 0,
      payToken: 0,
      remaining: unitExponential(payments),
      anchorDay: dayNumber(sim.input.issueDate),
      cumulative: [],
      payDay: undefined,
      suspended: false,
      lifts: [],
      tasks: new Map(),
    };
    push(sim.replay?.startedAt ?? arrival, { kind: 'start', track });
    for (const event of sim.replay?.events ?? []) push(event.at, { kind: 'replay', track, event }, OUTSIDE_RANK);
    const customerId = track.invoice.customer.customerId;
    byCustomer.set(customerId, [...(byCustomer.get(customerId) ?? []), track]);
    return track;
  });

  // --- the payment process -------------------------------------------------------------------

  /** Finds the day the cumulative hazard from `fromDay` on reaches what is left of the threshold, and queues the payment. */
  const schedulePayment = (track: Track, fromDay: number) => {
    if (track.suspended) return;
    if (track.payDay !== undefined && track.payDay < fromDay) return;
    track.payToken++;
    track.payDay = undefined;
    track.cumulative.length = Math.min(track.cumulative.length, Math.max(0, fromDay - track.anchorDay));
    let total = track.cumulative.at(-1) ?? 0;
    const segment = track.sim.segment;
    for (let day = track.anchorDay + track.cumulative.length; day < endDay; day++) {
      total += dailyHazard(segment, day - track.dueDay, track.lifts, day);
      track.cumulative.push(total);
      if (total >= track.remaining) {
        track.payDay = day;
        push(day * DAY_MS + track.payTimeMs, { kind: 'pay', track, token: track.payToken });
        return;
      }
    }
  };

  /** No payment from `day` on until resumed (a dispute, a promise); what was used of the threshold before stays used. */
  const suspendPayment = (track: Track, day: number) => {
    if (track.suspended) return;
    const before = day - 1 - track.anchorDay;
    track.remaining -= before >= 0 ? (track.cumulative[before] ?? track.cumulative.at(-1) ?? 0) : 0;
    track.payToken++;
    track.payDay = undefined;
    track.cumulative = [];
    track.suspended = true;
  };

  const resumePayment = (track: Track, day: number) => {
    if (!track.suspended) return;
    track.suspended = false;
    track.anchorDay = day + 1;
    track.cumulative = [];
    schedulePayment(track, day + 1);
  };

  const contacted = (track: Track, contact: Contact, now: number) => {
    // A replayed invoice pays when it really paid: no response model.
    if (track.sim.replay) return;
    const day = dayOf(now);
    const size = initialLift(contact, track.sim.segment);
    if (size <= 0) return;
    track.lifts.push({ day, size });
    schedulePayment(track, day + 1);
  };

  // --- the workflow ----------------------------------------------------------------------------

  const recentSends = (customerId: string, now: number): Date[] => {
    const sends = ledger.get(customerId);
    if (!sends) return [];
    while (sends.length > 0 && (sends[0] as number) < now - LEDGER_KEEP_MS) sends.shift();
    return sends.map((at) => new Date(at));
  };

  /** A signal (payment, dispute, promise): the parked execution resumes and plans at once. */
  const signal = (track: Track, now: number) => {
    track.wakeToken++;
    runPlan(track, now);
  };

  const runPlan = (track: Track, nowMs: number) => {
    if (track.invoice.closedAt) return;
    const now = new Date(nowMs);
    const reach = track.sim.reachability;
    let invoice = reviewForPlan(track.invoice, now);
    // A promise found broken (or any hold that ended) lets the payment process run again.
    if (track.suspended && !activeHolds(invoice).some((hold) => hold.reason === 'dispute' || hold.reason === 'promise')) {
      if (!isSettled(invoice.status)) resumePayment(track, dayOf(nowMs));
    }
    for (let step = 0; step < MAX_ACTIONS_PER_PLAN; step++) {
      const customerId = invoice.customer.customerId;
      const action = plan(invoice, now, recentSends(customerId, nowMs), reach);
      if (isSendAction(action)) {
        const sendsBefore = recentSends(customerId, nowMs);
        const others = byCustomer.get(customerId) ?? [];
        const result = sendReminderInMemory(invoice, action.stepId, now, reach, (lead) =>
          others.length > 1
            ? claimCompanionsInMemory(
                lead,
                others.map((other) => other.invoice),
                now,
                sendsBefore,
                reach,
              )
            : [],
        );
        invoice = result.invoice;
        if (result.kind === 'sent') {
          counts[result.channel]++;
          const sends = ledger.get(customerId) ?? [];
          sends.push(nowMs);
          ledger.set(customerId, sends);
          track.invoice = invoice;
          // ASSUMPTION: a letter moves a customer as a formal notice by email does (no separate parameter yet).
          const contact: Contact =
            result.channel === 'letter'
              ? { kind: 'email', tone: result.tone, formal: true }
              : { kind: result.channel, tone: result.tone, formal: result.formal };
          contacted(track, contact, nowMs);
          for (const companion of result.companions) {
            const other = others.find((candidate) => candidate.invoice.invoiceId === companion.invoiceId);
            if (!other) continue;
            other.invoice = companion;
            contacted(other, contact, nowMs);
          }
        }
        continue;
      }
      if (action.type === 'open_task') {
        const opened = openCollectorTaskInMemory(invoice, action, now);
        invoice = opened.invoice;
        track.tasks.set(opened.task.taskId, opened.task);
        counts.tasks++;
        track.invoice = invoice;
        contacted(track, { kind: 'task', reason: action.reason }, nowMs);
        continue;
      }
      if (action.type === 'close') {
        const closed = closeInvoiceInMemory(invoice, action.reason, now, reach);
        if (closed.thankYou === 'email') counts.thankYouEmail++;
        if (closed.thankYou === 'sms') counts.thankYouSms++;
        track.invoice = closed.invoice;
        return;
      }
      track.invoice = invoice;
      if (action.type === 'sleep' && action.until !== null) {
        track.wakeToken++;
        push(Math.max(Date.parse(action.until), nowMs + 1), { kind: 'plan', track, token: track.wakeToken });
      }
      return;
    }
    throw new Error(
      `Invoice ${invoice.invoiceId}: the planner acted ${MAX_ACTIONS_PER_PLAN} times without sleeping at ${now.toISOString()}`,
    );
  };

  // --- customers' own moves -----------------------------------------------------------------------

  const startDunning = (track: Track, nowMs: number) => {
    if (track.sim.replay) {
      runPlan(track, nowMs);
      return;
    }
    schedulePayment(track, track.anchorDay);
    // The days a dispute or a promise would come, counted from the first day past due (drawn once per invoice).
    const disputes = streamFor(options.seed, track.index, DISPUTE_STREAM);
    const promises = streamFor(options.seed, track.index, PROMISE_STREAM);
    if (model.disputePerDay > 0) {
      const day = track.dueDay + 1 + Math.floor(unitExponential(disputes) / model.disputePerDay);
      push(day * DAY_MS + DISPUTE_AT_MS, { kind: 'dispute', track });
    }
    if (model.promisePerDay > 0) {
      const day = track.dueDay + 1 + Math.floor(unitExponential(promises) / model.promisePerDay);
      push(day * DAY_MS + PROMISE_AT_MS, { kind: 'promise', track });
    }
    runPlan(track, nowMs);
  };

  const pay = (track: Track, nowMs: number) => {
    const invoice = track.invoice;
    if (invoice.closedAt || isSettled(invoice.status)) return;
    const balance = balanceMinor(invoice);
    if (balance <= 0) return;
    const now = new Date(nowMs);
    const paidAt = now.toISOString();
    const outcome = recordPayment(invoice, { paymentId: `PAY-${invoice.invoiceId}`, amountMinor: balance, paidAt }, now);
    if (outcome.kind !== 'recorded') throw new Error(`Invoice ${invoice.invoiceId}: payment not recorded (${outcome.kind})`);
    track.invoice = outcome.invoice;
    track.payDay = undefined;
    signal(track, nowMs);
  };

  /** Only an open invoice past due and not on hold is disputed or promised (else the chance passes). */
  const openAndQuiet = (track: Track, nowMs: number) => {
    const invoice = track.invoice;
    return !invoice.closedAt && !isSettled(invoice.status) && activeHolds(invoice).length === 0 && dayOf(nowMs) > track.dueDay;
  };

  const dispute = (track: Track, nowMs: number) => {
    if (!openAndQuiet(track, nowMs)) return;
    const random = streamFor(options.seed, track.index, DISPUTE_STREAM + 100);
    const disputeId = `DSP-${track.invoice.invoiceId}`;
    const reason = disputeReasons[Math.floor(random.next() * disputeReasons.length)] ?? 'other';
    const outcome = openDispute(track.invoice, disputeId, reason, undefined, new Date(nowMs));
    if (outcome.kind !== 'ok') return;
    track.invoice = outcome.invoice;
    suspendPayment(track, dayOf(nowMs));
    const days = Math.max(1, Math.round(logNormal(random, model.disputeResolutionMedianDays, 0.6)));
    push(nowMs + days * DAY_MS, { kind: 'resolve', track, disputeId });
    signal(track, nowMs);
  };

  const resolve = (track: Track, disputeId: string, nowMs: number) => {
    const invoice = track.invoice;
    if (invoice.closedAt || isSettled(invoice.status)) return;
    const random = streamFor(options.seed, track.index, DISPUTE_STREAM + 200);
    const shares = model.disputeOutcomes;
    const decision = weighted(random, [
      ['rejected', shares.rejected],
      ['credited', shares.credited],
      ['upheld', shares.upheld],
    ] as const);
    const balance = balanceMinor(invoice);
    const credit = decision === 'credited' ? Math.min(balance, Math.max(1, Math.round(balance * model.creditShare))) : undefined;
    const now = new Date(nowMs);
    const outcome = resolveDispute(invoice, disputeId, decision, credit, now, policyFor(invoice).holdRules);
    if (outcome.kind !== 'ok') return;
    track.invoice = outcome.invoice;
    if (!isSettled(track.invoice.status) && balanceMinor(track.invoice) > 0) resumePayment(track, dayOf(nowMs));
    signal(track, nowMs);
  };

  const promise = (track: Track, nowMs: number) => {
    if (!openAndQuiet(track, nowMs)) return;
    const invoice = track.invoice;
    const random = streamFor(options.seed, track.index, PROMISE_STREAM + 100);
    const now = new Date(nowMs);
    const rules = policyFor(invoice).holdRules;
    const today = localDateAt(nowMs, invoice.customer.timeZone);
    const daysOut = Math.min(rules.maxPromiseDays, between(random, 3, Math.max(3, model.promiseMaxDaysOut)));
    const promisedDate = addDays(today, daysOut);
    const outcome = makePromise(invoice, `PTP-${invoice.invoiceId}`, promisedDate, undefined, now, rules);
    if (outcome.kind !== 'ok') return;
    track.invoice = outcome.invoice;
    suspendPayment(track, dayOf(nowMs));
    if (random.next() < model.promiseKept[track.sim.segment]) {
      // Kept: paid on a day up to the promised date (in the customer's zone, at their usual time).
      const payDay = dayNumber(today) + between(random, 1, daysOut);
      track.payToken++;
      track.payDay = payDay;
      push(payDay * DAY_MS + track.payTimeMs, { kind: 'pay', track, token: track.payToken });
    }
    signal(track, nowMs);
  };

  // --- the clock --------------------------------------------------------------------------------

  let reported = startMs;
  for (let next = queue.pop(); next; next = queue.pop()) {
    const { at, payload: event } = next;
    if (options.onProgress && at - reported >= 10 * DAY_MS) {
      reported = at;
      options.onProgress(Math.min(1, (at - startMs) / (endMs - startMs)));
    }
    const track = event.track;
    switch (event.kind) {
      case 'start':
        startDunning(track, at);
        break;
      case 'plan':
        if (event.token === track.wakeToken) runPlan(track, at);
        break;
      case 'pay':
        if (event.token === track.payToken) pay(track, at);
        break;
      case 'dispute':
        dispute(track, at);
        break;
      case 'promise':
        promise(track, at);
        break;
      case 'resolve':
        resolve(track, event.disputeId, at);
        break;
      case 'replay': {
        const outcome = replayEvent(track.invoice, event.event, new Date(at), track.tasks);
        if (outcome.kind === 'changed') {
          track.invoice = outcome.invoice;
          signal(track, at);
        } else if (outcome.kind === 'refused') {
          const type = event.event.event.type;
          notApplied[type] = [...(notApplied[type] ?? []), `${track.invoice.invoiceId}: ${outcome.reason}`];
        }
        break;
      }
    }
  }
  options.onProgress?.(1);
  return { invoices: tracks.map((track) => track.invoice), counts, notApplied };
}
