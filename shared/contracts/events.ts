import * as z from 'zod';
import { type SignalDetail, SignalDetailType } from '#ports/messaging.ts';

export { type SignalDetail, SignalDetailType };

/**
 * Domain events on the Dunwell EventBridge bus. The producer (API handlers), the consumer
 * (signal handler) and the infra rule pattern all import from here.
 */
export const DOMAIN_EVENT_SOURCE = 'dunwell.invoices';

export const signalDetailTypes: readonly SignalDetailType[] = Object.values(SignalDetailType);

export const signalDetailSchema = z.strictObject({
  invoiceId: z.string().min(1),
  /** The invoice version the event was produced at; lets a consumer ignore stale signals. */
  version: z.number().int().nonnegative(),
}) satisfies z.ZodType<SignalDetail>;

/** The EventBridge envelope as a Lambda target receives it. */
export const signalEventSchema = z.object({
  source: z.literal(DOMAIN_EVENT_SOURCE),
  'detail-type': z.enum(signalDetailTypes as [SignalDetailType, ...SignalDetailType[]]),
  detail: signalDetailSchema,
});
export type SignalEvent = z.infer<typeof signalEventSchema>;

/**
 * A new collector task, on the same bus: the advance function puts it there (it may not publish
 * to SNS topics, as it texts customers), and a rule hands it to notify-collectors, which publishes
 * it to the collectors topic. The detail is the CollectorMessage (subscribers dedupe on taskId).
 */
export const COLLECTOR_TASK_DETAIL_TYPE = 'collector_task.opened';

/** The EventBridge envelope of a collector task as notify-collectors receives it; the message itself is checked loosely. */
export const collectorTaskEventSchema = z.object({
  source: z.literal(DOMAIN_EVENT_SOURCE),
  'detail-type': z.literal(COLLECTOR_TASK_DETAIL_TYPE),
  detail: z.looseObject({
    type: z.literal(COLLECTOR_TASK_DETAIL_TYPE),
    task: z.looseObject({ taskId: z.string().min(1), invoiceId: z.string().min(1), kind: z.string().min(1), reason: z.string().min(1) }),
  }),
});
