import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { zoneOffsetMs } from '#domain/calendar.ts';
import {
  type Channel,
  checkSendRules,
  customerFacing,
  defaultSendRules,
  isAllowedInstant,
  nextAllowedInstant,
  nextInstantUnderCap,
  plannedSendInstant,
  type SendRules,
} from '#domain/send-window.ts';

const at = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();
const minute = 60_000;
const day = 86_400_000;
const week = 7 * day;

const everyDay = [1, 2, 3, 4, 5, 6, 7];
const rulesWith = (overrides: Partial<SendRules>): SendRules => ({ ...defaultSendRules, ...overrides });
/** Business hours wider than the SMS window, every day, so only the SMS limits bite. */
const wideHours = rulesWith({ businessHours: { start: '06:00', end: '23:00', days: everyDay } });

describe('customerFacing', () => {
  test('email, sms and notices reach the customer; tasks, agency hand-over and write-off do not', () => {
    assert.deepEqual(
      (['email', 'sms', 'notice', 'task', 'agency', 'write_off'] as const).map((channel) => [channel, customerFacing(channel)]),
      [
        ['email', true],
        ['sms', true],
        ['notice', true],
        ['task', false],
        ['agency', false],
        ['write_off', false],
      ],
    );
  });
});

describe('nextAllowedInstant: business hours', () => {
  test('Asia/Tokyo: a Friday 17:30 email waits for Monday 09:00', () => {
    // 2026-03-06 is a Friday; Tokyo is UTC+9 all year.
    assert.equal(iso(nextAllowedInstant(at('2026-03-06T08:30:00Z'), 'email', 'Asia/Tokyo', defaultSendRules)), '2026-03-09T00:00:00.000Z');
  });

  test('Asia/Tokyo: inside hours goes at once; before opening waits for 09:00 the same day', () => {
    assert.equal(iso(nextAllowedInstant(at('2026-03-09T03:17:00Z'), 'email', 'Asia/Tokyo', defaultSendRules)), '2026-03-09T03:17:00.000Z');
    // 06:00 Tuesday in Tokyo is 21:00 UTC on Monday: the local date decides, not the UTC date.
    assert.equal(iso(nextAllowedInstant(at('2026-03-09T21:00:00Z'), 'email', 'Asia/Tokyo', defaultSendRules)), '2026-03-10T00:00:00.000Z');
  });

  test('the window is half-open: 09:00 exactly is allowed, 17:00 exactly is not', () => {
    const opening = at('2026-03-10T00:00:00Z'); // Tue 09:00 JST
    const closing = at('2026-03-10T08:00:00Z'); // Tue 17:00 JST
    assert.equal(isAllowedInstant(opening, 'email', 'Asia/Tokyo', defaultSendRules), true);
    assert.equal(isAllowedInstant(new Date(opening.getTime() - 1), 'email', 'Asia/Tokyo', defaultSendRules), false);
    assert.equal(isAllowedInstant(new Date(closing.getTime() - 1), 'email', 'Asia/Tokyo', defaultSendRules), true);
    assert.equal(isAllowedInstant(closing, 'email', 'Asia/Tokyo', defaultSendRules), false);
    assert.equal(iso(nextAllowedInstant(opening, 'email', 'Asia/Tokyo', defaultSendRules)), iso(opening));
    assert.equal(iso(nextAllowedInstant(closing, 'email', 'Asia/Tokyo', defaultSendRules)), '2026-03-11T00:00:00.000Z');
  });

  test('America/New_York: a Friday 17:30 notice waits for Monday 09:00', () => {
    // Fri 2026-05-08 17:30 EDT → Mon 2026-05-11 09:00 EDT.
    assert.equal(
      iso(nextAllowedInstant(at('2026-05-08T21:30:00Z'), 'notice', 'America/New_York', defaultSendRules)),
      '2026-05-11T13:00:00.000Z',
    );
  });

  test('Europe/Berlin: a Sunday email waits for Monday, and a Saturday-only policy skips the week', () => {
    assert.equal(
      iso(nextAllowedInstant(at('2026-05-10T10:00:00Z'), 'email', 'Europe/Berlin', defaultSendRules)),
      '2026-05-11T07:00:00.000Z',
    );
    const saturdays = rulesWith({ businessHours: { start: '10:00', end: '12:00', days: [6] } });
    // Mon 2026-05-11 → Sat 2026-05-16 10:00 CEST.
    assert.equal(iso(nextAllowedInstant(at('2026-05-11T07:00:00Z'), 'email', 'Europe/Berlin', saturdays)), '2026-05-16T08:00:00.000Z');
  });

  test('Asia/Kolkata (UTC+5:30): 09:00 local is 03:30 UTC', () => {
    assert.equal(
      iso(nextAllowedInstant(at('2026-05-11T00:00:00Z'), 'email', 'Asia/Kolkata', defaultSendRules)),
      '2026-05-11T03:30:00.000Z',
    );
  });

  test('internal channels go when due, whatever the hour or day', () => {
    const sundayNight = at('2026-05-10T01:00:00Z'); // Sun 03:00 CEST
    for (const channel of ['task', 'agency', 'write_off'] as const) {
      assert.equal(iso(nextAllowedInstant(sundayNight, channel, 'Europe/Berlin', defaultSendRules)), iso(sundayNight));
      assert.equal(isAllowedInstant(sundayNight, channel, 'Europe/Berlin', defaultSendRules), true);
    }
  });
});

