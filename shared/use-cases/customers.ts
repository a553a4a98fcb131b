import {
  applyCustomerUpdate,
  applyInvoiceContacts,
  type ChannelConsent,
  type CustomerProfile,
  type CustomerStanding,
  type CustomerUpdate,
  contactsOf,
  customerHistory,
  customerInvoices,
  defaultConsent,
  newProfileFrom,
  openInvoices,
  type ProfileChange,
  type Reachability,
  type Suppression,
  sameAddress,
  suppressionOf,
} from '#domain/customers.ts';
import { localDate } from '#domain/holds.ts';
import type { Customer, Invoice } from '#domain/invoice.ts';
import { assessRisk, type RiskAssessment, type Tier } from '#domain/risk.ts';
import type { Clock } from '#ports/clock.ts';
import type { CustomerDirectory, CustomerStore } from '#ports/customer-directory.ts';
import type { PolicyStore } from '#ports/policy-store.ts';
import { retryOnFreshRead } from './concurrent-writes.ts';

/** The customer use cases: master data from the ERP and finance, standing and risk, consent and suppressed addresses. */

/**
 * Read-modify-write of a profile with optimistic concurrency: `change` returns the profile to
 * store, or null to leave it; it is re-run on a fresh read when another writer got in first
 * (a bounded number of times: ConcurrentChangeError after that). Returns the stored profile.
 */
async function mutateProfile(
  store: CustomerStore,
  customerId: string,
  change: (existing: CustomerProfile | undefined) => CustomerProfile | null,
): Promise<CustomerProfile | undefined> {
  return retryOnFreshRead(`Customer ${customerId}`, async () => {
    const existing = await store.getProfile(customerId);
    const next = change(existing);
    return next === null ? existing : store.saveProfile(next);
  });
}

export interface CustomerDeps {
  readonly customers: CustomerStore;
  readonly policies: PolicyStore;
  readonly clock: Clock;
}

/** `PUT /v1/customers/{customerId}`: the named policy must exist. */
export async function putCustomer(deps: CustomerDeps, customerId: string, update: CustomerUpdate): Promise<ProfileChange> {
  if (update.policyId !== undefined && !(await deps.policies.get(update.policyId))) {
    return { kind: 'invalid', errors: [{ path: 'policyId', message: `there is no policy ${update.policyId}` }] };
  }
  let change: ProfileChange | undefined;
  const stored = await mutateProfile(deps.customers, customerId, (existing) => {
    change = applyCustomerUpdate(existing, customerId, update, deps.clock.now());
    return change.kind === 'created' || change.kind === 'updated' ? change.profile : null;
  });
  if (!change) throw new Error('unreachable: profile change missing');
  return (change.kind === 'created' || change.kind === 'updated') && stored ? { kind: change.kind, profile: stored } : change;
}

/** The customer and their standing now, or undefined for a customer with no profile and no invoices. */
export async function describeCustomer(
  deps: Pick<CustomerDeps, 'customers' | 'clock'>,
  customerId: string,
): Promise<CustomerStanding | undefined> {
  const [profile, linked] = await Promise.all([deps.customers.getProfile(customerId), deps.customers.linkedInvoices(customerId)]);
  const invoices = customerInvoices(linked, customerId);
  const latest = [...invoices].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.invoiceId.localeCompare(a.invoiceId))[0];
  const customer: Customer | undefined = profile ? { customerId, ...contactsOf(profile) } : latest?.customer;
  if (!customer) return undefined;
  const today = localDate(deps.clock.now(), customer.timeZone);
  return {
    customer,
    profile,
    consent: profile?.consent ?? defaultConsent,
    risk: assessRisk(customerHistory(invoices), today),
    openInvoices: openInvoices(invoices),
  };
}

/** The customer's risk from their own invoices, as of `today` (YYYY-MM-DD). */
export async function customerRisk(
  customers: Pick<CustomerStore, 'linkedInvoices'>,
  customerId: string,
  today: string,
): Promise<RiskAssessment> {
  const invoices = customerInvoices(await customers.linkedInvoices(customerId), customerId);
  return assessRisk(customerHistory(invoices), today);
}

/** The lifecycle's view of customers, on top of any customer store. */
export class StoredCustomerDirectory implements CustomerDirectory {
  private readonly customers: CustomerStore;
  private readonly clock: Clock;

  constructor(customers: CustomerStore, clock: Clock) {
    this.customers = customers;
    this.clock = clock;
  }

  async startingTier(customerId: string, today: string): Promise<Tier> {
    return (await customerRisk(this.customers, customerId, today)).tier;
  }

  async policyId(customerId: string): Promise<string | undefined> {
    return (await this.customers.getProfile(customerId))?.policyId;
  }

