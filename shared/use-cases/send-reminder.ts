import { randomUUID } from 'node:crypto';
import { type MessageChannelId, messageChannelOf, messageChannels } from '#domain/channels.ts';
import {
  chooseMessageChannel,
  deliveryChannel,
  openReachability,
  type Reachability,
  type Suppression,
  suppressionOf,
} from '#domain/customers.ts';
import { type Invoice, withEvent } from '#domain/invoice.ts';
import { preferencesUrl } from '#domain/pay-link.ts';
import { isSendAction, NO_CHANNEL, planNextAction, resolveStep } from '#domain/planner.ts';
import { policyFor, type Tone } from '#domain/policy.ts';
import { customerFacing } from '#domain/send-window.ts';
import {
  claimExpired,
  installmentFor,
  noChannelReason,
  REMINDER_OUTCOME_UNKNOWN,
  recordReminderSent,
  recordReminderSkipped,
  setStep,
  skipSuperseded,
} from '#domain/steps.ts';
import type { Clock } from '#ports/clock.ts';
import type { CustomerDirectory, CustomerStore } from '#ports/customer-directory.ts';
import type { CustomerLedger } from '#ports/customer-ledger.ts';
import type { InvoiceStore } from '#ports/invoice-store.ts';
import type { LetterPost } from '#ports/letters.ts';
import type { Logger } from '#ports/logger.ts';
import { type Mailer, MailRejectedError, type OutgoingEmail } from '#ports/mailer.ts';
import type { MessageArchive, MessageContent } from '#ports/message-archive.ts';
import type { PayLinks } from '#ports/pay-links.ts';
import type { ReplyAddresses } from '#ports/replies.ts';
import { type Texter, TextRejectedError } from '#ports/texter.ts';
import { renderLetter } from '#presentation/letter.ts';
import {
  type Creditor,
  renderCombinedReminder,
  renderInstallmentReminder,
  renderReminder,
  renderText,
} from '#presentation/reminder-message.ts';
import { MAX_WRITE_ATTEMPTS } from './concurrent-writes.ts';
import { mutateInvoice } from './invoice-writes.ts';
import { LEDGER_KEEP_MS, recentSends } from './plan-invoice.ts';

export interface SendDeps {
  readonly store: InvoiceStore;
  readonly clock: Clock;
  readonly mailer: Mailer;
  readonly texter: Texter;
  /** Print and post, for `letter` steps; without it a letter step fails (and is retried, then given up) saying so. */
  readonly letters?: LetterPost | undefined;
  readonly links: PayLinks;
  /** Who is asking for the money: named in every message; without it messages carry no sign-off. */
  readonly creditor?: Creditor | undefined;
  /** The frequency cap's ledger; without it the cap is not applied. */
  readonly ledger?: CustomerLedger | undefined;
  /** Channel consent and suppressed addresses; without it every channel is allowed. */
  readonly customers?: Pick<CustomerDirectory, 'reachability' | 'suppress'> | undefined;
  /** The customer's other invoices, to combine reminders due at once into one message. */
  readonly companions?: Pick<CustomerStore, 'linkedInvoices'> | undefined;
  /** A copy of each message sent, for the console; without it nothing is archived. */
  readonly archive?: MessageArchive | undefined;
  /** A signed Reply-To per email, so replies come back to Dunwell; without it (no reply domain) emails carry none. */
  readonly replyAddresses?: ReplyAddresses | undefined;
  readonly log: Logger;
}

export type SendOutcome = 'sent' | 'already_done' | 'not_due' | 'unconfirmed' | 'no_address' | 'no_consent';

/**
 * Sends one reminder step at most once. The invoice is re-read and re-planned right before
 * the send, and the step is claimed with a conditional write at the version that was
 * checked: a payment or change that lands first makes the claim fail and the check re-run.
 * If a later attempt finds the claim, the earlier attempt may or may not have reached the
 * provider; the step is then recorded `unconfirmed` and never sent again.
 */
