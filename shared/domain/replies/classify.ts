import { addDays, daysBetween, isIsoDate } from '../calendar.ts';
import { newText } from './new-text.ts';
import {
  foldForMatching,
  foldWithOrigins,
  type LanguagePhrases,
  type PhraseRule,
  phrases,
  type ReplyLanguage,
  replyLanguages,
} from './phrases.ts';

/**
 * What a reply to a reminder is about, decided from what the customer wrote now (`newText`)
 * and, for automatic replies, the headers and the subject. Pure: the parser and the receiving
 * function live in adapters.
 *
 * Precedence, first match wins — conservative: when the signals disagree a person decides:
 * 1. `auto_reply` by header: Auto-Submitted other than "no", X-Autoreply, X-Autorespond,
 *    Precedence auto_reply/bulk/junk (but not bulk with a List-Id: a list relaying a person).
 * 2. `auto_reply` by subject ("Automatic reply:", "Abwesenheitsnotiz", "Réponse automatique",
 *    "Fuera de la oficina", …).
 * 3. `auto_reply` by body wording ("I am out of the office until …"), when nothing else in the
 *    text is a claim, or a weaker header backs it (X-Auto-Response-Suppress, an empty
 *    Return-Path, any other Precedence, List-Id). Out-of-office wording next to a paid claim, dispute or promise → `other`.
 * 4. A paid claim and a dispute both → `other`.
 * 5. A dispute → `dispute` (also with a promise: a contested invoice needs a person anyway).
 * 6. A paid claim and a promise both → `other` (partly paid? a person reads it).
 * 7. A promise with a date from today up to PROMISE_HORIZON_DAYS ahead → `promise`.
 * 8. A paid claim → `payment_claimed`, whatever its date ("we paid on 1 December").
 * 9. Anything else → `other`: a promise without a usable date, a negated claim ("we have not
 *    paid yet"), thanks, "please call me".
 *
 * A phrase counts only when it is not negated (the language's negators in the three words
 * before it, or inside a paid or promise phrase: "haben noch nicht bezahlt") and not asked
 * ("Have we paid this?": a sentence opening like a question and ending in "?").
 */

/** The headers that reveal an automatic reply (RFC 3834 and the de-facto ones), as received. */
export interface AutoReplyHeaders {
  /** Auto-Submitted (RFC 3834): "auto-replied", "auto-generated", or "no" for a person. */
  readonly autoSubmitted?: string | undefined;
  readonly xAutoreply?: string | undefined;
  readonly xAutorespond?: string | undefined;
  /** Precedence: "bulk", "junk", "auto_reply" mean no person wrote it; "list" is a mailing list. */
  readonly precedence?: string | undefined;
  /** Exchange sets it on its own automatic messages (and on some others): a weak signal. */
  readonly xAutoResponseSuppress?: string | undefined;
  /** A mailing list: a weak signal. */
  readonly listId?: string | undefined;
  /** Return-Path: <> (a null sender, as bounces and many responders use): a weak signal. */
  readonly returnPathEmpty?: boolean | undefined;
}

export type ReplyKind = 'payment_claimed' | 'dispute' | 'promise' | 'auto_reply' | 'other';

export interface ReplyClassification {
  readonly kind: ReplyKind;
  readonly language: ReplyLanguage | undefined;
  /** The phrase (as the customer wrote it) or header that decided, or why nothing did. */
  readonly evidence: string;
  /** YYYY-MM-DD, for a promise. */
  readonly promisedDate?: string;
  /** The first ≤ 3 non-empty lines of the new text, ≤ 300 characters, for the timeline. */
  readonly firstLines: string;
}

export interface ClassifyReplyInput {
  readonly text: string;
  readonly subject: string;
  readonly headers: AutoReplyHeaders;
  /** YYYY-MM-DD in the customer's time zone. */
  readonly today: string;
  /** The customer's locale ("de-DE", "en-US"): the fallback language, and en-US reads 12/15 as month/day. */
  readonly locale?: string | undefined;
}

/** A promise further out than this is not taken at its word (and a year inferred for "3.12." when it is already 7.12. lands here). */
export const PROMISE_HORIZON_DAYS = 180;

const FIRST_LINES = 3;
const FIRST_LINES_CHARS = 300;

