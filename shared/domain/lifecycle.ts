import { randomUUID } from 'node:crypto';
import type { SignalDetailType } from '#contracts/events.ts';
import type { Clock } from '#ports/clock.ts';
import type { CustomerDirectory, CustomerStore } from '#ports/customer-directory.ts';
import type { CustomerLedger } from '#ports/customer-ledger.ts';
import type { InvoiceStore } from '#ports/invoice-store.ts';
import { type Mailer, MailRejectedError } from '#ports/mailer.ts';
import type { DomainEvents, DunningStarts } from '#ports/messaging.ts';
import type { PolicyStore } from '#ports/policy-store.ts';
import { type Texter, TextRejectedError } from '#ports/texter.ts';
import type { Timers } from '#ports/timers.ts';
import type { Workflow } from '#ports/workflow.ts';
import { MAX_WRITE_ATTEMPTS, retryOnFreshRead } from './concurrent-writes.ts';
import {
  chooseChannel,
  chooseMessageChannel,
  deliveryChannel,
  openReachability,
  type Reachability,
  type Suppression,
  type SuppressionReason,
  suppressionOf,
} from './customers.ts';
import { type HoldOutcome, localDate, reviewHolds } from './holds.ts';
import {
  balanceMinor,
  type Customer,
  type Invoice,
  type InvoiceInput,
  type PaymentInput,
  type PaymentOutcome,
  recordPayment,
  type StepRecord,
  type UpsertOutcome,
  upsertInvoice,
  withEvent,
} from './invoice.ts';
import { preferencesUrl } from './pay-link.ts';
import { MAX_STEP_FAILURES, NO_CHANNEL, type PlannedAction, planNextAction, resolveStep, supersededSteps } from './planner.ts';
import { defaultPolicyRef, type Policy, policyFor, type Tone } from './policy.ts';
import {
  type Creditor,
  renderCombinedReminder,
  renderInstallmentReminder,
  renderReminder,
  renderText,
  renderThankYou,
  renderThankYouText,
} from './reminder-message.ts';
import type { Tier } from './risk.ts';
import { customerFacing } from './send-window.ts';

/**
 * The use cases of an invoice's lifecycle. Each takes its collaborators as ports, so the
 * same code runs in Lambda on AWS and in the embedded runtime, and is tested without AWS.
 */

export class InvoiceNotFoundError extends Error {
  override readonly name = 'InvoiceNotFoundError';
}

/**
 * Read-modify-write with optimistic concurrency. `change` returns the next invoice, or null
 * to leave it as it is; it is re-run on a fresh read whenever another writer got in first
 * (a bounded number of times: ConcurrentChangeError after that).
 */
export async function mutateInvoice(
  store: InvoiceStore,
  invoiceId: string,
  change: (invoice: Invoice) => Invoice | null,
): Promise<Invoice> {
  return retryOnFreshRead(`Invoice ${invoiceId}`, async () => {
    const current = await store.get(invoiceId);
    if (!current) throw new InvoiceNotFoundError(`Invoice ${invoiceId} does not exist`);
    const next = change(current);
    return next === null ? current : store.save(next);
  });
}

export interface Logger {
  error(message: string, detail?: Record<string, unknown>): void;
  warn(message: string, detail?: Record<string, unknown>): void;
  info(message: string, detail?: Record<string, unknown>): void;
}

// ---------------------------------------------------------------------------------------
// Ingestion
// ---------------------------------------------------------------------------------------

export interface IngestDeps {
  readonly store: InvoiceStore;
  /** Needed to pin a new invoice's policy version; collections actions do without. */
  readonly policies?: PolicyStore | undefined;
  /** The customer's profile and risk: their policy and starting tier for a new invoice. */
  readonly customers?: CustomerDirectory | undefined;
  readonly clock: Clock;
  readonly starts: DunningStarts;
  readonly events: DomainEvents;
  readonly log: Logger;
}

export class UnknownPolicyError extends Error {
  override readonly name = 'UnknownPolicyError';
}

