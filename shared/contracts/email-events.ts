import * as z from 'zod';
import type { EmailFeedback } from '#domain/deliverability.ts';

/**
 * SES email sending events as EventBridge delivers them: SES publishes the events of a
 * configuration set to the account's default bus (source `aws.ses`). The infra rule, the
 * email-feedback handler and the local runtime's SES simulation all build on this file.
 * https://docs.aws.amazon.com/ses/latest/dg/monitoring-eventbridge.html
 */
export const SES_EVENT_SOURCE = 'aws.ses';

export const SesDetailType = {
  delivered: 'Email Delivered',
  bounced: 'Email Bounced',
  complained: 'Email Complaint Received',
} as const;
export type SesDetailType = (typeof SesDetailType)[keyof typeof SesDetailType];
export const sesDetailTypes: readonly SesDetailType[] = Object.values(SesDetailType);

/** SES tags every event with the configuration set the message was sent through. */
export const CONFIGURATION_SET_TAG = 'ses:configuration-set';

/** Headers every Dunwell email carries; SES echoes them in its events, which is how an event finds its invoices. */
export const InvoiceHeader = {
  invoiceIds: 'X-Dunwell-Invoice-Ids',
  step: 'X-Dunwell-Step',
} as const;

const recipientSchema = z.object({ emailAddress: z.string().min(1) });

/** The part of SES's event detail Dunwell reads; SES may add fields, so objects are not strict. */
export const sesEventDetailSchema = z.object({
  eventType: z.enum(['Delivery', 'Bounce', 'Complaint']),
  mail: z.object({
    messageId: z.string().min(1),
    timestamp: z.string(),
    destination: z.array(z.string()),
    headersTruncated: z.boolean().optional(),
    headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
    tags: z.record(z.string(), z.array(z.string())).optional(),
  }),
  delivery: z.object({ timestamp: z.string(), recipients: z.array(z.string()) }).optional(),
  bounce: z
    .object({
      bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
      bounceSubType: z.string().optional(),
      bouncedRecipients: z.array(recipientSchema.extend({ status: z.string().optional(), diagnosticCode: z.string().optional() })),
      timestamp: z.string(),
    })
    .optional(),
  complaint: z
    .object({
      complainedRecipients: z.array(recipientSchema),
      complaintFeedbackType: z.string().optional(),
      timestamp: z.string(),
    })
    .optional(),
});
export type SesEventDetail = z.infer<typeof sesEventDetailSchema>;

export const sesEmailEventSchema = z.object({
  source: z.literal(SES_EVENT_SOURCE),
  'detail-type': z.enum(sesDetailTypes as [SesDetailType, ...SesDetailType[]]),
  detail: sesEventDetailSchema,
});
export type SesEmailEvent = z.infer<typeof sesEmailEventSchema>;

/** What an SES event says about a Dunwell email; undefined for mail without Dunwell's invoice headers. */
export function emailFeedbackOf(event: SesEmailEvent): EmailFeedback | undefined {
  const { detail } = event;
  const header = (name: string) => detail.mail.headers?.find((entry) => entry.name.toLowerCase() === name.toLowerCase())?.value;
  const invoiceIds = (header(InvoiceHeader.invoiceIds) ?? '').split(',').filter(Boolean).map(decodeURIComponent);
  if (invoiceIds.length === 0) return undefined;
  const common = { messageId: detail.mail.messageId, invoiceIds, stepId: header(InvoiceHeader.step) };
  if (detail.eventType === 'Bounce' && detail.bounce) {
    const { bounce } = detail;
    return {
      ...common,
      kind: 'bounced',
      occurredAt: bounce.timestamp,
      recipients: bounce.bouncedRecipients.map((recipient) => recipient.emailAddress),
      bounceType: bounce.bounceType === 'Permanent' ? 'permanent' : bounce.bounceType === 'Transient' ? 'transient' : 'undetermined',
      diagnostic: bounce.bouncedRecipients.find((recipient) => recipient.diagnosticCode)?.diagnosticCode,
    };
  }
  if (detail.eventType === 'Complaint' && detail.complaint) {
    const { complaint } = detail;
    return {
      ...common,
      kind: 'complained',
      occurredAt: complaint.timestamp,
      recipients: complaint.complainedRecipients.map((recipient) => recipient.emailAddress),
    };
  }
  if (detail.eventType === 'Delivery' && detail.delivery) {
    return { ...common, kind: 'delivered', occurredAt: detail.delivery.timestamp, recipients: detail.delivery.recipients };
  }
  throw new Error(`SES ${detail.eventType} event without its ${detail.eventType.toLowerCase()} section`);
}
