import type { FunctionName } from '#contracts/functions.ts';
import type { Units } from '#local/capacity.ts';
import type { FunctionUsage } from '#local/lambda-host.ts';
import type { RuntimeMetrics } from '#local/metrics.ts';
import { functionSizing } from '../infra/stacks/stateless-stack.ts';
import { invoiceBody, LocalServer } from '../test/support/local-server.ts';
import { type Figure, figure, formatNumber } from './figures.ts';
import { prices } from './prices.ts';

/**
 * What one invoice's lifecycle costs on AWS, counted on the embedded runtime (`GET
 * /_local/metrics` before and after, on a fresh server each) and priced at us-east-1 list
 * prices (bench/prices.ts). Counts are the runtime's; Lambda durations are measured locally.
 */

export interface CostResult {
  readonly tables: { readonly title: string; readonly figures: Figure[] }[];
  /** What the runtime failed to do; empty when the run is sound. */
  readonly problems: string[];
}

/** DunwellFunction's memory when the stack sizes a function no other way (infra/constructs/dunwell-function.ts). */
const DEFAULT_MEMORY_MB = 512;
/**
 * The finance lake's functions: on AWS the stream hands export-events up to 1,000 records of many
 * invoices at once and compaction runs daily, so one lifecycle's share is not what one local run
 * shows. Left out of the lifecycle (and run here only on the runtime's own timer, if at all).
 */
const LAKE_FUNCTIONS: ReadonlySet<string> = new Set<FunctionName>(['export-events', 'export-compact', 'export-backfill']);

interface Lifecycle {
  readonly title: string;
  readonly invoiceId: string;
  /** Runs the lifecycle after the invoice was ingested; returns what went wrong. */
  readonly run: (server: LocalServer) => Promise<string[]>;
}

const lifecycles: readonly Lifecycle[] = [
  {
    title: 'unpaid for 120 days past due',
    invoiceId: 'INV-COST-UNPAID',
    run: async (server) => {
      await server.advance({ to: '2027-03-31T00:00:00Z' });
      return [];
    },
  },
  {
    title: 'paid in full after two reminders',
    invoiceId: 'INV-COST-PAID',
    run: async (server) => {
      await server.advance({ to: '2026-12-10T00:00:00Z' });
      const paid = await server.api('POST', '/v1/invoices/INV-COST-PAID/payments', {
        paymentId: 'PAY-COST-PAID',
        amount: '1250.00',
        paidAt: '2026-12-10T00:00:00Z',
      });
      await server.advance({ days: 1 });
      const thanked = (await server.outbox('INV-COST-PAID')).some((message) => message.step === 'thank-you');
      return [...(paid.status === 201 ? [] : [`payment: HTTP ${paid.status}`]), ...(thanked ? [] : ['the paid invoice got no thank-you'])];
    },
  },
];

export async function runCostBench(log: (line: string) => void): Promise<CostResult> {
  const tables: CostResult['tables'][number][] = [];
  const problems: string[] = [];
  for (const lifecycle of lifecycles) {
    log(`cost: one invoice ${lifecycle.title}…`);
    const server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z', env: { DUNWELL_LOCAL_METRICS: '1' } });
    try {
      await server.token();
      const before = await metrics(server);
      const created = await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: lifecycle.invoiceId }));
      if (created.status !== 201) problems.push(`${lifecycle.invoiceId}: HTTP ${created.status}`);
      problems.push(...(await lifecycle.run(server)).map((problem) => `${lifecycle.invoiceId}: ${problem}`));
      const used = difference(await metrics(server), before);
      const deadLetters = await server.deadLetters();
      if (deadLetters.length > 0) problems.push(`${lifecycle.invoiceId}: ${deadLetters.length} dead letters`);
      if (used.messages.email === 0) problems.push(`${lifecycle.invoiceId}: no email was sent`);
      tables.push({ title: `Cost: one invoice ${lifecycle.title}`, figures: costFigures(used) });
    } finally {
      await server.stop();
    }
  }
  return { tables, problems };
}

/** Issue 10, item 3. */
export const WRITE_UNITS_PER_ACTION_GOAL = 4;

async function metrics(server: LocalServer): Promise<RuntimeMetrics> {
  const { status, body } = await server.local<RuntimeMetrics>('GET', '/_local/metrics');
  if (status !== 200) throw new Error(`GET /_local/metrics: HTTP ${status}`);
  return body;
}

/** What was used between two snapshots (the runtime's counters only grow). */
export function difference(after: RuntimeMetrics, before: RuntimeMetrics): RuntimeMetrics {
  const lambda: Partial<Record<FunctionName, FunctionUsage>> = {};
  for (const [name, usage] of Object.entries(after.lambda) as [FunctionName, FunctionUsage][]) {
    const earlier = before.lambda[name] ?? { invocations: 0, billedMs: 0 };
    if (usage.invocations > earlier.invocations)
      lambda[name] = { invocations: usage.invocations - earlier.invocations, billedMs: usage.billedMs - earlier.billedMs };
  }
  return {
    stepFunctions: {
      executions: after.stepFunctions.executions - before.stepFunctions.executions,
      stateTransitions: after.stepFunctions.stateTransitions - before.stepFunctions.stateTransitions,
    },
    lambda,
    dynamodb: {
      readRequestUnits: unitsDifference(after.dynamodb.readRequestUnits, before.dynamodb.readRequestUnits),
      writeRequestUnits: unitsDifference(after.dynamodb.writeRequestUnits, before.dynamodb.writeRequestUnits),
    },
    scheduler: {
      schedulesCreated: after.scheduler.schedulesCreated - before.scheduler.schedulesCreated,
      schedulesUpdated: after.scheduler.schedulesUpdated - before.scheduler.schedulesUpdated,
      schedulesDeleted: after.scheduler.schedulesDeleted - before.scheduler.schedulesDeleted,
    },
    eventBridge: { eventsPut: after.eventBridge.eventsPut - before.eventBridge.eventsPut },
    messages: { email: after.messages.email - before.messages.email, sms: after.messages.sms - before.messages.sms },
  };
}