export async function ingestInvoice(deps: IngestDeps, input: InvoiceInput, ownPolicyId?: string): Promise<UpsertOutcome> {
  const customerId = input.customer.customerId;
  // Two creates of one id race too: the loser's create is stale, and its fresh read finds the
  // winner's invoice (unchanged, an update, or a conflict).
  return retryOnFreshRead(`Invoice ${input.invoiceId}`, async (): Promise<UpsertOutcome> => {
    const existing = await deps.store.get(input.invoiceId);
    const now = deps.clock.now();
    // A new invoice takes its policy's latest version for good: its own policy, else its
    // customer's, else the default; and starts in the tier its customer's risk says.
    let policy: Policy | undefined;
    let startingTier: Tier = 1;
    if (!existing) {
      const policyId = ownPolicyId ?? (await deps.customers?.policyId(customerId)) ?? defaultPolicyRef.policyId;
      policy = await deps.policies?.get(policyId);
      if (!policy) throw new UnknownPolicyError(`Policy ${policyId} does not exist`);
      startingTier = (await deps.customers?.startingTier(customerId, localDate(now, input.customer.timeZone))) ?? 1;
    }
    const outcome = upsertInvoice(existing, input, now, policy, startingTier);
    if (outcome.kind === 'created') {
      const invoice = await deps.store.create(outcome.invoice);
      await linkToCustomer(deps, invoice);
      await requestStart(deps, invoice.invoiceId);
      return { ...outcome, invoice };
    }
    if (outcome.kind === 'updated') {
      const invoice = await deps.store.save(outcome.invoice);
      await linkToCustomer(deps, invoice);
      await signal(deps, 'invoice.updated', invoice);
      return { ...outcome, invoice };
    }
    // An identical re-send repairs what may have been lost: the customer link and the start.
    if (outcome.kind === 'unchanged') {
      await linkToCustomer(deps, outcome.invoice);
      if (!outcome.invoice.execution) await requestStart(deps, input.invoiceId);
    }
    return outcome;
  });
}

/**
 * Explicit re-plan: the invoice moves to the latest version of a policy (its own by default).
 * Steps already done stay done; the planner lays out the new version from now on.
 */
export async function replanInvoice(deps: IngestDeps, invoiceId: string, policyId?: string): Promise<HoldOutcome> {
  const current = await deps.store.get(invoiceId);
  if (!current) throw new InvoiceNotFoundError(`Invoice ${invoiceId} does not exist`);
  const wanted = policyId ?? current.policy.policyId;
  const policy = await deps.policies?.get(wanted);
  if (!policy) return { kind: 'invalid', path: 'policyId', message: 'is not a known policy' };
  return changeInvoice(deps, invoiceId, (invoice, now) => {
    if (invoice.closedAt) return { kind: 'conflict', reason: 'the invoice is closed' };
    const at = now.toISOString();
    const from = invoice.policy;
    const next = { ...invoice, policy: { policyId: policy.policyId, version: policy.version }, policySnapshot: policy };
    return {
      kind: 'ok',
      invoice: withEvent(next, {
        at,
        type: 'policy.replanned',
        from: `${from.policyId}@${from.version}`,
        to: `${policy.policyId}@${policy.version}`,
      }),
    };
  });
}

/** Best effort: an accepted invoice never fails on its customer link (a re-send repairs it). */
async function linkToCustomer(deps: IngestDeps, invoice: Invoice): Promise<void> {
  try {
    await deps.customers?.invoiceCreated(invoice);
  } catch (error) {
    deps.log.error('customer link failed; risk will not see this invoice until it is re-sent', {
      invoiceId: invoice.invoiceId,
      error: String(error),
    });
  }
}

/** The one payment command: ERP payments and payment-provider webhooks both record through it. */
export async function receivePayment(
  deps: Pick<IngestDeps, 'store' | 'clock' | 'events' | 'log'>,
  invoiceId: string,
  input: PaymentInput,
): Promise<PaymentOutcome> {
  let outcome: PaymentOutcome | undefined;
  const invoice = await mutateInvoice(deps.store, invoiceId, (current) => {
    outcome = recordPayment(current, input, deps.clock.now());
    return outcome.kind === 'recorded' ? outcome.invoice : null;
  });
  if (!outcome) throw new Error('unreachable: payment outcome missing');
  if (outcome.kind === 'recorded') {
    await signal(deps, 'payment.received', invoice);
    return { ...outcome, invoice };
  }
  return outcome;
}

/**
 * A collections action on one invoice (dispute, promise, hold, credit note, void): one
 * conditional write, then a signal so a sleeping execution re-plans at once.
 */
export async function changeInvoice(
  deps: Pick<IngestDeps, 'store' | 'clock' | 'events' | 'log'>,
  invoiceId: string,
  change: (invoice: Invoice, now: Date) => HoldOutcome,
): Promise<HoldOutcome> {
  let outcome: HoldOutcome | undefined;
  let changed = false;
  const invoice = await mutateInvoice(deps.store, invoiceId, (current) => {
    outcome = change(current, deps.clock.now());
    changed = outcome.kind === 'ok' && outcome.invoice !== current;
    return changed && outcome.kind === 'ok' ? outcome.invoice : null;
  });
  if (!outcome) throw new Error('unreachable: change outcome missing');
  if (outcome.kind !== 'ok') return outcome;
  if (changed) await signal(deps, 'invoice.changed', invoice);
  return { kind: 'ok', invoice };
}

