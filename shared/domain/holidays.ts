import { getTimezone } from 'countries-and-timezones';
import Holidays from 'date-holidays';

/**
 * Public holidays of the customer's country (and state or region): no reminder goes out on
 * them. Calendars come from date-holidays; a customer without a country gets the country of
 * their time zone's location.
 */

/** Where a customer's public holidays are taken from: an ISO 3166-1 country, and optionally the ISO 3166-2 part after the dash. */
export interface HolidayPlace {
  readonly country?: string | undefined;
  readonly subdivision?: string | undefined;
}

/**
 * Rule-based zones that name no place (tzdata defined them by DST rules, not by a city). tzdata
 * 2024b turned them into links (EST5EDT → America/New_York, CET → Europe/Brussels), so
 * countries-and-timezones reports the target's countries for them; a German customer on "CET"
 * is no more Belgian than one on "UTC" is British.
 */
const placelessZones = new Set(['EST', 'MST', 'HST', 'EST5EDT', 'CST6CDT', 'MST7MDT', 'PST8PDT', 'CET', 'EET', 'WET', 'MET']);

/**
 * The ISO 3166-1 country of a time zone's own location: Europe/Berlin → DE, Europe/Zurich → CH,
 * Europe/Copenhagen → DK, Asia/Tokyo → JP. Undefined for zones that name no place (UTC,
 * Etc/GMT+5, EST5EDT, CET...).
 *
 * countries-and-timezones lists a zone's countries as tzdata's zone1970.tab does, and that file
 * puts "the country of the most-populous city" of a shared zone first, the others alphabetically
 * (Europe/Berlin: DE, DK, NO, SE, SJ; Asia/Tokyo: JP, AU; Asia/Riyadh: SA, AQ, KW, YE). A link
 * with a country of its own (Europe/Copenhagen, Europe/Oslo, Europe/Busingen) has just that one.
 * Checked against tzdata 2025b zone.tab, which names one country per zone: of the 418 zones
 * Intl knows, the 399 it lists agree but Europe/Simferopol (RU here, UA there: disputed), and
 * the 19 old names ICU still returns (Asia/Calcutta, Europe/Kiev, America/Buenos_Aires...)
 * carry the country of the zone they were renamed to.
 */
export function defaultCountryFor(timeZone: string): string | undefined {
  if (placelessZones.has(timeZone)) return undefined;
  return getTimezone(timeZone)?.countries[0];
}

/** date-holidays without a place: only asked which countries and subdivisions it knows. */
let directory: Holidays | undefined;
const holidaysDirectory = () => (directory ??= new Holidays());
let knownCountries: ReadonlySet<string> | undefined;

/** Whether date-holidays has a calendar for this upper-case ISO 3166-1 alpha-2 code ("DE"; not "de", not "DEU"). */
export function isCountryCode(code: string): boolean {
  knownCountries ??= new Set(Object.keys(holidaysDirectory().getCountries()));
  return knownCountries.has(code);
}

/** Per country: the upper-case subdivision code → date-holidays' own spelling of it (a few are names: CK "Aitutaki"). */
const subdivisionsByCountry = new Map<string, ReadonlyMap<string, string>>();

function subdivisionsOf(country: string): ReadonlyMap<string, string> {
  let subdivisions = subdivisionsByCountry.get(country);
  if (!subdivisions) {
    const states = isCountryCode(country) ? (holidaysDirectory().getStates(country) ?? {}) : {};
    subdivisions = new Map(Object.keys(states).map((code) => [code.toUpperCase(), code]));
    subdivisionsByCountry.set(country, subdivisions);
  }
  return subdivisions;
}

/**
 * Whether date-holidays knows this state or region of the country, by the upper-case part of its
 * ISO 3166-2 code after the dash: "BY" for DE-BY, "CA" for US-CA. The full "DE-BY" is not
 * accepted: the country is its own field, and one spelling keeps stored profiles comparable.
 * Countries without subdivisions in date-holidays (JP, FR...) accept none.
 */
export function isSubdivisionCode(country: string, subdivision: string): boolean {
  return subdivisionsOf(country).has(subdivision);
}

/**
 * The place whose holidays apply to a customer: their country and subdivision when given, else
 * the country of their time zone (no subdivision: a zone rarely tells the state).
 */
export function holidayPlace(customer: {
  readonly timeZone: string;
  readonly country?: string | undefined;
  readonly subdivision?: string | undefined;
}): HolidayPlace {
  if (customer.country) return { country: customer.country, subdivision: customer.subdivision };
  return { country: defaultCountryFor(customer.timeZone) };
}

/** One date-holidays instance per place, and per place and year the public holidays by date. */
const calendars = new Map<string, Holidays>();
const yearsByPlace = new Map<string, ReadonlyMap<string, string>>();

function calendarFor(country: string, subdivision: string | undefined, key: string): Holidays {
  let calendar = calendars.get(key);
  if (!calendar) {
    // UTC: start and end then carry the holiday's own wall-clock times, whatever the process zone.
    const options = { languages: ['en'], timezone: 'UTC' };
    calendar = subdivision ? new Holidays(country, subdivision, options) : new Holidays(country, options);
    calendars.set(key, calendar);
  }
  return calendar;
}

const DAY_MS = 86_400_000;

/**
 * The public holidays of one year at a place, by YYYY-MM-DD. Every date a holiday spans counts:
 * the date it is named for (a day that starts at the previous sunset, as Islamic holidays do in
 * date-holidays, counts from that date) through the date it ends on. The previous year's
 * holidays are read too, for spans that reach into this one (SZ: 28 Dec - 2 Jan); on a date two
 * holidays share, this year's name and then the earlier start wins.
 */
function publicHolidaysOf(calendar: Holidays, year: number): ReadonlyMap<string, string> {
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

/**
 * The English name of the public holiday on local calendar date `date` (YYYY-MM-DD) at `place`
 * ("Christmas Day", "Independence Day (substitute day)"), or undefined. Only date-holidays' type
 * `public`: bank, school, optional and observance days are working days here. Substitute days
 * the library marks as public count. A half-day public holiday (IS 24 Dec from 13:00) counts
 * for its whole date. No country, or one date-holidays does not know: undefined. A subdivision
 * it does not know falls back to the country's holidays.
 */
export function publicHoliday(place: HolidayPlace, date: string): string | undefined {
  const { country } = place;
  if (!country || !isCountryCode(country)) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const subdivision = place.subdivision ? subdivisionsOf(country).get(place.subdivision) : undefined;
  const placeKey = subdivision ? `${country}-${subdivision}` : country;
  const year = Number(date.slice(0, 4));
  const yearKey = `${placeKey}/${year}`;
  let holidays = yearsByPlace.get(yearKey);
  if (!holidays) {
    holidays = publicHolidaysOf(calendarFor(country, subdivision, placeKey), year);
    yearsByPlace.set(yearKey, holidays);
  }
  return holidays.get(date);
}
