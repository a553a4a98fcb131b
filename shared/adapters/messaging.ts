import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { COLLECTOR_TASK_DETAIL_TYPE, DOMAIN_EVENT_SOURCE, type SignalDetail, type SignalDetailType } from '#contracts/events.ts';
import type { CollectorMessage } from '#domain/tasks.ts';
import type { CollectorNotifier } from '#ports/collectors.ts';
import type { DomainEvents, DunningStartBatches, DunningStarts } from '#ports/messaging.ts';

export class SqsDunningStarts implements DunningStarts, DunningStartBatches {
  private readonly client: SQSClient;
  private readonly queueUrl: string;

  constructor(client: SQSClient, queueUrl: string) {
    this.client = client;
    this.queueUrl = queueUrl;
  }

  async request(invoiceId: string): Promise<void> {
    await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify({ invoiceId }) }));
  }

  /** One SendMessageBatch; entry ids are positions (an invoice id may hold characters SQS refuses there). */
  async requestBatch(invoiceIds: readonly string[]): Promise<readonly string[]> {
    if (invoiceIds.length === 0) return [];
    const result = await this.client.send(
      new SendMessageBatchCommand({
        QueueUrl: this.queueUrl,
        Entries: invoiceIds.map((invoiceId, index) => ({ Id: String(index), MessageBody: JSON.stringify({ invoiceId }) })),
      }),
    );
    return (result.Failed ?? []).map((failure) => invoiceIds[Number(failure.Id)]).filter((id): id is string => id !== undefined);
  }
}

export class EventBridgeDomainEvents implements DomainEvents {
  private readonly client: EventBridgeClient;
  private readonly busName: string;

  constructor(client: EventBridgeClient, busName: string) {
    this.client = client;
    this.busName = busName;
  }

  async publish(detailType: SignalDetailType, detail: SignalDetail): Promise<void> {
    const result = await this.client.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: this.busName, Source: DOMAIN_EVENT_SOURCE, DetailType: detailType, Detail: JSON.stringify(detail) }],
      }),
    );
    if ((result.FailedEntryCount ?? 0) > 0) {
      throw new Error(`EventBridge rejected ${detailType}: ${result.Entries?.[0]?.ErrorMessage ?? 'unknown error'}`);
    }
  }
}

/**
 * New collector tasks as events on the domain bus, for the functions that may not publish to SNS
 * topics (the advance function texts customers, and a texter's role denies topics). A rule takes
 * each to notify-collectors, which publishes it to the collectors topic: delivery stays at least
 * once (EventBridge retries, then a dead-letter queue). The message is at most 240 KiB, within
 * the 256 KiB an event may carry.
 */
export class EventBridgeCollectorNotifier implements CollectorNotifier {
  private readonly client: EventBridgeClient;
  private readonly busName: string;

  constructor(client: EventBridgeClient, busName: string) {
    this.client = client;
    this.busName = busName;
  }

  async publish(message: CollectorMessage): Promise<{ messageId: string }> {
    const result = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: DOMAIN_EVENT_SOURCE,
            DetailType: COLLECTOR_TASK_DETAIL_TYPE,
            Detail: JSON.stringify(message),
          },
        ],
      }),
    );
    const entry = result.Entries?.[0];
    if ((result.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
      throw new Error(`EventBridge rejected collector task ${message.task.taskId}: ${entry?.ErrorMessage ?? 'unknown error'}`);
    }
    return { messageId: entry.EventId };
  }
}
