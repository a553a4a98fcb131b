import { createHash } from 'node:crypto';
import { activeHolds, disputeReasons } from '#domain/holds.ts';
import { escapeHtml } from '#domain/html.ts';
import { balanceMinor, type Invoice } from '#domain/invoice.ts';
import { displayAmount } from '#domain/money.ts';
import { pageLang, pageWordingFor } from '#domain/templates/page-wording.ts';

/**
 * The hosted page behind every pay link: server-rendered, mobile-first, no scripts at all.
 * Forms post back to the same path with a per-form token. The pay button posts to
 * `/checkout`, which redirects to the payment provider's hosted checkout (Stripe Checkout; the
 * sandbox locally) — hence that one extra origin in `form-action` (browsers apply it to the
 * redirect after a form post).
 */
const styles = `body{font-family:system-ui,sans-serif;line-height:1.5;margin:0;color:#1a1a1a;background:#fff}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem;border-bottom:1px solid #ccc}
.amount{font-size:1.6rem;font-weight:700}
.notice{padding:.75rem;border:2px solid #1a5e20;background:#eef7ee}
.error{padding:.75rem;border:2px solid #8a1010;background:#fbeaea}
label{display:block;margin-top:.75rem;font-weight:600}
input,select,textarea,button{font:inherit;padding:.5rem;width:100%;box-sizing:border-box;margin-top:.25rem}
button{background:#0b4f8a;color:#fff;border:0;border-radius:4px;margin-top:1rem;cursor:pointer}
button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f5a623;outline-offset:2px}`;

export const styleHash = `sha256-${createHash('sha256').update(styles).digest('base64')}`;

export const securityHeaders: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': `default-src 'none'; style-src '${styleHash}'; form-action 'self' https://checkout.stripe.com; base-uri 'none'; frame-ancestors 'none'`,
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

export function shell(title: string, body: string, lang = 'en'): string {
  return `<!doctype html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${styles}</style></head><body><main>${body}</main></body></html>`;
}

export interface PageState {
  readonly done?: 'dispute' | 'promise' | 'paid' | 'cancelled' | undefined;
  readonly errors?: readonly { path: string; message: string }[] | undefined;
}

function formatDate(date: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}

