import type { invoiceView } from '#contracts/invoice-view.ts';
import { type ConsoleContext, consolePaths } from '../context.ts';
import { consolePage } from '../layout.ts';
import { consoleWording as w } from '../wording.ts';
import { amount, facts, heading, instantHtml, labelFor, link, text } from './parts.ts';

type InvoiceDetail = ReturnType<typeof invoiceView>;
type TimelineEntry = InvoiceDetail['timeline'][number];

export interface MessageView {
  readonly invoice: InvoiceDetail;
  /** The timeline event that recorded the send (`reminder.sent` or `thank_you.sent`). */
  readonly sent: TimelineEntry;
}

const m = w.message;

/**
 * `GET /console/invoices/{id}/messages/{messageId}`: what the timeline recorded about one message
 * (channel, address, step, tone, the balance it asked for, the invoices it carried). The text
 * itself is not archived yet, and the page says so rather than re-render a look-alike.
 */
export function renderMessage(view: MessageView, ctx: ConsoleContext): string {
  const { invoice, sent } = view;
  const field = (name: string) => (sent[name] === undefined ? undefined : String(sent[name]));
  const combined = Array.isArray(sent.combinedWith) ? (sent.combinedWith as string[]).join(', ') : undefined;
  const rows = facts([
    [m.sentAt, instantHtml(String(sent.at ?? ''))],
    [m.channel, text(labelFor(w.channels, field('channel') ?? ''))],
    field('to') ? [m.to, text(field('to') ?? '')] : undefined,
    field('stepId') ? [m.step, text(field('stepId') ?? '')] : undefined,
    field('tone') ? [m.tone, text(field('tone') ?? '')] : undefined,
    field('balance') ? [m.balance, text(amount(field('balance') ?? '0', invoice.currency))] : undefined,
    combined ? [m.combinedWith, text(combined)] : undefined,
    [m.messageId, text(field('messageId') ?? '')],
  ]);
  const title = m.title(invoice.invoiceId);
  const body =
    heading(1, title) +
    rows +
    `<p class="notice">${text(m.notArchived)}</p>` +
    `<p>${link(consolePaths.invoice(invoice.invoiceId), m.back)}</p>`;
  return consolePage(title, body, ctx);
}
