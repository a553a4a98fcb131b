import { addDays, daysBetween } from '#domain/calendar.ts';
import { openReachability, type Reachability } from '#domain/customers.ts';
import { balanceMinor, type Invoice } from '#domain/invoice.ts';
import type { Policy } from '#domain/policy.ts';
import type { CustomerDirectory } from '#ports/customer-directory.ts';
import type { InvoiceLister, InvoiceListing, InvoiceStore } from '#ports/invoice-store.ts';
// The console's "simulate before publishing" runs the simulator's own engine, so the figures are the CLI's.
import { simulatePolicy } from './engine.ts';
import { type PolicyKpis, policyKpis } from './kpis.ts';
import { generatePortfolio, type SimulatedInvoice } from './portfolio.ts';
import { defaultHoldModel, defaultSendPrices, type Segment, segments } from './response-model.ts';
import { CURRENCY, ISSUE_WINDOW_DAYS, SIMULATION_START } from './simulation.ts';

/** The simulated period and seed: fixed, so the same draft on the same invoices always gives the same figures. */
export const SIMULATED_DAYS = 120;
export const SIMULATION_SEED = 1;
/** At most this many open invoices are read from the list index, the customer base the sample is drawn from. */
export const MAX_LISTED_INVOICES = 2_000;
/**
 * At most this many of them are simulated, spread evenly over the listed ones. The engine costs
 * about 1.5 ms of CPU per invoice and policy (both versions run), so 500 keep the page to about
 * 1.5 s of CPU, well within the 29 s an HTTP API integration waits, even on a fraction of a vCPU.
 */
export const MAX_SIMULATED_INVOICES = 500;
/** With no open invoice to simulate, the simulator's generated portfolio of this many. */
export const GENERATED_INVOICES = 1_000;
/** Reads in flight at once while loading invoices and their customers' reachability. */
const READ_CONCURRENCY = 25;
const LIST_PAGE = 500;
const OPEN_STATUSES = ['open', 'on_hold', 'escalated'] as const;

export interface PolicyComparison {
  readonly current: PolicyKpis;
  readonly draft: PolicyKpis;
}

/** The invoices a policy change is simulated on, and where they came from (the page says so). */
export interface SimulationBase {
  /** `customer-base`: the open invoices of the real customers; `generated`: none were open, the simulator's own. */
  readonly source: 'customer-base' | 'generated';
  readonly portfolio: readonly SimulatedInvoice[];
  readonly currency: string;
  /** Open invoices read but not simulated: in another currency, or owing nothing. */
  readonly leftOut: number;
  /** Open invoices listed (up to MAX_LISTED_INVOICES): the portfolio is drawn from these. */
  readonly listed: number;
  /** More invoices were open than MAX_LISTED_INVOICES: only the first were listed. */
  readonly capped: boolean;
}

export interface CustomerBaseDeps {
  readonly store: InvoiceLister & Pick<InvoiceStore, 'get'>;
  readonly customers: Pick<CustomerDirectory, 'reachability'>;
}

/** `items` mapped by `load`, at most READ_CONCURRENCY at a time, in order. */
async function mapBounded<T, R>(items: readonly T[], load: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await load(items[at] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, items.length) }, worker));
  return results;
}

/** Up to `limit` open invoices (open, on hold, escalated) from the list index, most pressing status first. */
async function openListings(store: InvoiceLister, limit: number): Promise<{ listings: InvoiceListing[]; more: boolean }> {
  const listings: InvoiceListing[] = [];
  for (const status of OPEN_STATUSES) {
    let after: Parameters<InvoiceLister['list']>[0]['after'];
    do {
      const page = await store.list({ status, customerId: undefined, due: {}, limit: LIST_PAGE, after });
      listings.push(...page.items);
      after = page.next;
      if (listings.length > limit) return { listings: listings.slice(0, limit), more: true };
    } while (after);
  }
  return { listings, more: false };
}

const asSegment = (segment: string | undefined): Segment =>
  (segments as readonly string[]).includes(segment ?? '') ? (segment as Segment) : 'smb';

/**
 * The open invoices as if issued again from the first simulated day: each keeps its customer
 * (zone, contacts, segment, consent), what it still owes, its payment terms and starting tier;
 * issue dates keep their order, spread over the issue window. Re-issuing compares both versions
 * on a whole dunning cycle of every invoice rather than on whatever is left of each.
 */
