import { z } from 'zod';
import { isReportingTimeZone } from '#contracts/report-queries.ts';
import { defaultStartExecutionRefill, defaultStartRate, MIN_START_RATE_PER_SECOND } from '#contracts/start-pacing.ts';

/** The CDK context key that holds the deploy config (see `cdk.json`). */
export const DEPLOY_CONFIG_CONTEXT_KEY = 'dunwell';

/** cdk.json keeps unused optional keys as "" so they are easy to fill in; "" means "not set". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' || value === null ? undefined : value), schema.optional());

const dnsName = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a lower-case DNS domain name');

/** Where customers ask questions: an email address, a phone number or an https:// page. */
const creditorContact = z
  .string()
  .trim()
  .max(200)
  .refine(
    (value) =>
      z.email().safeParse(value).success ||
      (/^\+?[0-9(][0-9 ()./-]{4,30}$/.test(value) && (value.match(/[0-9]/g)?.length ?? 0) >= 5) ||
      z.url({ protocol: /^https$/ }).safeParse(value).success,
    'must be an email address, a phone number (e.g. +44 20 7946 0000) or an https:// URL',
  );

/**
 * An IANA zone name exactly as the report queries accept it (it is written into their SQL, and
 * Athena's zone ids are case-sensitive): `UTC` or a name such as `Europe/Berlin`.
 */
const ianaTimeZone = z
  .string()
  .refine(isReportingTimeZone, 'must be an IANA time zone name such as UTC or Europe/Berlin (see Intl.supportedValuesOf("timeZone"))');

/** A QuickSight user or group, e.g. `arn:aws:quicksight:us-east-1:123456789012:user/default/finance-lead`. */
const quicksightPrincipalArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:quicksight:[a-z]{2}(-[a-z]+)+-\d:\d{12}:(user|group)\/[A-Za-z0-9._-]+\/[^\s]+$/,
    'must be a QuickSight user or group ARN such as arn:aws:quicksight:us-east-1:123456789012:user/default/finance-lead',
  );

