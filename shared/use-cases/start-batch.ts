import { startMessageSchema } from '#contracts/workflow.ts';
import type { Pacer } from '#domain/pacing.ts';
import type { Logger } from '#ports/logger.ts';
import type { Workflow } from '#ports/workflow.ts';

export interface StartBatchDeps {
  /** Makes sure the invoice has a live execution (`startDunning` over a `pacedStarts` workflow). */
  readonly start: (invoiceId: string) => Promise<unknown>;
  readonly log: Logger;
}

export interface StartRecord {
  readonly messageId: string;
  readonly body: string;
}

/**
 * StartExecution at this consumer's share of the rate: every call takes a token first, the
 * start of a live execution (a no-op) and the refused start of an ended one included, as Step
 * Functions counts them all.
 */
export function pacedStarts(workflow: Pick<Workflow, 'start'>, pacer: Pacer): Pick<Workflow, 'start'> {
  return {
    start: async (name, input) => {
      await pacer.take();
      return workflow.start(name, input);
    },
  };
}

/**
 * One batch of the start buffer: its starts run at once, each as its tokens come. A record that
 * fails (malformed, throttled after the SDK's own retries, the table) is reported alone, for SQS
 * to deliver again; the others are done.
 */
export async function startBatch(deps: StartBatchDeps, records: readonly StartRecord[]): Promise<{ itemIdentifier: string }[]> {
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
