import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { disputeReasons } from '#domain/holds.ts';
import { escapeHtml } from '#domain/html.ts';
import type { Invoice } from '#domain/invoice.ts';
import { displayAmount } from '#domain/money.ts';
import { messageLanguages } from '#domain/templates/languages.ts';
import { dePage } from '#domain/templates/page-de.ts';
import { enPage } from '#domain/templates/page-en.ts';
import { esPage } from '#domain/templates/page-es.ts';
import { frPage } from '#domain/templates/page-fr.ts';
import { type PageWording, pageLang, pageLanguages, pageWordingFor } from '#domain/templates/page-wording.ts';
import { invoicePage, preferencesPage } from '#functions/pay-page/page.ts';
import { newInvoice } from '../support/invoices.ts';

const pages: Record<string, PageWording> = { en: enPage, de: dePage, fr: frPage, es: esPage };
const locales: Record<string, string> = { en: 'en-GB', de: 'de-DE', fr: 'fr-FR', es: 'es-ES' };

const hostileName = `<script>alert("x")</script> & 'Co'`;
const hostileLine = '<img src=x onerror=alert(1)>';

/** Every leaf of a wording: strings as they are, functions called with recognisable arguments. */
function leaves(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (typeof value === 'function') return [[path, (value as (...args: string[]) => string)('ARG1', 'ARG2')]];
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, child]) => leaves(child, path ? `${path}.${key}` : key));
  throw new Error(`unexpected ${typeof value} at ${path}`);
}

function shape(value: unknown): unknown {
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .map(([key, child]) => [key, shape(child)])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
  return typeof value === 'function' ? `function/${(value as () => string).length}` : typeof value;
}

const invoiceIn = (language: string, overrides: Partial<Invoice> = {}): Invoice => ({
  ...newInvoice({
    customer: { name: hostileName, locale: locales[language] ?? 'en' },
    lines: [{ description: hostileLine, quantity: '2', unitPriceMinor: 62_500 }],
  }),
  ...overrides,
});

const render = (invoice: Invoice, state: Parameters<typeof invoicePage>[5] = {}) =>
  invoicePage(invoice, '/pay/tok"en', 'form"token', '2026-11-30', '2026-12-30', state);

