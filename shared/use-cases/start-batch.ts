import { startMessageSchema } from '#contracts/workflow.ts';
import type { Logger } from '#domain/lifecycle.ts';
import type { Pacer } from '#domain/pacing.ts';

export interface StartBatchDeps {
  /** Makes sure the invoice has a live execution (`startDunning`). */
  readonly start: (invoiceId: string) => Promise<unknown>;
  /** This consumer's share of the StartExecution rate. */
  readonly pacer: Pacer;
  readonly log: Logger;
}

export interface StartRecord {
  readonly messageId: string;
  readonly body: string;
}

/**
 * One batch of the start buffer: the batch's tokens are taken from the pacer first, then its
 * starts run at once. A record that fails (malformed, throttled after the SDK's own retries, the
 * table) is reported alone, for SQS to deliver again; the others are done.
 */
export async function startBatch(deps: StartBatchDeps, records: readonly StartRecord[]): Promise<{ itemIdentifier: string }[]> {
  if (records.length === 0) return [];
  await deps.pacer.take(records.length);
  const outcomes = await Promise.all(
    records.map(async (record) => {
      try {
        const { invoiceId } = startMessageSchema.parse(JSON.parse(record.body));
        await deps.start(invoiceId);
        return undefined;
      } catch (error) {
        deps.log.error('start failed', { messageId: record.messageId, error: String(error) });
        return { itemIdentifier: record.messageId };
      }
    }),
  );
  return outcomes.filter((failure): failure is { itemIdentifier: string } => failure !== undefined);
}
