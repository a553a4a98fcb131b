import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { disputeReasons } from '#domain/hold-types.ts';
import type { Invoice } from '#domain/invoice.ts';
import { displayAmount } from '#domain/money.ts';
import { escapeHtml } from '#presentation/html.ts';
import { contactHref, invoicePage, lineAmountMinor, preferencesPage, printableInvoice } from '#presentation/pay-page.ts';
import { messageLanguages } from '#presentation/templates/languages.ts';
import { dePage } from '#presentation/templates/page-de.ts';
import { enPage } from '#presentation/templates/page-en.ts';
import { esPage } from '#presentation/templates/page-es.ts';
import { frPage } from '#presentation/templates/page-fr.ts';
import { pageLang, pageLanguages, pageWordingFor, pageWordingForAcceptLanguage } from '#presentation/templates/page-language.ts';
import type { PageWording, PageWording as Wording } from '#presentation/templates/page-wording.ts';
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

const hostileCreditor = { name: 'Acme <b>"Supplies"</b> & Co', contact: 'ar+"x"@acme.example' };

const render = (invoice: Invoice, state: Parameters<typeof invoicePage>[5] = {}) =>
  invoicePage(invoice, '/pay/tok"en', 'form"token', '2026-11-30', '2026-12-30', state, hostileCreditor);

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
      const errors = render(invoice, {
        errors: [
          { label: wording.dispute.reason, message: '<b>bad</b>' },
          { label: '', message: wording.fieldErrors.notPossible },
        ],
      });
      assert.ok(
        errors.includes(
          `<p>${escapeHtml(wording.errorsHeading)}</p><ul><li>${escapeHtml(wording.dispute.reason)}: &lt;b&gt;bad&lt;/b&gt;</li><li>${escapeHtml(wording.fieldErrors.notPossible)}</li></ul>`,
        ),
      );
      assert.ok(render(invoice, { done: 'plan' }).includes(`<p class="notice" role="status">${escapeHtml(wording.done.plan)}</p>`));
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
      const html = preferencesPage(invoice, '/preferences/t', 'tok', { email: true, sms: false }, true, hostileCreditor);
      assert.ok(html.includes(`<p class="from">${escapeHtml(words.from(hostileCreditor.name))}</p>`));
      assert.ok(html.includes(`<a href="mailto:ar+&quot;x&quot;@acme.example">ar+&quot;x&quot;@acme.example</a>`));
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
      assert.ok(!preferencesPage(invoice, '/p', 'tok', { email: false, sms: false }, false, hostileCreditor).includes('role="status"'));
    });
  }
});

