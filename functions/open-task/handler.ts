import { composeFunction } from '#adapters/compose.ts';
import { openTaskSchema } from '#contracts/workflow.ts';
import { openCollectorTask } from '#domain/tasks.ts';

const app = composeFunction('open-task');
const deps = { store: app.invoiceStore(), tasks: app.taskStore(), collectors: app.collectors(), clock: app.clock };

export const handler = async (event: unknown) => {
  const { invoiceId, stepId, reason, deadlineDays } = openTaskSchema.parse(event);
  const outcome = await openCollectorTask(deps, invoiceId, stepId, reason, deadlineDays ?? undefined);
  switch (outcome.kind) {
    case 'opened':
      return { outcome: outcome.kind, taskId: outcome.task.taskId };
    case 'already_done':
      return { outcome: outcome.kind, taskId: outcome.taskId };
    case 'not_due':
      return { outcome: outcome.kind, reason: outcome.reason };
  }
};
