import { isIsoDate } from './calendar.ts';
import type { Tier } from './risk.ts';
import { type Channel, checkSendRules, defaultSendRules, type SendRules } from './send-window.ts';

/** The parts of a policy that govern holds. */
export interface HoldRules {
  /** Days after the promised date before a promise counts as broken. */
  readonly promiseGraceDays: number;
  /** Days after a rejected dispute before reminders resume. */
  readonly disputeGraceDays: number;
  /** A promise may not be further out than this many days. */
  readonly maxPromiseDays: number;
  /**
   * Days reminders pause when the customer replies that they have paid, while someone checks
   * the bank (a `payment_claimed` hold); `DEFAULT_PAYMENT_CLAIM_DAYS` when the policy predates it.
   */
  readonly paymentClaimDays?: number | undefined;
}

export const DEFAULT_PAYMENT_CLAIM_DAYS = 5;

export const defaultHoldRules: HoldRules = {
  promiseGraceDays: 2,
  disputeGraceDays: 3,
  maxPromiseDays: 30,
  paymentClaimDays: DEFAULT_PAYMENT_CLAIM_DAYS,
};

/** How long a claimed payment pauses reminders under these rules. */
export const paymentClaimDays = (rules: HoldRules): number => rules.paymentClaimDays ?? DEFAULT_PAYMENT_CLAIM_DAYS;

export type Tone = 'friendly' | 'firm' | 'final';
export const tones: readonly Tone[] = ['friendly', 'firm', 'final'];
export const channels: readonly Channel[] = ['email', 'sms', 'letter', 'task', 'notice', 'agency', 'write_off'];

export interface StepConditions {
  /** Only when the balance is at least this much (compared only for an invoice in the same currency). */
  readonly minBalance?: { readonly currency: string; readonly amountMinor: number } | undefined;
  /** Only for customers in one of these segments. */
  readonly segments?: readonly string[] | undefined;
}

export interface PolicyStep {
  readonly stepId: string;
  /** Days from the due date; negative before it. */
  readonly offsetDays: number;
  readonly channel: Channel;
  readonly tone: Tone;
  readonly template?: string | undefined;
  readonly conditions?: StepConditions | undefined;
  /** For collector tasks: days the collector has to act. */
  readonly taskDeadlineDays?: number | undefined;
}

export interface PolicyTier {
  readonly tier: Tier;
  readonly steps: readonly PolicyStep[];
}

/**
 * A cadence policy, as data. Each tier is a full list of steps; on any day the invoice follows
 * the tier it is in then — the customer's starting tier (from risk), escalated by days past due
 * and by broken promises — so a step of tier T applies exactly when the invoice is in tier T at
 * the step's offset. Policies are versioned and an invoice keeps the version it started with.
 */
export interface Policy {
  readonly policyId: string;
  readonly version: number;
  readonly name: string;
  readonly sendRules: SendRules;
  readonly holdRules: HoldRules;
  readonly tiers: readonly PolicyTier[];
  /**
   * The most days an open, overdue invoice that is not on hold may go without a customer message
   * or a collector task; the planner adds follow-up reminders to any longer gap. Absent in
   * policies stored before it existed: `DEFAULT_MAX_SILENCE_DAYS`.
   */
  readonly maxSilenceDays?: number | undefined;
  /**
   * Local dates (YYYY-MM-DD) on which nothing goes to any customer, on top of their public
   * holidays: a year-end closure, a company holiday.
   */
  readonly closedDates?: readonly string[] | undefined;
}

/** `maxSilenceDays` when a policy does not set it. */
export const DEFAULT_MAX_SILENCE_DAYS = 14;
/** At least a week, so that every stretch of silence allowed holds a business day. */
export const MIN_SILENCE_DAYS = 7;
export const MAX_SILENCE_DAYS = 90;

export function maxSilenceDays(policy: Pick<Policy, 'maxSilenceDays'>): number {
  return policy.maxSilenceDays ?? DEFAULT_MAX_SILENCE_DAYS;
}

export interface PolicyRef {
  readonly policyId: string;
  readonly version: number;
}

const email = (stepId: string, offsetDays: number, tone: Tone): PolicyStep => ({ stepId, offsetDays, channel: 'email', tone });

/**
 * The default policy: the 4-tier matrix. Tier 1 (reliable payers, up to 30 days past due):
 * gentle automated email. Tier 2 (31–60): a personal email, then a call. Tier 3 (61–90): firm
 * email, SMS, a call with a deadline. Tier 4 (90+): formal demand, then agency referral. Riskier
 * customers start in a higher tier, so tiers 2–4 also say what to do before day 31.
 */