export async function sendReminder(deps: SendDeps, invoiceId: string, stepId: string): Promise<SendOutcome> {
  const claimId = randomUUID();
  const current = await deps.store.get(invoiceId);
  const reach = current ? await reachabilityFor(deps, current, stepId) : openReachability;
  const reservation = await reserveUnderCap(deps, invoiceId, stepId, claimId, reach);
  if (reservation === 'not_due') return 'not_due';
  const ledgerSends = reservation?.sendsBefore ?? [];
  const releaseReservation = async () => {
    if (reservation && deps.ledger) await deps.ledger.release(reservation.customerId, claimId);
  };
  let outcome = 'not_due' as SendOutcome;
  let delivery = 'email' as MessageChannelId;
  const afterClaim = await mutateInvoice(deps.store, invoiceId, (invoice) => {
    const now = deps.clock.now();
    const at = now.toISOString();
    const record = invoice.steps[stepId];
    if (record?.state === 'claimed' && record.claimedBy && !claimExpired(record, now)) {
      // Another invoice's send is including this step in its combined message right now.
      outcome = 'already_done';
      return null;
    }
    if (record?.state === 'claimed') {
      outcome = 'unconfirmed';
      return withEvent(setStep(invoice, stepId, { state: 'unconfirmed', at, claimId: record.claimId }), {
        at,
        type: 'reminder.unconfirmed',
        stepId,
      });
    }
    if (record && record.state !== 'failed') {
      outcome = 'already_done';
      return null;
    }
    const policy = policyFor(invoice);
    const action = planNextAction(invoice, policy, now, ledgerSends, reach);
    if (!isSendAction(action) || action.stepId !== stepId) {
      outcome = 'not_due';
      return null;
    }
    const next = skipSuperseded(invoice, policy, stepId, at, reach);
    // A channel the customer opted out of (or whose address bounced, complained or replied
    // STOP) moves the message to another one, if allowed.
    const stepChannel = resolveStep(policy, stepId)?.channel ?? 'email';
    const wanted = messageChannelOf(stepChannel) ?? 'email';
    const choice = chooseMessageChannel(stepChannel, invoice.customer, reach);
    if (choice.kind === 'none') {
      outcome = 'no_consent';
      const suppressed = choice.blockedBy;
      // No channel left: the planner hands the invoice to a collector (never silence).
      return recordReminderSkipped(next, stepId, at, NO_CHANNEL, noChannelReason(wanted, suppressed));
    }
    delivery = choice.channel;
    if (!messageChannels[delivery].address(invoice.customer)) {
      outcome = 'no_address';
      const reason = messageChannels[delivery].missingAddress;
      return recordReminderSkipped(next, stepId, at, reason, reason);
    }
    outcome = 'sent';
    return setStep(next, stepId, { state: 'claimed', at, claimId, failures: record?.failures });
  });
  if (outcome !== 'sent') {
    if (outcome === 'unconfirmed') deps.log.error(REMINDER_OUTCOME_UNKNOWN, { invoiceId, stepId });
    await releaseReservation();
    return outcome;
  }
  const claimed = afterClaim;

  const step = resolveStep(policyFor(claimed), stepId);
  if (!step) throw new Error(`Step ${stepId} is not in policy ${claimed.policy.policyId}@${claimed.policy.version}`);
  // Escalation (a broken promise, an unanswered call) already moved the invoice to a firmer tier.
  const tone = step.tone;
  const to = messageChannels[delivery].address(claimed.customer) ?? '';
  let messageId: string;
  let composed: Composed;
  // Other invoices of the customer due now go in the same message, on a channel that allows it.
  const companions =
    messageChannels[delivery].combinesInvoices && step.channel === delivery && !installmentFor(claimed, stepId)
      ? await claimCompanions(deps, claimed, claimId, ledgerSends, reach)
      : [];
  const releaseAll = async () => {
    await releaseClaim(deps, invoiceId, stepId, claimId);
    for (const companion of companions) await releaseClaim(deps, companion.invoice.invoiceId, companion.stepId, claimId);
    await releaseReservation();
  };
  const invoiceIds = [invoiceId, ...companions.map((companion) => companion.invoice.invoiceId)];
  try {
    composed = await composers[delivery](deps, {
      invoice: claimed,
      stepId,
      tone,
      formal: step.channel === 'notice',
      to,
      invoiceIds,
      companions,
    });
  } catch (error) {
    // Nothing reached the provider: release the claims so a retry can send.
    await releaseAll();
    throw error;
  }
  try {
    ({ messageId } = await composed.send());
  } catch (error) {
    // A refusal is certain; any other failure may have sent the message, so the claims stay.
    if (error instanceof MailRejectedError || error instanceof TextRejectedError) await releaseAll();
    throw error;
  }
  const sentAt = deps.clock.now().toISOString();
  const combined = invoiceIds.length > 1 ? { combinedWith: invoiceIds } : {};
  const recordSent = (id: string, sentStep: string, sentTone: Tone, channel: string) =>
    mutateInvoice(deps.store, id, (invoice) => {
      if (invoice.steps[sentStep]?.claimId !== claimId) return null;
      const at = deps.clock.now().toISOString();
      return recordReminderSent(invoice, sentStep, { at, channel, tone: sentTone, to, messageId, claimId, ...combined });
    });
  // The channel it actually went by (a notice stays a notice when it went by email).
  await recordSent(invoiceId, stepId, tone, step.channel === 'notice' && delivery === 'email' ? 'notice' : delivery);
  for (const companion of companions) await recordSent(companion.invoice.invoiceId, companion.stepId, companion.tone, delivery);
  await archiveSent(deps, messageId, sentAt, composed.content);
  return 'sent';
}

