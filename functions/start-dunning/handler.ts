import { setTimeout as sleep } from 'node:timers/promises';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { functionContext } from '#adapters/compose-context.ts';
import { tableAdapters } from '#adapters/compose-table.ts';
import { workflow } from '#adapters/compose-workflow.ts';
import { EnvName } from '#contracts/env.ts';
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

/** Drains the start buffer, paced; a failed record is retried by SQS (and lands in the DLQ after 5 tries). */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => ({
  batchItemFailures: await startBatch(
    { start: (invoiceId) => startDunning(deps, invoiceId), log: app.log },
    event.Records.map((record) => ({ messageId: record.messageId, body: record.body })),
  ),
});