describe('nextAllowedInstant: closed days', () => {
  const closed =
    (...dates: string[]) =>
    (date: string) =>
      dates.includes(date);

  test('a closed business day is skipped like a weekend, in the customer’s local calendar', () => {
    // Thursday 24 December 2026, 16:00 Berlin: the 25th is closed and the 26th, 27th are the weekend.
    assert.equal(
      iso(nextAllowedInstant(at('2026-12-24T16:00:00Z'), 'email', 'Europe/Berlin', defaultSendRules, closed('2026-12-25'))),
      '2026-12-28T08:00:00.000Z',
    );
    // Inside hours on a closed day: not allowed, though the clock says 10:00 on a Friday.
    assert.equal(isAllowedInstant(at('2026-12-25T09:00:00Z'), 'email', 'Europe/Berlin', defaultSendRules, closed('2026-12-25')), false);
    assert.equal(isAllowedInstant(at('2026-12-25T09:00:00Z'), 'email', 'Europe/Berlin', defaultSendRules), true);
    // The local date decides: 23:30Z on the 24th is already the 25th in Tokyo.
    assert.equal(isAllowedInstant(at('2026-12-24T23:30:00Z'), 'email', 'Asia/Tokyo', defaultSendRules, closed('2026-12-25')), false);
  });

  test('a closure of several weeks is waited out; internal channels ignore it', () => {
    const closure = Array.from({ length: 40 }, (_, index) => new Date(Date.UTC(2026, 11, 20 + index)).toISOString().slice(0, 10));
    assert.equal(
      iso(nextAllowedInstant(at('2026-12-20T10:00:00Z'), 'email', 'Europe/Berlin', defaultSendRules, closed(...closure))),
      '2027-01-29T08:00:00.000Z',
    );
    assert.equal(
      iso(nextAllowedInstant(at('2026-12-25T10:00:00Z'), 'task', 'Europe/Berlin', defaultSendRules, closed('2026-12-25'))),
      '2026-12-25T10:00:00.000Z',
    );
    assert.equal(
      iso(plannedSendInstant(at('2026-12-25T08:00:00Z'), 'sms', 'Europe/Berlin', defaultSendRules, [], closed('2026-12-25'))),
      '2026-12-28T08:00:00.000Z',
    );
  });
});