/** A rendered message: what it says (to archive) and its hand-over to the provider, to run once. */
export interface Composed {
  readonly content: MessageContent;
  readonly send: () => Promise<{ messageId: string }>;
}

/**
 * Keeps a copy of a message the provider accepted, for the console. It runs after the send is
 * recorded, so a slow or failing archive can neither hold back that record nor cause a re-send:
 * a failure is logged (the console then shows the message's facts only) and swallowed.
 */
export async function archiveSent(
  deps: Pick<SendDeps, 'archive' | 'log'>,
  messageId: string,
  sentAt: string,
  content: MessageContent,
): Promise<void> {
  if (!deps.archive) return;
  try {
    await deps.archive.put({ ...content, messageId, sentAt });
  } catch (error) {
    deps.log.error('sent message not archived: the console can show only its facts', {
      messageId,
      invoiceIds: [...content.invoiceIds],
      step: content.step,
      error: String(error),
    });
  }
}

/** One reminder to hand over: the lead invoice (claimed), its step and tone, and the invoices the message covers. */
interface Reminder {
  readonly invoice: Invoice;
  readonly stepId: string;
  readonly tone: Tone;
  /** A formal notice (a letter-style message). */
  readonly formal: boolean;
  readonly to: string;
  readonly invoiceIds: readonly string[];
  readonly companions: readonly Companion[];
}

/**
 * The send use case's half of the channel registry (domain/channels.ts): how each channel renders
 * a reminder and which port hands it over. Each returns what it rendered and the hand-over, to run
 * once the rendering (and the links it needs) succeeded.
 */
const composers: Readonly<Record<MessageChannelId, (deps: SendDeps, reminder: Reminder) => Promise<Composed>>> = {
  sms: async (deps, { invoice, stepId, tone, to, invoiceIds }) => {
    const payUrl = await deps.links.payUrl(invoice.invoiceId, invoice.dueDate, deps.clock.now());
    const smsUrl = deps.links.shortUrl ? await deps.links.shortUrl(invoice.invoiceId, invoice.dueDate, deps.clock.now()) : payUrl;
    // An installment reminder by text names the installment's amount and date, not the whole balance.
    const installment = installmentFor(invoice, stepId);
    const due = installment ? { amountMinor: installment.amountMinor, dueDate: installment.dueDate } : undefined;
    const text = renderText(invoice, tone, smsUrl, deps.creditor, due);
    const sent = { to, text, invoiceIds: [...invoiceIds], step: stepId };
    return { content: { channel: 'sms', ...sent }, send: () => deps.texter.send(sent) };
  },
  letter: async (deps, { invoice, stepId, tone, to, invoiceIds }) => {
    const letters = deps.letters;
    if (!letters) throw new Error(`Step ${stepId}: a letter, and this deployment has no print-and-post port (letters bucket) configured`);
    const payUrl = await deps.links.payUrl(invoice.invoiceId, invoice.dueDate, deps.clock.now());
    const letter = renderLetter(invoice, tone, payUrl, { now: deps.clock.now(), creditor: deps.creditor });
    const sent = { to, subject: letter.subject, html: letter.html, invoiceIds: [...invoiceIds], step: stepId };
    return { content: { channel: 'letter', ...sent }, send: () => letters.post(sent) };
  },
  email: async (deps, { invoice, stepId, tone, formal, to, invoiceIds, companions }) => {
    const now = deps.clock.now();
    const payUrl = await deps.links.payUrl(invoice.invoiceId, invoice.dueDate, now);
    const replyTo = await replyToFor(deps, invoice, invoiceIds, stepId, now);
    const headers = { to, invoiceIds: [...invoiceIds], step: stepId, unsubscribeUrl: preferencesUrl(payUrl), ...replyTo };
    if (companions.length > 0) {
      const entries = [{ invoice, tone }, ...companions.map((companion) => ({ invoice: companion.invoice, tone: companion.tone }))];
      const links = await Promise.all(entries.map((entry) => deps.links.payUrl(entry.invoice.invoiceId, entry.invoice.dueDate, now)));
      const message = renderCombinedReminder(
        entries.map((entry, index) => ({ ...entry, payUrl: links[index] ?? '' })),
        now,
        deps.creditor,
      );
      return emailed(deps, { ...message, ...headers });
    }
    const installment = installmentFor(invoice, stepId);
    const message = installment
      ? renderInstallmentReminder(invoice, installment, payUrl, deps.creditor)
      : renderReminder(invoice, tone, payUrl, { formal, now, creditor: deps.creditor });
    return emailed(deps, { ...message, ...headers });
  },
};

