import { composeFunction } from '#adapters/compose.ts';
import { type HttpEvent, type HttpResult, httpHandler } from '#adapters/http.ts';
import { escapeHtml } from '#domain/html.ts';
import { balanceMinor } from '#domain/invoice.ts';
import { displayAmount } from '#domain/money.ts';
import { parseKeyring, verifyPayLink } from '#domain/pay-link.ts';

const app = composeFunction('pay-page');
const store = app.invoiceStore();
const secrets = app.secrets();

const securityHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
};

function page(status: number, title: string, body: string): HttpResult {
  return {
    statusCode: status,
    headers: securityHeaders,
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem"><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  };
}

/**
 * PLACEHOLDER (issue 4 builds the real hosted page): verifies the signed link and shows the
 * invoice and its balance, with no pay/dispute/promise actions yet. It says so on the page.
 */
async function showPayPage(event: HttpEvent): Promise<HttpResult> {
  const token = event.pathParameters?.token ?? '';
  const check = verifyPayLink(parseKeyring(await secrets.read(app.linkSecretId())), token, app.clock.now());
  if (!check.ok) {
    const message =
      check.reason === 'expired' ? 'This payment link has expired. Please contact us for a new one.' : 'This payment link is not valid.';
    return page(check.reason === 'expired' ? 410 : 404, 'Link not valid', `<p>${escapeHtml(message)}</p>`);
  }
  const invoice = await store.get(check.invoiceId);
  if (!invoice) return page(404, 'Link not valid', '<p>This payment link is not valid.</p>');
  const balance = displayAmount(Math.max(balanceMinor(invoice), 0), invoice.currency, invoice.customer.locale);
  return page(
    200,
    `Invoice ${invoice.invoiceId}`,
    `<p>Status: ${escapeHtml(invoice.status)}</p><p>Amount due: <strong>${escapeHtml(balance)}</strong></p><p>Due date: ${escapeHtml(invoice.dueDate)}</p><p role="note"><em>Online payment is not available yet (placeholder page).</em></p>`,
  );
}

export const handler = httpHandler({ 'GET /pay/{token}': showPayPage });
