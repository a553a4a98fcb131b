import { functionContext } from '#adapters/compose-context.ts';
import { collectorTopic } from '#adapters/compose-messaging.ts';
import { appendCorrelation } from '#adapters/correlation.ts';
import { eventHandler } from '#adapters/handlers.ts';
import { collectorTaskEventSchema } from '#contracts/events.ts';
import type { CollectorMessage } from '#domain/tasks.ts';

/**
 * A new collector task (an event the advance function put on the domain bus) → the collectors
 * topic, with the attributes subscribers filter on. EventBridge retries a failure and then
 * dead-letters the event; subscribers dedupe on taskId.
 */
const app = functionContext('notify-collectors');
const topic = collectorTopic(app);

export const handler = eventHandler(app.telemetry, async (event) => {
  const message = collectorTaskEventSchema.parse(event).detail as unknown as CollectorMessage;
  appendCorrelation({ invoiceId: message.task.invoiceId, taskId: message.task.taskId });
  const { messageId } = await topic.publish(message);
  app.log.info('collector task published', { taskId: message.task.taskId, invoiceId: message.task.invoiceId, messageId });
  return { messageId };
});