export function classifyReply(input: ClassifyReplyInput): ReplyClassification {
  if (!isIsoDate(input.today)) throw new Error(`today must be YYYY-MM-DD, got "${input.today}"`);
  const fresh = newText(input.text);
  const firstLines = firstLinesOf(fresh);
  const localeLanguage = languageOfLocale(input.locale);
  const detected = detectLanguage(foldForMatching(fresh));
  const result = (kind: ReplyKind, evidence: string, ruleLanguage?: ReplyLanguage, promisedDate?: string): ReplyClassification => ({
    kind,
    language: detected ?? ruleLanguage ?? localeLanguage,
    evidence,
    ...(promisedDate === undefined ? {} : { promisedDate }),
    firstLines,
  });

  const header = strongAutoReplyHeader(input.headers);
  if (header) return result('auto_reply', header);
  const subject = findAutoReplySubject(input.subject);
  if (subject) return result('auto_reply', `subject "${subject.text}"`, subject.language);

  const scan = scanText(fresh, input.today, usesMonthFirst(input.locale));
  const [paid] = scan.paid;
  const [dispute] = scan.dispute;
  const [promise] = scan.promise;
  const [autoBody] = scan.autoBody;

  if (autoBody) {
    if (!paid && !dispute && !promise) return result('auto_reply', `"${autoBody.text}"`, autoBody.language);
    const weak = weakAutoReplyHeader(input.headers);
    if (weak) return result('auto_reply', `${weak} and "${autoBody.text}"`, autoBody.language);
    const claim = paid ?? dispute ?? promise;
    return result('other', `automatic-reply wording "${autoBody.text}" next to "${claim?.text}"`, autoBody.language);
  }
  if (paid && dispute) return result('other', `paid claim "${paid.text}" and dispute "${dispute.text}"`, paid.language);
  if (dispute) return result('dispute', `"${dispute.text}"`, dispute.language);
  if (paid && promise) return result('other', `paid claim "${paid.text}" and promise "${promise.text}"`, paid.language);
  if (promise) {
    const date = promisedDate(scan, input.today);
    if (date) return result('promise', `"${promise.text}" + ${date}`, promise.language, date);
    return result('other', `promise "${promise.text}" without a date from today to ${PROMISE_HORIZON_DAYS} days ahead`, promise.language);
  }
  if (paid) return result('payment_claimed', `"${paid.text}"`, paid.language);
  const [negated] = scan.negated;
  if (negated) return result('other', `negated or asked: "${negated.text}"`, negated.language);
  return result('other', 'no phrase matched');
}

// ---------------------------------------------------------------------------------------------
// Headers and subject
// ---------------------------------------------------------------------------------------------

function strongAutoReplyHeader(headers: AutoReplyHeaders): string | undefined {
  const autoSubmitted = headers.autoSubmitted?.trim().toLowerCase();
  if (autoSubmitted && !/^no\b/.test(autoSubmitted)) return `Auto-Submitted: ${headers.autoSubmitted?.trim()}`;
  if (headers.xAutoreply?.trim() && !/^no\b/i.test(headers.xAutoreply.trim())) return `X-Autoreply: ${headers.xAutoreply.trim()}`;
  if (headers.xAutorespond?.trim() && !/^no\b/i.test(headers.xAutorespond.trim())) return `X-Autorespond: ${headers.xAutorespond.trim()}`;
  const precedence = headers.precedence?.trim().toLowerCase();
  // A mailing list relaying a person's reply (a shared AP address run as a Google Group or
  // Mailman list) says Precedence: list or bulk with a List-Id: that alone is no robot.
  const relayedByList = headers.listId?.trim() && /^(?:bulk|list)\b/.test(precedence ?? '');
  if (precedence && !relayedByList && /^(?:auto_reply|auto-reply|bulk|junk)\b/.test(precedence)) return `Precedence: ${precedence}`;
  return undefined;
}

function weakAutoReplyHeader(headers: AutoReplyHeaders): string | undefined {
  if (headers.xAutoResponseSuppress?.trim()) return `X-Auto-Response-Suppress: ${headers.xAutoResponseSuppress.trim()}`;
  if (headers.returnPathEmpty) return 'Return-Path: <>';
  if (headers.precedence?.trim()) return `Precedence: ${headers.precedence.trim().toLowerCase()}`;
  if (headers.listId?.trim()) return `List-Id: ${headers.listId.trim()}`;
  return undefined;
}

interface Found {
  readonly language: ReplyLanguage;
  /** As the customer wrote it. */
  readonly text: string;
}

