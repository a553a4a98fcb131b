import type { RiskAssessment } from '#domain/risk.ts';
import {
  type ConsentChannelId,
  consentChannelIds,
  type MessageChannelId,
  messageChannelIds,
  messageChannelOf,
  messageChannels,
} from './channels.ts';
import { localDate } from './holds.ts';
import { balanceMinor, type Customer, type Invoice, isSettled, type TimelineEvent } from './invoice.ts';
import { sumMinor } from './money.ts';
import type { InvoiceHistory } from './risk.ts';
import { type Channel, customerFacing } from './send-window.ts';

/**
 * Customer master data: the contacts, time zone, locale, segment and country (whose public
 * holidays are no send days) the ERP keeps for a customer, the settings finance adds (default
 * policy, channel consent, preferred channel), and the customer's standing — their risk from
 * their own invoices and what they owe now.
 */

export type ContactDetails = Omit<Customer, 'customerId'>;

/** Whether the customer agreed to be reached on each message channel. */
export type ChannelConsent = { readonly [channel in ConsentChannelId]: boolean };

export const preferredChannels = consentChannelIds;
export type PreferredChannel = ConsentChannelId;

/** The ERP's contacts: everyone it sends us is reachable on both channels until told otherwise. */
export const defaultConsent: ChannelConsent = { email: true, sms: true };

/**
 * An address that must not be used again: a hard bounce or a spam complaint (email), or a
 * number that opted out at the carrier (SMS, a STOP reply). It names the address, so a new
 * address from the ERP is reachable again.
 */
export interface Suppression {
  readonly channel: MessageChannelId;
  readonly address: string;
  readonly reason: SuppressionReason;
  readonly at: string;
}

export type SuppressionReason = 'bounce' | 'complaint' | 'sms_opt_out';

/** Whether a channel may be used for a customer: their consent, less the suppressed addresses, and their preference. */
export interface Reachability {
  readonly consent: ChannelConsent;
  readonly suppressions: readonly Suppression[];
  /** The customer asked to be reached this way: a reminder goes by it when it can. */
  readonly preferredChannel?: PreferredChannel | undefined;
}

export const openReachability: Reachability = { consent: defaultConsent, suppressions: [] };

export function sameAddress(channel: MessageChannelId, a: string, b: string): boolean {
  return messageChannels[channel].sameAddress(a, b);
}

/** The suppression that stops `address` on `channel`, if any. */
export function suppressionOf(
  reachability: Pick<Reachability, 'suppressions'>,
  channel: MessageChannelId,
  address: string | undefined,
): Suppression | undefined {
  if (!address) return undefined;
  return reachability.suppressions.find((entry) => entry.channel === channel && sameAddress(channel, entry.address, address));
}

export type ChannelChoice =
  /** Send by this channel (its address may still be missing: the step is then skipped as such). */
  | { readonly kind: 'channel'; readonly channel: MessageChannelId }
  /** No channel may carry it: a collector takes over. `blockedBy` when the wanted one was suppressed. */
  | { readonly kind: 'none'; readonly blockedBy: Suppression | undefined };

/**
 * The channel a message the policy wants on `wanted` goes by: the customer's preferred one when
 * it is allowed and has an address; else `wanted` when the customer allows it and its address is
 * not suppressed; else the first other channel of the registry that is allowed and has an address.
 */
export function chooseChannel(
  wanted: MessageChannelId,
  customer: Customer,
  reachability: Reachability,
  options: { readonly followPreference?: boolean } = {},
): ChannelChoice {
  const addressOf = (channel: MessageChannelId) => messageChannels[channel].address(customer);
  const consented = (channel: MessageChannelId) => {
    const key = messageChannels[channel].consentKey;
    return key === undefined || reachability.consent[key];
  };
  const allowed = (channel: MessageChannelId) => consented(channel) && !suppressionOf(reachability, channel, addressOf(channel));
  const preferred = (options.followPreference ?? true) ? reachability.preferredChannel : undefined;
  if (preferred && preferred !== wanted && allowed(preferred) && addressOf(preferred)) return { kind: 'channel', channel: preferred };
  if (allowed(wanted)) return { kind: 'channel', channel: wanted };
  const other = messageChannelIds.find(
    (channel) => channel !== wanted && messageChannels[channel].fallback && allowed(channel) && addressOf(channel),
  );
  if (other) return { kind: 'channel', channel: other };
  return { kind: 'none', blockedBy: suppressionOf(reachability, wanted, addressOf(wanted)) };
}

