import type { invoiceView } from '#contracts/invoice-view.ts';
import { smsSegments } from '#presentation/reminder-message.ts';
import { type ConsoleContext, consolePaths } from '../context.ts';
import { consolePage } from '../layout.ts';
import { consoleWording as w } from '../wording.ts';
import { amount, facts, heading, instantHtml, labelFor, link, text } from './parts.ts';

type InvoiceDetail = ReturnType<typeof invoiceView>;
type TimelineEntry = InvoiceDetail['timeline'][number];

/** The archived copy of a message, as far as the page shows it (the archive port's ArchivedMessage fits). */
export interface ArchivedView {
  readonly channel: string;
  readonly subject?: string | undefined;
  readonly html?: string | undefined;
  readonly text?: string | undefined;
}

export interface MessageView {
  readonly invoice: InvoiceDetail;
  /** The timeline event that recorded the send (`reminder.sent` or `thank_you.sent`). */
  readonly sent: TimelineEntry;
  /** What the customer got, from the message archive; absent for a message sent before it existed. */
  readonly archived?: ArchivedView | undefined;
}

const m = w.message;

/**
 * `GET /console/invoices/{id}/messages/{messageId}`: what the timeline recorded about one message
 * (channel, address, step, tone, the balance it asked for, the invoices it carried), then the
 * message itself from the archive. HTML (an email's, a letter's page) is never placed in this
 * page: it is served on its own by the body route, with a CSP that allows no script, no
 * requests and no navigation, and shown in a sandboxed frame. A message sent before the archive
 * existed has its facts only, and the page says so.
 */
export function renderMessage(view: MessageView, ctx: ConsoleContext): string {
  const { invoice, sent, archived } = view;
  const field = (name: string) => (sent[name] === undefined ? undefined : String(sent[name]));
  const combined = Array.isArray(sent.combinedWith) ? (sent.combinedWith as string[]).join(', ') : undefined;
  const messageId = field('messageId') ?? '';
  const rows = facts([
    [m.sentAt, instantHtml(String(sent.at ?? ''))],
    [m.channel, text(labelFor(w.channels, field('channel') ?? ''))],
    field('to') ? [m.to, text(field('to') ?? '')] : undefined,
    field('stepId') ? [m.step, text(field('stepId') ?? '')] : undefined,
    field('tone') ? [m.tone, text(field('tone') ?? '')] : undefined,
    field('balance') ? [m.balance, text(amount(field('balance') ?? '0', invoice.currency))] : undefined,
    combined ? [m.combinedWith, text(combined)] : undefined,
    [m.messageId, text(messageId)],
  ]);
  const title = m.title(invoice.invoiceId);
  const shown = archived
    ? heading(2, m.asSent) + asSent(archived, consolePaths.messageBody(invoice.invoiceId, messageId))
    : `<p class="notice">${text(m.notArchived)}</p>`;
  const back = `<p>${link(consolePaths.invoice(invoice.invoiceId), m.back)}</p>`;
  const body = heading(1, title) + rows + shown + back;
  return consolePage(title, body, ctx);
}

/** The archived message, by its channel: subject, the HTML in a sandboxed frame, texts in <pre>. */
function asSent(archived: ArchivedView, bodyUrl: string): string {
  const subject = archived.subject ?? '';
  const subjectFacts = archived.subject === undefined ? '' : facts([[m.subject, text(subject)]]);
  const pre = (content: string) => `<pre class="message-text">${text(content)}</pre>`;
  switch (archived.channel) {
    case 'email':
      return (
        subjectFacts +
        (archived.html === undefined ? '' : heading(3, m.emailHtml) + frame(bodyUrl, m.emailFrame(subject))) +
        (archived.text === undefined ? '' : heading(3, m.emailText) + pre(archived.text))
      );
    case 'letter':
      return subjectFacts + (archived.html === undefined ? '' : heading(3, m.letterPage) + frame(bodyUrl, m.letterFrame(subject)));
    default: {
      const content = archived.text ?? '';
      const length = `<p class="muted">${text(m.smsLength(content.length, smsSegments(content)))}</p>`;
      return heading(3, m.smsText) + pre(content) + length;
    }
  }
}

/**
 * A frame with every sandbox restriction (an empty `sandbox`): its document has an opaque origin,
 * so it cannot run script, submit forms, open windows, navigate this page or read it.
 */
function frame(src: string, title: string): string {
  return `<iframe class="message-frame" sandbox src="${text(src)}" title="${text(title)}"></iframe>`;
}
