import { addDays } from '#domain/calendar.ts';
import type { Reachability } from '#domain/customers.ts';
import type { Customer, InvoiceInput } from '#domain/invoice.ts';
import type { Tier } from '#domain/risk.ts';
import type { HistoryEvent } from './history.ts';
import { between, logNormal, type Random, streamFor, weighted } from './random.ts';
import type { Segment } from './response-model.ts';

/** One generated invoice with what the simulator knows about its customer. */
export interface SimulatedInvoice {
  readonly input: InvoiceInput;
  readonly segment: Segment;
  readonly startingTier: Tier;
  readonly reachability: Reachability;
  /**
   * A replayed invoice (--history): when it arrived and its dunning started (ms), and what came
   * from outside at the instant it really did. The response model does not apply to it.
   */
  readonly replay?: { readonly receivedAt: number; readonly startedAt: number; readonly events: readonly HistoryEvent[] } | undefined;
}

export interface PortfolioOptions {
  readonly seed: number;
  readonly invoices: number;
  /** The first day of the simulated period (YYYY-MM-DD). */
  readonly start: string;
  /** Invoices are issued over this many days from `start`. */
  readonly issueWindowDays: number;
  /** One seller, one currency: the KPIs are per currency. */
  readonly currency: string;
}

/** Places customers are in: zone, locale, phone prefix, weight. ASSUMPTION: a European seller with US customers. */
const places: readonly (readonly [{ timeZone: string; locale: string; dial: string }, number])[] = [
  [{ timeZone: 'Europe/Berlin', locale: 'de-DE', dial: '+4915' }, 30],
  [{ timeZone: 'Europe/London', locale: 'en-GB', dial: '+447' }, 20],
  [{ timeZone: 'America/New_York', locale: 'en-US', dial: '+1212' }, 15],
  [{ timeZone: 'America/Los_Angeles', locale: 'en-US', dial: '+1415' }, 5],
  [{ timeZone: 'Europe/Paris', locale: 'fr-FR', dial: '+336' }, 15],
  [{ timeZone: 'Europe/Amsterdam', locale: 'nl-NL', dial: '+316' }, 10],
  [{ timeZone: 'Europe/Vienna', locale: 'de-AT', dial: '+43664' }, 5],
];

const segmentWeights: readonly (readonly [Segment, number])[] = [
  ['smb', 60],
  ['enterprise', 25],
  ['low-responder', 15],
];

/** ASSUMPTION: amounts (major units) are log-normal: median and σ per segment. */
const amounts: Readonly<Record<Segment, { median: number; sigma: number }>> = {
  smb: { median: 1_200, sigma: 1 },
  enterprise: { median: 12_000, sigma: 1.1 },
  'low-responder': { median: 800, sigma: 0.9 },
};

/** ASSUMPTION: payment terms (net days) per segment. */
const terms: Readonly<Record<Segment, readonly (readonly [number, number])[]>> = {
  smb: [
    [14, 40],
    [30, 50],
    [60, 10],
  ],
  enterprise: [
    [30, 40],
    [60, 60],
  ],
  'low-responder': [
    [14, 50],
    [30, 50],
  ],
};

/** ASSUMPTION: the starting dunning tier (risk) per segment. */
const tiers: Readonly<Record<Segment, readonly (readonly [Tier, number])[]>> = {
  smb: [
    [1, 70],
    [2, 20],
    [3, 8],
    [4, 2],
  ],
  enterprise: [
    [1, 85],
    [2, 12],
    [3, 3],
  ],
  'low-responder': [
    [1, 20],
    [2, 30],
    [3, 35],
    [4, 15],
  ],
};

/** ASSUMPTION: 55 % of customers give a phone number; 70 % of those consent to texts. Email is always allowed. */
const PHONE_SHARE = 0.55;
const SMS_CONSENT_SHARE = 0.7;
/** ASSUMPTION: 1.5 invoices per customer on average, so the frequency cap across invoices matters. */
const INVOICES_PER_CUSTOMER = 1.5;

const MIN_AMOUNT_MINOR = 1_000;
const MAX_AMOUNT_MINOR = 500_000_000;

const CUSTOMER_STREAM = 1;
const INVOICE_STREAM = 2;

interface GeneratedCustomer {
  readonly customer: Customer;
  readonly segment: Segment;
  readonly startingTier: Tier;
  readonly reachability: Reachability;
}

function generateCustomer(seed: number, index: number): GeneratedCustomer {
  const random = streamFor(seed, index, CUSTOMER_STREAM);
  const place = weighted(random, places);
  const segment = weighted(random, segmentWeights);
  const hasPhone = random.next() < PHONE_SHARE;
  const smsConsent = hasPhone && random.next() < SMS_CONSENT_SHARE;
  const number = String(index + 1).padStart(6, '0');
  const customer: Customer = {
    customerId: `C-${number}`,
    name: `Customer ${number}`,
    email: `ap@c${number}.example`,
    ...(hasPhone ? { phone: `${place.dial}${String(between(random, 1_000_000, 9_999_999))}` } : {}),
    timeZone: place.timeZone,
    locale: place.locale,
    segment,
  };
  return {
    customer,
    segment,
    startingTier: weighted(random, tiers[segment]),
    reachability: { consent: { email: true, sms: smsConsent }, suppressions: [] },
  };
}

function amountMinor(random: Random, segment: Segment): number {
  const { median, sigma } = amounts[segment];
  const minor = Math.round(logNormal(random, median, sigma) * 100);
  return Math.min(MAX_AMOUNT_MINOR, Math.max(MIN_AMOUNT_MINOR, minor));
}

/** The portfolio: the same options always give the same invoices, in the same order. */
export function generatePortfolio(options: PortfolioOptions): SimulatedInvoice[] {
  const customerCount = Math.max(1, Math.round(options.invoices / INVOICES_PER_CUSTOMER));
  const customers = Array.from({ length: customerCount }, (_, index) => generateCustomer(options.seed, index));
  return Array.from({ length: options.invoices }, (_, index) => {
    const random = streamFor(options.seed, index, INVOICE_STREAM);
    // Every customer has at least one invoice; the rest go to customers at random.
    const owner = customers[index < customerCount ? index : Math.floor(random.next() * customerCount)] as GeneratedCustomer;
    const issueDate = addDays(options.start, Math.floor(random.next() * options.issueWindowDays));
    const net = weighted(random, terms[owner.segment]);
    const amount = amountMinor(random, owner.segment);
    const input: InvoiceInput = {
      invoiceId: `INV-${String(index + 1).padStart(6, '0')}`,
      customer: owner.customer,
      currency: options.currency,
      amountMinor: amount,
      issueDate,
      dueDate: addDays(issueDate, net),
      lines: [{ description: 'Services', quantity: '1', unitPriceMinor: amount }],
    };
    return { input, segment: owner.segment, startingTier: owner.startingTier, reachability: owner.reachability };
  });
}
