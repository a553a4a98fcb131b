import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { makePromise, reviewHolds } from '#domain/holds.ts';
import type { Invoice, InvoiceStatus, StepOutcome, StepRecord } from '#domain/invoice.ts';
import {
  MAX_STEP_FAILURES,
  type PlannedAction,
  planNextAction,
  resolveStep,
  scheduleSteps,
  stepSettled,
  supersededSteps,
} from '#domain/planner.ts';
import { allSteps, defaultPolicy, type Policy, policyFor } from '#domain/policy.ts';
import { berlinSchedule, newInvoice } from '../support/invoices.ts';

const day = 86_400_000;

/** The default policy's tier 1 alone: the classic three emails, for the step-by-step cases. */
const classic: Policy = { ...defaultPolicy, tiers: [defaultPolicy.tiers[0]!] };

function plan(invoice: Invoice, now: string | number, policy: Policy = classic): PlannedAction {
  return planNextAction(invoice, policy, new Date(now));
}

function withSteps(invoice: Invoice, steps: Record<string, StepRecord>): Invoice {
  return { ...invoice, steps: { ...invoice.steps, ...steps } };
}

const sent = (at: string): StepRecord => ({ state: 'sent', at, messageId: 'msg-1' });
const failed = (failures: number): StepRecord => ({ state: 'failed', at: '2026-11-28T08:00:01.000Z', failures });

describe('the default cadence', () => {
  test('tier 1 is friendly 3 days before and after the due date, firm 14 days after, at the start of business', () => {
    assert.equal(policyFor({}), defaultPolicy);
    assert.equal(policyFor({ policy: { policyId: 'default', version: 1 } }), defaultPolicy);
    assert.equal(defaultPolicy.sendRules.businessHours.start, '09:00');
    assert.deepEqual(
      defaultPolicy.tiers[0]?.steps.map((step) => [step.stepId, step.offsetDays, step.channel, step.tone]),
      [
        ['pre-3', -3, 'email', 'friendly'],
        ['post-3', 3, 'email', 'friendly'],
        ['post-14', 14, 'email', 'firm'],
      ],
    );
    assert.throws(() => policyFor({ policy: { policyId: 'no-such-policy', version: 1 } }), /Unknown policy/);
  });

  test('is laid out at 09:00 in the customer time zone', () => {
    assert.deepEqual(
      scheduleSteps(newInvoice(), classic).map((entry) => [entry.step.stepId, entry.dueAt.toISOString()]),
      Object.entries(berlinSchedule),
    );
  });

  test("a Tokyo customer's 09:00 is 00:00 UTC", () => {
    const tokyo = newInvoice({ customer: { timeZone: 'Asia/Tokyo' } });
    // pre-3 falls on Saturday 28 Nov: it waits for Monday 09:00 JST.
    assert.deepEqual(
      scheduleSteps(tokyo, classic).map((entry) => entry.dueAt.toISOString()),
      ['2026-11-30T00:00:00.000Z', '2026-12-04T00:00:00.000Z', '2026-12-15T00:00:00.000Z'],
    );
    assert.deepEqual(plan(tokyo, '2026-11-29T23:59:59Z'), { type: 'sleep', until: '2026-11-30T00:00:00.000Z', nextStepId: 'pre-3' });
    assert.deepEqual(plan(tokyo, '2026-11-30T00:00:00Z'), { type: 'send_email', stepId: 'pre-3', dueAt: '2026-11-30T00:00:00.000Z' });
  });

  test("follows DST: a New York customer's steps straddle the November switch", () => {
    const newYork = newInvoice({ dueDate: '2026-11-03', customer: { timeZone: 'America/New_York' } });
    assert.deepEqual(
      scheduleSteps(newYork, classic).map((entry) => entry.dueAt.toISOString()),
      // pre-3 (Saturday 31 Oct) waits for Monday 2 Nov, after the switch to EST.
      ['2026-11-02T14:00:00.000Z', '2026-11-06T14:00:00.000Z', '2026-11-17T14:00:00.000Z'],
    );
  });
});