/**
 * The channel a message step goes by: its own, or the customer's preferred one, or another one
 * when its own cannot reach them. A formal notice is an email unless email is impossible: it
 * does not follow the preference.
 */
export function chooseMessageChannel(step: Channel, customer: Customer, reachability: Reachability): ChannelChoice {
  return chooseChannel(messageChannelOf(step) ?? 'email', customer, reachability, { followPreference: step !== 'notice' });
}

/**
 * The channel a policy step actually goes by for this customer (`chooseMessageChannel`, with a
 * notice still a notice). Collector steps, and messages with no channel left (the send hands
 * those to a collector), keep the policy's channel.
 */
export function deliveryChannel(channel: Channel, customer: Customer, reachability: Reachability | undefined): Channel {
  if (!reachability || !customerFacing(channel)) return channel;
  const choice = chooseMessageChannel(channel, customer, reachability);
  if (choice.kind === 'none') return channel;
  return channel === 'notice' && choice.channel === 'email' ? 'notice' : choice.channel;
}

export interface CustomerProfile extends Customer {
  /** The policy a new invoice of this customer follows when it names none itself. */
  readonly policyId?: string | undefined;
  readonly consent: ChannelConsent;
  /** Addresses that bounced, complained or opted out; absent when there are none. */
  readonly suppressions?: readonly Suppression[] | undefined;
  readonly preferredChannel?: PreferredChannel | undefined;
  /**
   * The instant the contact details are as of (a PUT, or the creation of the invoice they came
   * from): contacts from an invoice created earlier never overwrite newer ones.
   */
  readonly contactsAsOf: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Optimistic concurrency, as for invoices: 0 until first stored. */
  readonly version: number;
}

const contactFields = ['name', 'email', 'phone', 'postalAddress', 'timeZone', 'locale', 'segment', 'country', 'subdivision'] as const;

export function contactsOf(customer: Customer | CustomerProfile): ContactDetails {
  const contacts: Record<string, string> = {};
  for (const field of contactFields) {
    const value = customer[field];
    if (value !== undefined) contacts[field] = value;
  }
  return contacts as unknown as ContactDetails;
}

function sameContacts(a: ContactDetails, b: ContactDetails): boolean {
  return contactFields.every((field) => a[field] === b[field]);
}

// ---------------------------------------------------------------------------------------
// History: what the risk model sees of an invoice
// ---------------------------------------------------------------------------------------

/** Events that show the customer reacting to dunning. */
const reactions = new Set(['payment.received', 'dispute.opened', 'promise.made', 'payment_plan.agreed']);

/** A payment plan is a promise to pay in instalments: agreeing one and breaking it count like a promise. */
const commitments = new Set(['promise', 'payment_plan']);

/**
 * One invoice as the risk model sees it, or undefined for a void invoice. Voiding cancels the
 * claim: the invoice should never have been issued (an ERP correction, a duplicate), or a
 * dispute was upheld because it was wrong — the customer was right not to pay it. Either way it
 * says nothing about how this customer pays, so it counts for nothing: not as late, not as a
 * dispute, not as promises. (A dispute that was rejected or settled with a credit note does
 * count: the invoice stood.)
 *
 * - `settledOn`: the day payments or credit notes brought the balance to zero, in the
 *   customer's time zone (due dates are their calendar dates too). When payments settled it,
 *   that is the latest `paidAt` of the payments recorded by then — the day the money arrived,
 *   which an ERP often reports a day or more after the fact — never later than the day it was
 *   recorded. When a credit note settled it, the day of the credit note. Null while it is open,
 *   and for a written-off invoice: it was never paid.
 * - `writtenOffOn`: the day the unpaid balance was written off (the `invoice.written_off`
 *   event), in the customer's time zone; null unless it was. The risk model counts it as bad
 *   debt, never as a payment.
 * - `disputed`: any dispute hold; `promisesMade`: promise and payment-plan holds (replaced ones
 *   too); `promisesBroken`: those that ended `broken`.
 * - `remindersSent`: `reminder.sent` events (customer-facing messages; collector tasks are not).
 * - `responded`: a payment, dispute, promise or payment plan after the first reminder, in
 *   timeline order.
 */
