import { functionContext } from '#adapters/compose-context.ts';
import { collectorEvents, domainEvents } from '#adapters/compose-messaging.ts';
import { replyMailbox } from '#adapters/compose-replies.ts';
import { secretSource } from '#adapters/compose-sending.ts';
import { tableAdapters } from '#adapters/compose-table.ts';
import { receiptHandler } from '#adapters/handlers.ts';
import { parseReply } from '#adapters/parse-reply.ts';
import { EnvName } from '#contracts/functions.ts';
import { receiptOf, sesReceiptEventSchema } from '#contracts/replies.ts';
import { parseKeyring } from '#domain/pay-link.ts';
import { receiveReply } from '#use-cases/receive-reply.ts';

const app = functionContext('reply');
const table = tableAdapters(app);
const secrets = secretSource(app);
const mailbox = replyMailbox(app);
const replyDomain = app.optional(EnvName.replyDomain);
const deps = {
  store: table.invoiceStore(),
  clock: app.clock,
  events: domainEvents(app),
  log: app.log,
  tasks: table.taskStore(),
  collectors: collectorEvents(app),
  customers: table.customerStore(),
  routes: table.replyRoutes(),
  unmatched: table.unmatchedReplies(),
  mailbox,
  parse: (raw: Buffer) => parseReply(raw),
  keyring: async () => parseKeyring(await secrets.read(app.linkSecretId())),
  replyDomain: replyDomain ?? '',
};

/**
 * The receipt rule's Lambda action for the reply domain: SES has stored the raw message in the
 * replies bucket (the rule's S3 action, under `inbound/<messageId>`) and hands over its verdicts
 * and envelope recipients. A missing object is thrown, so Lambda's asynchronous retries try again.
 */
export const handler = receiptHandler(app.telemetry, async (event) => {
  if (!replyDomain) throw new Error('reply: no reply domain is configured (DUNWELL_REPLY_DOMAIN), so no reply can be matched');
  const receipt = receiptOf(sesReceiptEventSchema.parse(event));
  const raw = await mailbox.raw(receipt.messageKey);
  if (!raw) throw new Error(`reply ${receipt.sesMessageId}: no raw message at ${receipt.messageKey} in the replies bucket`);
  return receiveReply(deps, receipt, raw);
});
