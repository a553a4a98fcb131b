import { languageOf, resolveLocale } from './format.ts';
import { dePage } from './page-de.ts';
import { enPage } from './page-en.ts';
import { esPage } from './page-es.ts';
import { frPage } from './page-fr.ts';
import type { PageWording } from './page-wording.ts';

/** The hosted pages' wording in the customer's (or the browser's) language. */

const pageWordings: Readonly<Record<string, PageWording>> = { en: enPage, de: dePage, fr: frPage, es: esPage };

/** Languages the page is written in; any other locale reads English. */
export const pageLanguages: readonly string[] = Object.keys(pageWordings);

/** The page wording for a customer's locale (de-DE, de-AT → German), chosen as `voiceFor` chooses the emails'. */
export function pageWordingFor(customerLocale: string): PageWording {
  return pageWordings[languageOf(resolveLocale(customerLocale))] ?? enPage;
}

/**
 * The wording for a visitor whose invoice is unknown (a bad or expired link): the first language
 * of the browser's Accept-Language we write (by quality), else English. Returns the `lang` too.
 */
export function pageWordingForAcceptLanguage(header: string | undefined): { wording: PageWording; lang: string } {
  const ranked = (header ?? '')
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((param) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag && entry.tag !== '*' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const language = languageOf(resolveLocale(tag));
    const wording = pageWordings[language];
    if (wording) return { wording, lang: language };
  }
  return { wording: enPage, lang: 'en' };
}

/** The `lang` of a page: the customer's locale when the page is in its language, else English. */
export function pageLang(customerLocale: string): string {
  return pageWordings[languageOf(resolveLocale(customerLocale))] ? customerLocale : 'en';
}
