import type { Invoice } from '#domain/invoice.ts';
import { planNextAction } from '#domain/planner.ts';
import { policyFor } from '#domain/policy.ts';
import { renderReminder } from '#presentation/reminder-message.ts';
import { newInvoice } from '../test/support/invoices.ts';
import { type Figure, figure, percentile } from './figures.ts';

/**
 * In-process micro-benchmark of the pure domain: how long the planner takes to decide an
 * invoice's next action, and how long one reminder takes to render. Every call is timed on its
 * own, so the percentiles include the timer's own cost (tens of nanoseconds).
 */

export interface PlannerBenchOptions {
  /** How long each case runs, after its warm-up. */
  readonly durationMs: number;
}

/** A freshly ingested German invoice with two lines, as the store holds it (the tests' own builder). */
function storedInvoice(): Invoice {
  return newInvoice({
    customer: { locale: 'de-DE' },
    lines: [
      { description: 'Consulting, November', quantity: '8', unitPriceMinor: 12_500 },
      { description: 'Travel expenses', quantity: '1', unitPriceMinor: 25_000 },
    ],
  });
}

/** Mid-sequence: two reminders already sent, so the planner has settled steps to skip. */
function midSequenceInvoice(): Invoice {
  const fresh = storedInvoice();
  return {
    ...fresh,
    steps: {
      'pre-3': { state: 'sent', at: '2026-11-30T08:00:00.000Z', messageId: 'msg-1' },
      'post-3': { state: 'sent', at: '2026-12-04T08:00:00.000Z', messageId: 'msg-2' },
    },
    version: 3,
  };
}

interface Measured {
  readonly calls: number;
  readonly perSecond: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

/** Runs `call` for a warm-up then for `durationMs`, timing every call. */
function measure(durationMs: number, call: () => unknown): Measured {
  let sink = 0;
  const warmUntil = performance.now() + Math.min(300, durationMs / 4);
  while (performance.now() < warmUntil) sink += call() === undefined ? 0 : 1;
  const samples: number[] = [];
  const start = performance.now();
  const end = start + durationMs;
  let now = start;
  while (now < end) {
    const before = process.hrtime.bigint();
    sink += call() === undefined ? 0 : 1;
    samples.push(Number(process.hrtime.bigint() - before) / 1000);
    now = performance.now();
  }
  if (sink < 0) console.log(sink); // keeps the results observable, so no call is optimised away
  const seconds = (now - start) / 1000;
  return { calls: samples.length, perSecond: samples.length / seconds, p50Us: percentile(samples, 50), p99Us: percentile(samples, 99) };
}

function rows(name: string, measured: Measured): Figure[] {
  return [
    figure(`${name}: calls/s`, measured.perSecond, `/s (${measured.calls.toLocaleString('en-US')} calls)`),
    figure(`${name}: p50`, measured.p50Us, 'µs'),
    figure(`${name}: p99`, measured.p99Us, 'µs'),
  ];
}

export function runPlannerBench(options: PlannerBenchOptions): Figure[] {
  const fresh = storedInvoice();
  const policy = policyFor(fresh);
  const beforeDue = new Date('2026-11-15T10:00:00Z');
  const planFresh = measure(options.durationMs, () => planNextAction(fresh, policy, beforeDue));

  const mid = midSequenceInvoice();
  const afterDue = new Date('2026-12-10T10:00:00Z');
  const recentSends = [new Date('2026-11-30T08:00:00Z'), new Date('2026-12-04T08:00:00Z')];
  const planMid = measure(options.durationMs, () => planNextAction(mid, policy, afterDue, recentSends));

  const payUrl = 'https://pay.dunwell.example/pay/eyJpbnZvaWNlSWQiOiJJTlYtMjAyNi0wMDAxIn0.c2lnbmF0dXJl';
  const creditor = { name: 'Acme Supplies Ltd', contact: 'billing@acme-supplies.example' };
  const render = measure(options.durationMs, () => renderReminder(mid, 'firm', payUrl, { now: afterDue, creditor }));

  return [
    ...rows('planNextAction, new invoice', planFresh),
    ...rows('planNextAction, mid-sequence', planMid),
    ...rows('renderReminder (de-DE, firm)', render),
  ];
}