export function invoicePage(
  invoice: Invoice,
  path: string,
  formToken: string,
  today: string,
  maxPromiseDate: string,
  state: PageState,
): string {
  const locale = invoice.customer.locale;
  const w = pageWordingFor(locale);
  const money = (minor: number) => displayAmount(minor, invoice.currency, locale);
  const balance = Math.max(balanceMinor(invoice), 0);
  const settled = invoice.status === 'paid' || invoice.status === 'void' || invoice.status === 'written_off';
  const onHold = activeHolds(invoice);
  const parts: string[] = [];
  parts.push(`<h1>${escapeHtml(w.invoiceTitle(invoice.invoiceId))}</h1>`);
  parts.push(`<p>${escapeHtml(w.forCustomer(invoice.customer.name))}</p>`);
  if (state.done) parts.push(`<p class="notice" role="status">${escapeHtml(w.done[state.done])}</p>`);
  if (state.errors && state.errors.length > 0) {
    parts.push(
      `<div class="error" role="alert"><p>${escapeHtml(w.errorsHeading)}</p><ul>${state.errors
        .map((error) => `<li>${escapeHtml(error.path)}: ${escapeHtml(error.message)}</li>`)
        .join('')}</ul></div>`,
    );
  }
  if (settled) {
    const label = invoice.status === 'paid' ? w.settled.paid : invoice.status === 'void' ? w.settled.void : w.settled.closed;
    parts.push(`<p class="notice" role="status">${escapeHtml(label)}</p>`);
  } else {
    parts.push(`<p>${escapeHtml(w.amountDue)}</p><p class="amount">${escapeHtml(money(balance))}</p>`);
    parts.push(`<p>${escapeHtml(w.dueDate(formatDate(invoice.dueDate, locale)))}</p>`);
    if (onHold.length > 0) parts.push(`<p class="notice">${escapeHtml(w.remindersPaused)}</p>`);
    if (balance > 0 && state.done !== 'paid') {
      parts.push(`<form method="post" action="${escapeHtml(path)}/checkout">
<input type="hidden" name="formToken" value="${escapeHtml(formToken)}">
<button type="submit">${escapeHtml(w.pay(money(balance)))}</button>
</form>`);
    }
  }
  if (invoice.lines.length > 0) {
    parts.push(
      `<h2>${escapeHtml(w.lines.heading)}</h2><table><thead><tr><th scope="col">${escapeHtml(w.lines.description)}</th><th scope="col">${escapeHtml(w.lines.quantity)}</th><th scope="col">${escapeHtml(w.lines.unitPrice)}</th></tr></thead><tbody>${invoice.lines
        .map(
          (line) =>
            `<tr><td>${escapeHtml(line.description)}</td><td>${escapeHtml(line.quantity)}</td><td>${escapeHtml(money(line.unitPriceMinor))}</td></tr>`,
        )
        .join('')}</tbody></table>`,
    );
  }
  if (!settled) {
    parts.push(`<h2 id="dispute">${escapeHtml(w.dispute.heading)}</h2>
<form method="post" action="${escapeHtml(path)}/dispute">
<input type="hidden" name="formToken" value="${escapeHtml(formToken)}">
<label for="reason">${escapeHtml(w.dispute.reason)}</label>
<select id="reason" name="reason" required>${disputeReasons.map((reason) => `<option value="${reason}">${escapeHtml(w.dispute.reasons[reason])}</option>`).join('')}</select>
<label for="note">${escapeHtml(w.dispute.note)}</label>
<textarea id="note" name="note" rows="3" maxlength="2000"></textarea>
<button type="submit">${escapeHtml(w.dispute.submit)}</button>
</form>
<h2 id="promise">${escapeHtml(w.promise.heading)}</h2>
<form method="post" action="${escapeHtml(path)}/promise">
<input type="hidden" name="formToken" value="${escapeHtml(formToken)}">
<label for="promisedDate">${escapeHtml(w.promise.date)}</label>
<input id="promisedDate" name="promisedDate" type="date" min="${escapeHtml(today)}" max="${escapeHtml(maxPromiseDate)}" required>
<button type="submit">${escapeHtml(w.promise.submit)}</button>
</form>`);
  }
  return shell(w.invoiceTitle(invoice.invoiceId), parts.join('\n'), pageLang(locale));
}

export function preferencesPage(
  invoice: Invoice,
  path: string,
  formToken: string,
  consent: { email: boolean; sms: boolean },
  saved: boolean,
): string {
  const w = pageWordingFor(invoice.customer.locale).preferences;
  const checked = (on: boolean) => (on ? ' checked' : '');
  const body = `<h1>${escapeHtml(w.title)}</h1>
<p>${escapeHtml(w.about(invoice.customer.name, invoice.invoiceId))}</p>
${saved ? `<p class="notice" role="status">${escapeHtml(w.saved)}</p>` : ''}
<form method="post" action="${escapeHtml(path)}">
<input type="hidden" name="formToken" value="${escapeHtml(formToken)}">
<fieldset><legend>${escapeHtml(w.legend)}</legend>
<label><input type="checkbox" name="email" value="on"${checked(consent.email)}> ${escapeHtml(w.email)}${invoice.customer.email ? ` (${escapeHtml(invoice.customer.email)})` : ''}</label>
<label><input type="checkbox" name="sms" value="on"${checked(consent.sms)}> ${escapeHtml(w.sms)}${invoice.customer.phone ? ` (${escapeHtml(invoice.customer.phone)})` : ''}</label>
</fieldset>
<p>${escapeHtml(w.bothOff)}</p>
<button type="submit">${escapeHtml(w.save)}</button>
</form>`;
  return shell(w.title, body, pageLang(invoice.customer.locale));
}
