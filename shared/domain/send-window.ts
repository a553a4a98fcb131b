/**
 * When a message may actually go out, in the customer's own time zone: email and notices inside
 * the policy's business hours on its business days that are not closed (public holidays, the
 * policy's closed dates), SMS additionally never outside its quiet-hours
 * window, and no customer contacted more often than the frequency cap allows across all their
 * invoices. Internal channels (tasks for the collections team, agency hand-over, write-off) are not
 * seen by the customer and go when they are due. Pure: every instant is passed in.
 *
 * A window on a local date runs from `zonedInstant(date, start)` up to, not including,
 * `zonedInstant(date, end)`, so a boundary inside a skipped DST hour moves forward by the jump and
 * one inside a repeated hour is its first occurrence, exactly as the planner's due instants do.
 */
import { addDays, localDateAt, zonedInstant } from './calendar.ts';
import { messageChannelOf, messageChannels } from './channels.ts';

export type Channel = 'email' | 'sms' | 'letter' | 'task' | 'notice' | 'agency' | 'write_off';

/** A daily window in local wall-clock time, "HH:MM", half-open: `start` is inside, `end` is not. */
export interface DailyHours {
  readonly start: string;
  readonly end: string;
}

export interface BusinessHours extends DailyHours {
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  readonly days: readonly number[];
}

export interface SendRules {
  readonly businessHours: BusinessHours;
  /** SMS never outside these hours, whatever the business hours say, on any day. */
  readonly smsHours: DailyHours;
  /** At most `perDay` per local calendar day and `perWeek` per rolling 7×24h, customer-facing only. */
  readonly frequencyCap: { readonly perDay: number; readonly perWeek: number };
}

export const defaultSendRules: SendRules = {
  businessHours: { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] },
  smsHours: { start: '08:00', end: '21:00' },
  frequencyCap: { perDay: 1, perWeek: 3 },
};

/**
 * Local dates on which nothing customer-facing goes out whatever the weekday: the public holidays
 * of the customer's country and region, and the policy's own closed dates.
 */
export type ClosedDays = (date: string) => boolean;
export const noClosedDays: ClosedDays = () => false;

const dayMs = 86_400_000;
const weekMs = 7 * dayMs;
/**
 * Two weeks of local dates always contain a business day for any non-empty set of weekdays;
 * closed days (holidays, a policy's year-end closure) can take a few more weeks.
 */
const searchDays = 92;

export function customerFacing(channel: Channel): boolean {
  return messageChannelOf(channel) !== undefined;
}

/**
 * Earliest instant >= `earliest` at which `channel` may send: email and notices inside business
 * hours on business days, SMS inside business hours ∩ SMS hours on business days; internal
 * channels at `earliest` itself. Throws when the rules are unsound or allow the channel nothing.
 */
export function nextAllowedInstant(
  earliest: Date,
  channel: Channel,
  timeZone: string,
  rules: SendRules,
  closed: ClosedDays = noClosedDays,
): Date {
  assertInstant(earliest, 'earliest');
  if (!customerFacing(channel)) return earliest;
  const hours = hoursFor(channel, rules);
  const days = rules.businessHours.days;
  if (isAllowedIn(earliest.getTime(), hours, days, timeZone, closed)) return earliest;
  const firstDate = localDateAt(earliest.getTime(), timeZone);
  for (let offset = 0; offset <= searchDays; offset++) {
    const date = addDays(firstDate, offset);
    if (!days.includes(isoWeekday(date)) || closed(date)) continue;
    const window = windowOn(date, hours, timeZone);
    const candidate = Math.max(earliest.getTime(), window.start);
    // The membership check keeps this consistent with isAllowedInstant even where a DST change
    // pushes a boundary past local midnight.
    if (candidate < window.end && isAllowedIn(candidate, hours, days, timeZone, closed)) return new Date(candidate);
  }
  throw new Error(`No instant within ${searchDays} days of ${earliest.toISOString()} allows ${channel} in ${timeZone}`);
}

export function isAllowedInstant(
  instant: Date,
  channel: Channel,
  timeZone: string,
  rules: SendRules,
  closed: ClosedDays = noClosedDays,
): boolean {
  assertInstant(instant, 'instant');
  if (!customerFacing(channel)) return true;
  return isAllowedIn(instant.getTime(), hoursFor(channel, rules), rules.businessHours.days, timeZone, closed);
}

/**
 * Earliest instant >= `earliest` that keeps the customer under the cap, given the instants of the
 * customer-facing messages already sent to them: fewer than `perDay` already on the candidate's
 * local calendar day, and fewer than `perWeek` in the 7×24h window (candidate − 7×24h, candidate].
 */
export function nextInstantUnderCap(earliest: Date, sent: readonly Date[], timeZone: string, cap: SendRules['frequencyCap']): Date {
  assertInstant(earliest, 'earliest');
  const capError = checkCap(cap);
  if (capError) throw new Error(capError);
  const history = sent.map((instant) => assertInstant(instant, 'sent').getTime()).sort((a, b) => a - b);
  const sentDays = history.map((instant) => localDateAt(instant, timeZone));
  let candidate = earliest.getTime();
  // Every push moves past a day holding a sent message or past a sent message + 7×24h, each at
  // most once, so the loop ends; the bound only guards against a broken zone database.
  for (let pushes = 0; pushes <= 2 * history.length + 2; pushes++) {
    const day = localDateAt(candidate, timeZone);
    if (sentDays.filter((sentDay) => sentDay === day).length >= cap.perDay) {
      const nextDay = zonedInstant(addDays(day, 1), '00:00', timeZone).getTime();
      candidate = nextDay > candidate ? nextDay : candidate + dayMs;
      continue;
    }
    const inWindow = history.filter((instant) => instant > candidate - weekMs && instant <= candidate);
    if (inWindow.length >= cap.perWeek) {
      // Let enough of the oldest messages age out of the window to leave room for one more.
      const ageingOut = inWindow[inWindow.length - cap.perWeek] ?? candidate;
      candidate = ageingOut + weekMs;
      continue;
    }
    return new Date(candidate);
  }
  throw new Error(`Frequency cap search did not settle for ${earliest.toISOString()} in ${timeZone}`);
}