describe('nextAllowedInstant: DST weekends keep 09:00 local', () => {
  const allWeek = rulesWith({ businessHours: { start: '09:00', end: '17:00', days: everyDay } });
  const cases: [string, string, string, string][] = [
    // zone, due (the evening before, local), expected UTC instant, what it is locally
    ['Europe/Berlin', '2026-03-27T16:30:00Z', '2026-03-28T08:00:00.000Z', 'Sat 09:00 CET'],
    ['Europe/Berlin', '2026-03-28T16:30:00Z', '2026-03-29T07:00:00.000Z', 'Sun 09:00 CEST (spring-forward day)'],
    ['Europe/Berlin', '2026-03-29T15:30:00Z', '2026-03-30T07:00:00.000Z', 'Mon 09:00 CEST'],
    ['Europe/Berlin', '2026-10-23T15:30:00Z', '2026-10-24T07:00:00.000Z', 'Sat 09:00 CEST'],
    ['Europe/Berlin', '2026-10-24T15:30:00Z', '2026-10-25T08:00:00.000Z', 'Sun 09:00 CET (fall-back day)'],
    ['Europe/Berlin', '2026-10-25T16:30:00Z', '2026-10-26T08:00:00.000Z', 'Mon 09:00 CET'],
    ['America/New_York', '2026-03-06T22:30:00Z', '2026-03-07T14:00:00.000Z', 'Sat 09:00 EST'],
    ['America/New_York', '2026-03-07T22:30:00Z', '2026-03-08T13:00:00.000Z', 'Sun 09:00 EDT (spring-forward day)'],
    ['America/New_York', '2026-03-08T21:30:00Z', '2026-03-09T13:00:00.000Z', 'Mon 09:00 EDT'],
    ['America/New_York', '2026-10-30T21:30:00Z', '2026-10-31T13:00:00.000Z', 'Sat 09:00 EDT'],
    ['America/New_York', '2026-10-31T21:30:00Z', '2026-11-01T14:00:00.000Z', 'Sun 09:00 EST (fall-back day)'],
    ['America/New_York', '2026-11-01T22:30:00Z', '2026-11-02T14:00:00.000Z', 'Mon 09:00 EST'],
  ];
  for (const [timeZone, due, expected, local] of cases) {
    test(`${timeZone}: the evening before → ${local}`, () => {
      assert.equal(iso(nextAllowedInstant(at(due), 'email', timeZone, allWeek)), expected);
    });
  }

  test('Mon–Fri policy: Friday evening before each DST weekend → Monday 09:00 in the new offset', () => {
    assert.equal(
      iso(nextAllowedInstant(at('2026-03-27T16:30:00Z'), 'email', 'Europe/Berlin', defaultSendRules)),
      '2026-03-30T07:00:00.000Z',
    );
    assert.equal(
      iso(nextAllowedInstant(at('2026-10-23T15:30:00Z'), 'email', 'Europe/Berlin', defaultSendRules)),
      '2026-10-26T08:00:00.000Z',
    );
    assert.equal(
      iso(nextAllowedInstant(at('2026-03-06T22:30:00Z'), 'email', 'America/New_York', defaultSendRules)),
      '2026-03-09T13:00:00.000Z',
    );
    assert.equal(
      iso(nextAllowedInstant(at('2026-10-30T21:30:00Z'), 'email', 'America/New_York', defaultSendRules)),
      '2026-11-02T14:00:00.000Z',
    );
  });

  test('a window start inside the skipped hour moves forward by the jump (New York, 02:30 on 2026-03-08)', () => {
    const earlyBird = rulesWith({ businessHours: { start: '02:30', end: '17:00', days: everyDay } });
    // Sat 02:30 EST, Sun 02:30 does not exist → 03:30 EDT, Mon 02:30 EDT.
    assert.equal(iso(nextAllowedInstant(at('2026-03-07T00:00:00Z'), 'email', 'America/New_York', earlyBird)), '2026-03-07T07:30:00.000Z');
    assert.equal(iso(nextAllowedInstant(at('2026-03-08T05:00:00Z'), 'email', 'America/New_York', earlyBird)), '2026-03-08T07:30:00.000Z');
    assert.equal(isAllowedInstant(at('2026-03-08T07:15:00Z'), 'email', 'America/New_York', earlyBird), false); // 03:15 EDT
    assert.equal(iso(nextAllowedInstant(at('2026-03-08T22:00:00Z'), 'email', 'America/New_York', earlyBird)), '2026-03-09T06:30:00.000Z');
  });
});

