import { randomUUID } from 'node:crypto';
import { type MessageChannelId, messageChannels } from '#domain/channels.ts';
import { openReachability } from '#domain/customers.ts';
import { type Invoice, withEvent } from '#domain/invoice.ts';
import {
  recordClosed,
  recordThankYouSent,
  recordThankYouSkipped,
  setStep,
  THANK_YOU_STEP,
  thankYouChoice,
  thankYouDue,
} from '#domain/steps.ts';
import type { Clock } from '#ports/clock.ts';
import type { CustomerDirectory } from '#ports/customer-directory.ts';
import type { InvoiceStore } from '#ports/invoice-store.ts';
import type { Logger } from '#ports/logger.ts';
import { type Mailer, MailRejectedError } from '#ports/mailer.ts';
import type { MessageArchive } from '#ports/message-archive.ts';
import type { ReplyAddresses } from '#ports/replies.ts';
import { type Texter, TextRejectedError } from '#ports/texter.ts';
import { type Creditor, renderThankYou, renderThankYouText } from '#presentation/reminder-message.ts';
import { InvoiceNotFoundError, mutateInvoice } from './invoice-writes.ts';
import { archiveSent, type Composed, emailed, releaseClaim, replyToFor, withCarrierOptOut } from './send-reminder.ts';

export interface CloseDeps {
  readonly store: InvoiceStore;
  readonly clock: Clock;
  readonly mailer: Mailer;
  /** A thank-you goes by text to a customer email cannot reach; without it, only by email. */
  readonly texter?: Texter | undefined;
  /** Who is asking for the money: named in the thank-you. */
  readonly creditor?: Creditor | undefined;
  /** Consent, preference and suppressed addresses: a thank-you follows them like a reminder. */
  readonly customers?: Pick<CustomerDirectory, 'reachability' | 'suppress'> | undefined;
  /** A copy of the thank-you, for the console; without it nothing is archived. */
  readonly archive?: MessageArchive | undefined;
  /** A signed Reply-To on the thank-you email (a customer may still answer it); without it, none. */
  readonly replyAddresses?: ReplyAddresses | undefined;
  readonly log: Logger;
}

/** Ends the lifecycle: a thank-you (once) when payments settled it, then the closing record. */
export async function closeInvoice(deps: CloseDeps, invoiceId: string, reason: string): Promise<'closed' | 'already_closed'> {
  const invoice = await deps.store.get(invoiceId);
  if (!invoice) throw new InvoiceNotFoundError(`Invoice ${invoiceId} does not exist`);
  if (invoice.closedAt) return 'already_closed';
  if (thankYouDue(invoice)) {
    const route = await thankYouRoute(deps, invoice);
    if (route.kind === 'send') await sendThankYou(deps, invoiceId, route.channel);
    else {
      await mutateInvoice(deps.store, invoiceId, (current) => {
        if (current.steps[THANK_YOU_STEP]) return null;
        return recordThankYouSkipped(current, deps.clock.now().toISOString(), route.reason);
      });
    }
  }
  await mutateInvoice(deps.store, invoiceId, (current) => {
    if (current.closedAt) return null;
    const at = deps.clock.now().toISOString();
    let next = current;
    const thankYou = current.steps[THANK_YOU_STEP];
    if (thankYou?.state === 'claimed') {
      // An earlier attempt died mid-send: the thank-you may or may not have left. Say so.
      next = withEvent(setStep(next, THANK_YOU_STEP, { ...thankYou, state: 'unconfirmed', at }), { at, type: 'thank_you.unconfirmed' });
    }
    return recordClosed(next, at, reason);
  });
  return 'closed';
}

/** thankYouChoice with the customer's reachability, and the carrier's opt-out list asked before a text. */
async function thankYouRoute(
  deps: CloseDeps,
  invoice: Invoice,
): Promise<{ kind: 'send'; channel: MessageChannelId } | { kind: 'skip'; reason: string }> {
  const customer = invoice.customer;
  let reach = deps.customers ? await deps.customers.reachability(customer.customerId) : openReachability;
  if (!deps.texter) reach = { ...reach, consent: { ...reach.consent, sms: false } };
  const choice = thankYouChoice(customer, reach);
  if (choice.kind === 'send' && choice.channel === 'sms' && deps.texter) {
    // The carrier's opt-out list, as before any text.
    reach = await withCarrierOptOut({ ...deps, texter: deps.texter }, invoice, reach, THANK_YOU_STEP);
    return thankYouChoice(customer, reach);
  }
  return choice;
}

/** How each message channel renders a thank-you and hands it over (the send use case has the same for reminders). */
const thankYouComposers: Readonly<
  Record<MessageChannelId, (deps: CloseDeps, invoice: Invoice, to: string) => Composed | undefined | Promise<Composed | undefined>>
> = {
  email: async (deps, invoice, to) => {
    const message = renderThankYou(invoice, deps.creditor);
    const replyTo = await replyToFor(deps, invoice, [invoice.invoiceId], THANK_YOU_STEP, deps.clock.now());
    return emailed(deps, { ...message, to, invoiceIds: [invoice.invoiceId], step: THANK_YOU_STEP, ...replyTo });
  },
  // A thank-you never goes by letter (the registry does not fall back to letters).
  letter: () => undefined,
  sms: (deps, invoice, to) => {
    const texter = deps.texter;
    if (!texter) return undefined;
    const sent = { to, text: renderThankYouText(invoice, deps.creditor), invoiceIds: [invoice.invoiceId], step: THANK_YOU_STEP };
    return { content: { channel: 'sms', ...sent }, send: () => texter.send(sent) };
  },
};

async function sendThankYou(deps: CloseDeps, invoiceId: string, wanted: MessageChannelId): Promise<void> {
  const claimId = randomUUID();
  let claimedNow = false;
  const claimed = await mutateInvoice(deps.store, invoiceId, (invoice) => {
    if (invoice.steps[THANK_YOU_STEP]) return null;
    claimedNow = true;
    return setStep(invoice, THANK_YOU_STEP, { state: 'claimed', at: deps.clock.now().toISOString(), claimId });
  });
  if (!claimedNow) return;
  // A channel without its port here (no texter) falls back to email, as thankYouRoute allows.
  let channel: MessageChannelId = wanted;
  let to = '';
  let message: Composed | undefined;
  try {
    const composed = await thankYouComposers[wanted](deps, claimed, messageChannels[wanted].address(claimed.customer) ?? '');
    channel = composed ? wanted : 'email';
    to = messageChannels[channel].address(claimed.customer) ?? '';
    message = composed ?? (await thankYouComposers.email(deps, claimed, to));
  } catch (error) {
    // Nothing reached the provider (the Reply-To's route could not be stored): a retry may send.
    await releaseClaim(deps, invoiceId, THANK_YOU_STEP, claimId);
    throw error;
  }
  let messageId: string;
  try {
    if (!message) throw new Error('unreachable: email always composes');
    ({ messageId } = await message.send());
  } catch (error) {
    if (error instanceof MailRejectedError || error instanceof TextRejectedError)
      await releaseClaim(deps, invoiceId, THANK_YOU_STEP, claimId);
    throw error;
  }
  const sentAt = deps.clock.now().toISOString();
  await mutateInvoice(deps.store, invoiceId, (invoice) => {
    if (invoice.steps[THANK_YOU_STEP]?.claimId !== claimId) return null;
    return recordThankYouSent(invoice, { at: deps.clock.now().toISOString(), channel, to, messageId, claimId });
  });
  await archiveSent(deps, messageId, sentAt, message.content);
}
