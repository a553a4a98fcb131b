import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { defaultCountryFor, HOLIDAY_YEARS, holidayPlace, isCountryCode, isSubdivisionCode, publicHoliday } from '#domain/holidays.ts';

describe('publicHoliday', () => {
  test('Germany: both Christmas days nationwide; Christmas Eve is no public holiday', () => {
    assert.equal(publicHoliday({ country: 'DE' }, '2026-12-25'), 'Christmas Day');
    assert.equal(publicHoliday({ country: 'DE' }, '2026-12-26'), 'Boxing Day');
    assert.equal(publicHoliday({ country: 'DE', subdivision: 'HH' }, '2026-12-26'), 'Boxing Day');
    // date-holidays has it as a bank holiday from 14:00.
    assert.equal(publicHoliday({ country: 'DE' }, '2026-12-24'), undefined);
    assert.equal(publicHoliday({ country: 'DE' }, '2026-12-23'), undefined);
  });

  test('Germany: a state holiday applies in its state only', () => {
    assert.equal(publicHoliday({ country: 'DE', subdivision: 'BY' }, '2026-01-06'), 'Epiphany');
    assert.equal(publicHoliday({ country: 'DE' }, '2026-01-06'), undefined);
    assert.equal(publicHoliday({ country: 'DE', subdivision: 'BE' }, '2026-01-06'), undefined);
    assert.equal(publicHoliday({ country: 'DE', subdivision: 'BE' }, '2026-03-08'), "International Women's Day");
    assert.equal(publicHoliday({ country: 'DE' }, '2026-03-08'), undefined);
    assert.equal(publicHoliday({ country: 'DE', subdivision: 'BY' }, '2026-03-08'), undefined);
  });

  test('United States: the observed Independence Day, Thanksgiving; not Christmas Eve or Black Friday', () => {
    // 4 July 2026 is a Saturday: it is observed on Friday the 3rd.
    assert.equal(publicHoliday({ country: 'US' }, '2026-07-03'), 'Independence Day (substitute day)');
    assert.equal(publicHoliday({ country: 'US' }, '2026-07-04'), 'Independence Day');
    assert.equal(publicHoliday({ country: 'US' }, '2026-11-26'), 'Thanksgiving Day');
    assert.equal(publicHoliday({ country: 'US' }, '2026-11-27'), undefined); // an observance
    assert.equal(publicHoliday({ country: 'US' }, '2026-12-24'), undefined); // optional
    assert.equal(publicHoliday({ country: 'US', subdivision: 'CA' }, '2026-11-26'), 'Thanksgiving Day');
  });

  test('Japan: New Year, Golden Week with its substitute day, the citizens’ holiday between two holidays', () => {
    assert.equal(publicHoliday({ country: 'JP' }, '2026-01-01'), "New Year's Day");
    assert.equal(publicHoliday({ country: 'JP' }, '2026-01-02'), undefined); // a bank holiday
    assert.equal(publicHoliday({ country: 'JP' }, '2026-05-03'), 'Constitution Day');
    assert.equal(publicHoliday({ country: 'JP' }, '2026-05-04'), 'Greenery Day');
    assert.equal(publicHoliday({ country: 'JP' }, '2026-05-05'), "Children's Day");
    // 3 May 2026 is a Sunday, and 4-5 May are holidays already: 振替休日 on Wednesday the 6th.
    assert.equal(publicHoliday({ country: 'JP' }, '2026-05-06'), 'Constitution Day (substitute day)');
    assert.equal(publicHoliday({ country: 'JP' }, '2026-05-07'), undefined);
    // 国民の休日: a weekday between Respect-for-the-Aged Day and the autumnal equinox.
    assert.equal(publicHoliday({ country: 'JP' }, '2026-09-22'), "Citizens' Holiday");
  });

  test('a holiday of several days covers each of its dates, not the eve it starts at sunset', () => {
    // date-holidays starts Islamic holidays at 18:00 the evening before.
    assert.equal(publicHoliday({ country: 'AE' }, '2026-03-19'), undefined);
    for (const date of ['2026-03-20', '2026-03-21', '2026-03-22']) {
      assert.equal(publicHoliday({ country: 'AE' }, date), 'End of Ramadan (Eid al-Fitr)', date);
    }
    assert.equal(publicHoliday({ country: 'AE' }, '2026-03-23'), undefined);
    assert.equal(publicHoliday({ country: 'RU' }, '2026-01-05'), 'New Year Holiday');
  });

  test('a holiday that runs into the next year covers its dates there too', () => {
    // Eswatini's Incwala: six days from 28 December 2026.
    assert.equal(publicHoliday({ country: 'SZ' }, '2026-12-28'), 'Incwala Festival');
    assert.equal(publicHoliday({ country: 'SZ' }, '2027-01-01'), "New Year's Day");
    assert.equal(publicHoliday({ country: 'SZ' }, '2027-01-02'), 'Incwala Festival');
    assert.equal(publicHoliday({ country: 'SZ' }, '2027-01-03'), undefined);
  });

  test('no country, or one without a calendar: no holidays; an unknown subdivision: the country’s', () => {
    assert.equal(publicHoliday({}, '2026-12-25'), undefined);
    assert.equal(publicHoliday({ subdivision: 'BY' }, '2026-01-06'), undefined);
    assert.equal(publicHoliday({ country: 'ZZ' }, '2026-12-25'), undefined);
    assert.equal(publicHoliday({ country: 'DE', subdivision: 'ZZ' }, '2026-12-25'), 'Christmas Day');
    assert.equal(publicHoliday({ country: 'DE', subdivision: 'ZZ' }, '2026-01-06'), undefined);
  });

  test('answers from its cache alike, across years', () => {
    for (let round = 0; round < 2; round++) {
      assert.equal(publicHoliday({ country: 'DE' }, '2027-12-25'), 'Christmas Day');
      assert.equal(publicHoliday({ country: 'DE' }, '2025-10-03'), 'National Holiday');
      assert.equal(publicHoliday({ country: 'DE' }, '2026-10-05'), undefined);
    }
  });

  test('outside the generated years: no public holidays (a working day), never an error', () => {
    assert.equal(publicHoliday({ country: 'DE' }, `${HOLIDAY_YEARS.first}-01-01`), "New Year's Day");
    assert.equal(publicHoliday({ country: 'DE' }, `${HOLIDAY_YEARS.last}-12-25`), 'Christmas Day');
    assert.equal(publicHoliday({ country: 'DE' }, `${HOLIDAY_YEARS.first - 1}-12-25`), undefined);
    assert.equal(publicHoliday({ country: 'DE', subdivision: 'BY' }, `${HOLIDAY_YEARS.last + 1}-01-01`), undefined);
  });

  test('refuses anything but a YYYY-MM-DD date', () => {
    assert.throws(() => publicHoliday({ country: 'DE' }, '25.12.2026'), RangeError);
  });
});