describe('nextAllowedInstant: SMS quiet hours', () => {
  test('never before 08:00 or from 21:00 local, even when business hours are wider', () => {
    const newYork = 'America/New_York';
    // Tue 2026-05-12 in EDT (UTC−4).
    assert.equal(iso(nextAllowedInstant(at('2026-05-12T11:59:00Z'), 'sms', newYork, wideHours)), '2026-05-12T12:00:00.000Z'); // 07:59 → 08:00
    assert.equal(iso(nextAllowedInstant(at('2026-05-12T12:00:00Z'), 'sms', newYork, wideHours)), '2026-05-12T12:00:00.000Z'); // 08:00 stays
    assert.equal(iso(nextAllowedInstant(at('2026-05-13T00:59:00Z'), 'sms', newYork, wideHours)), '2026-05-13T00:59:00.000Z'); // 20:59 stays
    assert.equal(iso(nextAllowedInstant(at('2026-05-13T01:00:00Z'), 'sms', newYork, wideHours)), '2026-05-13T12:00:00.000Z'); // 21:00 → 08:00
    // Email under the same rules may go at 07:00 and 22:00.
    assert.equal(iso(nextAllowedInstant(at('2026-05-12T11:00:00Z'), 'email', newYork, wideHours)), '2026-05-12T11:00:00.000Z');
    assert.equal(isAllowedInstant(at('2026-05-13T02:00:00Z'), 'email', newYork, wideHours), true);
    assert.equal(isAllowedInstant(at('2026-05-13T02:00:00Z'), 'sms', newYork, wideHours), false);
  });

  test('business hours still apply: 08:30 on a weekday waits for 09:00, a Saturday SMS waits for Monday', () => {
    assert.equal(
      iso(nextAllowedInstant(at('2026-05-12T12:30:00Z'), 'sms', 'America/New_York', defaultSendRules)),
      '2026-05-12T13:00:00.000Z',
    );
    // Sat 2026-05-16 11:00 JST → Mon 2026-05-18 09:00 JST.
    assert.equal(iso(nextAllowedInstant(at('2026-05-16T02:00:00Z'), 'sms', 'Asia/Tokyo', defaultSendRules)), '2026-05-18T00:00:00.000Z');
  });

  test('Europe/Berlin across the spring-forward night: 07:59 CEST → 08:00 CEST', () => {
    assert.equal(iso(nextAllowedInstant(at('2026-03-29T05:59:00Z'), 'sms', 'Europe/Berlin', wideHours)), '2026-03-29T06:00:00.000Z');
    // Saturday 21:00 CET → Sunday 08:00 CEST: only ten hours later.
    assert.equal(iso(nextAllowedInstant(at('2026-03-28T20:00:00Z'), 'sms', 'Europe/Berlin', wideHours)), '2026-03-29T06:00:00.000Z');
  });
});

describe('nextInstantUnderCap', () => {
  const cap = defaultSendRules.frequencyCap;

  test('with nothing sent, earliest itself', () => {
    assert.equal(iso(nextInstantUnderCap(at('2026-05-12T03:00:00Z'), [], 'Asia/Tokyo', cap)), '2026-05-12T03:00:00.000Z');
  });

  test('the day is the customer’s local calendar day, not the UTC day', () => {
    const sent = [at('2026-03-09T00:30:00Z')]; // Mon 09:30 JST
    // Mon 23:00 JST, same local day → local midnight (15:00 UTC).
    assert.equal(iso(nextInstantUnderCap(at('2026-03-09T14:00:00Z'), sent, 'Asia/Tokyo', cap)), '2026-03-09T15:00:00.000Z');
    // Tue 01:00 JST is still Monday in UTC, but a new day for the customer.
    assert.equal(iso(nextInstantUnderCap(at('2026-03-09T16:00:00Z'), sent, 'Asia/Tokyo', cap)), '2026-03-09T16:00:00.000Z');
  });

  test('perWeek counts a rolling 7×24h window; a message exactly 7×24h old has aged out', () => {
    const sent = [at('2026-05-11T07:00:00Z'), at('2026-05-12T07:00:00Z'), at('2026-05-13T07:00:00Z')]; // Mon–Wed 09:00 CEST
    // Thu and Sun are full → the Monday message ages out at 09:00 the next Monday.
    assert.equal(iso(nextInstantUnderCap(at('2026-05-14T07:00:00Z'), sent, 'Europe/Berlin', cap)), '2026-05-18T07:00:00.000Z');
    assert.equal(iso(nextInstantUnderCap(at('2026-05-17T12:00:00Z'), sent, 'Europe/Berlin', cap)), '2026-05-18T07:00:00.000Z');
    assert.equal(iso(nextInstantUnderCap(at('2026-05-18T07:00:00Z'), sent, 'Europe/Berlin', cap)), '2026-05-18T07:00:00.000Z');
  });

  test('7×24h is not a calendar week: across the New York spring-forward it ends at 10:00 EDT', () => {
    const sent = [at('2026-03-02T14:00:00Z'), at('2026-03-03T14:00:00Z'), at('2026-03-04T14:00:00Z')]; // Mon–Wed 09:00 EST
    assert.equal(iso(nextInstantUnderCap(at('2026-03-05T14:00:00Z'), sent, 'America/New_York', cap)), '2026-03-09T14:00:00.000Z');
  });

  test('a message on the candidate’s day blocks it even if sent later that day', () => {
    const sent = [at('2026-05-12T15:00:00Z')]; // Tue 17:00 CEST
    assert.equal(iso(nextInstantUnderCap(at('2026-05-12T07:00:00Z'), sent, 'Europe/Berlin', cap)), '2026-05-12T22:00:00.000Z');
  });

  test('rejects an unsound cap', () => {
    assert.throws(() => nextInstantUnderCap(at('2026-05-12T07:00:00Z'), [], 'Europe/Berlin', { perDay: 0, perWeek: 3 }), /perDay/);
  });
});