export const defaultPolicy: Policy = {
  policyId: 'default',
  version: 1,
  name: 'Standard B2B (4-tier)',
  sendRules: defaultSendRules,
  holdRules: defaultHoldRules,
  tiers: [
    { tier: 1, steps: [email('pre-3', -3, 'friendly'), email('post-3', 3, 'friendly'), email('post-14', 14, 'firm')] },
    {
      tier: 2,
      steps: [
        email('t2-pre-5', -5, 'friendly'),
        email('t2-post-1', 1, 'firm'),
        email('t2-post-10', 10, 'firm'),
        email('t2-post-31', 31, 'firm'),
        { stepId: 't2-call-38', offsetDays: 38, channel: 'task', tone: 'firm', taskDeadlineDays: 5 },
        email('t2-post-50', 50, 'final'),
      ],
    },
    {
      tier: 3,
      steps: [
        email('t3-pre-7', -7, 'friendly'),
        { stepId: 't3-sms-pre-1', offsetDays: -1, channel: 'sms', tone: 'firm' },
        email('t3-post-1', 1, 'firm'),
        { stepId: 't3-call-7', offsetDays: 7, channel: 'task', tone: 'firm', taskDeadlineDays: 3 },
        email('t3-post-61', 61, 'firm'),
        { stepId: 't3-sms-65', offsetDays: 65, channel: 'sms', tone: 'firm' },
        { stepId: 't3-call-70', offsetDays: 70, channel: 'task', tone: 'final', taskDeadlineDays: 5 },
        email('t3-post-80', 80, 'final'),
      ],
    },
    {
      tier: 4,
      steps: [
        email('t4-pre-7', -7, 'firm'),
        email('t4-post-1', 1, 'final'),
        { stepId: 't4-notice-91', offsetDays: 91, channel: 'notice', tone: 'final' },
        { stepId: 't4-agency-105', offsetDays: 105, channel: 'agency', tone: 'final', taskDeadlineDays: 10 },
        { stepId: 't4-write-off-180', offsetDays: 180, channel: 'write_off', tone: 'final', taskDeadlineDays: 30 },
      ],
    },
  ],
};

const builtIn = new Map<string, Policy>([[refKey(defaultPolicy), defaultPolicy]]);

function refKey(ref: PolicyRef): string {
  return `${ref.policyId}@${ref.version}`;
}

export function builtInPolicy(ref: PolicyRef): Policy | undefined {
  return builtIn.get(refKey(ref));
}

export const defaultPolicyRef: PolicyRef = { policyId: defaultPolicy.policyId, version: defaultPolicy.version };

/**
 * The policy an invoice follows: the copy it took when it arrived, or a built-in version. An
 * unknown reference is a bug, so it fails loudly.
 */
export function policyFor(invoice: { readonly policy?: PolicyRef | undefined; readonly policySnapshot?: Policy | undefined }): Policy {
  if (invoice.policySnapshot) return invoice.policySnapshot;
  const ref = invoice.policy ?? defaultPolicyRef;
  const policy = builtInPolicy(ref);
  if (!policy) throw new Error(`Unknown policy ${ref.policyId} version ${ref.version}`);
  return policy;
}

/** Every step of a policy, whatever its tier. */
export function allSteps(policy: Policy): PolicyStep[] {
  return policy.tiers.flatMap((tier) => tier.steps);
}

export function findStep(policy: Policy, stepId: string): PolicyStep | undefined {
  return allSteps(policy).find((step) => step.stepId === stepId);
}

/** Readable problems with a policy, each with the path of the field; empty when sound. */
export function checkPolicy(policy: Omit<Policy, 'version'>): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const rules = checkSendRules(policy.sendRules);
  if (rules) problems.push({ path: 'businessHours', message: rules });
  (policy.closedDates ?? []).forEach((date, index) => {
    if (!isIsoDate(date)) problems.push({ path: `closedDates.${index}`, message: `must be a date YYYY-MM-DD, got ${date}` });
  });
  const silence = maxSilenceDays(policy);
  if (!Number.isInteger(silence) || silence < MIN_SILENCE_DAYS || silence > MAX_SILENCE_DAYS) {
    problems.push({
      path: 'maxSilenceDays',
      message: `must be a whole number of days from ${MIN_SILENCE_DAYS} to ${MAX_SILENCE_DAYS}, got ${silence}`,
    });
  }
  const seen = new Set<number>();
  const stepIds = new Set<string>();
  policy.tiers.forEach((tier, tierIndex) => {
    if (seen.has(tier.tier)) problems.push({ path: `tiers.${tierIndex}.tier`, message: `tier ${tier.tier} appears twice` });
    seen.add(tier.tier);
    tier.steps.forEach((step, stepIndex) => {
      if (stepIds.has(step.stepId)) {
        problems.push({
          path: `tiers.${tierIndex}.steps.${stepIndex}.stepId`,
          message: `step id ${step.stepId} is used twice; step ids are unique across tiers`,
        });
      }
      stepIds.add(step.stepId);
    });
  });
  if (!seen.has(1))
    problems.push({ path: 'tiers', message: 'tier 1 is required: every invoice starts there unless its customer is riskier' });
  return problems;
}