/**
 * Buffer and bus failures must not fail an accepted write: the invoice is safe in the table,
 * send-time re-checks keep a paid invoice from being reminded, and the reconciler restarts
 * anything whose start was lost. They are logged for the engineer on call.
 */
async function requestStart(deps: IngestDeps, invoiceId: string): Promise<void> {
  try {
    await deps.starts.request(invoiceId);
  } catch (error) {
    deps.log.error('start request failed; the reconciler will start this invoice', { invoiceId, error: String(error) });
  }
}

export async function signal(deps: Pick<IngestDeps, 'events' | 'log'>, detailType: SignalDetailType, invoice: Invoice): Promise<void> {
  try {
    await deps.events.publish(detailType, { invoiceId: invoice.invoiceId, version: invoice.version });
  } catch (error) {
    deps.log.error('domain event publish failed; the invoice re-plans at its next timer', {
      invoiceId: invoice.invoiceId,
      detailType,
      error: String(error),
    });
  }
}

// ---------------------------------------------------------------------------------------
// Executions
// ---------------------------------------------------------------------------------------

export interface StartDeps {
  readonly store: InvoiceStore;
  readonly clock: Clock;
  /** StartExecution only; paced by the start buffer's consumer (shared/use-cases/start-batch.ts). */
  readonly workflow: Pick<Workflow, 'start'>;
}

/**
 * What every execution name of an invoice starts with: a readable part of its id and a hash of
 * all of it, so distinct ids stay distinct. The reconciler matches running executions to
 * invoices by it.
 */
export function executionKey(invoiceId: string): string {
  let hash = 2166136261;
  for (const char of invoiceId) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  const readable = invoiceId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 48);
  return `${readable}-${hash.toString(36)}`;
}

/** Step Functions execution names: 1–80 of [A-Za-z0-9-_]: the invoice's key and a generation. */
export function executionName(invoiceId: string, generation: number): string {
  return `${executionKey(invoiceId)}-g${generation}`;
}

/** The invoice key of an execution name (`executionName` less its generation). */
export function executionKeyOfName(name: string): string {
  return name.replace(/-g\d+$/, '');
}

/** 'started': the invoice's execution runs (started now, or it already was). */
export type StartOutcome = 'started' | 'closed';

/**
 * Makes sure the invoice has a live execution. The name is derived from the invoice id and a
 * generation number, so concurrent or repeated starts converge on one execution; a new
 * generation is taken only when the previous execution has ended. The recorded execution is
 * started by name first: Step Functions answers a running one as started (a no-op) and an ended
 * one as such, so no DescribeExecution call (and its much smaller quota) is spent on it.
 */
export async function startDunning(deps: StartDeps, invoiceId: string): Promise<StartOutcome> {
  const invoice = await deps.store.get(invoiceId);
  if (!invoice) throw new InvoiceNotFoundError(`Invoice ${invoiceId} does not exist`);
  if (invoice.closedAt) return 'closed';
  const recorded = invoice.execution;
  // Running, or recorded but never started (or its name free again after 90 days): it runs now.
  if (recorded && (await deps.workflow.start(recorded.name, { invoiceId })) === 'started') return 'started';
  const generation = (recorded?.generation ?? 0) + 1;
  const name = executionName(invoiceId, generation);
  const updated = await mutateInvoice(deps.store, invoiceId, (current) => {
    if (current.closedAt || (current.execution && current.execution.generation >= generation)) return null;
    const at = deps.clock.now().toISOString();
    return withEvent({ ...current, execution: { name, generation, startedAt: at } }, { at, type: 'dunning.started', generation });
  });
  if (updated.closedAt || !updated.execution) return 'closed';
  // Whoever recorded this generation, starting it by name is idempotent. Ended already means
  // another starter's execution of it ran to its end meanwhile: a retry takes the next generation.
  if ((await deps.workflow.start(updated.execution.name, { invoiceId })) === 'ended') {
    throw new Error(
      `Execution ${updated.execution.name} of invoice ${invoiceId} ended before this start; retry to take the next generation`,
    );
  }
  return 'started';
}

// ---------------------------------------------------------------------------------------
// The workflow's tasks
// ---------------------------------------------------------------------------------------

export interface PlanDeps {
  readonly store: InvoiceStore;
  readonly clock: Clock;
  /** Where a send found dead mid-way is reported (the reminder-outcome-unknown alarm counts the line). */
  readonly log?: Logger | undefined;
  /** The customer's recent messages, for the frequency cap; without it the cap is not applied. */
  readonly ledger?: CustomerLedger | undefined;
  /** The customer's channels (preference, consent, suppressed addresses); without it the policy's channels. */
  readonly customers?: Pick<CustomerDirectory, 'reachability'> | undefined;
}

