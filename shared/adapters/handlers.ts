import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBStreamEvent, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type CorrelationKeys, withCorrelation } from './correlation.ts';
import type { Telemetry } from './telemetry.ts';

/**
 * One handler style per trigger, all middy handlers with the same Powertools middleware (see
 * `withTelemetry`) and run inside their correlation keys (correlation.ts):
 *
 * - HTTP (API Gateway): `httpHandler` in http.ts, beside the request and problem helpers;
 * - SQS: `sqsHandler`, with partial batch responses;
 * - a Step Functions task: `taskHandler`;
 * - EventBridge: `eventHandler`;
 * - a DynamoDB stream: `streamHandler`;
 * - an SES receipt rule's Lambda action: `receiptHandler`;
 * - Scheduler (a cron, a one-time timer) and invocations by hand: `scheduledHandler`.
 */

export type Handler<E, R> = (event: E, context: Context) => Promise<R>;

/** How a style finds the ids of an event; never throws (the handler validates the event). */
export type Correlate<E> = (event: E, context: Context) => CorrelationKeys;

/**
 * The middleware every style starts from, outermost first: the handler traced (without its
 * response: responses hold invoices and pages, and X-Ray caps a segment at 64 KB); the Lambda
 * context on every log line (cold_start, function_name, function_request_id…); the metrics the
 * invocation added flushed as one EMF line when it ends, failed or not, and a ColdStart metric
 * on a cold start. A style adds its own middleware after these.
 */
export function withTelemetry<E, R>(telemetry: Telemetry, handle: Handler<E, R>) {
  return middy<E, R>(handle)
    .use(captureLambdaHandler(telemetry.tracer, { captureResponse: false }))
    .use(injectLambdaContext(telemetry.logger, { resetKeys: true }))
    .use(logMetrics(telemetry.metrics, { captureColdStartMetric: true }));
}

/** The Lambda entry point: the middy handler, run inside the event's correlation keys. */
export function correlated<E, R>(handler: Handler<E, R>, correlate: Correlate<E>): Handler<E, R> {
  return (event, context) => withCorrelation(safely(correlate, event, context), () => handler(event, context));
}

/**
 * A Step Functions task (`lambda:invoke`, `.waitForTaskToken` included): the payload the state
 * machine built. Correlated by its `invoiceId` and, when the state machine passes
 * `$$.Execution.Id` as `executionId`, the execution.
 */
export function taskHandler<R>(telemetry: Telemetry, handle: Handler<unknown, R>): Handler<unknown, R> {
  return correlated(withTelemetry(telemetry, handle), (event) => ({
    invoiceId: stringField(event, 'invoiceId'),
    executionId: stringField(event, 'executionId'),
  }));
}

/**
 * An SQS batch with partial batch responses: each record is handled on its own, all of them at
 * once, inside its own keys (its messageId, and the invoiceId its body names); `handle` answers
 * the records that failed (called with one record at a time), and SQS delivers only those again.
 */
export function sqsHandler(
  telemetry: Telemetry,
  handle: (records: readonly SQSRecord[]) => Promise<readonly SQSBatchItemFailure[]>,
): Handler<SQSEvent, SQSBatchResponse> {
  const batch = async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures = await Promise.all(
      event.Records.map((record) =>
        withCorrelation({ messageId: record.messageId, invoiceId: stringField(parsedJson(record.body), 'invoiceId') }, () =>
          handle([record]),
        ),
      ),
    );
    return { batchItemFailures: failures.flat() };
  };
  return correlated(withTelemetry(telemetry, batch), () => ({}));
}

/**
 * An EventBridge event (a rule's target): correlated by the event id and the invoiceId its
 * detail names; a handler that finds the invoice deeper in the detail appends it
 * (`appendCorrelation`).
 */
export function eventHandler<R>(telemetry: Telemetry, handle: Handler<unknown, R>): Handler<unknown, R> {
  return correlated(withTelemetry(telemetry, handle), (event) => ({
    eventId: stringField(event, 'id'),
    invoiceId: stringField(objectField(event, 'detail'), 'invoiceId'),
  }));
}

/** A DynamoDB stream batch (no partial batch response: a failed batch is retried whole). */
export function streamHandler<R>(telemetry: Telemetry, handle: Handler<DynamoDBStreamEvent, R>): Handler<DynamoDBStreamEvent, R> {
  return correlated(withTelemetry(telemetry, handle), () => ({}));
}

/** An SES receipt rule's Lambda action (one received message): correlated by SES's message id. */
export function receiptHandler<R>(telemetry: Telemetry, handle: Handler<unknown, R>): Handler<unknown, R> {
  return correlated(withTelemetry(telemetry, handle), (event) => {
    const records = objectField(event, 'Records');
    const first = Array.isArray(records) ? records[0] : undefined;
    return { sesMessageId: stringField(objectField(objectField(first, 'ses'), 'mail'), 'messageId') };
  });
}

/** Scheduler (a daily cron, an invoice's one-time timer) or a run by hand: correlated by the invoiceId of the payload, if any. */
export function scheduledHandler<R>(telemetry: Telemetry, handle: Handler<unknown, R>): Handler<unknown, R> {
  return correlated(withTelemetry(telemetry, handle), (event) => ({ invoiceId: stringField(event, 'invoiceId') }));
}

function safely<E>(correlate: Correlate<E>, event: E, context: Context): CorrelationKeys {
  try {
    return correlate(event, context);
  } catch {
    return {};
  }
}

export function objectField(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

export function stringField(value: unknown, key: string): string | undefined {
  const field = objectField(value, key);
  return typeof field === 'string' ? field : undefined;
}

function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
