import * as z from 'zod';

/** Payloads the state machine passes to its task functions (see statemachines/invoice-dunning.asl.json). */

const invoiceId = z.string().min(1);

/** The Advance task's payload: the invoice and the task token it parks the execution on. */
export const advanceTaskSchema = z.object({ invoiceId, taskToken: z.string().min(1), executionId: z.string().min(1).optional() });

/** The Scheduler timer's payload, delivered to the wake function. */
export const wakeEventSchema = z.object({ invoiceId, sleepId: z.string().min(1) });

/** A start-buffer message body. */
export const startMessageSchema = z.object({ invoiceId });

/** The state machine's execution input. */
export const executionInputSchema = z.object({ invoiceId });
