import * as z from 'zod';
import { type ReplyVerdicts, verdictStatuses } from '#domain/replies/received.ts';
import type { UnmatchedReply } from '#ports/replies.ts';

/**
 * Replies from customers: how SES receiving hands them over (a receipt rule's S3 action, then its
 * Lambda action), where they are kept in the replies bucket, and how the API lists the ones
 * nobody could act on. The infra, the reply function and the local runtime take them from here.
 */

/** The S3 action stores each raw message under this prefix, named by SES's message id. */
export const REPLY_INBOUND_PREFIX = 'inbound/';
/** The reply function keeps attachments under this prefix: `attachments/<SES message id>/<n>-<name>`. */
export const REPLY_ATTACHMENTS_PREFIX = 'attachments/';

/** The key of the raw message SES stored. */
export const replyMessageKey = (sesMessageId: string): string => `${REPLY_INBOUND_PREFIX}${sesMessageId}`;

/** The key of a reply's `position`-th attachment (from 1); the name is already safe (parseReply's safeFilename). */
export const replyAttachmentKey = (sesMessageId: string, position: number, filename: string): string =>
  `${REPLY_ATTACHMENTS_PREFIX}${sesMessageId}/${position}-${filename}`;

/**
 * The receipt rule set and rule, named after the deployment. Fixed names: the replies bucket and
 * its key (stateful stack) allow SES to write only for this rule, and the rule lives in the
 * stateless stack, which the stateful one must not refer to.
 */
export const replyRuleSetName = (namePrefix: string): string => `${namePrefix}-replies`;
export const replyRuleName = (namePrefix: string): string => `${namePrefix}-replies-to-dunwell`;

const verdict = z.object({ status: z.enum(verdictStatuses) });

/** SES message ids are letters, digits and dashes; anything else is not SES's. */
export const sesMessageIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'must be an SES message id');

/** The Lambda action's event (InvocationType Event), as far as the reply function reads it. */
export const sesReceiptEventSchema = z.object({
  Records: z
    .array(
      z.object({
        eventSource: z.literal('aws:ses'),
        ses: z.object({
          mail: z.object({ messageId: sesMessageIdSchema, timestamp: z.string() }),
          receipt: z.object({
            timestamp: z.string(),
            recipients: z.array(z.string()),
            spfVerdict: verdict,
            dkimVerdict: verdict,
            spamVerdict: verdict,
            virusVerdict: verdict,
            dmarcVerdict: verdict.optional(),
          }),
        }),
      }),
    )
    .length(1),
});
export type SesReceiptEvent = z.infer<typeof sesReceiptEventSchema>;

/** What the reply use case takes from an SES receipt event. */
export interface ReplyReceipt {
  readonly sesMessageId: string;
  readonly receivedAt: string;
  readonly recipients: readonly string[];
  readonly verdicts: ReplyVerdicts;
  /** The key of the raw message in the replies bucket. */
  readonly messageKey: string;
}

export function receiptOf(event: SesReceiptEvent): ReplyReceipt {
  const [record] = event.Records;
  if (!record) throw new Error('unreachable: the schema requires one record');
  const { mail, receipt } = record.ses;
  return {
    sesMessageId: mail.messageId,
    receivedAt: new Date(receipt.timestamp).toISOString(),
    recipients: receipt.recipients,
    verdicts: {
      spf: receipt.spfVerdict.status,
      dkim: receipt.dkimVerdict.status,
      spam: receipt.spamVerdict.status,
      virus: receipt.virusVerdict.status,
      ...(receipt.dmarcVerdict ? { dmarc: receipt.dmarcVerdict.status } : {}),
    },
    messageKey: replyMessageKey(mail.messageId),
  };
}

/** `GET /v1/replies`: the unmatched replies, newest first. */
export const replyListQuerySchema = z.strictObject({
  status: z.enum(['unmatched'], { message: 'must be unmatched' }).default('unmatched'),
  limit: z.coerce.number().int('must be a whole number').min(1).max(200).default(50),
  cursor: z.string().min(1).max(600).optional(),
});
export type ReplyListQuery = z.infer<typeof replyListQuerySchema>;

/** An unmatched reply in the API: as stored, text only (no HTML is ever kept from a reply). */
export function unmatchedReplyView(reply: UnmatchedReply) {
  return { status: 'unmatched' as const, ...reply };
}