export function invoiceHistory(invoice: Invoice): InvoiceHistory | undefined {
  if (invoice.status === 'void') return undefined;
  const timeZone = invoice.customer.timeZone;
  const holds = invoice.holds ?? [];
  const promises = holds.filter((hold) => commitments.has(hold.reason));
  const firstReminder = invoice.timeline.findIndex((event) => event.type === 'reminder.sent');
  return {
    invoiceId: invoice.invoiceId,
    dueDate: invoice.dueDate,
    settledOn: settledOn(invoice, timeZone),
    writtenOffOn: writtenOffOn(invoice, timeZone),
    disputed: holds.some((hold) => hold.reason === 'dispute'),
    promisesMade: promises.length,
    promisesBroken: promises.filter((hold) => hold.outcome === 'broken').length,
    remindersSent: invoice.timeline.filter((event) => event.type === 'reminder.sent').length,
    responded: firstReminder >= 0 && invoice.timeline.slice(firstReminder + 1).some((event) => reactions.has(event.type)),
  };
}

/** Paid in full, or credited to zero. A write-off settles nothing: the money never came. */
const settlingEvents = new Set(['invoice.paid', 'invoice.settled']);

function settledOn(invoice: Invoice, timeZone: string): string | null {
  if (invoice.status !== 'paid') return null;
  const index = invoice.timeline.findIndex((event) => settlingEvents.has(event.type));
  const event: TimelineEvent | undefined = invoice.timeline[index];
  if (!event) return null;
  let instant = Date.parse(event.at);
  if (event.type === 'invoice.paid') {
    const paidAt = invoice.timeline
      .slice(0, index)
      .filter((earlier) => earlier.type === 'payment.received' && typeof earlier.paidAt === 'string')
      .map((earlier) => Date.parse(earlier.paidAt as string))
      .filter((time) => !Number.isNaN(time));
    if (paidAt.length > 0) instant = Math.min(instant, Math.max(...paidAt));
  }
  return localDate(new Date(instant), timeZone);
}

function writtenOffOn(invoice: Invoice, timeZone: string): string | null {
  if (invoice.status !== 'written_off') return null;
  const event = invoice.timeline.find((candidate) => candidate.type === 'invoice.written_off');
  // Without its event (not written by this code), the day it was closed is the best we know.
  return localDate(new Date(event?.at ?? invoice.closedAt ?? invoice.updatedAt), timeZone);
}

/** The invoices that still belong to the customer (an invoice can move before dunning starts). */
export function customerInvoices(invoices: readonly Invoice[], customerId: string): Invoice[] {
  return invoices.filter((invoice) => invoice.customer.customerId === customerId);
}

export function customerHistory(invoices: readonly Invoice[]): InvoiceHistory[] {
  return invoices.map(invoiceHistory).filter((history): history is InvoiceHistory => history !== undefined);
}

export interface OpenInvoices {
  readonly count: number;
  /**
   * What is owed, per currency, in minor units (overpaid invoices count as zero). BigInt: each
   * balance is a safe integer, but their sum over a customer's invoices can pass 2^53.
   */
  readonly balanceMinor: Readonly<Record<string, bigint>>;
}

export function openInvoices(invoices: readonly Invoice[]): OpenInvoices {
  const balance: Record<string, bigint> = {};
  let count = 0;
  for (const invoice of invoices) {
    if (isSettled(invoice.status)) continue;
    count += 1;
    balance[invoice.currency] = sumMinor([balance[invoice.currency] ?? 0n, Math.max(0, balanceMinor(invoice))]);
  }
  return { count, balanceMinor: balance };
}

// ---------------------------------------------------------------------------------------
// Changes to a profile
// ---------------------------------------------------------------------------------------

export interface CustomerUpdate {
  readonly contacts: ContactDetails;
  readonly policyId?: string | undefined;
  /** Omitted: the recorded consent stays (both channels for a new customer). */
  readonly consent?: ChannelConsent | undefined;
  readonly preferredChannel?: PreferredChannel | undefined;
}

export type ProfileChange =
  | { readonly kind: 'created' | 'updated'; readonly profile: CustomerProfile }
  | { readonly kind: 'unchanged'; readonly profile: CustomerProfile }
  | { readonly kind: 'invalid'; readonly errors: readonly { path: string; message: string }[] };