/**
 * The Reply-To of an email: a fresh signed address naming this message and its invoices, its route
 * stored before the message leaves (a reply may come back within seconds). Nothing without a
 * reply domain. A failure to store the route fails the composition, before the provider is asked.
 */
export async function replyToFor(
  deps: { readonly replyAddresses?: ReplyAddresses | undefined },
  invoice: Invoice,
  invoiceIds: readonly string[],
  step: string,
  now: Date,
): Promise<{ replyTo?: string }> {
  if (!deps.replyAddresses) return {};
  const replyTo = await deps.replyAddresses.replyTo({
    invoiceIds: [...invoiceIds],
    customerId: invoice.customer.customerId,
    step,
    sentAt: now.toISOString(),
  });
  return { replyTo };
}

/** An email's hand-over to the mailer, and the parts of it the archive keeps (subject, HTML, text). */
export function emailed(deps: { readonly mailer: Mailer }, email: OutgoingEmail): Composed {
  const { to, subject, html, text, invoiceIds, step } = email;
  return { content: { channel: 'email', to, subject, html, text, invoiceIds, step }, send: () => deps.mailer.send(email) };
}

/**
 * The customer's consent and suppressed addresses, with the carrier's opt-out list asked for the
 * invoice's number when this step might go by SMS; a number found opted out is recorded (on the
 * customer and the invoice timeline) and is not used.
 */
async function reachabilityFor(deps: SendDeps, invoice: Invoice, stepId: string): Promise<Reachability> {
  if (!deps.customers) return openReachability;
  const reach = await deps.customers.reachability(invoice.customer.customerId);
  const phone = invoice.customer.phone;
  if (!phone || !reach.consent.sms || suppressionOf(reach, 'sms', phone)) return reach;
  const email = invoice.customer.email;
  const emailUsable = Boolean(email) && reach.consent.email && !suppressionOf(reach, 'email', email);
  const stepChannel = resolveStep(policyFor(invoice), stepId)?.channel ?? 'email';
  const smsWanted = deliveryChannel(stepChannel, invoice.customer, reach) === 'sms';
  if (!smsWanted && emailUsable) return reach;
  return withCarrierOptOut(deps, invoice, reach, stepId);
}

/**
 * Asks the carrier's opt-out list about the invoice's number before a text. A number that replied
 * STOP is recorded (a suppression on the customer, `sms.opted_out` on the timeline) and is out of
 * the reachability returned. A list that does not answer changes nothing: the provider keeps its
 * own list and will not deliver to it, so the check must not stop the message.
 */
export async function withCarrierOptOut(
  deps: Pick<SendDeps, 'store' | 'clock' | 'texter' | 'customers' | 'log'>,
  invoice: Invoice,
  reach: Reachability,
  stepId: string,
): Promise<Reachability> {
  const phone = invoice.customer.phone;
  if (!phone) return reach;
  let optedOut: boolean;
  try {
    optedOut = await deps.texter.optedOut(phone);
  } catch (error) {
    deps.log.warn('SMS opt-out list not reachable; sending as planned', { invoiceId: invoice.invoiceId, stepId, error: String(error) });
    return reach;
  }
  if (!optedOut) return reach;
  const at = deps.clock.now().toISOString();
  const suppression: Suppression = { channel: 'sms', address: phone, reason: 'sms_opt_out', at };
  await deps.customers?.suppress(invoice, suppression);
  await mutateInvoice(deps.store, invoice.invoiceId, (latest) => withEvent(latest, { at, type: 'sms.opted_out', to: phone, stepId }));
  deps.log.info('phone number opted out of SMS at the carrier; not texting it', { invoiceId: invoice.invoiceId, stepId });
  return { ...reach, suppressions: [...reach.suppressions, suppression] };
}

