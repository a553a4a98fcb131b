/**
 * Wall-clock arithmetic in a named IANA time zone, with nothing but Intl. Used to turn
 * "09:00 on the due date, customer's time" into an instant, correctly across DST.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * The canonical IANA name of a zone ("europe/berlin" → "Europe/Berlin"), or undefined for
 * anything that is not a named zone (offsets like "+01:00" included).
 */
export function canonicalTimeZone(timeZone: string): string | undefined {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(timeZone)) return undefined;
  try {
    return new Intl.DateTimeFormat('en', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export function isTimeZone(timeZone: string): boolean {
  return canonicalTimeZone(timeZone) === timeZone;
}

/**
 * Results of a pure function by its exact arguments, in a tree of maps with a level per argument
 * (so no two argument lists share an entry and no key is built per call). The planner, and the
 * policy simulator over thousands of invoices, asks for the same few offsets, instants and dates
 * over and over; formatToParts and the string work around it were most of its cost. A memo
 * starts over when full, which bounds its memory.
 */
class Memo<Value> {
  readonly #root = new Map<string | number, Map<string | number, unknown>>();
  readonly #limit: number;
  #size = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get(first: string | number, second: string | number): Value | undefined {
    return this.#root.get(first)?.get(second) as Value | undefined;
  }

  get3(first: string | number, second: string | number, third: string | number): Value | undefined {
    return (this.#root.get(first)?.get(second) as Map<string | number, Value> | undefined)?.get(third);
  }

  /** Remembers `value` under two arguments and returns it. */
  set(first: string | number, second: string | number, value: Value): Value {
    this.#branch(first).set(second, value);
    return value;
  }

  /** Remembers `value` under three arguments and returns it. */
  set3(first: string | number, second: string | number, third: string | number, value: Value): Value {
    const branch = this.#branch(first);
    let leaves = branch.get(second) as Map<string | number, Value> | undefined;
    if (!leaves) {
      leaves = new Map();
      branch.set(second, leaves);
    }
    leaves.set(third, value);
    return value;
  }

  /** The first argument's map, counting the entry about to be added to it (or below it). */
  #branch(first: string | number): Map<string | number, unknown> {
    if (this.#size >= this.#limit) {
      this.#root.clear();
      this.#size = 0;
    }
    this.#size++;
    let branch = this.#root.get(first);
    if (!branch) {
      branch = new Map();
      this.#root.set(first, branch);
    }
    return branch;
  }
}

/** By zone, then instant. */
const offsets = new Memo<number>(20_000);
/** By zone, time, then date. */
const zonedInstants = new Memo<number>(20_000);
/** By zone, then instant. */
const localDates = new Memo<string>(20_000);
/** By date, then days. */
const shiftedDates = new Memo<string>(20_000);

/** Offset of the zone from UTC at an instant, in milliseconds (Berlin in summer: +7_200_000). */
export function zoneOffsetMs(instantMs: number, timeZone: string): number {
  return offsets.get(timeZone, instantMs) ?? offsets.set(timeZone, instantMs, computeZoneOffsetMs(instantMs, timeZone));
}

function computeZoneOffsetMs(instantMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `timeZone` shows `date` `time`. A time skipped by
 * a DST jump resolves to the same wall time shifted by the jump (02:30 → 03:30); a repeated
 * time resolves to its first occurrence.
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const instantMs =
    zonedInstants.get3(timeZone, time, date) ?? zonedInstants.set3(timeZone, time, date, zonedInstantMs(date, time, timeZone));
  // A new Date on every call, as before: a caller may change the one it gets.
  return new Date(instantMs);
}

function zonedInstantMs(date: string, time: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const wall = Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1, hh ?? 0, mm ?? 0);
  // The zone's offsets a day either side bracket any DST change on this date.
  const before = zoneOffsetMs(wall - 86_400_000, timeZone);
  const after = zoneOffsetMs(wall + 86_400_000, timeZone);
  const candidates = [wall - before, wall - after].sort((a, b) => a - b);
  for (const candidate of candidates) {
    if (candidate + zoneOffsetMs(candidate, timeZone) === wall) return candidate;
  }
  // In a skipped hour: keep the wall time, shifted forward by the jump.
  return wall - before;
}

/** The calendar date (YYYY-MM-DD) the wall clock in `timeZone` shows at an instant. */
export function localDateAt(instantMs: number, timeZone: string): string {
  return localDates.get(timeZone, instantMs) ?? localDates.set(timeZone, instantMs, localDate(instantMs, timeZone));
}

function localDate(instantMs: number, timeZone: string): string {
  return new Date(instantMs + zoneOffsetMs(instantMs, timeZone)).toISOString().slice(0, 10);
}

/** Whole calendar days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Adds whole calendar days to an ISO date (YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  return shiftedDates.get(date, days) ?? shiftedDates.set(date, days, shiftedDate(date, days));
}

function shiftedDate(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, (d ?? 1) + days)).toISOString().slice(0, 10);
}

/** True for a real calendar date in YYYY-MM-DD form. */
export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text;
}