function findAutoReplySubject(subject: string): Found | undefined {
  const { folded, origins } = foldWithOrigins(subject);
  // "Re: Automatic reply: …", "AW: Abwesenheitsnotiz": the marker follows the reply prefixes.
  const offset = /^(?:\s*(?:re|aw|wg|fw|fwd|tr|rv|sv)\s*:)*\s*/.exec(folded)?.[0].length ?? 0;
  const rest = folded.slice(offset);
  for (const language of replyLanguages) {
    for (const rule of phrases[language].autoReplySubject) {
      const match = rule.pattern.exec(rest);
      if (match) return { language, text: original(subject, origins, offset + match.index, offset + match.index + match[0].length) };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The text: sentences, phrases, negation
// ---------------------------------------------------------------------------------------------

interface Hit extends Found {
  /** The sentence it was found in, to pair a promise with its date. */
  readonly sentence: number;
}

interface Scan {
  readonly paid: readonly Hit[];
  readonly dispute: readonly Hit[];
  readonly promise: readonly Hit[];
  readonly autoBody: readonly Hit[];
  /** Phrases that matched but were negated or asked. */
  readonly negated: readonly Hit[];
  readonly dates: readonly ReadDate[];
  /** [start, end) of each sentence in the folded text. */
  readonly sentences: readonly (readonly [number, number])[];
}

type PhraseClass = 'paymentClaimed' | 'dispute' | 'promise';

function scanText(text: string, today: string, monthFirst: boolean): Scan {
  const { folded, origins } = foldWithOrigins(text);
  const dates = readFoldedDates(folded, today, monthFirst);
  // Dates become "#" runs: "am 15.12. bezahlt" stays one sentence, and no date reads as a word.
  let masked = folded;
  for (const date of dates) masked = masked.slice(0, date.index) + '#'.repeat(date.length) + masked.slice(date.index + date.length);
  masked = masked.replace(/\n/g, ' ');
  const sentences = splitSentences(folded, masked);
  const found: Record<PhraseClass, Hit[]> = { paymentClaimed: [], dispute: [], promise: [] };
  const negated: Hit[] = [];
  sentences.forEach(([start, end], sentence) => {
    const body = masked.slice(start, end);
    const asked = isQuestion(body);
    for (const language of replyLanguages) {
      const words = phrases[language];
      for (const kind of ['paymentClaimed', 'dispute', 'promise'] as const) {
        for (const rule of words[kind]) {
          for (const match of body.matchAll(globalOf(rule))) {
            const at = start + match.index;
            const hit = { language, sentence, text: original(text, origins, at, at + match[0].length) };
            const turned = asked || isNegated(body, match.index, match[0], words, kind !== 'dispute');
            (turned ? negated : found[kind]).push(hit);
          }
        }
      }
    }
  });
  const autoBody: Hit[] = [];
  for (const language of replyLanguages) {
    for (const rule of phrases[language].autoReplyBody) {
      const match = rule.pattern.exec(masked);
      if (match) autoBody.push({ language, sentence: -1, text: original(text, origins, match.index, match.index + match[0].length) });
    }
  }
  return { paid: found.paymentClaimed, dispute: found.dispute, promise: found.promise, autoBody, negated, dates, sentences };
}

const globals = new WeakMap<PhraseRule, RegExp>();
function globalOf(rule: PhraseRule): RegExp {
  let pattern = globals.get(rule);
  if (!pattern) {
    pattern = new RegExp(rule.pattern.source, 'g');
    globals.set(rule, pattern);
  }
  pattern.lastIndex = 0;
  return pattern;
}

/**
 * Sentences end at . ! ? ; followed by a space, and at a blank line. Single line breaks do not
 * end one: mail clients wrap lines mid-sentence. Offsets index the folded text.
 */
function splitSentences(folded: string, masked: string): (readonly [number, number])[] {
  const sentences: (readonly [number, number])[] = [];
  const ends = /[.!?;]+(?=\s|$)|\n[ \t]*\n/g;
  let start = 0;
  for (const end of folded.matchAll(ends)) {
    // Only boundaries outside dates (a dotted date is all "#" in the masked text).
    if (masked[end.index] === '#') continue;
    const stop = end.index + end[0].length;
    if (masked.slice(start, stop).trim()) sentences.push([start, stop]);
    start = stop;
  }
  if (masked.slice(start).trim()) sentences.push([start, folded.length]);
  return sentences;
}

const INTERROGATIVE_START =
  /^[\s"'(*-]*(?:¿|(?:did|didn't|do|does|have|haven't|has|had|was|were|is|are|can|could|would|will|haben|hat|hatten|ist|sind|wurde|wurden|konnen|koennen|konnten|avez|avons|est-ce|ont|hemos|han|ha|fue|esta)\b)/;

/**
 * "Have we paid this?", "Hi, has this been paid?", "¿Ya está pagada?": a question about a
 * payment is not a claim. A sentence ending in "?" with a clause that opens like a question.
 */
function isQuestion(sentence: string): boolean {
  return /\?[\s"')]*$/.test(sentence) && sentence.split(/[,;:]/).some((clause) => INTERROGATIVE_START.test(clause));
}

/** A clause ends at , ; : and at "but"/"aber"/"mais"/"pero": a negation before it belongs elsewhere. */
const CLAUSE_BREAK = /[,;:]|\s(?:but|however|aber|jedoch|sondern|mais|cependant|pero|sino)\s/g;
const NEGATION_WINDOW_WORDS = 3;

function isNegated(sentence: string, index: number, phrase: string, words: LanguagePhrases, inside: boolean): boolean {
  // A phrase that is itself negative ("jamais reçu") owns the particle before it ("nous n'avons").
  if (!inside && words.negators.test(phrase)) return false;
  const before = sentence.slice(0, index);
  let clauseStart = 0;
  for (const cut of before.matchAll(CLAUSE_BREAK)) clauseStart = cut.index + cut[0].length;
  const window = before.slice(clauseStart).trim().split(/\s+/).slice(-NEGATION_WINDOW_WORDS).join(' ');
  if (words.negators.test(window)) return true;
  return inside && words.negators.test(phrase);
}

function promisedDate(scan: Scan, today: string): string | undefined {
  const usable = (date: ReadDate) =>
    date.date !== undefined && daysBetween(today, date.date) >= 0 && daysBetween(today, date.date) <= PROMISE_HORIZON_DAYS;
  // Dates in a sentence with a promise first ("we will pay on 15 December"); else any in the text.
  const promiseSentences = new Set(scan.promise.map((hit) => hit.sentence));
  const inSentence = scan.dates.filter((date) => {
    const sentence = scan.sentences.findIndex(([start, end]) => date.index >= start && date.index < end);
    return promiseSentences.has(sentence);
  });
  const candidates = (inSentence.some(usable) ? inSentence : scan.dates).filter(usable);
  // The earliest: "half on the 15th, the rest on the 31st" holds until the first.
  return candidates.map((date) => date.date as string).sort()[0];
}

function original(text: string, origins: readonly number[], start: number, end: number): string {
  const from = origins[start] ?? 0;
  const last = origins[end - 1] ?? from;
  const codePoint = text.codePointAt(last) ?? 0;
  return text
    .slice(from, last + (codePoint > 0xffff ? 2 : 1))
    .replace(/\s+/g, ' ')
    .trim();
}

// ---------------------------------------------------------------------------------------------
// Language
// ---------------------------------------------------------------------------------------------

const commonWords = new Map<string, ReplyLanguage>(
  replyLanguages.flatMap((language) => phrases[language].commonWords.map((word) => [word, language] as const)),
);

/** The language with the most of its common words, when it has at least two and more than any other. */
function detectLanguage(folded: string): ReplyLanguage | undefined {
  const counts = new Map<ReplyLanguage, number>();
  for (const word of folded.split(/[^a-z']+/)) {
    const language = commonWords.get(word);
    if (language) counts.set(language, (counts.get(language) ?? 0) + 1);
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (!best || best[1] < 2 || (second && second[1] === best[1])) return undefined;
  return best[0];
}

function languageOfLocale(locale: string | undefined): ReplyLanguage | undefined {
  const language = locale?.trim().toLowerCase().split(/[-_]/)[0];
  return replyLanguages.find((known) => known === language);
}

/** Only the United States writes numeric dates month first among the locales Dunwell speaks. */
function usesMonthFirst(locale: string | undefined): boolean {
  return /^en[-_]us$/i.test(locale?.trim() ?? '');
}

function firstLinesOf(fresh: string): string {
  const lines = fresh
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(0, FIRST_LINES)
    .join('\n');
  if (lines.length <= FIRST_LINES_CHARS) return lines;
  return `${Array.from(lines)
    .slice(0, FIRST_LINES_CHARS - 1)
    .join('')}…`.slice(0, FIRST_LINES_CHARS);
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

export interface ReadDate {
  /** YYYY-MM-DD, or undefined for a date read but not resolvable ("next Friday"). */
  readonly date: string | undefined;
  /** Where it is in the folded text (see foldForMatching), and how long. */
  readonly index: number;
  readonly length: number;
}

/**
 * The dates in a reply, resolved against `today` (YYYY-MM-DD in the customer's zone).
 *
 * Read: 2026-12-15; 15.12.2026, 15.12.26 and 15.12. (dots: always day first; the trailing dot
 * is required without a year, so "15.12 EUR" is not a date); 15/12/2026, 15/12 and 15-12-2026
 * (day first, month first for the en-US locale; a dash needs the year, "15-20" is a range);
 * "15 December 2026", "15th of Dec", "15. Dezember", "le 15 décembre", "1er décembre",
 * "el 15 de diciembre de 2026"; "December 15", "Dec 15th, 2026" (English month names);
 * "the 15th" (the next 15th of a month); today/tomorrow/the day after tomorrow/yesterday and
 * heute/morgen/übermorgen/gestern, aujourd'hui/demain/après-demain/hier, hoy/mañana/pasado
 * mañana/ayer ("Guten Morgen", "esta mañana" are not tomorrow); end of the month (its last
 * day); a weekday ("by Friday", "am Freitag", "vendredi", "el viernes") as the next such day
 * after today, 1 to 7 days ahead.
 *
 * Not read, on purpose: "next Friday", "vendredi prochain", "el próximo viernes" (this week's
 * or next week's?), "next week", "end of next month" — a person reads those. A missing year
 * is the next occurrence on or after today. Two-digit years are 20yy. An invalid day or month
 * (31.02., 13/13) is not a date.
 */
export function readDates(text: string, today: string, locale?: string): readonly ReadDate[] {
  return readFoldedDates(foldForMatching(text), today, usesMonthFirst(locale));
}

interface Named {
  readonly name: string;
  /** The month (1–12) or the weekday (0 = Sunday). */
  readonly value: number;
  readonly language: ReplyLanguage;
}

const namesOf = (list: (words: LanguagePhrases) => readonly (readonly string[])[], base: number, languages: readonly ReplyLanguage[]) =>
  byLength(
    languages.flatMap((language) =>
      list(phrases[language]).flatMap((names, index) => names.map((name) => ({ name, value: index + base, language }))),
    ),
  );
const monthNames = namesOf((words) => words.months, 1, replyLanguages);
const englishMonthNames = namesOf((words) => words.months, 1, ['en']);
const weekdayNames = namesOf((words) => words.weekdays, 0, replyLanguages);

/** One entry per name, longest first, so "mars" is tried before "mar". */
function byLength(names: readonly Named[]): readonly Named[] {
  const seen = new Map<string, Named>();
  for (const entry of names) if (!seen.has(entry.name)) seen.set(entry.name, entry);
  return [...seen.values()].sort((a, b) => b.name.length - a.name.length);
}

const alternation = (names: readonly Named[]) => names.map((entry) => entry.name).join('|');
const MONTHS = alternation(monthNames);
const ORDINAL = '(?:st|nd|rd|th|er|o|e)?';
const CURRENCY_BEFORE = String.raw`(?<!(?:eur|usd|gbp|chf|€|\$|£)\s?)`;

const DATE_PATTERNS = {
  iso: /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/g,
  dotted: new RegExp(String.raw`${CURRENCY_BEFORE}(?<![\d.,])(\d{1,2})\.\s?(\d{1,2})\.(?:\s?(\d{4}|\d{2})(?![\d.,]))?`, 'g'),
  slashed: new RegExp(String.raw`${CURRENCY_BEFORE}(?<![\d/.,-])(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\d/])`, 'g'),
  dashed: /(?<![\d/.,-])(\d{1,2})-(\d{1,2})-(\d{4}|\d{2})(?![\d-])/g,
  dayMonth: new RegExp(String.raw`\b(\d{1,2})${ORDINAL}\.?\s*(?:of\s+|de\s+)?(${MONTHS})\b(?:\.?,?\s*(?:de\s+)?(\d{4})\b)?`, 'g'),
  monthDay: new RegExp(String.raw`\b(${alternation(englishMonthNames)})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s*(\d{4})\b)?`, 'g'),
  theNth: /\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b/g,
  weekday: new RegExp(String.raw`\b(${alternation(weekdayNames)})\b(?!\s*,?\s*(?:the\s+|den\s+|le\s+|el\s+)?\d)`, 'g'),
};

function readFoldedDates(folded: string, today: string, monthFirst: boolean): ReadDate[] {
  const found: ReadDate[] = [];
  const add = (index: number, length: number, date: string | undefined) => found.push({ index, length, date });
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));

  for (const m of folded.matchAll(DATE_PATTERNS.iso)) add(m.index, m[0].length, calendarDate(Number(m[1]), Number(m[2]), Number(m[3])));
  for (const m of folded.matchAll(DATE_PATTERNS.dotted))
    add(m.index, m[0].length, dayMonthYear(Number(m[1]), Number(m[2]), number(m[3]), today));
  for (const pattern of [DATE_PATTERNS.slashed, DATE_PATTERNS.dashed]) {
    for (const m of folded.matchAll(pattern)) {
      const [day, month] = monthFirst ? [Number(m[2]), Number(m[1])] : [Number(m[1]), Number(m[2])];
      add(m.index, m[0].length, dayMonthYear(day, month, number(m[3]), today));
    }
  }
  for (const m of folded.matchAll(DATE_PATTERNS.dayMonth))
    add(m.index, m[0].length, dayMonthYear(Number(m[1]), monthOf(m[2]), number(m[3]), today));
  for (const m of folded.matchAll(DATE_PATTERNS.monthDay))
    add(m.index, m[0].length, dayMonthYear(Number(m[2]), monthOf(m[1]), number(m[3]), today));
  for (const m of folded.matchAll(DATE_PATTERNS.theNth)) add(m.index, m[0].length, nextDayOfMonth(Number(m[1]), today));
  for (const language of replyLanguages) {
    const words = phrases[language];
    for (const relative of words.relativeDays) {
      for (const m of folded.matchAll(new RegExp(relative.pattern.source, 'g'))) add(m.index, m[0].length, addDays(today, relative.offset));
    }
    for (const m of folded.matchAll(new RegExp(words.endOfMonth.source, 'g'))) add(m.index, m[0].length, endOfMonth(today));
  }
  for (const m of folded.matchAll(DATE_PATTERNS.weekday)) {
    const entry = weekdayNames.find((candidate) => candidate.name === m[1]);
    if (!entry) continue;
    const words = phrases[entry.language];
    const before = folded.slice(Math.max(0, m.index - 40), m.index);
    const after = folded.slice(m.index + m[0].length, m.index + m[0].length + 40);
    const ambiguous = words.ambiguousWeekday.before?.test(before) || words.ambiguousWeekday.after?.test(after);
    add(m.index, m[0].length, ambiguous ? undefined : nextWeekday(entry.value, today));
  }
  return withoutOverlaps(found);
}

/** Where two readings overlap ("après-demain" and "demain"), the one starting first, then the longer, wins. */
function withoutOverlaps(found: readonly ReadDate[]): ReadDate[] {
  const sorted = [...found].sort((a, b) => a.index - b.index || b.length - a.length);
  const kept: ReadDate[] = [];
  let end = -1;
  for (const date of sorted) {
    if (date.index < end) continue;
    kept.push(date);
    end = date.index + date.length;
  }
  return kept;
}

function monthOf(name: string | undefined): number {
  return monthNames.find((entry) => entry.name === name)?.value ?? 0;
}

function calendarDate(year: number, month: number, day: number): string | undefined {
  if (year < 1900 || year > 2199) return undefined;
  const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return isIsoDate(text) ? text : undefined;
}

function dayMonthYear(day: number, month: number, year: number | undefined, today: string): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  if (year !== undefined) return calendarDate(year < 100 ? 2000 + year : year, month, day);
  // No year: the next time that day comes, today included (29 February may be years away).
  const thisYear = Number(today.slice(0, 4));
  for (let candidate = thisYear; candidate <= thisYear + 8; candidate++) {
    const date = calendarDate(candidate, month, day);
    if (date && date >= today) return date;
  }
  return undefined;
}

function nextDayOfMonth(day: number, today: string): string | undefined {
  if (day < 1 || day > 31) return undefined;
  let year = Number(today.slice(0, 4));
  let month = Number(today.slice(5, 7));
  for (let step = 0; step < 12; step++) {
    const date = calendarDate(year, month, day);
    if (date && date >= today) return date;
    month = month === 12 ? 1 : month + 1;
    if (month === 1) year++;
  }
  return undefined;
}

function nextWeekday(weekday: number, today: string): string {
  const current = new Date(`${today}T00:00:00Z`).getUTCDay();
  const ahead = (weekday - current + 7) % 7 || 7;
  return addDays(today, ahead);
}

function endOfMonth(today: string): string {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}
