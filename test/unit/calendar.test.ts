import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { addDays, isIsoDate, isTimeZone, localDateAt, zonedInstant, zoneOffsetMs } from '#domain/calendar.ts';

const iso = (date: Date) => date.toISOString();
const hour = 3_600_000;

describe('zonedInstant', () => {
  test('Europe/Berlin across the spring-forward night (2026-03-29)', () => {
    assert.equal(iso(zonedInstant('2026-03-28', '09:00', 'Europe/Berlin')), '2026-03-28T08:00:00.000Z'); // CET
    assert.equal(iso(zonedInstant('2026-03-29', '01:59', 'Europe/Berlin')), '2026-03-29T00:59:00.000Z'); // still CET
    assert.equal(iso(zonedInstant('2026-03-29', '03:00', 'Europe/Berlin')), '2026-03-29T01:00:00.000Z'); // CEST from here
    assert.equal(iso(zonedInstant('2026-03-29', '09:00', 'Europe/Berlin')), '2026-03-29T07:00:00.000Z');
    assert.equal(iso(zonedInstant('2026-03-30', '09:00', 'Europe/Berlin')), '2026-03-30T07:00:00.000Z');
  });

  test('Europe/Berlin across the fall-back night (2026-10-25)', () => {
    assert.equal(iso(zonedInstant('2026-10-24', '09:00', 'Europe/Berlin')), '2026-10-24T07:00:00.000Z'); // CEST
    assert.equal(iso(zonedInstant('2026-10-25', '09:00', 'Europe/Berlin')), '2026-10-25T08:00:00.000Z'); // CET
    assert.equal(iso(zonedInstant('2026-10-25', '03:00', 'Europe/Berlin')), '2026-10-25T02:00:00.000Z');
    assert.equal(iso(zonedInstant('2026-10-26', '09:00', 'Europe/Berlin')), '2026-10-26T08:00:00.000Z');
  });

  test('America/New_York across 2026-03-08 and 2026-11-01', () => {
    assert.equal(iso(zonedInstant('2026-03-07', '09:00', 'America/New_York')), '2026-03-07T14:00:00.000Z'); // EST
    assert.equal(iso(zonedInstant('2026-03-08', '09:00', 'America/New_York')), '2026-03-08T13:00:00.000Z'); // EDT
    assert.equal(iso(zonedInstant('2026-10-31', '09:00', 'America/New_York')), '2026-10-31T13:00:00.000Z'); // EDT
    assert.equal(iso(zonedInstant('2026-11-01', '09:00', 'America/New_York')), '2026-11-01T14:00:00.000Z'); // EST
  });

  test('Asia/Tokyo has no DST: 09:00 is always 00:00 UTC', () => {
    for (const date of ['2026-01-15', '2026-03-29', '2026-07-01', '2026-10-25', '2026-12-31']) {
      assert.equal(iso(zonedInstant(date, '09:00', 'Asia/Tokyo')), `${date}T00:00:00.000Z`);
    }
    assert.equal(iso(zonedInstant('2027-01-01', '08:00', 'Asia/Tokyo')), '2026-12-31T23:00:00.000Z');
  });

  test('a time inside the skipped hour resolves to the same wall time shifted by the jump (east of UTC)', () => {
    // Berlin 02:30 does not exist on 2026-03-29: it becomes 03:30 CEST.
    assert.equal(iso(zonedInstant('2026-03-29', '02:30', 'Europe/Berlin')), '2026-03-29T01:30:00.000Z');
  });

  test('a time inside the skipped hour resolves to the same wall time shifted by the jump (west of UTC)', () => {
    // New York 02:30 does not exist on 2026-03-08: it becomes 03:30 EDT (07:30Z), not 01:30 EST.
    assert.equal(iso(zonedInstant('2026-03-08', '02:30', 'America/New_York')), '2026-03-08T07:30:00.000Z');
  });

  test('a repeated time resolves to its first occurrence (west of UTC)', () => {
    // New York 01:30 happens twice on 2026-11-01: first at EDT (05:30Z), then at EST (06:30Z).
    assert.equal(iso(zonedInstant('2026-11-01', '01:30', 'America/New_York')), '2026-11-01T05:30:00.000Z');
  });

  test('a repeated time resolves to its first occurrence (east of UTC)', () => {
    // Berlin 02:30 happens twice on 2026-10-25: first at CEST (00:30Z), then at CET (01:30Z).
    assert.equal(iso(zonedInstant('2026-10-25', '02:30', 'Europe/Berlin')), '2026-10-25T00:30:00.000Z');
  });

  test('the wall clock at the returned instant shows the requested time (outside DST gaps)', () => {
    for (const timeZone of [
      'UTC',
      'Europe/Berlin',
      'America/New_York',
      'Asia/Tokyo',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
      'Pacific/Chatham',
    ]) {
      for (const date of ['2026-01-31', '2026-04-15', '2026-06-30', '2026-11-02']) {
        const instant = zonedInstant(date, '09:00', timeZone).getTime();
        const wall = new Date(instant + zoneOffsetMs(instant, timeZone)).toISOString();
        assert.equal(wall, `${date}T09:00:00.000Z`, `${timeZone} ${date}`);
      }
    }
  });
});

