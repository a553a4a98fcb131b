import { de } from './de.ts';
import { en } from './en.ts';
import { es } from './es.ts';
import { languageOf, resolveLocale } from './format.ts';
import { fr } from './fr.ts';
import type { Wording } from './wording.ts';

const wordings: Readonly<Record<string, Wording>> = { en, de, fr, es };

/** Languages the messages are written in; any other locale reads English. */
export const messageLanguages: readonly string[] = Object.keys(wordings);

export interface Voice {
  readonly wording: Wording;
  /** The customer's locale, usable with Intl: numbers and dates are formatted with it. */
  readonly locale: string;
  /** The `lang` of the document: the full locale when the text is in its language, else the text's language. */
  readonly lang: string;
}

/** The wording for a customer's locale (de-DE, de-AT → German) and the locale to format values with. */
export function voiceFor(customerLocale: string): Voice {
  const locale = resolveLocale(customerLocale);
  const wording = wordings[languageOf(locale)] ?? en;
  return { wording, locale, lang: wording.language === languageOf(locale) ? locale : wording.language };
}
