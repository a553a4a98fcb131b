import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOLIDAY_YEARS } from '#domain/holidays.ts';
import {
  countriesAndTimezonesVersion,
  countriesWithSubdivisions,
  dateHolidaysCalendar,
  dateHolidaysVersion,
  publicHolidaysOf,
  zoneCountries,
} from './holiday-calendar.ts';

/**
 * `npm run generate-holidays`: writes the public holidays of every country and subdivision
 * date-holidays knows, for the years HOLIDAY_YEARS, and the country of every time zone
 * countries-and-timezones knows, into `shared/domain/holidays/` in the form
 * shared/domain/holidays.ts reads (see there). Run it after upgrading either library and commit
 * the result: test/unit/holiday-data.test.ts fails until the data matches the installed versions.
 */

const DAY_MS = 86_400_000;
const folder = fileURLToPath(new URL('../shared/domain/holidays/', import.meta.url));
const firstDay = Date.UTC(HOLIDAY_YEARS.first, 0, 1);

/** Every public holiday of the years at one place, by date. */
function placeCalendar(country: string, subdivision?: string): Map<string, string> {
  // Each year is read twice (for itself, and for spans into the next): computed once.
  const library = dateHolidaysCalendar(country, subdivision);
  const years = new Map<number, ReturnType<typeof library.getHolidays>>();
  const calendar = {
    getHolidays(year: number) {
      const holidays = years.get(year) ?? library.getHolidays(year);
      years.set(year, holidays);
      return holidays;
    },
  };
  const byDate = new Map<string, string>();
  for (let year = HOLIDAY_YEARS.first; year <= HOLIDAY_YEARS.last; year++) {
    for (const [date, name] of publicHolidaysOf(calendar, year)) {
      if (name === '') throw new Error(`${country}${subdivision ? `-${subdivision}` : ''} ${date}: a holiday without a name`);
      byDate.set(date, name);
    }
  }
  return byDate;
}

/** Name → its dates as base-36 day deltas (the first from 1 January of the first year), in date order. */
function encode(byDate: ReadonlyMap<string, string>): Record<string, string> {
  const daysByName = new Map<string, number[]>();
  for (const date of [...byDate.keys()].sort()) {
    const name = byDate.get(date) ?? '';
    const days = daysByName.get(name) ?? [];
    daysByName.set(name, days);
    days.push((Date.parse(`${date}T00:00:00Z`) - firstDay) / DAY_MS);
  }
  return Object.fromEntries(
    [...daysByName].map(([name, days]) => [name, days.map((day, index) => (day - (days[index - 1] ?? 0)).toString(36)).join(' ')]),
  );
}

/** Where a subdivision differs from its country: the dates with another name, and under "" those that are no holiday there. */
function difference(country: ReadonlyMap<string, string>, subdivision: ReadonlyMap<string, string>): Map<string, string> {
  const changed = new Map<string, string>();
  for (const [date, name] of subdivision) if (country.get(date) !== name) changed.set(date, name);
  for (const date of country.keys()) if (!subdivision.has(date)) changed.set(date, '');
  return changed;
}

const started = performance.now();
const countries = countriesWithSubdivisions();
mkdirSync(folder, { recursive: true });
for (const file of readdirSync(folder)) if (file.endsWith('.json')) rmSync(join(folder, file));

const header = { dateHolidays: dateHolidaysVersion, years: [HOLIDAY_YEARS.first, HOLIDAY_YEARS.last] };
/** One line per calendar (a changed holiday is a one-line diff); arrays of codes and years on one line. */
const write = (name: string, value: unknown) =>
  writeFileSync(
    join(folder, `${name}.json`),
    `${JSON.stringify(value, null, 1).replace(/\[\n\s*([^[\]{}]*?)\n\s*\]/g, (_, items: string) => `[${items.split(/,\n\s*/).join(', ')}]`)}\n`,
  );
let places = 0;
for (const [country, subdivisions] of countries) {
  const nationwide = placeCalendar(country);
  write(country, {
    ...header,
    holidays: encode(nationwide),
    subdivisions: Object.fromEntries(subdivisions.map((code) => [code, encode(difference(nationwide, placeCalendar(country, code)))])),
  });
  places += 1 + subdivisions.length;
}
write('index', { ...header, countries: Object.fromEntries(countries) });
const zones = zoneCountries();
write('zones', { countriesAndTimezones: countriesAndTimezonesVersion, zones: Object.fromEntries(zones) });

const bytes = readdirSync(folder).reduce((sum, file) => sum + statSync(join(folder, file)).size, 0);
console.log(
  `date-holidays ${dateHolidaysVersion}: ${countries.size} countries, ${places} places, ${HOLIDAY_YEARS.first}-${HOLIDAY_YEARS.last}; ` +
    `countries-and-timezones ${countriesAndTimezonesVersion}: ${zones.size} zones; ${(bytes / 1024).toFixed(0)} KB in ${countries.size + 2} files under shared/domain/holidays/ in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