describe('plannedSendInstant', () => {
  const planInTurn = (dues: readonly Date[], channel: Channel, timeZone: string, rules: SendRules): string[] => {
    const sent: Date[] = [];
    for (const due of dues) sent.push(plannedSendInstant(due, channel, timeZone, rules, sent));
    return sent.map(iso);
  };

  test('three invoices for one customer due the same morning go out on three business days', () => {
    const monday0700 = at('2026-05-11T05:00:00Z'); // 07:00 CEST
    assert.deepEqual(planInTurn([monday0700, monday0700, monday0700], 'email', 'Europe/Berlin', defaultSendRules), [
      '2026-05-11T07:00:00.000Z',
      '2026-05-12T07:00:00.000Z',
      '2026-05-13T07:00:00.000Z',
    ]);
  });

  test('a fourth waits for the weekly window, then the daily cap moves the fifth on', () => {
    const friday = at('2026-05-08T05:00:00Z'); // Fri 07:00 CEST
    assert.deepEqual(planInTurn([friday, friday, friday, friday, friday], 'email', 'Europe/Berlin', defaultSendRules), [
      '2026-05-08T07:00:00.000Z', // Fri
      '2026-05-11T07:00:00.000Z', // Mon (weekend skipped)
      '2026-05-12T07:00:00.000Z', // Tue
      '2026-05-15T07:00:00.000Z', // Fri: Friday's message ages out exactly 7×24h later
      '2026-05-18T07:00:00.000Z', // Mon: Friday is full, the weekend closed, Monday's message aged out
    ]);
  });

  test('across the New York spring-forward the weekly window ends at 10:00 EDT', () => {
    const monday = at('2026-03-02T14:00:00Z'); // Mon 09:00 EST
    assert.deepEqual(planInTurn([monday, monday, monday, monday], 'email', 'America/New_York', defaultSendRules), [
      '2026-03-02T14:00:00.000Z',
      '2026-03-03T14:00:00.000Z',
      '2026-03-04T14:00:00.000Z',
      '2026-03-09T14:00:00.000Z', // Mon 10:00 EDT, 7×24h after Mon 09:00 EST
    ]);
  });

  test('perDay 2 lets two go the same morning', () => {
    const rules = rulesWith({ frequencyCap: { perDay: 2, perWeek: 5 } });
    const monday = at('2026-03-09T00:00:00Z'); // Mon 09:00 JST
    assert.deepEqual(planInTurn([monday, monday, monday], 'email', 'Asia/Tokyo', rules), [
      '2026-03-09T00:00:00.000Z',
      '2026-03-09T00:00:00.000Z',
      '2026-03-10T00:00:00.000Z',
    ]);
  });

  test('hours and cap are iterated until both hold', () => {
    // Every day 06:00–23:00 in Berlin (CEST); SMS 08:00–21:00. Sent Mon 22:00, Tue 10:00, Wed 10:00,
    // and one already planned for next Tuesday 09:00.
    const sent = [at('2026-05-11T20:00:00Z'), at('2026-05-12T08:00:00Z'), at('2026-05-13T08:00:00Z'), at('2026-05-19T07:00:00Z')];
    // Thu 10:00: week full → Mon 22:00 (Monday's ages out) → too late for SMS → Tue 08:00: that day
    // is taken → Wed 00:00 → Wed 08:00.
    assert.equal(iso(plannedSendInstant(at('2026-05-14T08:00:00Z'), 'sms', 'Europe/Berlin', wideHours, sent)), '2026-05-20T06:00:00.000Z');
    // Email may go at Mon 22:00.
    assert.equal(
      iso(plannedSendInstant(at('2026-05-14T08:00:00Z'), 'email', 'Europe/Berlin', wideHours, sent)),
      '2026-05-18T20:00:00.000Z',
    );
  });

  test('internal channels ignore hours and the cap', () => {
    const sundayNight = at('2026-05-10T01:00:00Z');
    const sent = [at('2026-05-10T00:00:00Z'), at('2026-05-09T00:00:00Z'), at('2026-05-08T00:00:00Z')];
    for (const channel of ['task', 'agency', 'write_off'] as const) {
      assert.equal(iso(plannedSendInstant(sundayNight, channel, 'Europe/Berlin', defaultSendRules, sent)), iso(sundayNight));
    }
  });

  test('unsound rules and invalid instants throw a readable error', () => {
    const noDays = rulesWith({ businessHours: { start: '09:00', end: '17:00', days: [] } });
    assert.throws(() => plannedSendInstant(at('2026-05-11T07:00:00Z'), 'email', 'Europe/Berlin', noDays, []), /at least one weekday/);
    const nightShift = rulesWith({ businessHours: { start: '21:30', end: '23:30', days: everyDay } });
    assert.throws(() => nextAllowedInstant(at('2026-05-11T07:00:00Z'), 'sms', 'Europe/Berlin', nightShift), /no SMS could ever be sent/);
    assert.throws(() => plannedSendInstant(new Date(Number.NaN), 'email', 'Europe/Berlin', defaultSendRules, []), /not a valid instant/);
  });
});

