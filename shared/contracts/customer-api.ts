import * as z from 'zod';
import type { CustomerStanding } from '#domain/customers.ts';
import { type CustomerUpdate, preferredChannels } from '#domain/customers.ts';
import { formatAmount } from '#domain/money.ts';
import { customerFieldsSchema, holidayPlaceIssues, idSchema } from './api.ts';
import { singleLineText } from './input-rules.ts';

/**
 * `PUT /v1/customers/{customerId}`: the same customer fields as in an invoice, plus the
 * settings finance keeps per customer. `customerId` may be left out (the path names the
 * customer) or repeated, so an ERP can send the very customer object it puts in invoices;
 * a body that names another customer is refused (400 on `customerId`).
 */
const customerFields = customerFieldsSchema.extend({
  customerId: idSchema.optional(),
  /** The policy a new invoice of this customer follows when it names none itself; it must exist. */
  policyId: idSchema.optional(),
  /** Omitted: the recorded consent stays as it is (both channels for a new customer). */
  consent: z.strictObject({ email: z.boolean(), sms: z.boolean() }).optional(),
  preferredChannel: z.enum(preferredChannels, { message: `must be one of ${preferredChannels.join(', ')}` }).optional(),
});

/**
 * A preferred channel needs its address (consent is checked against the stored profile); a
 * subdivision needs its country, as in an invoice's customer.
 */
function withDependentFields<S extends typeof customerFields>(schema: S) {
  return schema.superRefine((customer, ctx) => {
    holidayPlaceIssues(customer, ctx);
    if (customer.preferredChannel === 'sms' && !customer.phone) {
      ctx.addIssue({ code: 'custom', path: ['preferredChannel'], message: 'sms needs a phone number' });
    }
    if (customer.preferredChannel === 'email' && !customer.email) {
      ctx.addIssue({ code: 'custom', path: ['preferredChannel'], message: 'email needs an email address' });
    }
  });
}

/** `POST /v1/customers/{customerId}/suppressions/release`: which suppressed address to use again. */
export const suppressionReleaseSchema = z.strictObject({
  channel: z.enum(['email', 'sms'], { message: 'must be email or sms' }),
  /** Omitted: every suppressed address of the channel. */
  address: singleLineText(320).optional(),
});

export const customerRequestSchema = withDependentFields(customerFields);
export type CustomerRequest = z.infer<typeof customerRequestSchema>;

/** The request schema for one path: a `customerId` in the body must be the one in the path. */
export function customerRequestSchemaFor(customerId: string) {
  return withDependentFields(
    customerFields.extend({
      customerId: idSchema.refine((id) => id === customerId, `must be ${customerId}, as in the path, or be left out`).optional(),
    }),
  );
}

export function toCustomerUpdate(request: CustomerRequest): CustomerUpdate {
  const { customerId: _customerId, policyId, consent, preferredChannel, ...contacts } = request;
  return { contacts, policyId, consent, preferredChannel };
}

/** `GET /v1/customers/{customerId}` (and the PUT's answer): the customer, their settings, risk and open balance. */
export function customerView(standing: CustomerStanding) {
  const { customer, profile, risk } = standing;
  return {
    ...customer,
    ...(profile?.policyId ? { policyId: profile.policyId } : {}),
    consent: standing.consent,
    /** Addresses Dunwell no longer uses: hard bounces, spam complaints, numbers that replied STOP. */
    suppressions: profile?.suppressions ?? [],
    ...(profile?.preferredChannel ? { preferredChannel: profile.preferredChannel } : {}),
    /** `profile`: master data on file; `invoices`: known only from the contacts on their latest invoice. */
    source: profile ? 'profile' : 'invoices',
    ...(profile ? { createdAt: profile.createdAt, updatedAt: profile.updatedAt, version: profile.version } : {}),
    risk: {
      score: risk.score,
      tier: risk.tier,
      drivers: risk.drivers.map(({ driver, value, points, explanation }) => ({ driver, value, points, explanation })),
      basis: risk.basis,
    },
    openInvoices: {
      count: standing.openInvoices.count,
      balance: Object.fromEntries(
        Object.entries(standing.openInvoices.balanceMinor)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([currency, minor]) => [currency, formatAmount(minor, currency)]),
      ),
    },
  };
}
