import { readFileSync } from 'node:fs';

/**
 * Public holidays of the customer's country (and state or region): no reminder goes out on
 * them. Calendars come from date-holidays, and a customer without a country gets the country of
 * their time zone's location from countries-and-timezones. Both are generated ahead of time by
 * `npm run generate-holidays` into `./holidays/` (one JSON file per country, read the first time
 * a customer there needs it; an index of countries; the zones' countries), so no function
 * carries the libraries (date-holidays is 1.4 MB minified with moment-timezone and astronomia)
 * nor parses calendars it never reads. test/unit/holiday-data.test.ts holds the files to the
 * installed libraries.
 */

/**
 * The years the generated calendars cover: every date the API accepts (2000–2099) and the two
 * years after, which a post-due step (up to 730 days after a due date) can still land in.
 */
export const HOLIDAY_YEARS = { first: 2000, last: 2101 } as const;

/** Where a customer's public holidays are taken from: an ISO 3166-1 country, and optionally the ISO 3166-2 part after the dash. */
export interface HolidayPlace {
  readonly country?: string | undefined;
  readonly subdivision?: string | undefined;
}

/**
 * Rule-based zones that name no place (tzdata defined them by DST rules, not by a city). tzdata
 * 2024b turned them into links (EST5EDT → America/New_York, CET → Europe/Brussels), so
 * countries-and-timezones reports the target's countries for them; a German customer on "CET"
 * is no more Belgian than one on "UTC" is British. (The generated zone file keeps the library's
 * answer; this rule is Dunwell's.)
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
  const { zones } = zoneCountries();
  return Object.hasOwn(zones, timeZone) ? zones[timeZone] : undefined;
}

/**
 * The generated files, as scripts/generate-holidays.ts writes them. Each records the version of
 * the library it came from, the calendars also the years. A calendar is an object from a
 * holiday's English name to the dates it falls on, as base-36 day numbers separated by spaces,
 * each counted from the one before (the first from 1 January of the first year). A country file
 * holds the nationwide calendar and, per subdivision, only where it differs: dates with another
 * (or an added) holiday, and under the name "" the nationwide dates that are no holiday there.
 */
interface HolidayIndex {
  readonly dateHolidays: string;
  readonly years: readonly [number, number];
  /** Country → its subdivision codes in date-holidays' own spelling (a few are names: CK "Aitutaki"). */
  readonly countries: Readonly<Record<string, readonly string[]>>;
}
type EncodedCalendar = Readonly<Record<string, string>>;
/** countries-and-timezones' first country of every zone it knows (aliases included) that has one. */
interface ZoneCountries {
  readonly countriesAndTimezones: string;
  readonly zones: Readonly<Record<string, string>>;
}
interface CountryHolidays {
  readonly dateHolidays: string;
  readonly years: readonly [number, number];
  readonly holidays: EncodedCalendar;
  readonly subdivisions: Readonly<Record<string, EncodedCalendar>>;
}

