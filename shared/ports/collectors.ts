import type { CollectorMessage } from '#domain/tasks.ts';

/**
 * Where collectors hear about new tasks (an SNS topic on AWS). Delivery is at least once: a
 * retried open may publish the same task again, so subscribers dedupe on `task.taskId`.
 */
export interface CollectorNotifier {
  publish(message: CollectorMessage): Promise<{ messageId: string }>;
}
