import * as z from 'zod';
import { disputeReasons } from '#domain/hold-types.ts';
import type { Invoice } from '#domain/invoice.ts';
import type { CollectorTask } from '#domain/tasks.ts';
import { decimalAmount, idSchema, isoDate, multiLineText } from './input-rules.ts';
import { invoiceView } from './invoice-view.ts';

/** Request schemas of the collector worklist (`/v1/tasks`): apart from the invoice schemas, which tasks-api does not need. */

/**
 * The domain's task outcomes, spelled out so that the published schema does not depend on the
 * domain module (the handler's call into the domain and a unit test keep the two lists equal).
 */
const taskOutcomeValues = ['promise_obtained', 'dispute_found', 'no_answer', 'paid', 'other', 'approved', 'rejected'] as const;

export const taskIdSchema = z
  .string()
  .max(300)
  .regex(/^TSK\.[A-Za-z0-9][^/\s]*$/, 'must be a task id like "TSK.INV-2026-0001.t2-call-38"');

export const taskListQuerySchema = z.strictObject({
  status: z.enum(['open', 'completed'], { message: 'must be open or completed' }).default('open'),
  invoiceId: idSchema.optional(),
  limit: z.coerce.number().int('must be a whole number').min(1).max(200).default(50),
  after: z.string().min(1).max(600).optional(),
});
export type TaskListQuery = z.infer<typeof taskListQuerySchema>;

export const taskCompletionSchema = z.strictObject({
  outcome: z.enum(taskOutcomeValues, { message: `must be one of ${taskOutcomeValues.join(', ')}` }),
  note: multiLineText(2000).optional(),
  /** promise_obtained */
  promisedDate: isoDate.optional(),
  /** promise_obtained; in the invoice's currency, the whole balance when absent */
  amount: decimalAmount('The amount promised, in the invoice currency; greater than zero').optional(),
  /** dispute_found */
  disputeReason: z.enum(disputeReasons, { message: `must be one of ${disputeReasons.join(', ')}` }).optional(),
});
export type TaskCompletionRequest = z.infer<typeof taskCompletionSchema>;

/** A task in the API's words (`stepId`, as in policies), with its invoice as it is now: status, balance, whole timeline. */
export function taskView(task: CollectorTask, invoice: Invoice | undefined, now: Date) {
  const { stepKey, ...rest } = task;
  return { ...rest, stepId: stepKey, invoice: invoice ? invoiceView(invoice, now) : null };
}
