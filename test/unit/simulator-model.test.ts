import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { EventQueue } from '../../simulator/event-queue.ts';
import { sfc32, streamFor, weighted } from '../../simulator/random.ts';
import {
  cumulativeLift,
  dailyHazard,
  fade,
  initialLift,
  LIFT_HALF_LIFE_DAYS,
  LIFT_TOTAL_FACTOR,
  SMS_CUMULATIVE_LIFT,
} from '../../simulator/response-model.ts';

describe('simulator: the response model', () => {
  test('the SMS lift is calibrated on the BIT trial: 5 % → 33 % paid', () => {
    // One SMS over its whole fade takes a 5 % payer to 33 %.
    assert.ok(Math.abs(1 - Math.exp(-(-Math.log(0.95) + SMS_CUMULATIVE_LIFT)) - 0.33) < 1e-12);
    const sms = { kind: 'sms', tone: 'friendly', formal: false } as const;
    let total = 0;
    for (let day = 1; day < 400; day++) total += initialLift(sms, 'smb') * fade(day);
    assert.ok(Math.abs(total - SMS_CUMULATIVE_LIFT) < 1e-9);
  });

  test('an SMS lifts more than an email of the same tone, for every segment', () => {
    for (const segment of ['smb', 'enterprise', 'low-responder'] as const) {
      for (const tone of ['friendly', 'firm', 'final'] as const) {
        assert.ok(
          initialLift({ kind: 'sms', tone, formal: false }, segment) > initialLift({ kind: 'email', tone, formal: false }, segment),
          `${segment} ${tone}`,
        );
      }
    }
  });

  test('firmer tones lift more; a formal notice most', () => {
    const email = (tone: 'friendly' | 'firm' | 'final', formal = false) => cumulativeLift({ kind: 'email', tone, formal });
    assert.ok(email('friendly') < email('firm'));
    assert.ok(email('firm') < email('final'));
    assert.ok(email('final') < email('final', true));
  });

  test('the effect fades: nothing the same day, all of it the next, half after the half-life', () => {
    assert.equal(fade(0), 0);
    assert.equal(fade(1), 1);
    assert.equal(fade(1 + LIFT_HALF_LIFE_DAYS), 0.5);
    for (let day = 1; day < 30; day++) assert.ok(fade(day + 1) < fade(day));
    assert.ok(Math.abs(LIFT_TOTAL_FACTOR - 1 / (1 - 0.5 ** (1 / LIFT_HALF_LIFE_DAYS))) < 1e-12);
    const lifts = [{ day: 10, size: 0.05 }];
    assert.ok(dailyHazard('smb', 20, lifts, 11) > dailyHazard('smb', 20, lifts, 14));
    assert.equal(dailyHazard('smb', 20, lifts, 10), dailyHazard('smb', 20, [], 10));
  });

  test('low responders react mainly to escalation: little to a friendly email, more than others to a collector', () => {
    const friendly = { kind: 'email', tone: 'friendly', formal: false } as const;
    const call = { kind: 'task', reason: 'call' } as const;
    assert.ok(initialLift(friendly, 'low-responder') < initialLift(friendly, 'smb') / 4);
    assert.ok(initialLift(call, 'low-responder') > initialLift(call, 'smb'));
    assert.ok(initialLift(call, 'low-responder') > initialLift(friendly, 'low-responder') * 5);
  });
});

describe('simulator: randomness and the clock', () => {
  test('sfc32 streams are reproducible and independent', () => {
    const a = sfc32(1);
    const b = sfc32(1);
    const drawsA = Array.from({ length: 5 }, () => a.next());
    assert.deepEqual(
      drawsA,
      Array.from({ length: 5 }, () => b.next()),
    );
    assert.notDeepEqual(
      drawsA,
      Array.from({ length: 5 }, () => sfc32(2).next()),
    );
    assert.notEqual(streamFor(1, 0, 1).next(), streamFor(1, 1, 1).next());
    const random = sfc32(9);
    let ones = 0;
    for (let i = 0; i < 10_000; i++)
      if (
        weighted(random, [
          ['a', 1],
          ['b', 3],
        ] as const) === 'a'
      )
        ones++;
    assert.ok(ones > 2_300 && ones < 2_700, `${ones}`);
  });

  test('the event queue pops by instant, ties in insertion order', () => {
    const queue = new EventQueue<string>();
    for (const [at, name] of [
      [5, 'e'],
      [1, 'a'],
      [3, 'c1'],
      [3, 'c2'],
      [2, 'b'],
      [3, 'c3'],
    ] as const)
      queue.push(at, name);
    const order: string[] = [];
    for (let next = queue.pop(); next; next = queue.pop()) order.push(next.payload);
    assert.deepEqual(order, ['a', 'b', 'c1', 'c2', 'c3', 'e']);
  });
});