describe('checkSendRules', () => {
  test('the defaults are sound', () => {
    assert.equal(checkSendRules(defaultSendRules), undefined);
  });

  const broken: [string, SendRules, RegExp][] = [
    [
      'malformed time',
      rulesWith({ businessHours: { start: '9:00', end: '17:00', days: [1] } }),
      /businessHours\.start must be a time "HH:MM"/,
    ],
    ['hour 24', rulesWith({ smsHours: { start: '08:00', end: '24:00' } }), /smsHours\.end must be a time/],
    ['start not before end', rulesWith({ businessHours: { start: '17:00', end: '09:00', days: [1] } }), /must be before/],
    ['empty window', rulesWith({ smsHours: { start: '08:00', end: '08:00' } }), /smsHours\.start \(08:00\) must be before/],
    ['no days', rulesWith({ businessHours: { start: '09:00', end: '17:00', days: [] } }), /at least one weekday/],
    ['day 0', rulesWith({ businessHours: { start: '09:00', end: '17:00', days: [0, 1] } }), /ISO weekdays .* got 0/],
    ['day 8', rulesWith({ businessHours: { start: '09:00', end: '17:00', days: [8] } }), /got 8/],
    ['fractional day', rulesWith({ businessHours: { start: '09:00', end: '17:00', days: [1.5] } }), /got 1\.5/],
    ['repeated day', rulesWith({ businessHours: { start: '09:00', end: '17:00', days: [1, 2, 1] } }), /must not repeat/],
    ['zero perDay', rulesWith({ frequencyCap: { perDay: 0, perWeek: 3 } }), /perDay must be a positive integer/],
    ['fractional perWeek', rulesWith({ frequencyCap: { perDay: 1, perWeek: 2.5 } }), /perWeek must be a positive integer/],
    ['perDay above perWeek', rulesWith({ frequencyCap: { perDay: 4, perWeek: 3 } }), /must not exceed/],
    ['SMS window outside business hours', rulesWith({ businessHours: { start: '21:00', end: '23:00', days: [1] } }), /do not overlap/],
  ];
  for (const [name, rules, message] of broken) {
    test(`rejects ${name}`, () => {
      assert.match(checkSendRules(rules) ?? '', message);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Properties over real zones (both hemispheres, half- and quarter-hour offsets, a 30-minute DST),
// random instants 2024–2030, random sound rules and random histories.

const timeZones = [
  'Asia/Tokyo',
  'America/New_York',
  'Europe/Berlin',
  'Europe/London',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Adelaide',
  'Australia/Lord_Howe',
  'Pacific/Auckland',
  'America/Sao_Paulo',
  'America/St_Johns',
  'America/Los_Angeles',
];
const channels: readonly Channel[] = ['email', 'sms', 'notice', 'task', 'agency', 'write_off'];

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const dailyHours = fc
  .uniqueArray(fc.integer({ min: 0, max: 23 * 60 + 59 }), { minLength: 2, maxLength: 2 })
  .map(([a = 0, b = 1]) => ({ start: hhmm(Math.min(a, b)), end: hhmm(Math.max(a, b)) }));
const soundRules: fc.Arbitrary<SendRules> = fc
  .record({
    hours: fc.oneof(fc.constant({ start: '09:00', end: '17:00' }), dailyHours),
    days: fc.subarray(everyDay, { minLength: 1 }),
    perDay: fc.integer({ min: 1, max: 3 }),
    extraPerWeek: fc.integer({ min: 0, max: 4 }),
  })
  .map(({ hours, days, perDay, extraPerWeek }) => ({
    businessHours: { ...hours, days },
    smsHours: defaultSendRules.smsHours,
    frequencyCap: { perDay, perWeek: perDay + extraPerWeek },
  }))
  .filter((rules) => checkSendRules(rules) === undefined);

const instant = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 11, 31) });
/** Sometimes on the minute, as planned instants are, sometimes anywhere. */
const dueMs = fc.oneof(
  instant.map((ms) => ms - (ms % minute)),
  instant,
);
const scenario = fc
  .record({
    due: dueMs,
    timeZone: fc.constantFrom(...timeZones),
    channel: fc.constantFrom(...channels),
    rules: soundRules,
    // Mostly the past, a little of the future: the cap must hold whatever the history looks like.
    history: fc.array(fc.integer({ min: -10 * day, max: 2 * day }), { maxLength: 8 }),
  })
  .map(({ due, history, ...rest }) => ({ ...rest, due: new Date(due), sent: history.map((offset) => new Date(due + offset)) }));

/** The wall clock in a zone, read independently of the module under test. */
function wallClock(at: number, timeZone: string): { weekday: number; minutes: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(at))
      .map((part) => [part.type, part.value]),
  );
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday ?? '') + 1;
  return { weekday, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

const localDay = (at: number, timeZone: string) => new Date(at + zoneOffsetMs(at, timeZone)).toISOString().slice(0, 10);
const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3));

