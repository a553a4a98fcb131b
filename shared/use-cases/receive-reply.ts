import { type ReplyReceipt, replyAttachmentKey } from '#contracts/replies.ts';
import { localDate } from '#domain/holds.ts';
import type { Invoice } from '#domain/invoice.ts';
import type { Keyring } from '#domain/pay-link.ts';
import { classifyReply, type ReplyClassification, type ReplyKind } from '#domain/replies/classify.ts';
import {
  acceptsReplies,
  applyReply,
  type MatchedReply,
  type ReplyAttachmentRef,
  type ReplyEffect,
  replyEventOf,
  replyTaskKey,
  replyTaskOf,
  verdictProblem,
} from '#domain/replies/received.ts';
import { checkReplyCode, type ReplyRoute, replyCodeOf, routeIsSealed } from '#domain/reply-address.ts';
import type {
  ReadReply,
  ReplyMailbox,
  ReplyParser,
  ReplyRoutes,
  UnmatchedReason,
  UnmatchedReplies,
  UnmatchedReply,
} from '#ports/replies.ts';
import { changeInvoice, type WriteDeps } from './invoice-writes.ts';
import { type OpenTaskDeps, openCollectorTask } from './open-collector-task.ts';

export interface ReceiveReplyDeps extends WriteDeps, OpenTaskDeps {
  readonly parse: ReplyParser;
  readonly mailbox: Pick<ReplyMailbox, 'putAttachment'>;
  readonly routes: Pick<ReplyRoutes, 'get'>;
  readonly unmatched: Pick<UnmatchedReplies, 'add'>;
  /** The pay-link keyring, which signs reply addresses too; read only for a message to a reply address. */
  readonly keyring: () => Promise<Keyring>;
  /** The domain of the reply addresses (config `replyDomain`). */
  readonly replyDomain: string;
}

export type ReplyOutcome =
  | {
      readonly kind: 'matched';
      readonly class: ReplyKind;
      readonly invoices: readonly {
        readonly invoiceId: string;
        readonly effect: ReplyEffect | 'already_recorded';
        readonly taskId?: string;
      }[];
    }
  | { readonly kind: 'unmatched'; readonly reason: UnmatchedReason; readonly detail: string; readonly repeated: boolean };

/**
 * A customer's reply, as SES receiving delivered it: read (text only), its attachments kept, its
 * signed Reply-To address checked offline against the keyring, then against its stored, sealed
 * route; SES's verdicts checked; understood in the customer's own calendar and language; and
 * applied to each open invoice of the route (`applyReply`: the timeline, a hold, a dispute or a
 * promise, and the signal that re-plans the execution at once, as when the API places one), with
 * the collector task it asks for. Anything that fails a check pauses nothing and goes to the
 * unmatched replies, for a person.
 *
 * Idempotent per SES message id, as SES (or the local runtime) may deliver a message again:
 * attachments are rewritten under the same keys, an invoice with the message on its timeline is
 * left alone, a task is opened once per invoice and message, an unmatched reply is kept once.
 */
export async function receiveReply(deps: ReceiveReplyDeps, receipt: ReplyReceipt, raw: Buffer): Promise<ReplyOutcome> {
  const message = await deps.parse(raw);
  if (message.kind === 'refused') return unmatched(deps, receipt, 'unreadable', message.detail, { attachments: [] });
  const attachments = await keepAttachments(deps, receipt.sesMessageId, message);
  const facts = {
    attachments,
    subject: message.subject,
    ...(message.from ? { from: message.from.address } : {}),
  };

  const address = await routeOf(deps, receipt.recipients);
  const verdicts = verdictProblem(receipt.verdicts);
  if (verdicts) {
    const detail = address.ok ? verdicts : `${verdicts}; ${address.detail}`;
    return unmatched(deps, receipt, 'verdicts', detail, { ...facts, ...hint(message, deps), ...routeInvoices(address) });
  }
  if (!address.ok) return unmatched(deps, receipt, address.reason, address.detail, { ...facts, ...hint(message, deps) });

  const route = address.route;
  const invoices = (await Promise.all(route.invoiceIds.map((invoiceId) => deps.store.get(invoiceId)))).filter(
    (invoice): invoice is Invoice =>
      invoice !== undefined && (acceptsReplies(invoice) || replyEventOf(invoice, receipt.sesMessageId) !== undefined),
  );
  const [lead] = invoices;
  if (!lead) {
    const detail = `every invoice the address names (${route.invoiceIds.join(', ')}) is paid, void, written off or closed`;
    return unmatched(deps, receipt, 'invoices_closed', detail, { ...facts, ...hint(message, deps), invoiceIds: route.invoiceIds });
  }

  // The customer's own today and language: "bis Freitag" is read in Berlin, 12/1 as 1 December in en-US.
  const classification = classifyReply({
    text: message.text,
    subject: message.subject,
    headers: message.autoReplyHeaders,
    today: localDate(deps.clock.now(), lead.customer.timeZone),
    locale: lead.customer.locale,
  });
  const reply: MatchedReply = {
    sesMessageId: receipt.sesMessageId,
    from: message.from?.address,
    messageKey: receipt.messageKey,
    attachments,
    classification,
    text: message.text,
  };
  const results: { invoiceId: string; effect: ReplyEffect | 'already_recorded'; taskId?: string }[] = [];
  for (const invoice of invoices) results.push(await applyToInvoice(deps, invoice, reply));
  deps.log.info('reply received', {
    sesMessageId: receipt.sesMessageId,
    class: classification.kind,
    invoiceIds: results.map((result) => result.invoiceId),
    effects: results.map((result) => result.effect),
  });
  return { kind: 'matched', class: classification.kind, invoices: results };
}