/**
 * A PUT: the contacts, policy and preferred channel are replaced as sent (an omitted optional
 * field is removed). Consent changes only when it is sent: a contacts sync that knows nothing
 * of consent must never re-enable a channel the customer turned off.
 */
export function applyCustomerUpdate(
  existing: CustomerProfile | undefined,
  customerId: string,
  update: CustomerUpdate,
  now: Date,
): ProfileChange {
  const consent = update.consent ?? existing?.consent ?? defaultConsent;
  const preferred = update.preferredChannel;
  if (preferred && !consent[preferred]) {
    return {
      kind: 'invalid',
      errors: [{ path: 'preferredChannel', message: `the customer has not consented to ${messageChannels[preferred].label}` }],
    };
  }
  const at = now.toISOString();
  const settings = {
    ...(update.policyId !== undefined ? { policyId: update.policyId } : {}),
    consent: Object.fromEntries(consentChannelIds.map((channel) => [channel, consent[channel]])) as unknown as ChannelConsent,
    ...(preferred !== undefined ? { preferredChannel: preferred } : {}),
  };
  if (!existing) {
    const profile: CustomerProfile = {
      customerId,
      ...contactsOf({ customerId, ...update.contacts }),
      ...settings,
      contactsAsOf: at,
      createdAt: at,
      updatedAt: at,
      version: 0,
    };
    return { kind: 'created', profile };
  }
  const contactsChanged = !sameContacts(contactsOf(existing), update.contacts);
  const settingsChanged =
    existing.policyId !== settings.policyId ||
    existing.consent.email !== settings.consent.email ||
    existing.consent.sms !== settings.consent.sms ||
    existing.preferredChannel !== settings.preferredChannel;
  if (!contactsChanged && !settingsChanged) return { kind: 'unchanged', profile: existing };
  const profile: CustomerProfile = {
    customerId,
    ...contactsOf({ customerId, ...update.contacts }),
    ...settings,
    contactsAsOf: contactsChanged ? at : existing.contactsAsOf,
    // What bounced or opted out stays known: it names the address, so a new one is usable.
    ...(existing.suppressions ? { suppressions: existing.suppressions } : {}),
    createdAt: existing.createdAt,
    updatedAt: at,
    version: existing.version,
  };
  return { kind: 'updated', profile };
}

/**
 * The contacts an invoice arrived with, recorded on the profile: a new profile (with the
 * default consent) when there is none, new contacts when they changed and are newer than the
 * recorded ones, else null. Policy, consent and preferred channel are never touched.
 */
export function applyInvoiceContacts(existing: CustomerProfile | undefined, invoice: Invoice, now: Date): CustomerProfile | null {
  const contacts = contactsOf(invoice.customer);
  const asOf = invoice.createdAt;
  if (!existing) {
    const at = now.toISOString();
    return {
      customerId: invoice.customer.customerId,
      ...contacts,
      consent: defaultConsent,
      contactsAsOf: asOf,
      createdAt: at,
      updatedAt: at,
      version: 0,
    };
  }
  if (sameContacts(contactsOf(existing), contacts) || asOf < existing.contactsAsOf) return null;
  const {
    name: _name,
    email: _email,
    phone: _phone,
    timeZone: _timeZone,
    locale: _locale,
    segment: _segment,
    country: _country,
    subdivision: _subdivision,
    ...settings
  } = existing;
  return { ...settings, ...contacts, contactsAsOf: asOf, updatedAt: now.toISOString() };
}

// ---------------------------------------------------------------------------------------
// Use cases
// ---------------------------------------------------------------------------------------

export function newProfileFrom(invoice: Invoice, at: string): CustomerProfile {
  return {
    customerId: invoice.customer.customerId,
    ...contactsOf(invoice.customer),
    consent: defaultConsent,
    contactsAsOf: invoice.createdAt,
    createdAt: at,
    updatedAt: at,
    version: 0,
  };
}

export interface CustomerStanding {
  /** The stored profile, or (for a customer known only from invoices) the contacts of their latest invoice. */
  readonly customer: Customer;
  readonly profile: CustomerProfile | undefined;
  readonly consent: ChannelConsent;
  readonly risk: RiskAssessment;
  readonly openInvoices: OpenInvoices;
}