/**
 * The instant a message due at `dueAt` actually goes out: the earliest instant that is both allowed
 * for the channel and under the cap. Internal channels ignore both.
 */
export function plannedSendInstant(
  dueAt: Date,
  channel: Channel,
  timeZone: string,
  rules: SendRules,
  sent: readonly Date[],
  closed: ClosedDays = noClosedDays,
): Date {
  assertInstant(dueAt, 'dueAt');
  if (!customerFacing(channel)) return dueAt;
  const rulesError = checkSendRules(rules);
  if (rulesError) throw new Error(rulesError);
  let candidate = dueAt;
  // Each round either settles or is pushed by the cap, which can happen at most twice per sent message.
  for (let round = 0; round <= 2 * sent.length + 2; round++) {
    const allowed = nextAllowedInstant(candidate, channel, timeZone, rules, closed);
    const underCap = nextInstantUnderCap(allowed, sent, timeZone, rules.frequencyCap);
    if (underCap.getTime() === allowed.getTime()) return allowed;
    candidate = underCap;
  }
  throw new Error(`Send window search did not settle for ${dueAt.toISOString()} in ${timeZone}`);
}

/** A readable error for unsound rules, or undefined when they are sound. */
export function checkSendRules(rules: SendRules): string | undefined {
  const { businessHours, smsHours } = rules;
  const hoursError = checkHours('businessHours', businessHours) ?? checkHours('smsHours', smsHours);
  if (hoursError) return hoursError;
  const { days } = businessHours;
  if (days.length === 0) return 'businessHours.days must name at least one weekday';
  const badDay = days.find((day) => !Number.isInteger(day) || day < 1 || day > 7);
  if (badDay !== undefined) return `businessHours.days must be ISO weekdays 1 (Monday) to 7 (Sunday), got ${badDay}`;
  if (new Set(days).size !== days.length) return 'businessHours.days must not repeat a weekday';
  const capError = checkCap(rules.frequencyCap);
  if (capError) return capError;
  if (!intersect(minutesOf(businessHours), minutesOf(smsHours))) {
    return `smsHours ${smsHours.start}–${smsHours.end} do not overlap businessHours ${businessHours.start}–${businessHours.end}, so no SMS could ever be sent`;
  }
  return undefined;
}

interface MinuteWindow {
  readonly start: number;
  readonly end: number;
}

function checkHours(name: string, hours: DailyHours): string | undefined {
  for (const field of ['start', 'end'] as const) {
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(hours[field]))
      return `${name}.${field} must be a time "HH:MM" (00:00–23:59), got "${hours[field]}"`;
  }
  if (hours.start >= hours.end) return `${name}.start (${hours.start}) must be before ${name}.end (${hours.end})`;
  return undefined;
}

function checkCap(cap: SendRules['frequencyCap']): string | undefined {
  for (const field of ['perDay', 'perWeek'] as const) {
    if (!Number.isInteger(cap[field]) || cap[field] < 1) return `frequencyCap.${field} must be a positive integer, got ${cap[field]}`;
  }
  if (cap.perDay > cap.perWeek) return `frequencyCap.perDay (${cap.perDay}) must not exceed frequencyCap.perWeek (${cap.perWeek})`;
  return undefined;
}

function minutesOf(hours: DailyHours): MinuteWindow {
  return { start: minuteOfDay(hours.start), end: minuteOfDay(hours.end) };
}

function minuteOfDay(time: string): number {
  const [hh, mm] = time.split(':').map(Number);
  return (hh ?? 0) * 60 + (mm ?? 0);
}

function intersect(a: MinuteWindow, b: MinuteWindow): MinuteWindow | undefined {
  const start = Math.max(a.start, b.start);
  const end = Math.min(a.end, b.end);
  return start < end ? { start, end } : undefined;
}

/** The local window for a customer-facing channel, in minutes of the day. */
function hoursFor(channel: Channel, rules: SendRules): MinuteWindow {
  const rulesError = checkSendRules(rules);
  if (rulesError) throw new Error(rulesError);
  const business = minutesOf(rules.businessHours);
  const messageChannel = messageChannelOf(channel);
  // A notice keeps business hours whatever carries it; texts keep the policy's SMS hours too.
  if (channel === 'notice' || !messageChannel || messageChannels[messageChannel].hours !== 'texts') return business;
  // checkSendRules has ruled out an empty intersection.
  return intersect(business, minutesOf(rules.smsHours)) ?? business;
}

function isAllowedIn(instant: number, hours: MinuteWindow, days: readonly number[], timeZone: string, closed: ClosedDays): boolean {
  const date = localDateAt(instant, timeZone);
  if (!days.includes(isoWeekday(date)) || closed(date)) return false;
  const window = windowOn(date, hours, timeZone);
  return instant >= window.start && instant < window.end;
}

function windowOn(date: string, hours: MinuteWindow, timeZone: string): MinuteWindow {
  return {
    start: zonedInstant(date, timeOfDay(hours.start), timeZone).getTime(),
    end: zonedInstant(date, timeOfDay(hours.end), timeZone).getTime(),
  };
}

function timeOfDay(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function isoWeekday(date: string): number {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

function assertInstant(instant: Date, name: string): Date {
  if (Number.isNaN(instant.getTime())) throw new Error(`${name} is not a valid instant`);
  return instant;
}