async function applyToInvoice(
  deps: ReceiveReplyDeps,
  invoice: Invoice,
  reply: MatchedReply,
): Promise<{ invoiceId: string; effect: ReplyEffect | 'already_recorded'; taskId?: string }> {
  const { invoiceId } = invoice;
  const already = replyEventOf(invoice, reply.sesMessageId) !== undefined;
  const outcome = await changeInvoice(deps, invoiceId, (current, now) => applyReply(current, reply, now));
  if (outcome.kind !== 'ok') throw new Error(`unreachable: a reply is always recorded (${outcome.kind})`);
  const event = replyEventOf(outcome.invoice, reply.sesMessageId);
  // The invoice closed between the read and the write: nothing was recorded, nothing is owed.
  if (!event) return { invoiceId, effect: 'none' };
  const effect = already ? 'already_recorded' : (event.effect as ReplyEffect);
  const task = replyTaskOf(event);
  if (!task) return { invoiceId, effect };
  // After the write, from what the event asks: a retry after a crash here opens the task then.
  const opened = await openCollectorTask(deps, invoiceId, replyTaskKey(reply.sesMessageId), task.reason, task.deadlineDays);
  return {
    invoiceId,
    effect,
    ...(opened.kind === 'not_due' ? {} : { taskId: opened.kind === 'opened' ? opened.task.taskId : opened.taskId }),
  };
}

type AddressCheck =
  | { readonly ok: true; readonly route: ReplyRoute }
  | { readonly ok: false; readonly reason: UnmatchedReason; readonly detail: string; readonly route?: ReplyRoute };

/** The route of the first reply address among the envelope recipients: its code's tag, its stored route, its seal. */
async function routeOf(deps: ReceiveReplyDeps, recipients: readonly string[]): Promise<AddressCheck> {
  const code = replyCodeOf(recipients, deps.replyDomain);
  if (code === undefined) {
    return { ok: false, reason: 'no_reply_address', detail: `no recipient is a reply address r+…@${deps.replyDomain}` };
  }
  const keyring = await deps.keyring();
  const checked = checkReplyCode(keyring, code);
  if (!checked.ok) return { ok: false, reason: 'bad_signature', detail: `the reply address's code is ${checked.reason.replace('_', ' ')}` };
  const route = await deps.routes.get(code);
  if (!route || route.code !== code || !routeIsSealed(keyring, route, checked.keyId)) {
    return { ok: false, reason: 'unknown_route', detail: 'the reply address has no intact stored route (unknown, expired or altered)' };
  }
  return { ok: true, route };
}

/** The invoices a genuine address names, for a reply refused for its verdicts. */
function routeInvoices(address: AddressCheck): { invoiceIds?: readonly string[] } {
  return address.ok ? { invoiceIds: address.route.invoiceIds } : {};
}

/** What the classifier makes of an unmatched reply, in UTC and no locale: a hint for the person, nothing is done with it. */
function hint(message: ReadReply, deps: Pick<ReceiveReplyDeps, 'clock'>): { firstLines: string; class: ReplyKind } {
  const classification: ReplyClassification = classifyReply({
    text: message.text,
    subject: message.subject,
    headers: message.autoReplyHeaders,
    today: deps.clock.now().toISOString().slice(0, 10),
  });
  return { firstLines: classification.firstLines, class: classification.kind };
}

/** Every attachment parseReply kept, under `attachments/<SES message id>/<n>-<name>` (the same keys on a redelivery). */
async function keepAttachments(deps: ReceiveReplyDeps, sesMessageId: string, message: ReadReply): Promise<ReplyAttachmentRef[]> {
  const kept: ReplyAttachmentRef[] = [];
  for (const [index, attachment] of message.attachments.entries()) {
    const key = replyAttachmentKey(sesMessageId, index + 1, attachment.filename);
    await deps.mailbox.putAttachment(key, attachment.content, attachment.contentType);
    kept.push({
      filename: attachment.filename,
      contentType: attachment.contentType,
      size: attachment.size,
      key,
      ...(attachment.inline ? { inline: true } : {}),
    });
  }
  if (message.skippedAttachments > 0) {
    deps.log.warn('reply attachments over the limits were not kept', { sesMessageId, skipped: message.skippedAttachments });
  }
  return kept;
}

async function unmatched(
  deps: ReceiveReplyDeps,
  receipt: ReplyReceipt,
  reason: UnmatchedReason,
  detail: string,
  facts: Partial<UnmatchedReply> & Pick<UnmatchedReply, 'attachments'>,
): Promise<ReplyOutcome> {
  const reply: UnmatchedReply = {
    ...facts,
    sesMessageId: receipt.sesMessageId,
    receivedAt: receipt.receivedAt,
    reason,
    detail,
    recipients: [...receipt.recipients],
    verdicts: receipt.verdicts,
    messageKey: receipt.messageKey,
  };
  const added = await deps.unmatched.add(reply);
  deps.log.warn('reply not acted on: kept as unmatched for a person', { sesMessageId: receipt.sesMessageId, reason, detail });
  return { kind: 'unmatched', reason, detail, repeated: !added };
}
