import { localDateAt } from '#domain/calendar.ts';
import type { Invoice } from '#domain/invoice.ts';
import type { Tone } from '#domain/policy.ts';
import { escapeHtml } from './html.ts';
import { type Creditor, type RenderedMessage, renderReminder } from './reminder-message.ts';
import { longDate } from './templates/format.ts';
import { voiceFor } from './templates/languages.ts';

/**
 * A reminder as a printed letter: the formal notice's wording (renderReminder, formal), on an A4
 * page with the recipient's postal address in the window position and the date, for a
 * print-and-post service. Self-contained: inline CSS, no script, nothing fetched.
 */
export function renderLetter(
  invoice: Invoice,
  tone: Tone,
  payUrl: string,
  options: { readonly now: Date; readonly creditor?: Creditor | undefined },
): RenderedMessage {
  const message = renderReminder(invoice, tone, payUrl, { formal: true, now: options.now, creditor: options.creditor });
  const voice = voiceFor(invoice.customer.locale);
  const lang = escapeHtml(voice.lang);
  const today = localDateAt(options.now.getTime(), invoice.customer.timeZone);
  const recipient = [invoice.customer.name, ...(invoice.customer.postalAddress ?? '').split('\n')]
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map(escapeHtml)
    .join('<br>');
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(message.html)?.[1] ?? message.html;
  const html = `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(message.subject)}</title>
<style>@page{size:A4;margin:20mm 20mm 25mm 25mm}body{font:11pt/1.45 serif;color:#000;margin:0}.window{height:45mm;margin-top:25mm}.date{text-align:right;margin:0 0 12mm}</style>
</head>
<body>
<address class="window">${recipient}</address>
<p class="date">${escapeHtml(longDate(today, voice.locale))}</p>
${body}
</body>
</html>
`;
  return { subject: message.subject, text: message.text, html };
}