function underCap(at: number, sent: readonly Date[], timeZone: string, cap: SendRules['frequencyCap']): boolean {
  const today = localDay(at, timeZone);
  const sameDay = sent.filter((s) => localDay(s.getTime(), timeZone) === today).length;
  const lastWeek = sent.filter((s) => s.getTime() > at - week && s.getTime() <= at).length;
  return sameDay < cap.perDay && lastWeek < cap.perWeek;
}

describe('plannedSendInstant: properties', () => {
  test('never earlier than due; internal channels exactly when due', () => {
    fc.assert(
      fc.property(scenario, ({ due, timeZone, channel, rules, sent }) => {
        const planned = plannedSendInstant(due, channel, timeZone, rules, sent);
        assert.ok(planned.getTime() >= due.getTime());
        if (!customerFacing(channel)) assert.equal(planned.getTime(), due.getTime());
      }),
      { numRuns: 200 },
    );
  });

  test('customer-facing: allowed, on a business day by the local wall clock, and under the cap', () => {
    fc.assert(
      fc.property(scenario, ({ due, timeZone, channel, rules, sent }) => {
        fc.pre(customerFacing(channel));
        const planned = plannedSendInstant(due, channel, timeZone, rules, sent).getTime();
        assert.ok(isAllowedInstant(new Date(planned), channel, timeZone, rules));
        const wall = wallClock(planned, timeZone);
        assert.ok(rules.businessHours.days.includes(wall.weekday), `weekday ${wall.weekday} not in ${rules.businessHours.days}`);
        // Away from a DST change the wall clock reads inside business hours too.
        if (zoneOffsetMs(planned - day, timeZone) === zoneOffsetMs(planned + day, timeZone)) {
          assert.ok(wall.minutes >= minutesOf(rules.businessHours.start) && wall.minutes < minutesOf(rules.businessHours.end));
        }
        if (channel === 'sms') assert.ok(wall.minutes >= 8 * 60 && wall.minutes < 21 * 60, `SMS at ${hhmm(wall.minutes)} local`);
        assert.ok(underCap(planned, sent, timeZone, rules.frequencyCap));
      }),
      { numRuns: 200 },
    );
  });

  test('idempotent: planning the planned instant again changes nothing', () => {
    fc.assert(
      fc.property(scenario, ({ due, timeZone, channel, rules, sent }) => {
        const planned = plannedSendInstant(due, channel, timeZone, rules, sent);
        assert.equal(iso(plannedSendInstant(planned, channel, timeZone, rules, sent)), iso(planned));
      }),
      { numRuns: 200 },
    );
  });

  test('minimal: no sampled minute between due and planned is both allowed and under the cap', () => {
    const withSamples = scenario.chain((s) =>
      fc.tuple(fc.constant(s), fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { minLength: 200, maxLength: 200 })),
    );
    fc.assert(
      fc.property(withSamples, ([{ due, timeZone, channel, rules, sent }, fractions]) => {
        fc.pre(customerFacing(channel));
        const planned = plannedSendInstant(due, channel, timeZone, rules, sent).getTime();
        if (planned === due.getTime()) return;
        // Just before the planned instant, it may not go.
        const justBefore = new Date(planned - 1);
        assert.ok(!isAllowedInstant(justBefore, channel, timeZone, rules) || !underCap(planned - 1, sent, timeZone, rules.frequencyCap));
        const firstMinute = Math.ceil(due.getTime() / minute);
        const minutes = Math.ceil(planned / minute) - firstMinute;
        for (const fraction of fractions) {
          const sample = (firstMinute + Math.floor(fraction * minutes)) * minute;
          if (sample >= planned) continue;
          const allowed = isAllowedInstant(new Date(sample), channel, timeZone, rules);
          assert.ok(!allowed || !underCap(sample, sent, timeZone, rules.frequencyCap), `${iso(new Date(sample))} was free`);
        }
      }),
      { numRuns: 60 },
    );
  });

  test('email with no history: the next allowed instant, and no sampled minute before it is allowed', () => {
    fc.assert(
      fc.property(
        dueMs,
        fc.constantFrom(...timeZones),
        soundRules,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { minLength: 200, maxLength: 200 }),
        (due, timeZone, rules, fractions) => {
          const planned = plannedSendInstant(new Date(due), 'email', timeZone, rules, []).getTime();
          assert.equal(planned, nextAllowedInstant(new Date(due), 'email', timeZone, rules).getTime());
          const firstMinute = Math.ceil(due / minute);
          const minutes = Math.ceil(planned / minute) - firstMinute;
          for (const fraction of fractions) {
            const sample = (firstMinute + Math.floor(fraction * minutes)) * minute;
            if (sample < planned) assert.ok(!isAllowedInstant(new Date(sample), 'email', timeZone, rules), iso(new Date(sample)));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  test('nextInstantUnderCap: never earlier, under the cap, and a fixed point', () => {
    fc.assert(
      fc.property(scenario, ({ due, timeZone, rules, sent }) => {
        const next = nextInstantUnderCap(due, sent, timeZone, rules.frequencyCap);
        assert.ok(next.getTime() >= due.getTime());
        assert.ok(underCap(next.getTime(), sent, timeZone, rules.frequencyCap));
        assert.equal(iso(nextInstantUnderCap(next, sent, timeZone, rules.frequencyCap)), iso(next));
        assert.ok(next.getTime() - due.getTime() <= (sent.length + 1) * (week + 2 * day));
      }),
      { numRuns: 200 },
    );
  });
});

test('a one-minute window on one weekday is found a week on, not stepped to', () => {
  const narrow = rulesWith({ businessHours: { start: '12:00', end: '12:01', days: [3] } });
  const planned = nextAllowedInstant(at('2026-05-13T10:01:00Z'), 'email', 'Europe/Berlin', narrow); // Wed 12:01 CEST, just missed
  assert.equal(iso(planned), '2026-05-20T10:00:00.000Z');
  assert.ok(planned.getTime() - Date.parse('2026-05-13T10:01:00Z') < week);
});
