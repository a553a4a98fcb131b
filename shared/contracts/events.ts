import { z } from 'zod';

/**
 * Domain events on the Dunwell EventBridge bus. The producer (API handlers), the consumer
 * (signal handler) and the infra rule pattern all import from here.
 */
export const DOMAIN_EVENT_SOURCE = 'dunwell.invoices';

/** Detail types that must wake a sleeping invoice execution so it re-plans at once. */
export const SignalDetailType = {
  paymentReceived: 'payment.received',
  invoiceUpdated: 'invoice.updated',
  /** Holds, disputes, promises, credit notes, void: anything that changes what to do next. */
  invoiceChanged: 'invoice.changed',
} as const;
export type SignalDetailType = (typeof SignalDetailType)[keyof typeof SignalDetailType];
export const signalDetailTypes: readonly SignalDetailType[] = Object.values(SignalDetailType);

export const signalDetailSchema = z.strictObject({
  invoiceId: z.string().min(1),
  /** The invoice version the event was produced at; lets a consumer ignore stale signals. */
  version: z.number().int().nonnegative(),
});
export type SignalDetail = z.infer<typeof signalDetailSchema>;

/** The EventBridge envelope as a Lambda target receives it. */
export const signalEventSchema = z.object({
  source: z.literal(DOMAIN_EVENT_SOURCE),
  'detail-type': z.enum(signalDetailTypes as [SignalDetailType, ...SignalDetailType[]]),
  detail: signalDetailSchema,
});
export type SignalEvent = z.infer<typeof signalEventSchema>;
