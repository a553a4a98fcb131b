/**
 * The generated data under shared/domain/holidays/ against the libraries it came from: made from
 * the installed versions (a dependency bump fails here until `npm run generate-holidays` is run);
 * for a sample of places and years, the same answer on every date as computing the holidays with
 * date-holidays at run time, the way Dunwell did before the data was generated; and every time
 * zone's country as countries-and-timezones gives it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { getTimezone } from 'countries-and-timezones';
import { describe, test } from 'vitest';
import { FIRST_YEAR, LAST_YEAR } from '#contracts/input-rules.ts';
import { defaultCountryFor, HOLIDAY_YEARS, isCountryCode, isSubdivisionCode, publicHoliday } from '#domain/holidays.ts';
import {
  countriesAndTimezonesVersion,
  countriesWithSubdivisions,
  dateHolidaysCalendar,
  dateHolidaysVersion,
  publicHolidaysOf,
  zoneCountries,
} from '../../scripts/holiday-calendar.ts';

const folder = new URL('../../shared/domain/holidays/', import.meta.url);
const readData = (file: string) => JSON.parse(readFileSync(new URL(file, folder), 'utf8')) as Record<string, unknown>;
const library = countriesWithSubdivisions();

/** Every date of a year, YYYY-MM-DD. */
function datesOf(year: number): string[] {
  const dates: string[] = [];
  for (let day = Date.UTC(year, 0, 1); day < Date.UTC(year + 1, 0, 1); day += 86_400_000)
    dates.push(new Date(day).toISOString().slice(0, 10));
  return dates;
}

/** Compares every date of the year at one place; returns the number of holidays seen. */
function compareYear(country: string, subdivision: string | undefined, year: number): number {
  const expected = publicHolidaysOf(dateHolidaysCalendar(country, subdivision), year);
  const place = { country, subdivision: subdivision?.toUpperCase() };
  for (const date of datesOf(year)) {
    assert.equal(publicHoliday(place, date), expected.get(date), `${country}${subdivision ? `-${subdivision}` : ''} ${date}`);
  }
  return expected.size;
}

describe('generated public holidays', () => {
  test('every file was generated from the installed libraries, the calendars for HOLIDAY_YEARS', () => {
    const files = readdirSync(folder).filter((file) => file.endsWith('.json'));
    assert.deepEqual(files.sort(), [...[...library.keys()].map((country) => `${country}.json`), 'index.json', 'zones.json'].sort());
    assert.equal(readData('zones.json').countriesAndTimezones, countriesAndTimezonesVersion, 'zones.json: run npm run generate-holidays');
    for (const file of files.filter((name) => name !== 'zones.json')) {
      const data = readData(file);
      assert.equal(data.dateHolidays, dateHolidaysVersion, `${file}: generated from another date-holidays; run npm run generate-holidays`);
      assert.deepEqual(data.years, [HOLIDAY_YEARS.first, HOLIDAY_YEARS.last], file);
    }
  });

  test('the index lists date-holidays’ countries and their subdivisions, in its own spelling', () => {
    assert.deepEqual(readData('index.json').countries, Object.fromEntries(library));
    for (const [country, subdivisions] of library) {
      assert.equal(isCountryCode(country), true, country);
      for (const subdivision of subdivisions)
        assert.equal(isSubdivisionCode(country, subdivision.toUpperCase()), true, `${country}-${subdivision}`);
    }
  });

  test('the years cover every date the API accepts, and the 730 days a post-due step may come after a due date', () => {
    assert.ok(HOLIDAY_YEARS.first <= FIRST_YEAR);
    assert.ok(HOLIDAY_YEARS.last >= LAST_YEAR + 2);
  });

  test('places with subdivisions, spans and moving feasts: every date of many years as date-holidays computes it', () => {
    const places: [string, string?][] = [
      ['DE'],
      ['DE', 'BY'],
      ['DE', 'BE'],
      ['DE', 'SN'],
      ['US'],
      ['US', 'CA'],
      ['US', 'TX'],
      ['CH', 'ZH'],
      ['CH', 'GE'],
      ['GB', 'SCT'],
      ['GB', 'NIR'],
      ['AU', 'NSW'],
      ['ES', 'CT'],
      ['AT', '9'],
      ['BR', 'SP'],
      ['CK', 'Aitutaki'],
      ['SZ'], // Incwala spans the new year
      ['AE'], // Islamic holidays start at the previous sunset and span days
      ['RU'], // a New Year holiday of several days
      ['IS'], // half-day public holidays
      ['JP'], // substitute and citizens' holidays
      ['IN'],
      ['CN'], // lunar calendar
      ['IL'], // Hebrew calendar
    ];
    const years = [
      HOLIDAY_YEARS.first,
      HOLIDAY_YEARS.first + 1,
      2013,
      2024,
      2025,
      2026,
      2027,
      2038,
      2052,
      2077,
      2099,
      2100,
      HOLIDAY_YEARS.last,
    ];
    let holidays = 0;
    for (const [country, subdivision] of places) {
      if (subdivision) assert.ok(library.get(country)?.includes(subdivision), `${country}-${subdivision} is in date-holidays`);
      for (const year of years) holidays += compareYear(country, subdivision, year);
    }
    assert.ok(holidays > 2500, `${holidays} holidays compared`);
  });

  test('every country nationwide, and every subdivision, in a few years', () => {
    for (const [country, subdivisions] of library) {
      for (const year of [HOLIDAY_YEARS.first, 2026, HOLIDAY_YEARS.last]) compareYear(country, undefined, year);
      for (const subdivision of subdivisions) compareYear(country, subdivision, 2026);
    }
  });

  test('every zone countries-and-timezones or Intl knows: the country of its location, as the library gives it', () => {
    const placeless = new Set(['EST', 'MST', 'HST', 'EST5EDT', 'CST6CDT', 'MST7MDT', 'PST8PDT', 'CET', 'EET', 'WET', 'MET']);
    const zones = new Set([...zoneCountries().keys(), ...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/GMT+5', 'Mars/Olympus_Mons']);
    for (const zone of zones) {
      assert.equal(defaultCountryFor(zone), placeless.has(zone) ? undefined : getTimezone(zone)?.countries[0], zone);
    }
    assert.ok(zones.size > 550);
  });
});
