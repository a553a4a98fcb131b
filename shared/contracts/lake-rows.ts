import type { Invoice, TimelineEvent } from '#domain/invoice.ts';
import type { InvoiceImage } from '#ports/lake.ts';
import { eventId, type InvoiceEventRow } from './lake.ts';

/**
 * The lake rows one write of an invoice adds: its timeline events past the previous version's.
 * A timeline only ever grows at its end, so an event's position is a stable id; `previous`
 * undefined (a new invoice, or a backfill) yields every event `next` holds. Stream images hold
 * the timeline from `timelineFrom` on (older events moved out of the item, exported before).
 */
export function invoiceEventRows(
  previous: Pick<InvoiceImage, 'timeline' | 'timelineFrom'> | undefined,
  next: InvoiceImage,
): InvoiceEventRow[] {
  const first = next.timelineFrom ?? 0;
  const known = previous ? (previous.timelineFrom ?? 0) + previous.timeline.length : first;
  // A shorter timeline than before would mean events were rewritten: project all it holds again
  // and let the de-duplication by event id keep one row each.
  const from = known >= first && known <= first + next.timeline.length ? known - first : 0;
  return next.timeline.slice(from).map((event, offset) => eventRow(next, event, first + from + offset));
}

function eventRow(invoice: Invoice, event: TimelineEvent, seq: number): InvoiceEventRow {
  return {
    event_id: eventId(invoice.invoiceId, seq),
    invoice_id: invoice.invoiceId,
    seq,
    type: event.type,
    at: event.at,
    customer_id: invoice.customer.customerId,
    currency: invoice.currency,
    invoice_amount_minor: invoice.amountMinor,
    issue_date: invoice.issueDate,
    due_date: invoice.dueDate,
    amount_minor: eventMoney(event),
    balance_minor: integer(event.balanceMinor),
    paid_at: text(event.paidAt),
    step_id: text(event.stepId),
    channel: text(event.channel),
    tone: text(event.tone),
    // A reply: SES's id of the received message (one reply about several invoices has one) and its class.
    message_id: text(event.type === 'reply.received' ? event.sesMessageId : event.messageId),
    reason: text(event.type === 'reply.received' ? event.class : event.reason),
    outcome: text(event.outcome),
    detail: JSON.stringify(event),
  };
}

/** The money an event moves: a payment or credit note, a dispute's credit, the balance written off. */
function eventMoney(event: TimelineEvent): number | null {
  switch (event.type) {
    case 'dispute.resolved':
      return integer(event.creditMinor);
    case 'invoice.written_off':
      return integer(event.balanceMinor);
    default:
      return integer(event.amountMinor);
  }
}

function integer(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