/** The instants of the customer's recent customer-facing messages, across all their invoices. */
async function recentSends(ledger: CustomerLedger | undefined, customerId: string): Promise<{ sends: Date[]; version: number }> {
  if (!ledger) return { sends: [], version: 0 };
  const snapshot = await ledger.read(customerId);
  return { sends: snapshot.entries.map((entry) => new Date(entry.at)), version: snapshot.version };
}

/** The ledger keeps a little more than the weekly cap's rolling window. */
const LEDGER_KEEP_MS = 8 * 86_400_000;

export type WorkflowAction = PlannedAction & { readonly version: number };

export async function planInvoice(deps: PlanDeps, invoiceId: string): Promise<WorkflowAction> {
  // Reported once the write went through (the closure may run again on a fresh read).
  let unconfirmed: string[] = [];
  const invoice = await mutateInvoice(deps.store, invoiceId, (current) => {
    const now = deps.clock.now();
    const at = now.toISOString();
    // Holds whose time has come are decided first (promise kept or broken, hold expired).
    let next = reviewHolds(current, now, policyFor(current).holdRules) ?? current;
    // Plan runs only after the previous task finished, so a claim still open here belongs to an
    // attempt that died mid-send (a crash, a lost process): record that its outcome is unknown.
    const stale = Object.entries(next.steps).filter(
      ([, record]) => record.state === 'claimed' && (!record.claimedBy || claimExpired(record, now)),
    );
    for (const [stepId, record] of stale) {
      next = withEvent(setStep(next, stepId, { ...record, state: 'unconfirmed', at }), { at, type: 'reminder.unconfirmed', stepId });
    }
    unconfirmed = stale.map(([stepId]) => stepId);
    return next === current ? null : next;
  });
  for (const stepId of unconfirmed) deps.log?.error(REMINDER_OUTCOME_UNKNOWN, { invoiceId, stepId });
  return { ...(await planForCustomer(deps, invoice)), version: invoice.version };
}

/** The planner's answer with what it weighs besides the invoice: the customer's cap and channels. */
async function planForCustomer(deps: Omit<PlanDeps, 'store'>, invoice: Invoice): Promise<PlannedAction> {
  const customerId = invoice.customer.customerId;
  const [{ sends }, reachability] = await Promise.all([
    recentSends(deps.ledger, customerId),
    deps.customers ? deps.customers.reachability(customerId) : undefined,
  ]);
  return planNextAction(invoice, policyFor(invoice), deps.clock.now(), sends, reachability);
}

export interface PayLinks {
  payUrl(invoiceId: string, dueDate: string, now: Date): Promise<string>;
  /** A short link to the same page, for SMS (one segment instead of two); without it SMS carry payUrl. */
  shortUrl?(invoiceId: string, dueDate: string, now: Date): Promise<string>;
}