function unitsDifference(after: Units, before: Units): Units {
  const indexes = Object.entries(after.indexes).map(([name, units]) => [name, units - (before.indexes[name] ?? 0)] as const);
  return { table: after.table - before.table, indexes: Object.fromEntries(indexes.filter(([, units]) => units > 0)) };
}

function totalUnits(units: Units): number {
  return Object.values(units.indexes).reduce((sum, value) => sum + value, units.table);
}

function unitsDetail(units: Units): string {
  return [
    `table ${formatNumber(units.table)}`,
    ...Object.entries(units.indexes).map(([name, value]) => `${name} ${formatNumber(value)}`),
  ].join(' · ');
}

function usd(amount: number): string {
  return `$${amount === 0 ? '0' : formatNumber(amount)}`;
}

function costFigures(used: RuntimeMetrics): Figure[] {
  const functions = (Object.entries(used.lambda) as [FunctionName, FunctionUsage][])
    .filter(([name]) => !LAKE_FUNCTIONS.has(name))
    .sort(([, a], [, b]) => b.invocations - a.invocations);
  const invocations = functions.reduce((sum, [, usage]) => sum + usage.invocations, 0);
  const gbSeconds = functions.reduce(
    (sum, [name, usage]) => sum + (usage.billedMs / 1000) * ((functionSizing[name]?.memorySize ?? DEFAULT_MEMORY_MB) / 1024),
    0,
  );
  const writes = totalUnits(used.dynamodb.writeRequestUnits);
  const reads = totalUnits(used.dynamodb.readRequestUnits);
  const { email, sms } = used.messages;
  const parts = {
    'Step Functions': used.stepFunctions.stateTransitions * prices.stepFunctionsTransition,
    'Lambda requests': invocations * prices.lambdaRequest,
    'Lambda duration': gbSeconds * prices.lambdaGbSecond,
    'DynamoDB writes': writes * prices.dynamoWriteUnit,
    'DynamoDB reads': reads * prices.dynamoReadUnit,
    Scheduler: used.scheduler.schedulesCreated * prices.schedulerInvocation,
    EventBridge: used.eventBridge.eventsPut * prices.eventBridgeEvent,
  };
  const infrastructure = Object.values(parts).reduce((sum, part) => sum + part, 0);
  const largest = Object.entries(parts).sort(([, a], [, b]) => b - a)[0] ?? ['—', 0];
  const emailPrice = email * prices.sesEmail;
  const smsPrice = sms * prices.snsSmsGermany;
  const ratio = emailPrice > 0 ? infrastructure / emailPrice : Number.POSITIVE_INFINITY;
  const met = infrastructure <= emailPrice;
  // An action is what a wake-up does for the customer: a message, or a collector task (one
  // notify-collectors invocation each).
  const tasks = used.lambda['notify-collectors']?.invocations ?? 0;
  const actions = email + sms + tasks;
  const writesPerAction = actions > 0 ? writes / actions : Number.POSITIVE_INFINITY;
  return [
    figure('Step Functions state transitions', used.stepFunctions.stateTransitions, usd(parts['Step Functions'])),
    figure(
      'Lambda invocations',
      invocations,
      `${usd(parts['Lambda requests'])}   ${functions.map(([name, usage]) => `${name} ${usage.invocations}`).join(' · ')}`,
    ),
    figure('Lambda billed GB-s (duration measured locally)', gbSeconds, `${usd(parts['Lambda duration'])}   at each function's memory`),
    figure('DynamoDB write request units', writes, `${usd(parts['DynamoDB writes'])}   ${unitsDetail(used.dynamodb.writeRequestUnits)}`),
    figure(
      'DynamoDB write units per action',
      Number.isFinite(writesPerAction) ? writesPerAction : '—',
      `goal ≤ ${WRITE_UNITS_PER_ACTION_GOAL} ${writesPerAction <= WRITE_UNITS_PER_ACTION_GOAL ? '✓' : '✗'}   over ${actions} actions (${email + sms} messages, ${tasks} collector tasks), ingest and close included`,
    ),
    figure('DynamoDB read request units', reads, `${usd(parts['DynamoDB reads'])}   ${unitsDetail(used.dynamodb.readRequestUnits)}`),
    figure('EventBridge Scheduler schedules created', used.scheduler.schedulesCreated, `${usd(parts.Scheduler)}   priced as invocations`),
    figure('EventBridge PutEvents entries', used.eventBridge.eventsPut, usd(parts.EventBridge)),
    figure('messages sent', email + sms, `${email} email, ${sms} SMS`),
    figure('infrastructure', usd(infrastructure), `${largest[0]} ${Math.round((largest[1] / (infrastructure || 1)) * 100)} %`),
    figure(`SES price of the ${email} emails`, usd(emailPrice)),
    figure(`SNS price of the ${sms} SMS`, usd(smsPrice), 'to Germany; varies by country'),
    figure(
      'infrastructure / SES price of its emails',
      Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '—',
      `goal ≤ 1× (infrastructure ≤ the SES price) ${met ? '✓' : '✗'}`,
    ),
  ];
}
