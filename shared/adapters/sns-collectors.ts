import { type MessageAttributeValue, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { CollectorMessage } from '#domain/tasks.ts';
import type { CollectorNotifier } from '#ports/collectors.ts';

/**
 * Publishes new collector tasks to the collectors topic. The message body is the JSON
 * CollectorMessage; `kind`, `reason`, `invoiceId` and `taskId` are also message attributes, so
 * subscriptions can filter (e.g. agency referrals to the agency desk) without parsing the body.
 * Delivery is at least once (SDK retries, a retried open): subscribers dedupe on taskId.
 */
export class SnsCollectorNotifier implements CollectorNotifier {
  private readonly client: SNSClient;
  private readonly topicArn: string;

  constructor(client: SNSClient, topicArn: string) {
    this.client = client;
    this.topicArn = topicArn;
  }

  async publish(message: CollectorMessage): Promise<{ messageId: string }> {
    const { task } = message;
    const result = await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        // Shown by email subscriptions: at most 100 printable ASCII characters.
        Subject: subject(`Collector task (${task.kind}): ${task.invoiceId}`),
        Message: JSON.stringify(message),
        MessageAttributes: {
          kind: text(task.kind),
          reason: text(task.reason),
          invoiceId: text(task.invoiceId),
          taskId: text(task.taskId),
        },
      }),
    );
    return { messageId: result.MessageId ?? 'unknown' };
  }
}

function text(value: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: value };
}

function subject(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}
