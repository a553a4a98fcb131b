import { displayAmount, formatAmount, minorDigits } from '#domain/money.ts';

/**
 * Intl formatting for messages. The customer's full locale decides digits, separators and date
 * order (de-AT, fr-CA, es-MX...), even when the wording falls back to another language.
 */

/** The locale as Intl knows it; English when the stored tag is unusable. */
export function resolveLocale(locale: string): string {
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

export function languageOf(locale: string): string {
  return new Intl.Locale(resolveLocale(locale)).language;
}

/** "1.250,00 €" (de-DE), "€1,250.00" (en-US), "1 250,00 €" (fr-FR, narrow no-break space). */
export function money(minor: number | bigint, currency: string, locale: string): string {
  return displayAmount(minor, currency, locale);
}

/** A calendar date (YYYY-MM-DD) in words: "1. Dezember 2026", "December 1, 2026". */
export function longDate(date: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}

/** The calendar day of an instant where the customer is (falls back to UTC for an unknown zone). */
export function longDay(instant: string, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: knownZone(timeZone) }).format(new Date(instant));
}

/** The calendar day (YYYY-MM-DD) of an instant where the customer is, for the SMS date formats. */
export function dayIn(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: knownZone(timeZone) }).format(
    new Date(instant),
  );
}

function knownZone(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return 'UTC';
  }
}

/** An invoice line's quantity ("2.5" → "2,5" in German); left as sent if it is not a decimal. */
export function quantity(text: string, locale: string): string {
  if (!/^\d+(\.\d+)?$/.test(text)) return text;
  // Intl formats decimal strings exactly (Intl.NumberFormat v3): no float on the way.
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 20 }).format(text as unknown as number);
}

// SMS formats: digits and the ISO code instead of a currency sign ("€" costs two GSM-7
// characters and some signs are outside GSM-7 altogether), separators a phone can show.

/** "1.250,00" (de-DE), "1 250,00" (fr-FR, with a plain space), "1250,00" (es-ES). */
export function smsAmount(minor: number | bigint, currency: string, locale: string): string {
  const digits = minorDigits(currency);
  const format = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return plainSeparators(format.format(formatAmount(minor, currency) as unknown as number));
}

/** "01.12.2026" (de-DE), "01/12/2026" (fr-FR, es-ES). */
export function smsDate(date: string, locale: string): string {
  const format = new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' });
  return plainSeparators(format.format(new Date(`${date}T00:00:00Z`)));
}

/** Day and month only: "12.12." (de-DE), "12/12" (fr-FR, es-ES); a payment just made needs no year. */
export function smsDayMonth(date: string, locale: string): string {
  const format = new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', timeZone: 'UTC' });
  return plainSeparators(format.format(new Date(`${date}T00:00:00Z`)));
}

/** No-break and thin spaces become spaces; the Swiss typographic apostrophe becomes "'". */
function plainSeparators(text: string): string {
  return text.replace(/[\u00a0\u2007\u2009\u202f]/g, ' ').replace(/\u2019/g, "'");
}
