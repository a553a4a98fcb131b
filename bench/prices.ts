/**
 * us-east-1 list prices in US dollars, as assumed on 2026-05-01 (check the pages before relying
 * on a figure: prices change, and free tiers are left out on purpose).
 */
export const prices = {
  /** https://aws.amazon.com/step-functions/pricing/ — Standard workflows, per state transition. */
  stepFunctionsTransition: 0.000025,
  /** https://aws.amazon.com/lambda/pricing/ — $0.20 per 1M requests. */
  lambdaRequest: 0.2 / 1_000_000,
  /** https://aws.amazon.com/lambda/pricing/ — per GB-second, x86 (arm64 is about 20 % less). */
  lambdaGbSecond: 0.0000166667,
  /** https://aws.amazon.com/dynamodb/pricing/on-demand/ — $0.625 per million write request units (since Nov 2024). */
  dynamoWriteUnit: 0.625 / 1_000_000,
  /** https://aws.amazon.com/dynamodb/pricing/on-demand/ — $0.125 per million read request units (since Nov 2024). */
  dynamoReadUnit: 0.125 / 1_000_000,
  /** https://aws.amazon.com/eventbridge/pricing/ — Scheduler, $1.00 per million schedule invocations. */
  schedulerInvocation: 1 / 1_000_000,
  /** https://aws.amazon.com/eventbridge/pricing/ — custom events on a bus, $1.00 per million (64 KB chunks). */
  eventBridgeEvent: 1 / 1_000_000,
  /** https://aws.amazon.com/ses/pricing/ — $0.10 per 1,000 outbound emails. */
  sesEmail: 0.1 / 1_000,
  /**
   * https://aws.amazon.com/sns/sms-pricing/ — one SMS to a German number, about $0.0775; the
   * price varies by country and carrier.
   */
  snsSmsGermany: 0.0775,
} as const;
