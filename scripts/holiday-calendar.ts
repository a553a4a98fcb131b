import { readFileSync } from 'node:fs';
import { findPackageJSON } from 'node:module';
import { getAllTimezones } from 'countries-and-timezones';
import Holidays from 'date-holidays';

/**
 * Public holidays straight from date-holidays, and time zones' countries straight from
 * countries-and-timezones, the way Dunwell computed them at run time before they were generated
 * into `shared/domain/holidays/`: the generator writes its data from this, and
 * test/unit/holiday-data.test.ts compares the committed data against it.
 */

/** An installed package's version: the generated data records the versions it came from. */
function installedVersion(name: string): string {
  const file = findPackageJSON(name, import.meta.url);
  if (!file) throw new Error(`${name} is not installed`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

export const dateHolidaysVersion = installedVersion('date-holidays');
export const countriesAndTimezonesVersion = installedVersion('countries-and-timezones');

/**
 * The first country countries-and-timezones lists for each zone it knows, old names included
 * (Asia/Calcutta, Europe/Kiev); zones without one (UTC, Etc/GMT+5) are left out.
 */
export function zoneCountries(): Map<string, string> {
  return new Map(
    Object.values(getAllTimezones({ deprecated: true }))
      .flatMap((zone) => (zone.countries[0] ? [[zone.name, zone.countries[0]] as const] : []))
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

/** Every country date-holidays has a calendar for, each with its states or regions in date-holidays' own spelling. */
export function countriesWithSubdivisions(): Map<string, string[]> {
  const directory = new Holidays();
  return new Map(
    Object.keys(directory.getCountries())
      .sort()
      .map((country) => [country, Object.keys(directory.getStates(country) ?? {}).sort()]),
  );
}

/** A place's calendar: English names, and UTC so that start and end carry the holiday's own wall-clock times whatever the process zone. */
export function dateHolidaysCalendar(country: string, subdivision?: string): Holidays {
  const options = { languages: ['en'], timezone: 'UTC' };
  return subdivision ? new Holidays(country, subdivision, options) : new Holidays(country, options);
}

const DAY_MS = 86_400_000;

/**
 * The public holidays of one year at a place, by YYYY-MM-DD. Every date a holiday spans counts:
 * the date it is named for (a day that starts at the previous sunset, as Islamic holidays do in
 * date-holidays, counts from that date) through the date it ends on. The previous year's
 * holidays are read too, for spans that reach into this one (SZ: 28 Dec - 2 Jan); on a date two
 * holidays share, this year's name and then the earlier start wins. Only type `public`.
 */
export function publicHolidaysOf(calendar: Pick<Holidays, 'getHolidays'>, year: number): Map<string, string> {
  const byDate = new Map<string, string>();
  for (const holiday of [...calendar.getHolidays(year), ...calendar.getHolidays(year - 1)]) {
    if (holiday.type !== 'public') continue;
    const first = Date.parse(`${holiday.date.slice(0, 10)}T00:00:00Z`);
    const last = Math.max(first, holiday.end.getTime() - 1);
    for (let day = first; day <= last; day += DAY_MS) {
      const date = new Date(day).toISOString().slice(0, 10);
      if (Number(date.slice(0, 4)) === year && !byDate.has(date)) byDate.set(date, holiday.name);
    }
  }
  return byDate;
}