describe('page wording', () => {
  test('the page is written in every language the emails are', () => {
    assert.deepEqual([...pageLanguages].sort(), [...messageLanguages].sort());
    for (const language of pageLanguages) assert.equal(pageWordingFor(language).language, language);
  });

  test('every language has every string, none empty, and each placed value appears', () => {
    const english = shape(enPage);
    for (const [language, wording] of Object.entries(pages)) {
      assert.equal(wording.language, language);
      assert.deepEqual(shape(wording), english, `${language} has the same strings as English`);
      assert.deepEqual(Object.keys(wording.dispute.reasons).sort(), [...disputeReasons].sort());
      for (const [path, text] of leaves(wording)) assert.ok(text.trim().length > 0, `${language}.${path} is empty`);
      assert.match(wording.invoiceTitle('ARG1'), /ARG1/);
      assert.match(wording.forCustomer('ARG1'), /ARG1/);
      assert.match(wording.dueDate('ARG1'), /ARG1/);
      assert.match(wording.pay('ARG1'), /ARG1/);
      assert.match(wording.preferences.about('ARG1', 'ARG2'), /ARG1.*ARG2/);
      if (language !== 'en') {
        const same = leaves(wording).filter(([path, text]) => text === leaves(enPage).find(([p]) => p === path)?.[1]);
        assert.deepEqual(
          same.map(([path]) => path).filter((path) => !['preferences.sms', 'language'].includes(path)),
          [],
          `${language} left texts in English`,
        );
      }
    }
  });

  test('the language is chosen as the emails choose it', () => {
    assert.equal(pageWordingFor('de-DE'), dePage);
    assert.equal(pageWordingFor('de-AT'), dePage);
    assert.equal(pageWordingFor('fr-CA'), frPage);
    assert.equal(pageWordingFor('es-MX'), esPage);
    assert.equal(pageWordingFor('en-US'), enPage);
    assert.equal(pageWordingFor('ja-JP'), enPage, 'any other language reads English');
    assert.equal(pageWordingFor('not a locale!'), enPage);
  });

  for (const [language, wording] of Object.entries(pages)) {
    const locale = locales[language] ?? 'en';
    test(`the invoice page in ${language}: heading, buttons and labels in the language, hostile values escaped`, () => {
      const invoice = invoiceIn(language);
      const html = render(invoice);
      const amount = escapeHtml(displayAmount(125_000, 'EUR', locale));
      assert.match(html, new RegExp(`<html lang="${locale}">`));
      assert.ok(html.includes(`<title>${escapeHtml(wording.invoiceTitle('INV-2026-0001'))}</title>`));
      assert.ok(html.includes(`<h1>${escapeHtml(wording.invoiceTitle('INV-2026-0001'))}</h1>`));
      assert.ok(html.includes(`<p>${escapeHtml(wording.forCustomer(hostileName))}</p>`));
      assert.ok(html.includes(`<button type="submit">${escapeHtml(wording.pay(displayAmount(125_000, 'EUR', locale)))}</button>`));
      assert.ok(html.includes(amount));
      assert.ok(html.includes(`<p>${escapeHtml(wording.amountDue)}</p>`));
      assert.ok(html.includes(`<button type="submit">${escapeHtml(wording.dispute.submit)}</button>`));
      assert.ok(html.includes(`<button type="submit">${escapeHtml(wording.promise.submit)}</button>`));
      assert.ok(html.includes(`<h2 id="dispute">${escapeHtml(wording.dispute.heading)}</h2>`));
      assert.ok(html.includes(`<h2 id="promise">${escapeHtml(wording.promise.heading)}</h2>`));
      assert.ok(html.includes(`<label for="reason">${escapeHtml(wording.dispute.reason)}</label>`));
      assert.ok(html.includes(`<label for="note">${escapeHtml(wording.dispute.note)}</label>`));
      assert.ok(html.includes(`<label for="promisedDate">${escapeHtml(wording.promise.date)}</label>`));
      assert.ok(html.includes(`<h2>${escapeHtml(wording.lines.heading)}</h2>`));
      for (const label of [wording.lines.description, wording.lines.quantity, wording.lines.unitPrice])
        assert.ok(html.includes(`<th scope="col">${escapeHtml(label)}</th>`));
      for (const reason of disputeReasons)
        assert.ok(html.includes(`<option value="${reason}">${escapeHtml(wording.dispute.reasons[reason])}</option>`));
      assert.ok(
        html.includes(
          escapeHtml(
            wording.dueDate(
              new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date('2026-12-01T00:00:00Z')),
            ),
          ),
        ),
      );
      // Ids and field names the forms and tests rely on do not change with the language.
      for (const fragment of [
        'id="reason" name="reason"',
        'id="note" name="note"',
        'id="promisedDate" name="promisedDate"',
        'name="formToken" value="form&quot;token"',
      ])
        assert.ok(html.includes(fragment), fragment);
      // Hostile values arrive escaped, never as markup.
      assert.doesNotMatch(html, /<script|<img/);
      assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Co&#39;'));
      assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
      assert.ok(html.includes('action="/pay/tok&quot;en/dispute"'));
      if (language !== 'en') {
        for (const english of ['Send dispute', 'Promise to pay', 'Amount due', 'Invoice lines', 'Reason'])
          assert.ok(!html.includes(english), english);
      }
    });

    test(`the invoice page in ${language}: notices, errors and settled states`, () => {
      const invoice = invoiceIn(language);
      for (const done of ['dispute', 'promise', 'paid', 'cancelled'] as const)
        assert.ok(render(invoice, { done }).includes(`<p class="notice" role="status">${escapeHtml(wording.done[done])}</p>`), done);
      const errors = render(invoice, { errors: [{ path: 'reason', message: '<b>bad</b>' }] });
      assert.ok(errors.includes(`<p>${escapeHtml(wording.errorsHeading)}</p><ul><li>reason: &lt;b&gt;bad&lt;/b&gt;</li></ul>`));
      const onHold = render({
        ...invoice,
        status: 'on_hold',
        holds: [{ holdId: 'H1', reason: 'manual', status: 'active', openedAt: '2026-11-02T00:00:00Z', until: null }],
      });
      assert.ok(onHold.includes(`<p class="notice">${escapeHtml(wording.remindersPaused)}</p>`));
      for (const [status, text] of [
        ['paid', wording.settled.paid],
        ['void', wording.settled.void],
        ['written_off', wording.settled.closed],
      ] as const) {
        const html = render({ ...invoice, status });
        assert.ok(html.includes(`<p class="notice" role="status">${escapeHtml(text)}</p>`), status);
        assert.doesNotMatch(html, /<form/);
      }
    });

    test(`the preferences page in ${language}, hostile values escaped`, () => {
      const invoice = invoiceIn(language, {
        customer: { ...invoiceIn(language).customer, email: 'a"<b>@x.example', phone: '+49<i>' },
      });
      const words = wording.preferences;
      const html = preferencesPage(invoice, '/preferences/t', 'tok', { email: true, sms: false }, true);
      assert.match(html, new RegExp(`<html lang="${locale}">`));
      assert.ok(html.includes(`<title>${escapeHtml(words.title)}</title>`));
      assert.ok(html.includes(`<h1>${escapeHtml(words.title)}</h1>`));
      assert.ok(html.includes(`<p>${escapeHtml(words.about(hostileName, 'INV-2026-0001'))}</p>`));
      assert.ok(html.includes(`<p class="notice" role="status">${escapeHtml(words.saved)}</p>`));
      assert.ok(html.includes(`<legend>${escapeHtml(words.legend)}</legend>`));
      assert.ok(
        html.includes(
          `<input type="checkbox" name="email" value="on" checked> ${escapeHtml(words.email)} (a&quot;&lt;b&gt;@x.example)</label>`,
        ),
      );
      assert.ok(html.includes(`<input type="checkbox" name="sms" value="on"> ${escapeHtml(words.sms)} (+49&lt;i&gt;)</label>`));
      assert.ok(html.includes(`<p>${escapeHtml(words.bothOff)}</p>`));
      assert.ok(html.includes(`<button type="submit">${escapeHtml(words.save)}</button>`));
      assert.doesNotMatch(html, /<script|<b>|<i>/);
      assert.ok(!preferencesPage(invoice, '/p', 'tok', { email: false, sms: false }, false).includes('role="status"'));
    });
  }
});

test('a page in a language we do not write is English, and says so in its lang', () => {
  assert.equal(pageLang('ja-JP'), 'en');
  assert.equal(pageLang('de-AT'), 'de-AT');
  assert.equal(pageLang('fr-CA'), 'fr-CA');
});
