import * as z from 'zod';
import { formatAmount, isCurrency, parseAmount } from '#domain/money.ts';
import {
  channels,
  checkPolicy,
  DEFAULT_MAX_SILENCE_DAYS,
  defaultPolicy,
  MAX_SILENCE_DAYS,
  MIN_SILENCE_DAYS,
  maxSilenceDays,
  type Policy,
  type PolicyStep,
  tones,
} from '#domain/policy.ts';
import { type FieldError, fieldErrors } from './field-errors.ts';
import { idSchema, isoDate, singleLineText } from './input-rules.ts';

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like "09:00"');

const stepSchema = z.strictObject({
  stepId: idSchema,
  offsetDays: z.number().int().min(-90).max(730),
  channel: z.enum(channels as [string, ...string[]], { message: `must be one of ${channels.join(', ')}` }),
  tone: z.enum(tones as [string, ...string[]], { message: `must be one of ${tones.join(', ')}` }),
  template: singleLineText(100).optional(),
  conditions: z
    .strictObject({
      minBalance: z
        .strictObject({ currency: z.string().refine(isCurrency, 'must be an ISO 4217 currency code'), amount: z.string().max(32) })
        .optional(),
      segments: z.array(singleLineText(64)).min(1).max(50).optional(),
    })
    .optional(),
  taskDeadlineDays: z.number().int().min(1).max(90).optional(),
});

/** `PUT /v1/policies/{policyId}`: omitted rules take the default policy's values. */
export const policyRequestSchema = z.strictObject({
  name: singleLineText(200),
  businessHours: z.strictObject({ start: time, end: time, days: z.array(z.number().int().min(1).max(7)).min(1).max(7) }).optional(),
  smsHours: z.strictObject({ start: time, end: time }).optional(),
  frequencyCap: z.strictObject({ perDay: z.number().int().min(1).max(10), perWeek: z.number().int().min(1).max(50) }).optional(),
  holds: z
    .strictObject({
      promiseGraceDays: z.number().int().min(0).max(30),
      disputeGraceDays: z.number().int().min(0).max(30),
      maxPromiseDays: z.number().int().min(1).max(180),
      paymentClaimDays: z
        .number()
        .int()
        .min(1)
        .max(30)
        .optional()
        .describe('Days reminders pause after the customer replies that they paid, while someone checks (default 5)'),
    })
    .optional(),
  maxSilenceDays: z
    .number()
    .int()
    .min(MIN_SILENCE_DAYS)
    .max(MAX_SILENCE_DAYS)
    .optional()
    .describe(
      `The most days an open, overdue invoice not on hold goes without a message or a collector task (default ${DEFAULT_MAX_SILENCE_DAYS}); longer gaps get follow-up reminders`,
    ),
  closedDates: z
    .array(isoDate)
    .max(366)
    .optional()
    .describe(
      "Local dates on which no reminder goes to any customer, on top of the customer's public holidays (a year-end closure); a reminder due then goes on the next open business day",
    ),
  tiers: z
    .array(
      z.strictObject({
        tier: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
        steps: z.array(stepSchema).min(1).max(30),
      }),
    )
    .min(1)
    .max(4),
});
export type PolicyRequest = z.infer<typeof policyRequestSchema>;

/** Builds the policy (without its version) or names every problem. */
export function toPolicy(policyId: string, request: PolicyRequest): { policy: Omit<Policy, 'version'> } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const tiers = request.tiers.map((tier, tierIndex) => ({
    tier: tier.tier,
    steps: tier.steps.map((step, stepIndex): PolicyStep => {
      const minBalance = step.conditions?.minBalance;
      let amountMinor = 0;
      if (minBalance) {
        const parsed = parseAmount(minBalance.amount, minBalance.currency);
        if (parsed.ok) amountMinor = parsed.minor;
        else errors.push({ path: `tiers.${tierIndex}.steps.${stepIndex}.conditions.minBalance.amount`, message: parsed.message });
      }
      return {
        stepId: step.stepId,
        offsetDays: step.offsetDays,
        channel: step.channel as PolicyStep['channel'],
        tone: step.tone as PolicyStep['tone'],
        ...(step.template ? { template: step.template } : {}),
        ...(step.taskDeadlineDays ? { taskDeadlineDays: step.taskDeadlineDays } : {}),
        ...(step.conditions
          ? {
              conditions: {
                ...(minBalance ? { minBalance: { currency: minBalance.currency, amountMinor } } : {}),
                ...(step.conditions.segments ? { segments: step.conditions.segments } : {}),
              },
            }
          : {}),
      };
    }),
  }));
  const policy: Omit<Policy, 'version'> = {
    policyId,
    name: request.name,
    sendRules: {
      businessHours: request.businessHours ?? defaultPolicy.sendRules.businessHours,
      smsHours: request.smsHours ?? defaultPolicy.sendRules.smsHours,
      frequencyCap: request.frequencyCap ?? defaultPolicy.sendRules.frequencyCap,
    },
    holdRules: request.holds ?? defaultPolicy.holdRules,
    maxSilenceDays: request.maxSilenceDays ?? DEFAULT_MAX_SILENCE_DAYS,
    ...(request.closedDates?.length ? { closedDates: [...new Set(request.closedDates)].sort() } : {}),
    tiers,
  };
  errors.push(...checkPolicy(policy));
  return errors.length > 0 ? { errors } : { policy };
}

export function policyView(policy: Policy) {
  return {
    policyId: policy.policyId,
    version: policy.version,
    name: policy.name,
    businessHours: policy.sendRules.businessHours,
    smsHours: policy.sendRules.smsHours,
    frequencyCap: policy.sendRules.frequencyCap,
    holds: policy.holdRules,
    maxSilenceDays: maxSilenceDays(policy),
    closedDates: policy.closedDates ?? [],
    tiers: policy.tiers.map((tier) => ({
      tier: tier.tier,
      steps: tier.steps.map((step) => ({
        ...step,
        ...(step.conditions
          ? {
              conditions: {
                ...(step.conditions.segments ? { segments: step.conditions.segments } : {}),
                ...(step.conditions.minBalance
                  ? {
                      minBalance: {
                        currency: step.conditions.minBalance.currency,
                        amount: formatAmount(step.conditions.minBalance.amountMinor, step.conditions.minBalance.currency),
                      },
                    }
                  : {}),
              },
            }
          : {}),
      })),
    })),
  };
}

export { fieldErrors };