const deployConfigSchema = z
  .strictObject({
    /** Short environment name; becomes part of every resource name. */
    stage: z.string().regex(/^[a-z][a-z0-9-]{0,14}$/, 'must be 1-15 lower-case letters, digits or dashes, starting with a letter'),
    /** The From address of every reminder. */
    senderEmail: z.email(),
    /**
     * Who is asking for the money, as customers know it ("Acme Supplies Ltd"): the heading of the
     * hosted page, the sign-off and From display name of every email, the start of every SMS.
     */
    creditorName: z
      .string({ error: 'is required: the name customers know you by, e.g. "Acme Supplies Ltd"' })
      .trim()
      .min(1, 'must not be empty')
      .max(100, 'must be at most 100 characters')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
      .regex(/^[^\u0000-\u001f\u007f<>]+$/, 'must be plain text on one line, without < or >'),
    /** Where customers ask questions; defaults to senderEmail. */
    creditorContact: optional(creditorContact),
    /** Domain verified in SES (DKIM); when absent, the sender email address alone is verified. */
    senderDomain: optional(dnsName),
    /**
     * Where customers' replies go: every email carries a Reply-To `r+<code>@<replyDomain>`, and an
     * SES receipt rule set for it hands each reply to the reply function (README "Replies"). A
     * domain of its own, e.g. `replies.<senderDomain>`: its MX record sends all its mail to SES.
     * Absent → no Reply-To and no receiving; replies reach the sender address as before.
     */
    replyDomain: optional(dnsName),
    /** Base of the hosted pay links; when absent, the HTTP API's own URL. */
    publicBaseUrl: optional(z.url({ protocol: /^https$/, error: 'must be an https:// URL' })),
    /**
     * Secrets Manager secret (by name) holding the payment provider's credentials as JSON
     * `{"apiKey": "sk_...", "webhookSecret": "whsec_..."}`; created by the operator, never by
     * the stack. Defaults to `dunwell/<stage>/stripe`.
     */
    paymentSecretName: optional(z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a Secrets Manager secret name')),
    /** Who is told when a dead-letter queue fills or an execution fails. */
    alarmEmail: optional(z.email()),
    /** Cognito hosted domain prefix (globally unique per region); defaults to `<namePrefix>-<account id>`. */
    authDomainPrefix: optional(z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be lower-case letters, digits and dashes')),
    /** Managed-login domain prefix of the console's people (globally unique per region); defaults to `<namePrefix>-people-<account id>`. */
    consoleDomainPrefix: optional(
      z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be lower-case letters, digits and dashes'),
    ),
    /** Whose calendar days the reports count in (API.md "Reports"); UTC by default. */
    reportingTimeZone: optional(ianaTimeZone),
    /**
     * QuickSight data source and data sets over the lake, owned by this user or group; absent →
     * nothing QuickSight is created (it is priced per user). The subscription is set up by hand.
     */
    quicksight: optional(z.strictObject({ principalArn: quicksightPrincipalArn })),
    /**
     * StartExecution calls per second for the whole start buffer (month-end bursts drain at it);
     * default five sixths of startExecutionRefillPerSecond: 250 where that is 300.
     */
    startRatePerSecond: optional(
      z
        .number({ error: 'must be a number of starts per second' })
        .min(MIN_START_RATE_PER_SECOND, `must be at least ${MIN_START_RATE_PER_SECOND} (one per second for each start consumer)`),
    ),
    /**
     * The account's StartExecution refill per second in the deploy region, shared by every state
     * machine there: by default 300 in us-east-1, us-west-2 and eu-west-1 (and when no region is
     * set), 150 elsewhere; set it when AWS raised the quota.
     */
    startExecutionRefillPerSecond: optional(z.number({ error: 'must be a number of starts per second' }).positive('must be positive')),
    account: optional(z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id')),
    region: optional(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1')),
  })
  .refine(
    (config) =>
      !config.senderDomain ||
      config.senderEmail.toLowerCase().endsWith(`@${config.senderDomain}`) ||
      config.senderEmail.toLowerCase().endsWith(`.${config.senderDomain}`),
    { path: ['senderEmail'], message: 'must be an address at senderDomain (SES sends only from verified identities)' },
  )
  .refine(
    (config) =>
      !config.replyDomain ||
      (config.replyDomain !== config.senderDomain && config.replyDomain !== config.senderEmail.toLowerCase().split('@')[1]),
    {
      path: ['replyDomain'],
      message: 'must be a domain of its own, not the sender domain (its MX record sends all its mail to SES): e.g. replies.<senderDomain>',
    },
  )
  .refine((config) => !config.quicksight || !config.account || config.quicksight.principalArn.split(':')[4] === config.account, {
    path: ['quicksight', 'principalArn'],
    message: 'must belong to the account the stacks deploy to',
  })
  .superRefine((config, context) => {
    const refill = startExecutionRefill(config);
    if (config.startRatePerSecond !== undefined && config.startRatePerSecond > refill) {
      context.addIssue({
        code: 'custom',
        path: ['startRatePerSecond'],
        message: `must be at most the account's StartExecution refill, ${refill} per second${config.region ? ` in ${config.region}` : ''} (set startExecutionRefillPerSecond if AWS raised it)`,
      });
    }
  });

/** The account's StartExecution refill: as configured, else Step Functions' default for the region. */
function startExecutionRefill(config: { startExecutionRefillPerSecond?: number | undefined; region?: string | undefined }): number {
  return config.startExecutionRefillPerSecond ?? defaultStartExecutionRefill(config.region);
}

export interface DeployConfig {
  readonly stage: string;
  /** `dunwell-<stage>`: prefix of stack and physical resource names. */
  readonly namePrefix: string;
  readonly senderEmail: string;
  readonly senderDomain: string | undefined;
  /** Replies come back to `r+<code>@<replyDomain>` (SES receiving); undefined → no Reply-To, no receiving. */
  readonly replyDomain: string | undefined;
  /** Who is asking for the money (hosted pages, messages, From display name). */
  readonly creditorName: string;
  /** Where customers ask questions: creditorContact, else the sender address. */
  readonly creditorContact: string;
  readonly publicBaseUrl: string | undefined;
  readonly alarmEmail: string | undefined;
  /** Name of the payment provider's secret (imported by name, see the stateless stack). */
  readonly paymentSecretName: string;
  readonly authDomainPrefix: string | undefined;
  readonly consoleDomainPrefix: string | undefined;
  /** IANA zone of the reporting calendar (reports, named queries, QuickSight data sets). */
  readonly reportingTimeZone: string;
  /** Set → QuickSight data source and data sets owned by this principal; undefined → no QuickSight at all. */
  readonly quicksight: { readonly principalArn: string } | undefined;
  /** StartExecution calls per second for all start consumers together (default 250 where the account's refill is 300). */
  readonly startRatePerSecond: number;
  /** Left undefined for an environment-agnostic synth (no account, no lookups). */
  readonly env: { readonly account: string | undefined; readonly region: string | undefined };
}

export class DeployConfigError extends Error {
  override readonly name = 'DeployConfigError';
}

/**
 * Parses the deploy config once: the `dunwell` context object (from cdk.json or
 * `-c dunwell='{"stage":"prod",...}'`), with account and region falling back to the
 * CDK_DEFAULT_* variables the CLI sets. Throws one error naming every bad key.
 */
export function parseDeployConfig(context: unknown, env: NodeJS.ProcessEnv = process.env): DeployConfig {
  const raw = typeof context === 'string' ? parseJsonContext(context) : context;
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new DeployConfigError(
      `CDK context "${DEPLOY_CONFIG_CONTEXT_KEY}" must be an object with stage, senderEmail and creditorName (see cdk.json)`,
    );
  }
  const withEnvDefaults = {
    ...raw,
    account: (raw as Record<string, unknown>).account ?? env.CDK_DEFAULT_ACCOUNT,
    region: (raw as Record<string, unknown>).region ?? env.CDK_DEFAULT_REGION,
  };
  const parsed = deployConfigSchema.safeParse(withEnvDefaults);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys
          .map((key) => `  ${[DEPLOY_CONFIG_CONTEXT_KEY, ...issue.path.map(String), key].join('.')}: unknown key`)
          .join('\n');
      }
      const key = [DEPLOY_CONFIG_CONTEXT_KEY, ...issue.path.map(String)].join('.');
      return `  ${key}: ${issue.message}`;
    });
    throw new DeployConfigError(`Invalid deploy config:\n${problems.join('\n')}`);
  }
  const config = parsed.data;
  return {
    stage: config.stage,
    namePrefix: `dunwell-${config.stage}`,
    senderEmail: config.senderEmail,
    senderDomain: config.senderDomain,
    replyDomain: config.replyDomain,
    creditorName: config.creditorName,
    creditorContact: config.creditorContact ?? config.senderEmail,
    publicBaseUrl: config.publicBaseUrl?.replace(/\/+$/, ''),
    alarmEmail: config.alarmEmail,
    paymentSecretName: config.paymentSecretName ?? `dunwell/${config.stage}/stripe`,
    authDomainPrefix: config.authDomainPrefix,
    consoleDomainPrefix: config.consoleDomainPrefix,
    reportingTimeZone: config.reportingTimeZone ?? 'UTC',
    quicksight: config.quicksight,
    startRatePerSecond: config.startRatePerSecond ?? defaultStartRate(startExecutionRefill(config)),
    env: { account: config.account, region: config.region },
  };
}

function parseJsonContext(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new DeployConfigError(`CDK context "${DEPLOY_CONFIG_CONTEXT_KEY}" given on the command line is not valid JSON`);
  }
}