describe('planNextAction', () => {
  const invoice = newInvoice();

  test('before any step is due, sleeps until the first step', () => {
    assert.deepEqual(plan(invoice, '2026-11-01T10:00:00Z'), { type: 'sleep', until: berlinSchedule['pre-3'], nextStepId: 'pre-3' });
    assert.deepEqual(plan(invoice, Date.parse(berlinSchedule['pre-3']) - 1), {
      type: 'sleep',
      until: berlinSchedule['pre-3'],
      nextStepId: 'pre-3',
    });
  });

  test('at and after the pre-3 instant, sends pre-3', () => {
    const expected = { type: 'send_email', stepId: 'pre-3', dueAt: berlinSchedule['pre-3'] };
    assert.deepEqual(plan(invoice, berlinSchedule['pre-3']), expected);
    assert.deepEqual(plan(invoice, Date.parse(berlinSchedule['pre-3']) + 5 * 3_600_000), expected);
  });

  test('once pre-3 is sent, sleeps until post-3, then sends it', () => {
    const afterPre3 = withSteps(invoice, { 'pre-3': sent(berlinSchedule['pre-3']) });
    assert.deepEqual(plan(afterPre3, Date.parse(berlinSchedule['pre-3']) + 1000), {
      type: 'sleep',
      until: berlinSchedule['post-3'],
      nextStepId: 'post-3',
    });
    assert.deepEqual(plan(afterPre3, berlinSchedule['post-3']), { type: 'send_email', stepId: 'post-3', dueAt: berlinSchedule['post-3'] });
  });

  test('with every step done, a follow-up repeats the last reminder at most maxSilenceDays (14) later, until paid', () => {
    const done = withSteps(invoice, {
      'pre-3': sent(berlinSchedule['pre-3']),
      'post-3': sent(berlinSchedule['post-3']),
      'post-14': sent(berlinSchedule['post-14']),
    });
    // post-14 went on Tuesday 15 December: the follow-up is due Tuesday 29 December, 09:00 Berlin.
    const followUp = 'follow-up.post-14.2026-12-29';
    assert.deepEqual(plan(done, Date.parse(berlinSchedule['post-14']) + 1), {
      type: 'sleep',
      until: '2026-12-29T08:00:00.000Z',
      nextStepId: followUp,
    });
    assert.deepEqual(plan(done, '2026-12-29T08:00:00Z'), { type: 'send_email', stepId: followUp, dueAt: '2026-12-29T08:00:00.000Z' });
    // It is a reminder in the tone of the step it repeats.
    assert.deepEqual(resolveStep(classic, followUp), { stepId: followUp, offsetDays: 14, channel: 'email', tone: 'firm' });
    // Then the next one, 14 days after it went (Tuesday 12 January) — and none once it is paid.
    const followed = withSteps(done, { [followUp]: sent('2026-12-29T08:00:00.000Z') });
    assert.deepEqual(plan(followed, '2026-12-29T08:00:00Z'), {
      type: 'sleep',
      until: '2027-01-12T08:00:00.000Z',
      nextStepId: 'follow-up.post-14.2027-01-12',
    });
    assert.deepEqual(plan({ ...followed, status: 'paid' }, '2027-01-12T08:00:00Z'), { type: 'close', reason: 'paid' });
    // A policy that allows 21 days of silence waits 21.
    assert.equal(planNextAction(done, { ...classic, maxSilenceDays: 21 }, new Date(berlinSchedule['post-14'])).type, 'sleep');
    assert.deepEqual(planNextAction(followed, { ...classic, maxSilenceDays: 21 }, new Date('2026-12-29T08:00:00Z')), {
      type: 'sleep',
      until: '2027-01-19T08:00:00.000Z',
      nextStepId: 'follow-up.post-14.2027-01-19',
    });
  });

  test('a gap longer than maxSilenceDays is split evenly, each follow-up on a business day within the limit', () => {
    // A policy with nothing between day 3 and day 45: 42 days, so three 14-day stretches.
    const sparse: Policy = {
      ...classic,
      tiers: [
        { tier: 1, steps: [{ stepId: 'd3', offsetDays: 3, channel: 'email', tone: 'friendly' }] },
        { tier: 2, steps: [{ stepId: 'd45', offsetDays: 45, channel: 'email', tone: 'final' }] },
      ],
    };
    let current = invoice;
    let now = Date.parse('2026-12-04T08:00:00Z');
    const sends: string[] = [];
    for (let round = 0; round < 12 && sends.at(-1) !== 'd45'; round++) {
      const action = planNextAction(current, sparse, new Date(now));
      if (action.type === 'sleep') {
        assert.ok(action.until);
        now = Date.parse(action.until);
        continue;
      }
      assert.equal(action.type, 'send_email');
      if (action.type !== 'send_email') return;
      sends.push(action.stepId);
      current = withSteps(current, { [action.stepId]: sent(new Date(now).toISOString()) });
    }
    // Friday 4 December, then Friday 18 December (14 days); the next would be Friday 1 January, a
    // public holiday in Germany, so Thursday 31 December; that leaves 15 days to d45 on Friday
    // 15 January, so one more on Friday 8 January (15 split in two).
    assert.deepEqual(sends, ['d3', 'follow-up.d3.2026-12-18', 'follow-up.d3.2026-12-31', 'follow-up.d3.2027-01-08', 'd45']);
  });

  test('an invoice ingested 20 days after its due date sends only the latest step, then follows it up', () => {
    const late = newInvoice({ issueDate: '2026-10-01', dueDate: '2026-11-10' }, '2026-11-30T10:00:00Z');
    const now = '2026-11-30T10:00:00Z';
    const action = plan(late, now);
    assert.deepEqual(action, { type: 'send_email', stepId: 'post-14', dueAt: '2026-11-24T08:00:00.000Z' });
    assert.deepEqual(supersededSteps(late, classic, 'post-14'), ['pre-3', 'post-3']);
    const afterSend = withSteps(late, {
      'pre-3': { state: 'skipped', at: now, detail: 'superseded by post-14' },
      'post-3': { state: 'skipped', at: now, detail: 'superseded by post-14' },
      'post-14': sent(now),
    });
    assert.deepEqual(plan(afterSend, now), {
      type: 'sleep',
      until: '2026-12-14T08:00:00.000Z',
      nextStepId: 'follow-up.post-14.2026-12-14',
    });
  });

  test('an invoice ingested between post-3 and post-14 sends post-3 and supersedes pre-3', () => {
    // Tuesday 8 Dec: post-3 (Friday 4 Dec) is the latest step due; post-14 is not due yet.
    const now = Date.parse(berlinSchedule['post-3']) + 4 * day;
    assert.deepEqual(plan(invoice, now), { type: 'send_email', stepId: 'post-3', dueAt: berlinSchedule['post-3'] });
    assert.deepEqual(supersededSteps(invoice, classic, 'post-3'), ['pre-3']);
  });

  test('supersededSteps leaves steps that already have a record alone', () => {
    const withPre3 = withSteps(invoice, { 'pre-3': failed(1) });
    assert.deepEqual(supersededSteps(withPre3, classic, 'post-14'), ['post-3']);
    assert.deepEqual(supersededSteps(invoice, classic, 'pre-3'), []);
    assert.deepEqual(supersededSteps(invoice, classic, 'not-a-step'), []);
  });

  for (const status of ['paid', 'void', 'written_off'] as const) {
    test(`a ${status} invoice closes with reason "${status}", even with steps due`, () => {
      assert.deepEqual(plan({ ...invoice, status }, berlinSchedule['post-3']), { type: 'close', reason: status });
    });
  }

  test('an open invoice with nothing left to pay closes as nothing_due', () => {
    assert.deepEqual(plan({ ...invoice, paidMinor: invoice.amountMinor }, berlinSchedule['post-3']), {
      type: 'close',
      reason: 'nothing_due',
    });
    assert.deepEqual(plan({ ...invoice, paidMinor: invoice.amountMinor + 1 }, berlinSchedule['post-3']), {
      type: 'close',
      reason: 'nothing_due',
    });
    assert.deepEqual(plan(newInvoice({ amountMinor: 0 }), '2026-11-01T10:00:00Z'), { type: 'close', reason: 'nothing_due' });
  });

  test('a partly paid invoice keeps going', () => {
    assert.equal(plan({ ...invoice, paidMinor: 1 }, berlinSchedule['pre-3']).type, 'send_email');
  });

  test(`a failed step is retried until it has failed ${MAX_STEP_FAILURES} times, then passed over`, () => {
    const now = Date.parse(berlinSchedule['pre-3']) + 60_000;
    for (let failures = 1; failures < MAX_STEP_FAILURES; failures++) {
      assert.deepEqual(plan(withSteps(invoice, { 'pre-3': failed(failures) }), now), {
        type: 'send_email',
        stepId: 'pre-3',
        dueAt: berlinSchedule['pre-3'],
      });
      assert.equal(stepSettled(withSteps(invoice, { 'pre-3': failed(failures) }), 'pre-3'), false);
    }
    const givenUp = withSteps(invoice, { 'pre-3': failed(MAX_STEP_FAILURES) });
    assert.equal(stepSettled(givenUp, 'pre-3'), true);
    assert.deepEqual(plan(givenUp, now), { type: 'sleep', until: berlinSchedule['post-3'], nextStepId: 'post-3' });
  });

  for (const state of ['sent', 'claimed', 'unconfirmed', 'skipped'] as const) {
    test(`a step recorded "${state}" is never planned again`, () => {
      const recorded = withSteps(invoice, { 'pre-3': { state, at: berlinSchedule['pre-3'] } });
      assert.equal(stepSettled(recorded, 'pre-3'), true);
      assert.deepEqual(plan(recorded, Date.parse(berlinSchedule['pre-3']) + 1), {
        type: 'sleep',
        until: berlinSchedule['post-3'],
        nextStepId: 'post-3',
      });
    });
  }
});