export interface SendDeps {
  readonly store: InvoiceStore;
  readonly clock: Clock;
  readonly mailer: Mailer;
  readonly texter: Texter;
  readonly links: PayLinks;
  /** Who is asking for the money: named in every message; without it messages carry no sign-off. */
  readonly creditor?: Creditor | undefined;
  /** The frequency cap's ledger; without it the cap is not applied. */
  readonly ledger?: CustomerLedger | undefined;
  /** Channel consent and suppressed addresses; without it every channel is allowed. */
  readonly customers?: Pick<CustomerDirectory, 'reachability' | 'suppress'> | undefined;
  /** The customer's other invoices, to combine reminders due at once into one message. */
  readonly companions?: Pick<CustomerStore, 'linkedInvoices'> | undefined;
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
  let delivery = 'email' as 'email' | 'sms';
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
    if ((action.type !== 'send_email' && action.type !== 'send_sms') || action.stepId !== stepId) {
      outcome = 'not_due';
      return null;
    }
    const next = skipSuperseded(invoice, policy, stepId, at, reach);
    // A channel the customer opted out of (or whose address bounced, complained or replied
    // STOP) moves the message to the other one, if allowed.
    const stepChannel = resolveStep(policy, stepId)?.channel;
    const wanted: 'email' | 'sms' = stepChannel === 'sms' ? 'sms' : 'email';
    const choice = chooseMessageChannel(stepChannel === 'sms' || stepChannel === 'notice' ? stepChannel : 'email', invoice.customer, reach);
    if (choice.kind === 'none') {
      outcome = 'no_consent';
      const suppressed = choice.blockedBy;
      // No channel left: the planner hands the invoice to a collector (never silence).
      return recordReminderSkipped(next, stepId, at, NO_CHANNEL, noChannelReason(wanted, suppressed));
    }
    delivery = choice.channel;
    const address = delivery === 'sms' ? invoice.customer.phone : invoice.customer.email;
    if (!address) {
      outcome = 'no_address';
      const reason = delivery === 'sms' ? 'no_phone_number' : 'no_email_address';
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
  const isText = delivery === 'sms';
  const to = (isText ? claimed.customer.phone : claimed.customer.email) ?? '';
  let messageId: string;
  let send: () => Promise<{ messageId: string }>;
  // Other invoices of the customer due for an email now go in the same message.
  const companions =
    delivery === 'email' && step.channel === 'email' && !installmentFor(claimed, stepId)
      ? await claimCompanions(deps, claimed, claimId, ledgerSends, reach)
      : [];
  const releaseAll = async () => {
    await releaseClaim(deps, invoiceId, stepId, claimId);
    for (const companion of companions) await releaseClaim(deps, companion.invoice.invoiceId, companion.stepId, claimId);
    await releaseReservation();
  };
  const invoiceIds = [invoiceId, ...companions.map((companion) => companion.invoice.invoiceId)];
  try {
    const payUrl = await deps.links.payUrl(invoiceId, claimed.dueDate, deps.clock.now());
    if (isText) {
      const smsUrl = deps.links.shortUrl ? await deps.links.shortUrl(invoiceId, claimed.dueDate, deps.clock.now()) : payUrl;
      // An installment reminder by text names the installment's amount and date, not the whole balance.
      const installment = installmentFor(claimed, stepId);
      const due = installment ? { amountMinor: installment.amountMinor, dueDate: installment.dueDate } : undefined;
      const text = renderText(claimed, tone, smsUrl, deps.creditor, due);
      send = () => deps.texter.send({ to, text, invoiceIds, step: stepId });
    } else if (companions.length > 0) {
      const entries = [{ invoice: claimed, tone }, ...companions.map(({ invoice, tone }) => ({ invoice, tone }))];
      const links = await Promise.all(
        entries.map(({ invoice }) => deps.links.payUrl(invoice.invoiceId, invoice.dueDate, deps.clock.now())),
      );
      const message = renderCombinedReminder(
        entries.map((entry, index) => ({ ...entry, payUrl: links[index] ?? '' })),
        deps.clock.now(),
        deps.creditor,
      );
      send = () => deps.mailer.send({ ...message, to, invoiceIds, step: stepId, unsubscribeUrl: preferencesUrl(payUrl) });
    } else {
      const installment = installmentFor(claimed, stepId);
      const message = installment
        ? renderInstallmentReminder(claimed, installment, payUrl, deps.creditor)
        : renderReminder(claimed, tone, payUrl, { formal: step.channel === 'notice', now: deps.clock.now(), creditor: deps.creditor });
      send = () => deps.mailer.send({ ...message, to, invoiceIds, step: stepId, unsubscribeUrl: preferencesUrl(payUrl) });
    }
  } catch (error) {
    // Nothing reached the provider: release the claims so a retry can send.
    await releaseAll();
    throw error;
  }
  try {
    ({ messageId } = await send());
  } catch (error) {
    // A refusal is certain; any other failure may have sent the message, so the claims stay.
    if (error instanceof MailRejectedError || error instanceof TextRejectedError) await releaseAll();
    throw error;
  }
  const combined = invoiceIds.length > 1 ? { combinedWith: invoiceIds } : {};
  const recordSent = (id: string, sentStep: string, sentTone: Tone, channel: string) =>
    mutateInvoice(deps.store, id, (invoice) => {
      if (invoice.steps[sentStep]?.claimId !== claimId) return null;
      const at = deps.clock.now().toISOString();
      return recordReminderSent(invoice, sentStep, { at, channel, tone: sentTone, to, messageId, claimId, ...combined });
    });
  // The channel it actually went by (a notice stays a notice when it went by email).
  await recordSent(invoiceId, stepId, tone, step.channel === 'notice' && delivery === 'email' ? 'notice' : delivery);
  for (const companion of companions) await recordSent(companion.invoice.invoiceId, companion.stepId, companion.tone, 'email');
  return 'sent';
}

/** Why no channel was left for a message that wanted `wanted`: the suppression that blocked it, or the missing consent. */
export function noChannelReason(wanted: 'email' | 'sms', suppressed: Suppression | undefined): string {
  return suppressed ? suppressedReason[suppressed.reason] : wanted === 'sms' ? 'no_sms_consent' : 'no_email_consent';
}

const suppressedReason: Record<SuppressionReason, string> = {
  bounce: 'email_bounced',
  complaint: 'email_complained',
  sms_opt_out: 'sms_opted_out',
};

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
async function withCarrierOptOut(
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

/** A claim made for a combined message expires after the longest a send can take (a Lambda's 15 minutes). */
const CLAIM_LEASE_MS = 15 * 60_000;

function claimExpired(record: StepRecord, now: Date): boolean {
  return now.getTime() - Date.parse(record.at) > CLAIM_LEASE_MS;
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
    if ((action.type !== 'send_email' && action.type !== 'send_sms') || action.stepId !== stepId) return 'not_due';
    const entry = { at: now.toISOString(), invoiceId, stepId, entryId };
    if (await deps.ledger.reserve(customerId, entry, version, new Date(now.getTime() - LEDGER_KEEP_MS))) {
      return { customerId, sendsBefore: sends };
    }
  }
  throw new Error(`Could not reserve a send for customer of invoice ${invoiceId}: the ledger kept changing`);
}

/** The installment a `plan.<planId>.<n>` reminder is about. */
export function installmentFor(
  invoice: Invoice,
  stepId: string,
): { number: number; of: number; dueDate: string; amountMinor: number } | undefined {
  const match = /^plan\.(.+)\.(\d+)$/.exec(stepId);
  if (!match) return undefined;
  const plan = (invoice.holds ?? []).find((hold) => hold.holdId === match[1])?.paymentPlan;
  const number = Number(match[2]);
  const installment = plan?.installments[number - 1];
  return plan && installment ? { number, of: plan.installments.length, ...installment } : undefined;
}

/**
 * The earlier steps that `stepId` supersedes (planner's supersededSteps), recorded as skipped:
 * what a send, a combined message's companion and a hand-over to a collector do first.
 */
export function skipSuperseded(invoice: Invoice, policy: Policy, stepId: string, at: string, reachability?: Reachability): Invoice {
  let next = invoice;
  for (const skipped of supersededSteps(invoice, policy, stepId, reachability)) {
    next = withEvent(setStep(next, skipped, { state: 'skipped', at, detail: `superseded by ${stepId}` }), {
      at,
      type: 'reminder.skipped',
      stepId: skipped,
      reason: 'superseded',
    });
  }
  return next;
}

/** A reminder that left: the step sent under its message id, and `reminder.sent` with the balance it asked for. */
export function recordReminderSent(
  invoice: Invoice,
  stepId: string,
  sent: {
    readonly at: string;
    /** The channel it went by (a notice that went by email stays `notice`). */
    readonly channel: string;
    readonly tone: Tone;
    readonly to: string;
    readonly messageId: string;
    readonly claimId?: string | undefined;
    /** Every invoice of a combined message, the lead first. */
    readonly combinedWith?: readonly string[] | undefined;
  },
): Invoice {
  const { at, channel, tone, to, messageId, claimId, combinedWith } = sent;
  return withEvent(setStep(invoice, stepId, { state: 'sent', at, claimId, messageId }), {
    at,
    type: 'reminder.sent',
    stepId,
    channel,
    tone,
    to,
    messageId,
    balanceMinor: balanceMinor(invoice),
    ...(combinedWith ? { combinedWith } : {}),
  });
}

/** A step that will not be sent, and why (`reminder.skipped`); `detail` goes on the step record. */
export function recordReminderSkipped(invoice: Invoice, stepId: string, at: string, detail: string, reason: string): Invoice {
  return withEvent(setStep(invoice, stepId, { state: 'skipped', at, detail }), { at, type: 'reminder.skipped', stepId, reason });
}

export function setStep(invoice: Invoice, stepId: string, record: StepRecord): Invoice {
  return { ...invoice, steps: { ...invoice.steps, [stepId]: JSON.parse(JSON.stringify(record)) as StepRecord } };
}

async function releaseClaim(deps: { store: InvoiceStore }, invoiceId: string, stepId: string, claimId: string): Promise<void> {
  await mutateInvoice(deps.store, invoiceId, (invoice) => {
    const record = invoice.steps[stepId];
    if (record?.claimId !== claimId) return null;
    const steps = { ...invoice.steps };
    if (record.failures) steps[stepId] = { state: 'failed', at: record.at, failures: record.failures };
    else delete steps[stepId];
    return { ...invoice, steps };
  });
}

export interface FailureDeps {
  readonly store: InvoiceStore;
  readonly clock: Clock;
  /** Where a send that may have reached the provider is reported (the reminder-outcome-unknown alarm counts the line). */
  readonly log?: Logger | undefined;
}

/** Logged whenever a reminder becomes `unconfirmed`: an operations alarm counts these lines. */
export const REMINDER_OUTCOME_UNKNOWN =
  'reminder outcome unknown: an earlier attempt claimed it and did not finish; it will not be re-sent';

/** A send or task failed: recorded against its step. The planner retries it a few times, after a delay each, then gives up on it. */
export async function recordSendFailure(deps: FailureDeps, invoiceId: string, stepId: string, error: string, cause: string): Promise<void> {
  // Reported once the write went through (the closure may run again on a fresh read).
  let unconfirmed = false;
  await mutateInvoice(deps.store, invoiceId, (invoice) => {
    const at = deps.clock.now().toISOString();
    const record = invoice.steps[stepId];
    unconfirmed = record?.state === 'claimed';
    if (record && record.state !== 'failed' && record.state !== 'claimed') return null;
    if (record?.state === 'claimed') {
      return withEvent(setStep(invoice, stepId, { state: 'unconfirmed', at, claimId: record.claimId }), {
        at,
        type: 'reminder.unconfirmed',
        stepId,
      });
    }
    const failures = (record?.failures ?? 0) + 1;
    return withEvent(setStep(invoice, stepId, { state: 'failed', at, failures, detail: `${error}: ${cause}`.slice(0, 500) }), {
      at,
      type: 'reminder.failed',
      stepId,
      error,
      attempt: failures,
      final: failures >= MAX_STEP_FAILURES,
    });
  });
  if (unconfirmed) deps.log?.error(REMINDER_OUTCOME_UNKNOWN, { invoiceId, stepId, error, cause });
}

// ---------------------------------------------------------------------------------------
// Sleeping and waking
// ---------------------------------------------------------------------------------------

export interface TimerDeps {
  readonly store: InvoiceStore;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly workflow: Workflow;
  /** As for planInvoice: the re-check must plan with the same inputs, or it sees a change that is not there. */
  readonly ledger?: CustomerLedger | undefined;
  readonly customers?: Pick<CustomerDirectory, 'reachability'> | undefined;
}

/**
 * Each sleep has its own timer name, so cancelling one sleep's timer can never delete the
 * timer of a newer sleep (Scheduler names: at most 64 of [0-9a-zA-Z-_.]).
 */
export function timerName(invoiceId: string, sleepId: string): string {
  return `${executionKey(invoiceId).slice(-40)}-${sleepId.replace(/[^A-Za-z0-9]/g, '').slice(0, 16)}`;
}

export interface ArmRequest {
  readonly invoiceId: string;
  readonly until: string | null;
  readonly taskToken: string;
  /** The invoice version the sleep was planned at. */
  readonly planVersion?: number | undefined;
}

/**
 * Parks the execution: stores its task token and arms the timer that resumes it. If the
 * invoice changed after the plan was made (a payment raced the planner), the sleep may be
 * wrong, so the execution is resumed at once to plan again.
 */
export async function armTimer(deps: TimerDeps, request: ArmRequest): Promise<'armed' | 'replan'> {
  const sleepId = randomUUID();
  const scheduleName = request.until ? timerName(request.invoiceId, sleepId) : null;
  let previousTimer: string | null = null;
  const invoice = await mutateInvoice(deps.store, request.invoiceId, (current) => {
    previousTimer = current.wait?.scheduleName ?? null;
    return { ...current, wait: { sleepId, taskToken: request.taskToken, until: request.until, scheduleName } };
  });
  // A timer left by an earlier sleep would only be ignored by wake; delete it to keep things tidy.
  if (previousTimer) await deps.timers.cancel(previousTimer);
  const changedSincePlan = request.planVersion !== undefined && invoice.version !== request.planVersion + 1;
  if (changedSincePlan) {
    const action = await planForCustomer(deps, invoice);
    const stillSleeping = action.type === 'sleep' && action.until === request.until;
    if (!stillSleeping) {
      await deps.workflow.resume(request.taskToken, { reason: 'changed_while_planning' });
      return 'replan';
    }
  }
  if (request.until && scheduleName) {
    const at = new Date(Math.max(Date.parse(request.until), deps.clock.now().getTime()));
    await deps.timers.arm(scheduleName, at, { invoiceId: request.invoiceId, sleepId });
  }
  return 'armed';
}

export interface WakeDeps {
  readonly store: InvoiceStore;
  readonly workflow: Workflow;
}

/** The timer fired. A timer left over from an earlier sleep (another sleepId) is ignored. */
export async function wake(deps: WakeDeps, invoiceId: string, sleepId: string): Promise<'resumed' | 'stale' | 'gone'> {
  const invoice = await deps.store.get(invoiceId);
  if (!invoice?.wait || invoice.wait.sleepId !== sleepId) return 'stale';
  return deps.workflow.resume(invoice.wait.taskToken, { reason: 'timer' });
}

export interface SignalDeps {
  readonly store: InvoiceStore;
  readonly workflow: Workflow;
  readonly timers: Timers;
}

/** Something happened to the invoice (payment, update): cancel its timer and let it re-plan now. */
export async function signalInvoice(deps: SignalDeps, invoiceId: string, reason: string): Promise<'resumed' | 'gone' | 'not_waiting'> {
  const invoice = await deps.store.get(invoiceId);
  if (!invoice?.wait || invoice.closedAt) return 'not_waiting';
  if (invoice.wait.scheduleName) await deps.timers.cancel(invoice.wait.scheduleName);
  return deps.workflow.resume(invoice.wait.taskToken, { reason });
}

// ---------------------------------------------------------------------------------------
// Closing
// ---------------------------------------------------------------------------------------

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
  readonly log: Logger;
}

