import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { LocalGateway } from './gateway.ts';
import { LocalRuntime } from './runtime.ts';

/**
 * `npm start`: the whole pipeline on this machine. Options:
 *   --clock=realtime|manual   realtime (default) moves the virtual clock with the wall clock
 *                             (times --speed); manual keeps it still until POST /_local/clock/advance
 *   --clock-start=<instant>   where the virtual clock starts on a fresh data folder
 *   --speed=<n>               virtual seconds per real second in realtime mode (default 1)
 * Environment: PORT (3000), DUNWELL_DATA_DIR (.dunwell/), DUNWELL_SES_PORT (8005),
 * DUNWELL_AWS_PORT (8006: the local AWS endpoint for the aws CLI; 0 picks a free port),
 * DUNWELL_CREDITOR_NAME ("Dunwell Demo Ltd"), DUNWELL_CREDITOR_CONTACT (billing@dunwell.local),
 * DUNWELL_REPORTING_TIME_ZONE (UTC: the zone whose calendar days the reports count in),
 * DUNWELL_START_RATE_PER_SECOND (250: executions started per second, as the deploy config's startRatePerSecond).
 * Fault injection for tests (never set in normal use): DUNWELL_FAULT_CRASH_AFTER_EMAIL_STEP,
 * DUNWELL_FAULT_LOSE_EMAIL_RESPONSE_STEP (a cadence step id).
 */
const { values } = parseArgs({
  options: {
    clock: { type: 'string', default: 'realtime' },
    'clock-start': { type: 'string' },
    speed: { type: 'string', default: '1' },
  },
  strict: true,
});

const config = z
  .object({
    clock: z.enum(['realtime', 'manual']),
    clockStart: z.iso.datetime({ offset: true }).optional(),
    speed: z.coerce.number().positive().max(1_000_000),
    port: z.coerce.number().int().min(0).max(65535),
    sesPort: z.coerce.number().int().min(0).max(65535),
    awsPort: z.coerce.number().int().min(0).max(65535),
    dataDir: z.string().min(1),
    crashAfterEmailStep: z.string().optional(),
    loseEmailResponseStep: z.string().optional(),
    creditorName: z.string().trim().min(1).max(100).optional(),
    creditorContact: z.string().trim().min(1).max(200).optional(),
    reportingTimeZone: z
      .string()
      .refine(
        (zone) => zone === 'UTC' || Intl.supportedValuesOf('timeZone').includes(zone),
        'must be an IANA time zone such as Europe/Berlin',
      )
      .optional(),
    startRatePerSecond: z.coerce.number().positive().optional(),
  })
  .parse({
    clock: values.clock,
    clockStart: values['clock-start'],
    speed: values.speed,
    port: process.env.PORT ?? 3000,
    sesPort: process.env.DUNWELL_SES_PORT ?? 8005,
    awsPort: process.env.DUNWELL_AWS_PORT ?? 8006,
    dataDir: process.env.DUNWELL_DATA_DIR ?? '.dunwell',
    crashAfterEmailStep: process.env.DUNWELL_FAULT_CRASH_AFTER_EMAIL_STEP || undefined,
    loseEmailResponseStep: process.env.DUNWELL_FAULT_LOSE_EMAIL_RESPONSE_STEP || undefined,
    creditorName: process.env.DUNWELL_CREDITOR_NAME || undefined,
    creditorContact: process.env.DUNWELL_CREDITOR_CONTACT || undefined,
    reportingTimeZone: process.env.DUNWELL_REPORTING_TIME_ZONE || undefined,
    startRatePerSecond: process.env.DUNWELL_START_RATE_PER_SECOND || undefined,
  });

const host = '127.0.0.1';
const runtime = new LocalRuntime({
  dataDir: resolve(config.dataDir),
  clockStart: config.clockStart ? new Date(config.clockStart) : undefined,
  sesPort: config.sesPort,
  awsPort: config.awsPort,
  crashAfterEmailStep: config.crashAfterEmailStep,
  loseEmailResponseStep: config.loseEmailResponseStep,
  creditorName: config.creditorName,
  creditorContact: config.creditorContact,
  reportingTimeZone: config.reportingTimeZone,
  startRatePerSecond: config.startRatePerSecond,
});
const gateway = new LocalGateway(runtime);
const port = await gateway.listen(config.port, host);
await runtime.start(`http://${host}:${port}`);

let ticker: NodeJS.Timeout | undefined;
if (config.clock === 'realtime') {
  let last = Date.now();
  let busy = false;
  ticker = setInterval(() => {
    if (busy) return;
    const elapsed = (Date.now() - last) * config.speed;
    last = Date.now();
    busy = true;
    runtime
      .advanceTo(new Date(runtime.clock.now().getTime() + elapsed))
      .catch((error: unknown) => console.error(JSON.stringify({ level: 'error', component: 'local-clock', error: String(error) })))
      .finally(() => {
        busy = false;
      });
  }, 1000);
}

console.log(
  JSON.stringify({
    level: 'info',
    component: 'local',
    message: 'Dunwell is running',
    api: `http://${host}:${port}`,
    // One click signs in as a finance lead or a collector (no password: the local runtime only).
    console: `http://${host}:${port}/console/sign-in`,
    consoleFinance: `http://${host}:${port}/console/dev-sign-in?role=finance`,
    consoleCollector: `http://${host}:${port}/console/dev-sign-in?role=collector`,
    sesInbox: runtime.sesUrl,
    // Every emulated AWS service (Step Functions, Scheduler, SQS…) for `aws --endpoint-url`; the command works as pasted.
    awsEndpoint: runtime.awsUrl,
    awsCli: runtime.awsCliExample(),
    dataDir: resolve(config.dataDir),
    clock: config.clock,
    now: runtime.clock.now().toISOString(),
  }),
);

const shutdown = async () => {
  if (ticker) clearInterval(ticker);
  await gateway.close();
  await runtime.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