describe('who is asking, plan requests and the printable invoice', () => {
  for (const [language, wording] of Object.entries(pages)) {
    const locale = locales[language] ?? 'en';

    test(`the creditor heads the page and its contact closes it (${language}), escaped`, () => {
      const html = render(invoiceIn(language));
      assert.ok(
        html.includes(`<p class="from">${escapeHtml(wording.invoiceFrom(hostileCreditor.name))}</p><h1>`) ||
          html.includes(`<p class="from">${escapeHtml(wording.invoiceFrom(hostileCreditor.name))}</p>\n<h1>`),
      );
      assert.ok(html.includes('Acme &lt;b&gt;&quot;Supplies&quot;&lt;/b&gt; &amp; Co'));
      assert.ok(html.includes(`<p>${escapeHtml(wording.questions)} <a href="mailto:ar+&quot;x&quot;@acme.example">`));
      assert.doesNotMatch(html, /<b>/);
      assert.ok(html.includes(`<a href="/pay/tok&quot;en/invoice">${escapeHtml(wording.print.link)}</a>`));
    });

    test(`the payment-plan section (${language}): the form, or the pending request, or the agreed plan`, () => {
      const invoice = invoiceIn(language);
      const html = render(invoice);
      assert.ok(html.includes(`<h2 id="plan">${escapeHtml(wording.plan.heading)}</h2>`));
      assert.ok(html.includes('<form method="post" action="/pay/tok&quot;en/plan-request">'));
      assert.ok(html.includes(`<label for="installments">${escapeHtml(wording.plan.installments)}</label>`));
      assert.ok(html.includes('id="installments" name="installments" type="number" inputmode="numeric" min="2" max="12"'));
      assert.ok(html.includes(`<label for="planNote">${escapeHtml(wording.plan.note)}</label>`));
      assert.ok(html.includes('<textarea id="planNote" name="note" rows="3" maxlength="500">'));
      assert.ok(html.includes(`<button type="submit">${escapeHtml(wording.plan.submit)}</button>`));
      const hold = {
        holdId: 'HLD.INV-2026-0001.1',
        reason: 'manual' as const,
        status: 'active' as const,
        openedAt: '2026-11-30T10:00:00Z',
        until: '2026-12-07T10:00:00Z',
      };
      const pending = render({
        ...invoice,
        status: 'on_hold',
        holds: [hold],
        timeline: [...invoice.timeline, { at: hold.openedAt, type: 'plan.requested', holdId: hold.holdId, installments: 3 }],
      });
      assert.ok(pending.includes(`<p class="notice">${escapeHtml(wording.plan.pending)}</p>`));
      assert.ok(!pending.includes('/plan-request"'), 'no second request while one is pending');
      const manualOnly = render({ ...invoice, status: 'on_hold', holds: [hold] });
      assert.ok(manualOnly.includes('/plan-request"'), 'an ordinary manual hold is not a plan request');
      const agreed = render({
        ...invoice,
        status: 'on_hold',
        holds: [{ ...hold, holdId: 'PLN.INV-2026-0001.1', reason: 'payment_plan', paymentPlan: { installments: [], paidMinorAtStart: 0 } }],
      });
      assert.ok(agreed.includes(`<p class="notice">${escapeHtml(wording.plan.agreed)}</p>`));
      assert.ok(!agreed.includes('/plan-request"'));
    });

    test(`the printable invoice (${language}): parties, dates, lines with amounts, totals, print CSS`, () => {
      const invoice: Invoice = {
        ...invoiceIn(language),
        poNumber: 'PO-<7>',
        lines: [
          { description: hostileLine, quantity: '2', unitPriceMinor: 50_000 },
          { description: 'Half day', quantity: '0.5', unitPriceMinor: 25_001 },
        ],
        paidMinor: 20_000,
        creditNotes: { CN1: { creditNoteId: 'CN1', amountMinor: 5_000, reason: 'x', appliedAt: '2026-11-20T00:00:00Z' } },
      };
      const html = printableInvoice(invoice, '/pay/t"k', hostileCreditor);
      const money = (minor: number) => escapeHtml(displayAmount(minor, 'EUR', locale));
      assert.match(html, new RegExp(`<html lang="${locale}">`));
      assert.ok(html.includes(`<h1>${escapeHtml(wording.invoiceTitle('INV-2026-0001'))}</h1>`));
      assert.ok(
        html.includes(
          `<p>${escapeHtml(wording.print.from)}<br><strong>Acme &lt;b&gt;&quot;Supplies&quot;&lt;/b&gt; &amp; Co</strong><br>ar+&quot;x&quot;@acme.example</p>`,
        ),
      );
      assert.ok(html.includes(`<dt>${escapeHtml(wording.print.poNumber)}</dt><dd>PO-&lt;7&gt;</dd>`));
      assert.ok(html.includes(`<dt>${escapeHtml(wording.print.issueDate)}</dt>`));
      assert.ok(html.includes(`<h2>${escapeHtml(wording.print.billTo)}</h2>`));
      assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
      assert.ok(html.includes(`<td class="num">${money(100_000)}</td></tr>`), 'line amount 2 × 500.00');
      assert.ok(html.includes(`<td class="num">${money(12_501)}</td></tr>`), 'line amount 0.5 × 250.01, rounded half up');
      assert.ok(html.includes(`<th scope="row">${escapeHtml(wording.print.total)}</th><td class="num">${money(125_000)}</td>`));
      assert.ok(html.includes(`<th scope="row">${escapeHtml(wording.print.credited)}</th><td class="num">−${money(5_000)}</td>`));
      assert.ok(html.includes(`<th scope="row">${escapeHtml(wording.print.paid)}</th><td class="num">−${money(20_000)}</td>`));
      assert.ok(
        html.includes(`<tr class="due"><th scope="row">${escapeHtml(wording.print.balance)}</th><td class="num">${money(100_000)}</td>`),
      );
      assert.ok(html.includes('<a href="/pay/t&quot;k">'));
      assert.ok(html.includes('@media print{') && html.includes('.noprint{display:none}'), 'print CSS hides the page controls');
      assert.doesNotMatch(html, /<script|<img|<form/);
    });
  }

  test('line amounts are exact, whatever the decimals', () => {
    assert.equal(lineAmountMinor('10', 12_500), 125_000);
    assert.equal(lineAmountMinor('0.333', 300), 100);
    assert.equal(lineAmountMinor('1.5', 1), 2, 'half up');
    assert.equal(lineAmountMinor('12345678.123456', 99_999), 1_234_555_466_667);
    assert.equal(lineAmountMinor('abc', 100), undefined);
  });

  test('the contact link: mailto, https or tel', () => {
    assert.equal(contactHref('ar@acme.example'), 'mailto:ar@acme.example');
    assert.equal(contactHref('https://acme.example/help'), 'https://acme.example/help');
    assert.equal(contactHref('+44 (20) 7946-0000'), 'tel:+442079460000');
  });

  test('without an invoice, the page speaks the browser’s language (Accept-Language), else English', () => {
    const pick = (header: string | undefined): [Wording, string] => {
      const { wording, lang } = pageWordingForAcceptLanguage(header);
      return [wording, lang];
    };
    assert.deepEqual(pick('de-DE,de;q=0.9,en;q=0.8'), [dePage, 'de']);
    assert.deepEqual(pick('ja-JP, fr;q=0.5, es;q=0.7'), [esPage, 'es'], 'by quality, skipping languages we do not write');
    assert.deepEqual(pick('fr-CA'), [frPage, 'fr']);
    assert.deepEqual(pick('ja, zh;q=0.8'), [enPage, 'en']);
    assert.deepEqual(pick('de;q=0, es'), [esPage, 'es'], 'q=0 means "not this one"');
    assert.deepEqual(pick(undefined), [enPage, 'en']);
    assert.deepEqual(pick('*;q=0.1,<script>'), [enPage, 'en']);
  });
});

test('a page in a language we do not write is English, and says so in its lang', () => {
  assert.equal(pageLang('ja-JP'), 'en');
  assert.equal(pageLang('de-AT'), 'de-AT');
  assert.equal(pageLang('fr-CA'), 'fr-CA');
});