/** The step record of the thank-you sent when payments settle an invoice. */
export const THANK_YOU_STEP = 'thank-you';

/** Thanks are for a payment that settled the invoice (not a credit note that did), and go once. */
export function thankYouDue(invoice: Invoice): boolean {
  const settledByPayment = invoice.timeline.some((event) => event.type === 'invoice.paid');
  return invoice.status === 'paid' && settledByPayment && !invoice.steps[THANK_YOU_STEP];
}

/**
 * How the thank-you reaches the customer: by email, as it carries the receipt, unless they will
 * not or cannot get email (consent, a suppressed address, a preference for texts), then by text.
 */
export function thankYouChoice(
  customer: Customer,
  reach: Reachability,
): { kind: 'send'; channel: 'email' | 'sms' } | { kind: 'skip'; reason: string } {
  const choice = chooseChannel('email', customer, reach);
  if (choice.kind === 'none') {
    const blocked = choice.blockedBy;
    return { kind: 'skip', reason: blocked ? suppressedReason[blocked.reason] : customer.email ? 'no_email_consent' : 'no_email_address' };
  }
  if (choice.channel === 'email' && !customer.email) return { kind: 'skip', reason: 'no_email_address' };
  return { kind: 'send', channel: choice.channel };
}

export function recordThankYouSent(
  invoice: Invoice,
  sent: {
    readonly at: string;
    readonly channel: 'email' | 'sms';
    readonly to: string;
    readonly messageId?: string;
    readonly claimId?: string;
  },
): Invoice {
  const { at, channel, to, messageId, claimId } = sent;
  return withEvent(setStep(invoice, THANK_YOU_STEP, { state: 'sent', at, claimId, messageId }), {
    at,
    type: 'thank_you.sent',
    channel,
    to,
    ...(messageId ? { messageId } : {}),
  });
}