export function reissuedPortfolio(
  invoices: readonly Invoice[],
  reachability: ReadonlyMap<string, Reachability>,
  currency: string,
): SimulatedInvoice[] {
  const owing = invoices
    .filter((invoice) => invoice.currency === currency && balanceMinor(invoice) > 0)
    .sort((a, b) => a.issueDate.localeCompare(b.issueDate) || a.invoiceId.localeCompare(b.invoiceId));
  return owing.map((invoice, rank): SimulatedInvoice => {
    const issueDate = addDays(SIMULATION_START, Math.floor((rank * ISSUE_WINDOW_DAYS) / owing.length));
    const amountMinor = balanceMinor(invoice);
    return {
      input: {
        invoiceId: invoice.invoiceId,
        customer: invoice.customer,
        currency,
        amountMinor,
        issueDate,
        dueDate: addDays(issueDate, Math.max(0, daysBetween(invoice.issueDate, invoice.dueDate))),
        lines: [{ description: 'Open balance', quantity: '1', unitPriceMinor: amountMinor }],
      },
      segment: asSegment(invoice.customer.segment),
      startingTier: invoice.startingTier ?? 1,
      reachability: reachability.get(invoice.customer.customerId) ?? openReachability,
    };
  });
}

/** The currency most open invoices are in (ties: alphabetical), as the KPIs are per currency. */
function mainCurrency(invoices: readonly Invoice[]): string | undefined {
  const counts = new Map<string, number>();
  for (const invoice of invoices) counts.set(invoice.currency, (counts.get(invoice.currency) ?? 0) + 1);
  return [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0]?.[0];
}

/** `size` of `items`, evenly spaced, in order: all of them when there are no more. */
export function evenSample<T>(items: readonly T[], size: number): T[] {
  if (items.length <= size) return [...items];
  return Array.from({ length: size }, (_, index) => items[Math.floor((index * items.length) / size)] as T);
}

/**
 * The customer base to simulate on: up to MAX_LISTED_INVOICES open invoices listed, an even
 * sample of up to MAX_SIMULATED_INVOICES of them loaded whole (the listing lacks the customer's
 * zone, contacts and the issue date) with their customers' consent and suppressions, in the
 * currency most of them are in. With none open, the simulator's generated portfolio.
 */
export async function customerBase(
  deps: CustomerBaseDeps,
  limits: { readonly listed: number; readonly simulated: number } = { listed: MAX_LISTED_INVOICES, simulated: MAX_SIMULATED_INVOICES },
): Promise<SimulationBase> {
  const { listings, more } = await openListings(deps.store, limits.listed);
  const sample = evenSample(listings, limits.simulated);
  const loaded = (await mapBounded(sample, (listing) => deps.store.get(listing.invoiceId))).filter(
    (invoice): invoice is Invoice => invoice !== undefined,
  );
  const currency = mainCurrency(loaded);
  if (currency === undefined) {
    return {
      source: 'generated',
      portfolio: generatePortfolio({
        seed: SIMULATION_SEED,
        invoices: GENERATED_INVOICES,
        start: SIMULATION_START,
        issueWindowDays: ISSUE_WINDOW_DAYS,
        currency: CURRENCY,
      }),
      currency: CURRENCY,
      leftOut: 0,
      listed: 0,
      capped: false,
    };
  }
  const customerIds = [...new Set(loaded.filter((i) => i.currency === currency).map((invoice) => invoice.customer.customerId))];
  const reachable = await mapBounded(customerIds, async (id) => [id, await deps.customers.reachability(id)] as const);
  const portfolio = reissuedPortfolio(loaded, new Map(reachable), currency);
  return { source: 'customer-base', portfolio, currency, leftOut: sample.length - portfolio.length, listed: listings.length, capped: more };
}

/**
 * The published version and the draft over the same invoices with the same customer luck
 * (common random numbers): the two columns differ only by what the policies do. Nothing is
 * stored; the run is deterministic.
 */
export function simulatePolicyChange(current: Policy, draft: Policy, base: SimulationBase): PolicyComparison {
  const period = { from: SIMULATION_START, to: addDays(SIMULATION_START, SIMULATED_DAYS - 1), currency: base.currency };
  const run = (policy: Policy): PolicyKpis => {
    const result = simulatePolicy(base.portfolio, policy, {
      seed: SIMULATION_SEED,
      start: SIMULATION_START,
      days: SIMULATED_DAYS,
      holds: defaultHoldModel,
    });
    return policyKpis(result.invoices, result.counts, period, defaultSendPrices);
  };
  return { current: run(current), draft: run(draft) };
}
