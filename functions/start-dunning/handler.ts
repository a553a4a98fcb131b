import { setTimeout as sleep } from 'node:timers/promises';
import { functionContext } from '#adapters/compose-context.ts';
import { tableAdapters } from '#adapters/compose-table.ts';
import { workflow } from '#adapters/compose-workflow.ts';
import { sqsHandler } from '#adapters/handlers.ts';
import { EnvName } from '#contracts/functions.ts';
import { MetricName } from '#contracts/metrics.ts';
import { parseStartRatePerConsumer, startPacerBurst } from '#contracts/start-pacing.ts';
import { Pacer } from '#domain/pacing.ts';
import { pacedStarts, startBatch } from '#use-cases/start-batch.ts';
import { startDunning } from '#use-cases/start-dunning.ts';

const app = functionContext('start-dunning');
// This consumer's share of the StartExecution rate (shared/contracts/start-pacing.ts); the bucket
// holds one batch, so a warm consumer never starts more than its share over any second.
const ratePerSecond = parseStartRatePerConsumer(app.need(EnvName.startRatePerConsumer));
const pacer = new Pacer({ ratePerSecond, burst: startPacerBurst(ratePerSecond), now: () => Date.now(), sleep: (ms) => sleep(ms) });
const deps = { store: tableAdapters(app).invoiceStore(), clock: app.clock, workflow: pacedStarts(workflow(app), pacer) };

const { telemetry } = app;
const batchDeps = {
  start: async (invoiceId: string) => {
    const outcome = await startDunning(deps, invoiceId);
    if (outcome === 'started') telemetry.count(MetricName.startsStarted);
    return outcome;
  },
  log: app.log,
};

/** Drains the start buffer, paced; a failed record is retried by SQS (and lands in the DLQ after 5 tries). */
export const handler = sqsHandler(telemetry, async (records) => {
  telemetry.count(MetricName.startsRequested, records.length);
  return startBatch(
    batchDeps,
    records.map((record) => ({ messageId: record.messageId, body: record.body })),
  );
});