// ---------------------------------------------------------------------------------------
// Properties over random invoices, step records and clocks
// ---------------------------------------------------------------------------------------

const stepIds = allSteps(classic).map((step) => step.stepId);
const statuses: InvoiceStatus[] = ['open', 'on_hold', 'paid', 'void', 'written_off', 'escalated'];
const timeZones = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'Asia/Kolkata',
];

const stepRecord: fc.Arbitrary<StepRecord> = fc
  .record({
    state: fc.constantFrom<StepOutcome>('claimed', 'sent', 'unconfirmed', 'skipped', 'failed'),
    failures: fc.integer({ min: 0, max: MAX_STEP_FAILURES + 2 }),
  })
  .map(({ state, failures }) =>
    state === 'failed' ? { state, at: '2026-01-01T00:00:00.000Z', failures } : { state, at: '2026-01-01T00:00:00.000Z' },
  );

const dueDate = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 11, 31) }).map((ms) => new Date(ms).toISOString().slice(0, 10));

const randomInvoice: fc.Arbitrary<Invoice> = fc
  .record({
    dueDate,
    timeZone: fc.constantFrom(...timeZones),
    status: fc.constantFrom(...statuses),
    amountMinor: fc.integer({ min: 0, max: 10_000_000 }),
    paidFraction: fc.constantFrom(0, 0, 0.5, 1, 1.2),
    steps: fc.dictionary(fc.constantFrom(...stepIds), stepRecord),
  })
  .map(({ dueDate, timeZone, status, amountMinor, paidFraction, steps }) => ({
    ...newInvoice({ dueDate, issueDate: dueDate, amountMinor, customer: { timeZone } }),
    status,
    paidMinor: Math.round(amountMinor * paidFraction),
    steps: { ...steps },
  }));