describe('defaultCountryFor', () => {
  test('the country of the zone’s own location', () => {
    assert.equal(defaultCountryFor('Europe/Berlin'), 'DE');
    assert.equal(defaultCountryFor('Europe/Zurich'), 'CH');
    assert.equal(defaultCountryFor('Europe/Copenhagen'), 'DK');
    assert.equal(defaultCountryFor('Europe/Busingen'), 'DE');
    assert.equal(defaultCountryFor('America/New_York'), 'US');
    assert.equal(defaultCountryFor('Asia/Tokyo'), 'JP');
    assert.equal(defaultCountryFor('Asia/Calcutta'), 'IN'); // the name ICU still returns for Asia/Kolkata
    assert.equal(defaultCountryFor('Europe/Kiev'), 'UA');
  });

  test('none for zones that name no place', () => {
    for (const zone of ['UTC', 'Etc/UTC', 'Etc/GMT+5', 'EST5EDT', 'CET', 'EST', 'Not/A_Zone']) {
      assert.equal(defaultCountryFor(zone), undefined, zone);
    }
  });
});

describe('holidayPlace', () => {
  test('the customer’s country and subdivision, else the country of their time zone', () => {
    assert.deepEqual(holidayPlace({ timeZone: 'Europe/Berlin', country: 'AT', subdivision: '9' }), { country: 'AT', subdivision: '9' });
    assert.deepEqual(holidayPlace({ timeZone: 'Europe/Berlin', country: 'DE' }), { country: 'DE', subdivision: undefined });
    assert.deepEqual(holidayPlace({ timeZone: 'Europe/Berlin' }), { country: 'DE' });
    assert.deepEqual(holidayPlace({ timeZone: 'UTC' }), { country: undefined });
    assert.equal(publicHoliday(holidayPlace({ timeZone: 'Asia/Tokyo' }), '2026-05-06'), 'Constitution Day (substitute day)');
  });
});

describe('code validation', () => {
  test('countries: upper-case ISO 3166-1 alpha-2 codes date-holidays has a calendar for', () => {
    for (const code of ['DE', 'US', 'JP', 'CH', 'GB']) assert.equal(isCountryCode(code), true, code);
    for (const code of ['de', 'DEU', 'ZZ', '', 'UK']) assert.equal(isCountryCode(code), false, code);
  });

  test('subdivisions: the upper-case part after the dash, within its country', () => {
    assert.equal(isSubdivisionCode('DE', 'BY'), true);
    assert.equal(isSubdivisionCode('DE', 'BE'), true);
    assert.equal(isSubdivisionCode('US', 'CA'), true);
    assert.equal(isSubdivisionCode('GB', 'SCT'), true);
    assert.equal(isSubdivisionCode('DE', 'DE-BY'), false);
    assert.equal(isSubdivisionCode('DE', 'by'), false);
    assert.equal(isSubdivisionCode('DE', 'CA'), false);
    assert.equal(isSubdivisionCode('US', 'BY'), false);
    assert.equal(isSubdivisionCode('JP', '13'), false); // date-holidays has no Japanese prefectures
    assert.equal(isSubdivisionCode('ZZ', 'BY'), false);
  });
});