interface Companion {
  readonly invoice: Invoice;
  readonly stepId: string;
  readonly tone: Tone;
}

/** At most this many invoices in one message; the rest get their own (the cap spreads them). */
const MAX_COMBINED = 20;

/**
 * Claims, for the message being sent, the email step of every other invoice of the customer
 * that is due for one now (same address, policy says send now). Each claim is a conditional
 * write on that invoice; one that loses a race simply stays out of this message.
 */
async function claimCompanions(
  deps: SendDeps,
  lead: Invoice,
  claimId: string,
  ledgerSends: readonly Date[],
  reach: Reachability,
): Promise<Companion[]> {
  if (!deps.companions) return [];
  const customerId = lead.customer.customerId;
  const others = (await deps.companions.linkedInvoices(customerId))
    .filter((other) => other.invoiceId !== lead.invoiceId && other.customer.customerId === customerId && !other.closedAt)
    .filter((other) => other.customer.email === lead.customer.email)
    .sort((a, b) => a.invoiceId.localeCompare(b.invoiceId))
    .slice(0, MAX_COMBINED - 1);
  const companions: Companion[] = [];
  for (const other of others) {
    let claimed: Companion | undefined;
    try {
      await mutateInvoice(deps.store, other.invoiceId, (invoice) => {
        claimed = undefined;
        const now = deps.clock.now();
        const policy = policyFor(invoice);
        const action = planNextAction(invoice, policy, now, ledgerSends, reach);
        if (action.type !== 'send_email' || invoice.steps[action.stepId]) return null;
        const step = resolveStep(policy, action.stepId);
        if (step?.channel !== 'email' || installmentFor(invoice, action.stepId)) return null;
        const at = now.toISOString();
        const next = skipSuperseded(invoice, policy, action.stepId, at, reach);
        claimed = { invoice: next, stepId: action.stepId, tone: step.tone };
        return setStep(next, action.stepId, { state: 'claimed', at, claimId, claimedBy: lead.invoiceId });
      });
    } catch (error) {
      deps.log.warn('could not include an invoice in a combined reminder', { invoiceId: other.invoiceId, error: String(error) });
      claimed = undefined;
    }
    if (claimed) companions.push(claimed);
  }
  return companions;
}

/**
 * The frequency cap, enforced across a customer's invoices: the message is entered in the
 * customer's ledger (a conditional write) before it is claimed, so two invoices of one customer
 * cannot both take the last slot. Returns the sends the plan was checked against, 'not_due' when
 * the cap (or anything else) says not now, or undefined when there is nothing to reserve.
 */
async function reserveUnderCap(
  deps: SendDeps,
  invoiceId: string,
  stepId: string,
  entryId: string,
  reach: Reachability,
): Promise<{ customerId: string; sendsBefore: Date[] } | 'not_due' | undefined> {
  if (!deps.ledger) return undefined;
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const invoice = await deps.store.get(invoiceId);
    // Records already there (sent, claimed...) are handled by the claim step; nothing to reserve.
    if (!invoice || (invoice.steps[stepId] && invoice.steps[stepId]?.state !== 'failed')) return undefined;
    const step = resolveStep(policyFor(invoice), stepId);
    if (!step || !customerFacing(step.channel)) return undefined;
    const customerId = invoice.customer.customerId;
    const { sends, version } = await recentSends(deps.ledger, customerId);
    const now = deps.clock.now();
    const action = planNextAction(invoice, policyFor(invoice), now, sends, reach);
    if (!isSendAction(action) || action.stepId !== stepId) return 'not_due';
    const entry = { at: now.toISOString(), invoiceId, stepId, entryId };
    if (await deps.ledger.reserve(customerId, entry, version, new Date(now.getTime() - LEDGER_KEEP_MS))) {
      return { customerId, sendsBefore: sends };
    }
  }
  throw new Error(`Could not reserve a send for customer of invoice ${invoiceId}: the ledger kept changing`);
}

export async function releaseClaim(deps: { store: InvoiceStore }, invoiceId: string, stepId: string, claimId: string): Promise<void> {
  await mutateInvoice(deps.store, invoiceId, (invoice) => {
    const record = invoice.steps[stepId];
    if (record?.claimId !== claimId) return null;
    const steps = { ...invoice.steps };
    if (record.failures) steps[stepId] = { state: 'failed', at: record.at, failures: record.failures };
    else delete steps[stepId];
    return { ...invoice, steps };
  });
}