export function recordThankYouSkipped(invoice: Invoice, at: string, reason: string): Invoice {
  return withEvent(setStep(invoice, THANK_YOU_STEP, { state: 'skipped', at, detail: reason }), { at, type: 'thank_you.skipped', reason });
}

/** The closing record: the execution's wait is over, `invoice.closed` with why. */
export function recordClosed(invoice: Invoice, at: string, reason: string): Invoice {
  return withEvent({ ...invoice, closedAt: at, wait: undefined }, { at, type: 'invoice.closed', reason });
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
): Promise<{ kind: 'send'; channel: 'email' | 'sms' } | { kind: 'skip'; reason: string }> {
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

async function sendThankYou(deps: CloseDeps, invoiceId: string, channel: 'email' | 'sms'): Promise<void> {
  const claimId = randomUUID();
  let claimedNow = false;
  const claimed = await mutateInvoice(deps.store, invoiceId, (invoice) => {
    if (invoice.steps[THANK_YOU_STEP]) return null;
    claimedNow = true;
    return setStep(invoice, THANK_YOU_STEP, { state: 'claimed', at: deps.clock.now().toISOString(), claimId });
  });
  if (!claimedNow) return;
  const texter = deps.texter;
  const byText = channel === 'sms' && texter !== undefined;
  const to = (byText ? claimed.customer.phone : claimed.customer.email) ?? '';
  let messageId: string;
  try {
    if (byText) {
      const text = renderThankYouText(claimed, deps.creditor);
      ({ messageId } = await texter.send({ to, text, invoiceIds: [invoiceId], step: THANK_YOU_STEP }));
    } else {
      const message = renderThankYou(claimed, deps.creditor);
      ({ messageId } = await deps.mailer.send({ ...message, to, invoiceIds: [invoiceId], step: THANK_YOU_STEP }));
    }
  } catch (error) {
    if (error instanceof MailRejectedError || error instanceof TextRejectedError)
      await releaseClaim(deps, invoiceId, THANK_YOU_STEP, claimId);
    throw error;
  }
  await mutateInvoice(deps.store, invoiceId, (invoice) => {
    if (invoice.steps[THANK_YOU_STEP]?.claimId !== claimId) return null;
    return recordThankYouSent(invoice, { at: deps.clock.now().toISOString(), channel: byText ? 'sms' : 'email', to, messageId, claimId });
  });
}