/** An invoice and a clock somewhere from 30 days before to 60 days after its due date. */
const invoiceAndClock = randomInvoice.chain((invoice) =>
  fc.tuple(
    fc.constant(invoice),
    fc.integer({ min: -30 * day, max: 60 * day }).map((offset) => new Date(Date.parse(`${invoice.dueDate}T00:00:00Z`) + offset)),
  ),
);

describe('planNextAction properties', () => {
  test('never plans a send for a paid, void or written-off invoice', () => {
    fc.assert(
      fc.property(invoiceAndClock, ([invoice, now]) => {
        const action = planNextAction(invoice, classic, now);
        if (invoice.status === 'paid' || invoice.status === 'void' || invoice.status === 'written_off') {
          assert.deepEqual(action, { type: 'close', reason: invoice.status });
        }
        if (action.type === 'send_email') assert.ok(invoice.amountMinor - invoice.paidMinor > 0);
      }),
      { numRuns: 1000 },
    );
  });

  test('never plans a step that was sent, claimed, unconfirmed, skipped or given up, nor one not yet due', () => {
    fc.assert(
      fc.property(invoiceAndClock, ([invoice, now]) => {
        const action = planNextAction(invoice, classic, now);
        if (action.type !== 'send_email') return;
        const record = invoice.steps[action.stepId];
        assert.ok(!record || (record.state === 'failed' && (record.failures ?? 0) < MAX_STEP_FAILURES), JSON.stringify(record));
        assert.ok(Date.parse(action.dueAt) <= now.getTime());
        if (action.stepId.startsWith('follow-up.')) {
          // A follow-up of a step already due, on a day after the due date.
          assert.ok(action.stepId.slice(-10) > invoice.dueDate, action.stepId);
          return;
        }
        const entry = scheduleSteps(invoice, classic).find((candidate) => candidate.step.stepId === action.stepId);
        assert.equal(entry?.dueAt.toISOString(), action.dueAt);
      }),
      { numRuns: 1000 },
    );
  });

  test('a planned sleep ends in the future, at a step that has no record', () => {
    fc.assert(
      fc.property(invoiceAndClock, ([invoice, now]) => {
        const action = planNextAction(invoice, classic, now);
        if (action.type !== 'sleep' || action.until === null) return;
        assert.ok(Date.parse(action.until) > now.getTime(), `${action.until} is not after ${now.toISOString()}`);
        assert.ok(action.nextStepId && !stepSettled(invoice, action.nextStepId));
      }),
      { numRuns: 1000 },
    );
  });

  test('is deterministic and leaves its input alone', () => {
    fc.assert(
      fc.property(invoiceAndClock, ([invoice, now]) => {
        const before = structuredClone(invoice);
        const first = planNextAction(invoice, classic, now);
        const second = planNextAction(structuredClone(invoice), classic, new Date(now.getTime()));
        assert.deepEqual(first, second);
        assert.deepEqual(invoice, before);
      }),
      { numRuns: 500 },
    );
  });

  test('a whole lifecycle, from any arrival time, sends each step at most once, never two at the same instant, never 14 days apart once overdue', () => {
    fc.assert(
      fc.property(dueDate, fc.constantFrom(...timeZones), fc.integer({ min: -40 * day, max: 40 * day }), (due, timeZone, arrivalOffset) => {
        let invoice = newInvoice({ dueDate: due, issueDate: due, customer: { timeZone } });
        let now = new Date(Date.parse(`${due}T12:00:00Z`) + arrivalOffset);
        const horizon = Date.parse(`${due}T00:00:00Z`) + 90 * day;
        const sends: { stepId: string; at: number }[] = [];
        while (now.getTime() < horizon) {
          const action = planNextAction(invoice, classic, now);
          if (action.type === 'close') assert.fail('an open, unpaid invoice must not close');
          if (action.type === 'sleep') {
            assert.ok(action.until, 'an open, overdue invoice is never left silent until a signal');
            now = new Date(action.until);
            continue;
          }
          sends.push({ stepId: action.stepId, at: now.getTime() });
          const at = now.toISOString();
          const skipped = Object.fromEntries(
            supersededSteps(invoice, classic, action.stepId).map((id): [string, StepRecord] => [id, { state: 'skipped', at }]),
          );
          invoice = withSteps(invoice, { ...skipped, [action.stepId]: sent(at) });
        }
        const ids = sends.map((send) => send.stepId);
        assert.equal(new Set(ids).size, ids.length, `a step was sent twice: ${ids.join(', ')}`);
        assert.equal(new Set(sends.map((send) => send.at)).size, sends.length, 'two sends at one instant');
        const cadence = ids.filter((id) => !id.startsWith('follow-up.'));
        assert.ok(cadence.length >= 1 && cadence.length <= stepIds.length);
        assert.equal(cadence.at(-1), 'post-14', 'the final step is always sent');
        for (const id of stepIds) assert.ok(invoice.steps[id], `step ${id} ended without a record`);
        // After post-14, follow-ups of it, each at most 14 days (+ a weekend's wait) after the last message.
        const afterFinal = ids.slice(ids.indexOf('post-14') + 1);
        assert.ok(
          afterFinal.every((id) => id.startsWith('follow-up.post-14.')),
          afterFinal.join(', '),
        );
        sends.slice(ids.indexOf('post-14') + 1).forEach((send, index, rest) => {
          const previous = index === 0 ? sends[ids.indexOf('post-14')] : rest[index - 1];
          assert.ok(send.at - (previous?.at ?? 0) <= 14 * day + 3 * day, `${send.stepId} came too long after the message before`);
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe("the customer's channels", () => {
  // Business from 07:00 Berlin (06:00Z in winter): an email may go at 07:00, a text only from 08:00.
  const early: Policy = {
    ...classic,
    sendRules: { ...classic.sendRules, businessHours: { ...classic.sendRules.businessHours, start: '07:00' } },
  };
  const open = { consent: { email: true, sms: true }, suppressions: [] };

  test('a customer who prefers texts gets the email steps by SMS, inside the SMS hours', () => {
    const invoice = newInvoice();
    const prefersSms = { ...open, preferredChannel: 'sms' as const };
    // pre-3 opens Monday 30 Nov at 07:00 Berlin for email; as a text it waits for 08:00.
    assert.deepEqual(planNextAction(invoice, early, new Date('2026-11-30T06:00:00Z')), {
      type: 'send_email',
      stepId: 'pre-3',
      dueAt: '2026-11-30T06:00:00.000Z',
    });
    assert.deepEqual(planNextAction(invoice, early, new Date('2026-11-30T06:00:00Z'), [], prefersSms), {
      type: 'sleep',
      until: '2026-11-30T07:00:00.000Z',
      nextStepId: 'pre-3',
    });
    assert.deepEqual(planNextAction(invoice, early, new Date('2026-11-30T07:00:00Z'), [], prefersSms), {
      type: 'send_sms',
      stepId: 'pre-3',
      dueAt: '2026-11-30T07:00:00.000Z',
    });
  });

  test('an email address that bounced moves the step to SMS hours too; a preference for a channel that cannot be used is ignored', () => {
    const invoice = newInvoice();
    const bounced = {
      ...open,
      suppressions: [{ channel: 'email' as const, address: 'ap@acme.example', reason: 'bounce' as const, at: '2026-11-01T00:00:00Z' }],
    };
    assert.equal(planNextAction(invoice, early, new Date('2026-11-30T06:00:00Z'), [], bounced).type, 'sleep');
    const noSmsConsent = { consent: { email: true, sms: false }, suppressions: [], preferredChannel: 'sms' as const };
    assert.equal(planNextAction(invoice, early, new Date('2026-11-30T06:00:00Z'), [], noSmsConsent).type, 'send_email');
  });

  test('a formal notice stays an email whatever the preference', () => {
    const notice: Policy = {
      ...early,
      tiers: [{ tier: 1, steps: [{ stepId: 'notice-3', offsetDays: 3, channel: 'notice', tone: 'final' }] }],
    };
    const action = planNextAction(newInvoice(), notice, new Date('2026-12-04T06:00:00Z'), [], { ...open, preferredChannel: 'sms' });
    assert.deepEqual(action, { type: 'send_email', stepId: 'notice-3', dueAt: '2026-12-04T06:00:00.000Z' });
  });
});

describe('resumption and catch-up (issue 9)', () => {
  /** Acts on a plan as the workflow does: tasks opened, messages sent, superseded steps skipped. */
  function act(invoice: Invoice, action: PlannedAction, at: string): Invoice {
    assert.ok(action.type === 'send_email' || action.type === 'send_sms' || action.type === 'open_task', JSON.stringify(action));
    const skipped = Object.fromEntries(
      supersededSteps(invoice, defaultPolicy, action.stepId).map((id): [string, StepRecord] => [id, { state: 'skipped', at }]),
    );
    return withSteps(invoice, { ...skipped, [action.stepId]: sent(at) });
  }

  test('a broken promise resumes dunning at once with the firmer tier, not two months later', () => {
    // Tier 1, due 1 December (Berlin); post-3 and post-14 went. On 16 December the customer
    // promises to pay on the 18th; nothing comes, and on Monday 21 December (18th + 2 days'
    // grace) the promise is broken.
    let invoice = withSteps(newInvoice(), {
      'pre-3': sent(berlinSchedule['pre-3']),
      'post-3': sent(berlinSchedule['post-3']),
      'post-14': sent(berlinSchedule['post-14']),
    });
    const promised = makePromise(invoice, 'P-1', '2026-12-18', undefined, new Date('2026-12-16T10:00:00Z'), defaultPolicy.holdRules);
    assert.equal(promised.kind, 'ok');
    if (promised.kind !== 'ok') return;
    const brokenAt = new Date('2026-12-21T10:00:00Z');
    invoice = reviewHolds(promised.invoice, brokenAt, defaultPolicy.holdRules) ?? promised.invoice;
    assert.equal(invoice.escalation, 1);

    // First the collector task, then at once the firmer tier's latest due step (tier 2's day-10 email).
    const task = planNextAction(invoice, defaultPolicy, brokenAt);
    assert.deepEqual(task, { type: 'open_task', stepId: 'broken-P-1', reason: 'broken_promise', dueAt: brokenAt.toISOString() });
    invoice = act(invoice, task, brokenAt.toISOString());
    const resumed = planNextAction(invoice, defaultPolicy, brokenAt);
    assert.deepEqual(resumed, { type: 'send_email', stepId: 't2-post-10', dueAt: '2026-12-11T08:00:00.000Z' });
    assert.equal(resolveStep(defaultPolicy, 't2-post-10')?.tone, 'firm');
    invoice = act(invoice, resumed, brokenAt.toISOString());

    // Then never more than 14 days without a message until the formal notice (day 91, 2 March).
    let now = brokenAt.getTime();
    const messages: number[] = [now];
    while (now < Date.parse('2027-03-03T00:00:00Z')) {
      const action = planNextAction(invoice, defaultPolicy, new Date(now));
      if (action.type === 'sleep') {
        assert.ok(action.until);
        now = Date.parse(action.until);
        continue;
      }
      if (action.type !== 'open_task') messages.push(now);
      invoice = act(invoice, action, new Date(now).toISOString());
    }
    assert.ok(invoice.steps['t4-notice-91'], 'the formal notice went');
    const gaps = messages.slice(1).map((at, index) => (at - (messages[index] ?? at)) / day);
    assert.ok(Math.max(...gaps) <= 14, `gaps in days: ${gaps.join(', ')}`);
    // Before the fix: nothing between 21 December and the notice. Now a follow-up every ≤ 14 days.
    assert.ok(messages.length >= 7, `${messages.length} messages`);
  });

  test('a broken promise with no firmer step left still brings a message at once', () => {
    // Tier 4 already (the firmest): t4-post-1 went; a promise breaks on day 20.
    let invoice: Invoice = { ...newInvoice(), startingTier: 4 };
    invoice = withSteps(invoice, { 't4-pre-7': sent('2026-11-24T08:00:00.000Z'), 't4-post-1': sent('2026-12-02T08:00:00.000Z') });
    const promised = makePromise(invoice, 'P-2', '2026-12-17', undefined, new Date('2026-12-15T10:00:00Z'), defaultPolicy.holdRules);
    assert.equal(promised.kind, 'ok');
    if (promised.kind !== 'ok') return;
    const brokenAt = new Date('2026-12-21T10:00:00Z');
    invoice = reviewHolds(promised.invoice, brokenAt, defaultPolicy.holdRules) ?? promised.invoice;
    invoice = act(invoice, planNextAction(invoice, defaultPolicy, brokenAt), brokenAt.toISOString());
    const action = planNextAction(invoice, defaultPolicy, brokenAt);
    assert.deepEqual(action, { type: 'send_email', stepId: 'follow-up.t4-post-1.2026-12-21', dueAt: brokenAt.toISOString() });
    assert.equal(resolveStep(defaultPolicy, action.type === 'send_email' ? action.stepId : '')?.tone, 'final');
  });

  test('an invoice that arrives 75 days overdue opens only the latest call, and sends only the latest message', () => {
    // Due 1 September, ingested Monday 16 November (day 76): tier 2's day-38 call and tier 3's
    // day-70 call are both past; only the day-70 call is a task to do now.
    const now = '2026-11-16T10:00:00Z';
    let invoice = newInvoice({ issueDate: '2026-08-01', dueDate: '2026-09-01' }, now);
    const task = planNextAction(invoice, defaultPolicy, new Date(now));
    assert.deepEqual(task, { type: 'open_task', stepId: 't3-call-70', reason: 'call', dueAt: '2026-11-10T08:00:00.000Z' });
    assert.deepEqual(supersededSteps(invoice, defaultPolicy, 't3-call-70'), ['t2-call-38']);
    invoice = act(invoice, task, now);
    assert.equal(invoice.steps['t2-call-38']?.state, 'skipped');
    const message = planNextAction(invoice, defaultPolicy, new Date(now));
    assert.deepEqual(message, { type: 'send_sms', stepId: 't3-sms-65', dueAt: '2026-11-05T08:00:00.000Z' });
    assert.deepEqual(supersededSteps(invoice, defaultPolicy, 't3-sms-65'), [
      'pre-3',
      'post-3',
      'post-14',
      't2-post-31',
      't2-post-50',
      't3-post-61',
    ]);
    invoice = act(invoice, message, now);
    // Nothing else at once: the old call stays passed over, the next step is day 80's email.
    const next = planNextAction(invoice, defaultPolicy, new Date(now));
    assert.deepEqual(next, { type: 'sleep', until: '2026-11-20T08:00:00.000Z', nextStepId: 't3-post-80' });
  });
});

describe('public holidays and closed dates (issue 9)', () => {
  const post3 = (invoice: Invoice, policy: Policy = classic) =>
    scheduleSteps(invoice, policy)
      .find((entry) => entry.step.stepId === 'post-3')
      ?.dueAt.toISOString();

  test('Germany: a reminder due on Christmas Day in Berlin goes on the next business day', () => {
    // post-3 of an invoice due Tuesday 22 December falls on Friday 25 December; 26th and 27th are
    // the weekend: Monday 28 December, 09:00 Berlin.
    const berlin = newInvoice({ issueDate: '2026-11-22', dueDate: '2026-12-22' });
    assert.equal(post3(berlin), '2026-12-28T08:00:00.000Z');
    // Nothing is planned for the 25th even when the clock stands there.
    assert.deepEqual(plan(withSteps(berlin, { 'pre-3': sent('2026-12-21T08:00:00Z') }), '2026-12-25T08:00:00Z'), {
      type: 'sleep',
      until: '2026-12-28T08:00:00.000Z',
      nextStepId: 'post-3',
    });
    // A state's own holiday counts where the customer's subdivision is given: Epiphany in Bavaria.
    const dueJan3 = { issueDate: '2026-12-03', dueDate: '2027-01-03' };
    assert.equal(post3(newInvoice({ ...dueJan3, customer: { country: 'DE', subdivision: 'BY' } })), '2027-01-07T08:00:00.000Z');
    assert.equal(post3(newInvoice({ ...dueJan3, customer: { country: 'DE', subdivision: 'BE' } })), '2027-01-06T08:00:00.000Z');
    assert.equal(post3(newInvoice(dueJan3)), '2027-01-06T08:00:00.000Z', 'the time zone says DE, not which state');
  });

  test('United States: Thanksgiving in New York moves the reminder to Friday', () => {
    const newYork = newInvoice({ issueDate: '2026-10-23', dueDate: '2026-11-23', customer: { timeZone: 'America/New_York' } });
    assert.equal(post3(newYork), '2026-11-27T14:00:00.000Z');
    // The customer's country wins over their time zone: a US customer kept on Berlin time.
    const usInBerlin = newInvoice({ issueDate: '2026-10-23', dueDate: '2026-11-23', customer: { country: 'US' } });
    assert.equal(post3(usInBerlin), '2026-11-27T08:00:00.000Z');
    assert.equal(post3(newInvoice({ issueDate: '2026-10-23', dueDate: '2026-11-23' })), '2026-11-26T08:00:00.000Z');
  });

  test('Japan: Golden Week, substitute day included, in Tokyo', () => {
    // post-3 of an invoice due Friday 1 May falls on Monday 4 May (Greenery Day); 5 May is
    // Children's Day and 6 May the substitute for Constitution Day (a Sunday): Thursday 7 May.
    const tokyo = newInvoice({ issueDate: '2026-04-01', dueDate: '2026-05-01', customer: { timeZone: 'Asia/Tokyo' } });
    assert.equal(post3(tokyo), '2026-05-07T00:00:00.000Z');
  });

  test("a policy's closed dates close every customer's day, on top of their holidays", () => {
    // The default invoice's post-3 is Friday 4 December; closed that day, it goes Monday the 7th.
    const closed: Policy = { ...classic, closedDates: ['2026-12-04'] };
    assert.equal(post3(newInvoice()), berlinSchedule['post-3']);
    assert.equal(post3(newInvoice(), closed), '2026-12-07T08:00:00.000Z');
  });
});
