import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EnvName } from '#contracts/functions.ts';
import type { FunctionContext } from './compose-context.ts';
import { EventBridgeCollectorNotifier, EventBridgeDomainEvents, SqsDunningStarts } from './messaging.ts';
import { SnsCollectorNotifier } from './sns-collectors.ts';

// One function per adapter, not one object of them: a bundle keeps only the SDK clients of the
// functions its handler calls (the SDK client packages are free of side effects).

/** Invoices whose dunning is to start, on the start buffer. */
export const dunningStarts = (app: FunctionContext) =>
  new SqsDunningStarts(app.telemetry.traced(new SQSClient({})), app.need(EnvName.startQueueUrl));

/** Domain events on the bus. */
export const domainEvents = (app: FunctionContext) =>
  new EventBridgeDomainEvents(app.telemetry.traced(new EventBridgeClient({})), app.need(EnvName.eventBusName));

/** New collector tasks as events on the domain bus, for notify-collectors to publish (see EventBridgeCollectorNotifier). */
export const collectorEvents = (app: FunctionContext) =>
  new EventBridgeCollectorNotifier(app.telemetry.traced(new EventBridgeClient({})), app.need(EnvName.eventBusName));

/** The collectors topic; delivery is at least once, so the SDK's own retries are welcome here. */
export const collectorTopic = (app: FunctionContext) =>
  new SnsCollectorNotifier(app.telemetry.traced(new SNSClient({})), app.need(EnvName.collectorsTopicArn));
