import type { DisputeReason } from '../holds.ts';
import { languageOf, resolveLocale } from './format.ts';
import { dePage } from './page-de.ts';
import { enPage } from './page-en.ts';
import { esPage } from './page-es.ts';
import { frPage } from './page-fr.ts';

/**
 * Everything a customer reads on the hosted page (pay link and communication preferences), in one
 * language. Texts are plain: the page escapes every one of them, with the values they place.
 * Values arrive formatted for the customer's full locale (amounts, dates). One file per language.
 */
export interface PageWording {
  /** The language the texts are written in (BCP 47 language subtag). */
  readonly language: string;
  /** The heading and title of the invoice page: "Invoice INV-1". */
  readonly invoiceTitle: (invoiceId: string) => string;
  /** "For Acme GmbH", under the heading. */
  readonly forCustomer: (name: string) => string;
  /** The notice after an action on the page. */
  readonly done: {
    readonly dispute: string;
    readonly promise: string;
    readonly paid: string;
    readonly cancelled: string;
  };
  /** Above the list of form errors. */
  readonly errorsHeading: string;
  /** The notice instead of the forms once an invoice is settled. */
  readonly settled: {
    readonly paid: string;
    readonly void: string;
    readonly closed: string;
  };
  readonly amountDue: string;
  /** "Due date: 1 December 2026" (French puts a no-break space before the colon). */
  readonly dueDate: (date: string) => string;
  readonly remindersPaused: string;
  /** The pay button. */
  readonly pay: (amount: string) => string;
  readonly lines: {
    readonly heading: string;
    readonly description: string;
    readonly quantity: string;
    readonly unitPrice: string;
  };
  readonly dispute: {
    readonly heading: string;
    readonly reason: string;
    readonly reasons: Readonly<Record<DisputeReason, string>>;
    readonly note: string;
    readonly submit: string;
  };
  readonly promise: {
    readonly heading: string;
    readonly date: string;
    readonly submit: string;
  };
  readonly preferences: {
    readonly title: string;
    readonly about: (name: string, invoiceId: string) => string;
    readonly saved: string;
    readonly legend: string;
    readonly email: string;
    readonly sms: string;
    readonly bothOff: string;
    readonly save: string;
  };
}

const pageWordings: Readonly<Record<string, PageWording>> = { en: enPage, de: dePage, fr: frPage, es: esPage };

/** Languages the page is written in; any other locale reads English. */
export const pageLanguages: readonly string[] = Object.keys(pageWordings);

/** The page wording for a customer's locale (de-DE, de-AT → German), chosen as `voiceFor` chooses the emails'. */
export function pageWordingFor(customerLocale: string): PageWording {
  return pageWordings[languageOf(resolveLocale(customerLocale))] ?? enPage;
}

/** The `lang` of a page: the customer's locale when the page is in its language, else English. */
export function pageLang(customerLocale: string): string {
  return pageWordings[languageOf(resolveLocale(customerLocale))] ? customerLocale : 'en';
}
