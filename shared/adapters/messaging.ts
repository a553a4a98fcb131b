import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DOMAIN_EVENT_SOURCE, type SignalDetail, type SignalDetailType } from '#contracts/events.ts';
import type { DomainEvents, DunningStarts } from '#ports/messaging.ts';

export class SqsDunningStarts implements DunningStarts {
  private readonly client: SQSClient;
  private readonly queueUrl: string;

  constructor(client: SQSClient, queueUrl: string) {
    this.client = client;
    this.queueUrl = queueUrl;
  }

  async request(invoiceId: string): Promise<void> {
    await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify({ invoiceId }) }));
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
