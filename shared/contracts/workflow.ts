import { z } from 'zod';

/** Payloads the state machine passes to its task functions (see statemachines/invoice-dunning.asl.json). */

const invoiceId = z.string().min(1);

export const planTaskSchema = z.object({ invoiceId });
export const sendTaskSchema = z.object({ invoiceId, stepId: z.string().min(1) });
export const armTimerTaskSchema = z.object({
  invoiceId,
  until: z.iso.datetime().nullable(),
  planVersion: z.number().int().optional(),
  taskToken: z.string().min(1),
});
export const closeTaskSchema = z.object({ invoiceId, reason: z.string().min(1) });
export const recordFailureTaskSchema = z.object({
  invoiceId,
  stepId: z.string().min(1),
  error: z.string().default('Unknown'),
  cause: z.string().default(''),
});

/** The OpenTask state's payload. */
export const openTaskSchema = z.object({
  invoiceId,
  stepId: z.string().min(1).max(200),
  reason: z.string().min(1).max(64),
  /** Days the collector has to act; the policy step's taskDeadlineDays when the plan carries it. */
  deadlineDays: z.number().int().positive().max(366).nullish(),
});

/** The Scheduler timer's payload, delivered to the wake function. */
export const wakeEventSchema = z.object({ invoiceId, sleepId: z.string().min(1) });

/** A start-buffer message body. */
export const startMessageSchema = z.object({ invoiceId });

/** The state machine's execution input. */
export const executionInputSchema = z.object({ invoiceId });
