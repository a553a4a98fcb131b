import { randomUUID } from 'node:crypto';
import { CONFIGURATION_SET_TAG, InvoiceHeader, SES_EVENT_SOURCE, SesDetailType, type SesEventDetail } from '#contracts/email-events.ts';
import type { OutboxMessage } from './outbox.ts';

export type FeedbackKind = 'delivery' | 'bounce' | 'complaint';

/**
 * SES's mailbox simulator, as on AWS: mail to these addresses produces the matching events.
 * Everything else is delivered. https://docs.aws.amazon.com/ses/latest/dg/send-an-email-from-console.html
 */
const SIMULATOR: Readonly<Record<string, readonly FeedbackKind[]>> = {
  'success@simulator.amazonses.com': ['delivery'],
  'bounce@simulator.amazonses.com': ['bounce'],
  'complaint@simulator.amazonses.com': ['delivery', 'complaint'],
};

/** The events SES would publish for a message to `address`, in order. */
export function simulatedOutcome(address: string): readonly FeedbackKind[] {
  const local = address.trim().toLowerCase();
  const base = local.replace(/\+[^@]*@/, '@');
  return SIMULATOR[base] ?? ['delivery'];
}

const detailTypeOf: Record<FeedbackKind, string> = {
  delivery: SesDetailType.delivered,
  bounce: SesDetailType.bounced,
  complaint: SesDetailType.complained,
};

/**
 * The EventBridge event SES publishes for an email the local outbox holds: the same envelope
 * and detail shape as on AWS, headers echoed, tagged with the configuration set.
 */
export function sesEvent(
  message: OutboxMessage,
  kind: FeedbackKind,
  configurationSet: string,
  at: Date,
  options: { bounceType?: 'Permanent' | 'Transient' | undefined } = {},
): { detailType: string; detail: SesEventDetail; event: Record<string, unknown> } {
  const invoiceIds = message.invoiceIds ?? (message.invoiceId ? [message.invoiceId] : []);
  const recipients = message.to.split(', ').filter(Boolean);
  const timestamp = at.toISOString();
  const headers = [
    { name: 'To', value: message.to },
    { name: 'Subject', value: message.subject ?? '' },
    { name: InvoiceHeader.invoiceIds, value: invoiceIds.map(encodeURIComponent).join(',') },
    ...(message.step ? [{ name: InvoiceHeader.step, value: message.step }] : []),
  ];
  const mail = {
    messageId: message.messageId,
    timestamp: message.sentAt,
    destination: recipients,
    headersTruncated: false,
    headers,
    tags: { [CONFIGURATION_SET_TAG]: [configurationSet] },
  };
  const detail: SesEventDetail =
    kind === 'delivery'
      ? { eventType: 'Delivery', mail, delivery: { timestamp, recipients } }
      : kind === 'bounce'
        ? {
            eventType: 'Bounce',
            mail,
            bounce: {
              bounceType: options.bounceType ?? 'Permanent',
              bounceSubType: 'General',
              bouncedRecipients: recipients.map((emailAddress) => ({
                emailAddress,
                status: options.bounceType === 'Transient' ? '4.2.2' : '5.1.1',
                diagnosticCode:
                  options.bounceType === 'Transient' ? 'smtp; 452 4.2.2 mailbox full' : 'smtp; 550 5.1.1 user unknown (local simulation)',
              })),
              timestamp,
            },
          }
        : {
            eventType: 'Complaint',
            mail,
            complaint: {
              complainedRecipients: recipients.map((emailAddress) => ({ emailAddress })),
              complaintFeedbackType: 'abuse',
              timestamp,
            },
          };
  const detailType = detailTypeOf[kind];
  return {
    detailType,
    detail,
    event: {
      version: '0',
      id: randomUUID(),
      'detail-type': detailType,
      source: SES_EVENT_SOURCE,
      time: timestamp,
      resources: [],
      detail,
    },
  };
}
