import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { composeFunction } from '#adapters/compose.ts';
import { startMessageSchema } from '#contracts/workflow.ts';
import { startDunning } from '#domain/lifecycle.ts';

const app = composeFunction('start-dunning');
const deps = { store: app.invoiceStore(), clock: app.clock, workflow: app.workflow() };

/** Drains the start buffer; a failed record is retried by SQS (and lands in the DLQ after 5 tries). */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const { invoiceId } = startMessageSchema.parse(JSON.parse(record.body));
      await startDunning(deps, invoiceId);
    } catch (error) {
      app.log.error('start failed', { messageId: record.messageId, error: String(error) });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