describe('zoneOffsetMs', () => {
  test('gives the offset in force at an instant', () => {
    assert.equal(zoneOffsetMs(Date.parse('2026-07-01T12:00:00Z'), 'Europe/Berlin'), 2 * hour);
    assert.equal(zoneOffsetMs(Date.parse('2026-01-01T12:00:00Z'), 'Europe/Berlin'), 1 * hour);
    assert.equal(zoneOffsetMs(Date.parse('2026-01-01T12:00:00Z'), 'America/New_York'), -5 * hour);
    assert.equal(zoneOffsetMs(Date.parse('2026-01-01T12:00:00Z'), 'Asia/Kolkata'), 5.5 * hour);
    assert.equal(zoneOffsetMs(Date.parse('2026-01-01T12:00:00.999Z'), 'UTC'), 0);
  });
});

describe('isTimeZone', () => {
  test('accepts IANA zones and rejects nonsense', () => {
    assert.equal(isTimeZone('Europe/Berlin'), true);
    assert.equal(isTimeZone('UTC'), true);
    assert.equal(isTimeZone('Mars/Olympus_Mons'), false);
    assert.equal(isTimeZone(''), false);
  });
});

describe('addDays', () => {
  test('crosses month, leap-day and year ends', () => {
    assert.equal(addDays('2026-01-31', 1), '2026-02-01');
    assert.equal(addDays('2026-02-28', 1), '2026-03-01');
    assert.equal(addDays('2028-02-28', 1), '2028-02-29');
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.equal(addDays('2026-12-01', 14), '2026-12-15');
    assert.equal(addDays('2026-12-20', 14), '2027-01-03');
  });

  test('goes backwards for negative offsets', () => {
    assert.equal(addDays('2026-12-01', -3), '2026-11-28');
    assert.equal(addDays('2027-01-02', -3), '2026-12-30');
    assert.equal(addDays('2026-03-01', -1), '2026-02-28');
    assert.equal(addDays('2026-12-01', 0), '2026-12-01');
  });

  test('is not moved by DST (calendar days, not 24-hour steps)', () => {
    assert.equal(addDays('2026-03-28', 1), '2026-03-29');
    assert.equal(addDays('2026-03-29', 1), '2026-03-30');
    assert.equal(addDays('2026-10-25', 1), '2026-10-26');
  });
});

describe('remembered results (the memos in calendar.ts)', () => {
  test('zonedInstant gives a new Date on every call, so changing one changes no later answer', () => {
    const first = zonedInstant('2026-06-01', '09:00', 'Europe/Berlin');
    first.setTime(0);
    assert.equal(iso(zonedInstant('2026-06-01', '09:00', 'Europe/Berlin')), '2026-06-01T07:00:00.000Z');
  });

  test('answers stay right past the size of the memos, when they start over (hourly over three years, DST included)', () => {
    const reference = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' });
    const start = Date.parse('2026-01-01T00:30:00Z');
    for (let round = 0; round < 2; round++) {
      for (let hours = 0; hours < 26_000; hours += round === 0 ? 1 : 97) {
        const instant = start + hours * hour;
        assert.equal(localDateAt(instant, 'America/New_York'), reference.format(instant), new Date(instant).toISOString());
        assert.equal(addDays('2026-01-01', hours), new Date(start + hours * 86_400_000).toISOString().slice(0, 10));
      }
    }
  });

  test('a failing call is not remembered: it fails again', () => {
    assert.throws(() => zonedInstant('2026-06-01', '09:00', 'Mars/Olympus_Mons'), RangeError);
    assert.throws(() => zonedInstant('2026-06-01', '09:00', 'Mars/Olympus_Mons'), RangeError);
    assert.throws(() => addDays('not a date', 1), RangeError);
    assert.throws(() => addDays('not a date', 1), RangeError);
  });
});

describe('isIsoDate', () => {
  test('accepts real calendar dates', () => {
    for (const date of ['2026-02-28', '2028-02-29', '2026-12-31', '2026-01-01']) assert.equal(isIsoDate(date), true, date);
  });

  test('rejects days that do not exist in their month', () => {
    for (const text of ['2026-02-30', '2026-02-29', '2026-04-31', '2026-06-31']) assert.equal(isIsoDate(text), false, text);
  });

  test('rejects other shapes', () => {
    for (const text of ['2026-1-01', '26-01-01', '2026/01/01', '2026-01-01T00:00:00Z', ' 2026-01-01', '']) {
      assert.equal(isIsoDate(text), false, text);
    }
  });

  // It is the validator of request bodies: it must answer false, not throw (a throw inside a
  // zod refinement escapes safeParse and turns a client's typo into a 500).
  test('rejects out-of-range months and days without throwing', () => {
    for (const text of ['2026-13-01', '2026-00-10', '2026-02-32', '2026-12-00', '2026-99-99']) {
      assert.equal(isIsoDate(text), false, text);
    }
  });
});