  /** Link first, so the invoice counts towards risk even if the profile write loses every race. */
  async invoiceCreated(invoice: Invoice): Promise<void> {
    const customerId = invoice.customer.customerId;
    await this.customers.linkInvoice(customerId, invoice.invoiceId);
    await mutateProfile(this.customers, customerId, (existing) => applyInvoiceContacts(existing, invoice, this.clock.now()));
  }

  async consent(customerId: string): Promise<ChannelConsent> {
    return (await this.customers.getProfile(customerId))?.consent ?? defaultConsent;
  }

  async reachability(customerId: string): Promise<Reachability> {
    const profile = await this.customers.getProfile(customerId);
    return {
      consent: profile?.consent ?? defaultConsent,
      suppressions: profile?.suppressions ?? [],
      preferredChannel: profile?.preferredChannel,
    };
  }

  async suppress(invoice: Invoice, suppression: Suppression): Promise<boolean> {
    return suppressAddress(this.customers, invoice, suppression);
  }
}

/**
 * The directory for one batch of new invoices: each customer's starting tier is assessed once.
 * Their risk comes from their history (lateness, disputes, promises), which the invoices of the
 * batch itself do not change; without this, a batch of one customer's invoices would read that
 * customer's whole history once per invoice.
 */
export function tiersOncePerCustomer(directory: CustomerDirectory): CustomerDirectory {
  const tiers = new Map<string, Promise<Tier>>();
  return {
    startingTier(customerId, today) {
      const key = `${customerId}\u0000${today}`;
      let tier = tiers.get(key);
      if (!tier) {
        tier = directory.startingTier(customerId, today);
        tiers.set(key, tier);
        // A failed read is not remembered: the next invoice asks again.
        tier.catch(() => tiers.delete(key));
      }
      return tier;
    },
    policyId: (customerId) => directory.policyId(customerId),
    invoiceCreated: (invoice) => directory.invoiceCreated(invoice),
    consent: (customerId) => directory.consent(customerId),
    reachability: (customerId) => directory.reachability(customerId),
    suppress: (invoice, suppression) => directory.suppress(invoice, suppression),
  };
}

/**
 * Records that an address of the invoice's customer must not be used again. A customer known
 * only from invoices gets a profile from that invoice's contacts. False when it was already known.
 */
export async function suppressAddress(customers: CustomerStore, invoice: Invoice, suppression: Suppression): Promise<boolean> {
  let added = false;
  await mutateProfile(customers, invoice.customer.customerId, (existing) => {
    const base = existing ?? newProfileFrom(invoice, suppression.at);
    added = !suppressionOf({ suppressions: base.suppressions ?? [] }, suppression.channel, suppression.address);
    if (!added) return null;
    return { ...base, suppressions: [...(base.suppressions ?? []), suppression], updatedAt: suppression.at };
  });
  return added;
}

/**
 * Finance lifts a suppression (the mailbox works again, the customer texted START): the address
 * is used again from the next message on. `address` omitted: every suppression of the channel.
 * Unknown customer or nothing to lift: 'none'.
 */
export async function liftSuppression(
  customers: CustomerStore,
  customerId: string,
  channel: 'email' | 'sms',
  address: string | undefined,
  now: Date,
): Promise<{ kind: 'lifted'; lifted: Suppression[] } | { kind: 'none' }> {
  let lifted: Suppression[] = [];
  await mutateProfile(customers, customerId, (existing) => {
    const suppressions = existing?.suppressions ?? [];
    const matches = (entry: Suppression) =>
      entry.channel === channel && (address === undefined || sameAddress(channel, entry.address, address));
    lifted = suppressions.filter(matches);
    if (!existing || lifted.length === 0) return null;
    const kept = suppressions.filter((entry) => !matches(entry));
    const { suppressions: _all, ...rest } = existing;
    return { ...rest, ...(kept.length > 0 ? { suppressions: kept } : {}), updatedAt: now.toISOString() };
  });
  return lifted.length > 0 ? { kind: 'lifted', lifted } : { kind: 'none' };
}

/**
 * The customer's own choice, from the preferences page or a one-click unsubscribe: changes only
 * the channels named. A customer known only from invoices gets a profile from that invoice's
 * contacts. A preferred channel they turned off is dropped.
 */
export async function changeConsent(
  customers: CustomerStore,
  invoice: Invoice,
  consent: Partial<ChannelConsent>,
  now: Date,
): Promise<CustomerProfile | undefined> {
  const customerId = invoice.customer.customerId;
  return mutateProfile(customers, customerId, (existing) => {
    const at = now.toISOString();
    const base: CustomerProfile = existing ?? newProfileFrom(invoice, at);
    const next = { email: consent.email ?? base.consent.email, sms: consent.sms ?? base.consent.sms };
    if (existing && next.email === existing.consent.email && next.sms === existing.consent.sms) return null;
    const { preferredChannel, ...rest } = base;
    return {
      ...rest,
      ...(preferredChannel && next[preferredChannel] ? { preferredChannel } : {}),
      consent: next,
      updatedAt: at,
    };
  });
}
