import { composeFunction } from '#adapters/compose.ts';
import { recordFailureTaskSchema } from '#contracts/workflow.ts';
import { recordSendFailure } from '#domain/lifecycle.ts';

const app = composeFunction('record-failure');
const deps = { store: app.invoiceStore(), clock: app.clock };

export const handler = async (event: unknown) => {
  const { invoiceId, stepId, error, cause } = recordFailureTaskSchema.parse(event);
  app.log.error('reminder send failed after retries', { invoiceId, stepId, error, cause });
  await recordSendFailure(deps, invoiceId, stepId, error, cause);
  return { recorded: true };
};