/** Beside this module: shared/domain/holidays/ in the repository, holidays/ beside index.mjs in a function bundle. */
function readDataFile<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./holidays/${name}.json`, import.meta.url), 'utf8')) as T;
}

function readHolidayFile<T extends { dateHolidays: string; years: readonly [number, number] }>(name: string): T {
  const data = readDataFile<T>(name);
  if (data.years[0] !== HOLIDAY_YEARS.first || data.years[1] !== HOLIDAY_YEARS.last) {
    throw new Error(
      `holidays/${name}.json covers ${data.years.join('-')}, not ${HOLIDAY_YEARS.first}-${HOLIDAY_YEARS.last}: run npm run generate-holidays`,
    );
  }
  return data;
}

let index: HolidayIndex | undefined;
const holidayIndex = () => (index ??= readHolidayFile<HolidayIndex>('index'));
let zoneFile: ZoneCountries | undefined;
const zoneCountries = () => (zoneFile ??= readDataFile<ZoneCountries>('zones'));

/** Whether date-holidays has a calendar for this upper-case ISO 3166-1 alpha-2 code ("DE"; not "de", not "DEU"). */
export function isCountryCode(code: string): boolean {
  return Object.hasOwn(holidayIndex().countries, code);
}

/** Per country: the upper-case subdivision code → date-holidays' own spelling of it. */
const subdivisionsByCountry = new Map<string, ReadonlyMap<string, string>>();

function subdivisionsOf(country: string): ReadonlyMap<string, string> {
  let subdivisions = subdivisionsByCountry.get(country);
  if (!subdivisions) {
    const codes = isCountryCode(country) ? (holidayIndex().countries[country] ?? []) : [];
    subdivisions = new Map(codes.map((code) => [code.toUpperCase(), code]));
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

const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(HOLIDAY_YEARS.first, 0, 1);

/** Writes an encoded calendar's dates into `byDate`; under the name "" it removes them. */
function decodeInto(byDate: Map<string, string>, calendar: EncodedCalendar): void {
  for (const [name, days] of Object.entries(calendar)) {
    let day = 0;
    for (const delta of days.split(' ')) {
      day += Number.parseInt(delta, 36);
      const date = new Date(FIRST_DAY + day * DAY_MS).toISOString().slice(0, 10);
      if (name === '') byDate.delete(date);
      else byDate.set(date, name);
    }
  }
}

/** Per country its file, and per place (country or country-subdivision) its public holidays by date, all years. */
const countryFiles = new Map<string, CountryHolidays>();
const calendars = new Map<string, ReadonlyMap<string, string>>();

function calendarOf(country: string, subdivision: string | undefined): ReadonlyMap<string, string> {
  const key = subdivision ? `${country}-${subdivision}` : country;
  let calendar = calendars.get(key);
  if (!calendar) {
    let file = countryFiles.get(country);
    if (!file) {
      file = readHolidayFile<CountryHolidays>(country);
      if (file.dateHolidays !== holidayIndex().dateHolidays) {
        throw new Error(
          `holidays/${country}.json is from date-holidays ${file.dateHolidays}, the index from ${holidayIndex().dateHolidays}`,
        );
      }
      countryFiles.set(country, file);
    }
    const byDate = new Map<string, string>();
    decodeInto(byDate, file.holidays);
    if (subdivision) decodeInto(byDate, file.subdivisions[subdivision] ?? {});
    calendar = byDate;
    calendars.set(key, calendar);
  }
  return calendar;
}

/**
 * The English name of the public holiday on local calendar date `date` (YYYY-MM-DD) at `place`
 * ("Christmas Day", "Independence Day (substitute day)"), or undefined. Only date-holidays' type
 * `public`: bank, school, optional and observance days are working days here. Substitute days
 * the library marks as public count. A half-day public holiday (IS 24 Dec from 13:00) counts
 * for its whole date. Every date a holiday spans counts: the date it is named for (a day that
 * starts at the previous sunset, as Islamic holidays do in date-holidays, counts from that date)
 * through the date it ends on, also when it began the year before (SZ: 28 Dec - 2 Jan); on a
 * date two holidays share, the one of the date's own year and then the earlier start names it.
 * No country, or one date-holidays does not know: undefined. A subdivision it does not know
 * falls back to the country's holidays.
 *
 * A date outside HOLIDAY_YEARS has no public holidays here (undefined, a working day), rather
 * than an error that would stop the plan: the data stops there. Every date the API accepts, and
 * every cadence step up to 730 days after one, lies inside.
 */
export function publicHoliday(place: HolidayPlace, date: string): string | undefined {
  const { country } = place;
  if (!country || !isCountryCode(country)) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const year = Number(date.slice(0, 4));
  if (year < HOLIDAY_YEARS.first || year > HOLIDAY_YEARS.last) return undefined;
  const subdivision = place.subdivision ? subdivisionsOf(country).get(place.subdivision) : undefined;
  return calendarOf(country, subdivision).get(date);
}
