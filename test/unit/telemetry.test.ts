import assert from 'node:assert/strict';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, test, vi } from 'vitest';

/**
 * A converted handler (start-dunning: the SQS style) run as Lambda runs it, with a fake Lambda
 * context: its log lines are Powertools JSON with the Lambda context and the record's
 * correlation ids, and its metrics come out as one EMF line on stdout. Metrics are off outside
 * Lambda (nothing reads EMF there), so this test turns them on, and marks the cold start as
 * Lambda does, before the handler module loads.
 */
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
process.env.DUNWELL_TABLE_NAME = 'dunwell-test';
process.env.DUNWELL_STATE_MACHINE_ARN = 'arn:aws:states:eu-central-1:111122223333:stateMachine:dunwell-test-invoice-dunning';
process.env.DUNWELL_START_RATE_PER_CONSUMER = '50';

const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
afterAll(() => {
  dynamo.restore();
  sfn.restore();
  vi.restoreAllMocks();
});

const context = (requestId: string) =>
  ({
    functionName: 'dunwell-test-start-dunning',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-central-1:111122223333:function:dunwell-test-start-dunning',
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/dunwell-test-start-dunning',
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 30_000,
  }) as unknown as Context;

const sqsEvent = (messageId: string, body: string): SQSEvent =>
  ({
    Records: [
      {
        messageId,
        receiptHandle: 'r',
        body,
        attributes: {},
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn',
        awsRegion: 'eu-central-1',
      },
    ],
  }) as unknown as SQSEvent;

/** Runs the handler once and returns what it printed, line by line, as parsed JSON. */
async function invoke(handler: (event: SQSEvent, context: Context) => Promise<unknown>, event: SQSEvent, requestId: string) {
  const printed: string[] = [];
  const capture = (chunk: unknown) => {
    printed.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    const result = await handler(event, context(requestId));
    return { result, lines: printed.map((line) => JSON.parse(line) as Record<string, any>) };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('a handler’s logs and metrics (Powertools)', () => {
  let handler: (event: SQSEvent, context: Context) => Promise<unknown>;
  beforeAll(async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    ({ handler } = (await import('../../functions/start-dunning/handler.ts')) as { handler: typeof handler });
  });

  test('cold start: the failed record is reported alone, its log line carries the Lambda context and the invoiceId, the metrics are EMF', async () => {
    const { result, lines } = await invoke(handler, sqsEvent('msg-1', '{"invoiceId":"INV-404"}'), 'req-1');
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: 'msg-1' }] });

    const failed = lines.filter((line) => line.message === 'start failed');
    assert.equal(failed.length, 1, JSON.stringify(lines));
    const log = failed[0] ?? {};
    assert.equal(log.level, 'ERROR');
    assert.equal(log.service, 'start-dunning');
    assert.equal(log.cold_start, true);
    assert.equal(log.function_request_id, 'req-1');
    assert.equal(log.function_name, 'dunwell-test-start-dunning');
    assert.equal(log.invoiceId, 'INV-404', 'the record’s invoice');
    assert.equal(log.messageId, 'msg-1');
    assert.match(String(log.error), /INV-404 does not exist/);
    assert.ok(!Number.isNaN(Date.parse(String(log.timestamp))));

    const emf = lines.filter((line) => line._aws !== undefined);
    const starts = emf.find((line) => line.startsRequested !== undefined);
    assert.ok(starts, `an EMF line with startsRequested:\n${JSON.stringify(lines)}`);
    assert.deepEqual(starts._aws.CloudWatchMetrics, [
      { Namespace: 'Dunwell', Dimensions: [['service']], Metrics: [{ Name: 'startsRequested', Unit: 'Count' }] },
    ]);
    assert.equal(starts.service, 'start-dunning');
    assert.equal(starts.startsRequested, 1);
    assert.equal(starts.startsStarted, undefined, 'nothing started');
    const coldStart = emf.find((line) => line.ColdStart !== undefined);
    assert.ok(coldStart, 'a ColdStart metric');
    assert.equal(coldStart.function_name, 'dunwell-test-start-dunning');
  });

  test('warm: no cold start, and nothing of the previous invocation’s correlation', async () => {
    const { result, lines } = await invoke(handler, sqsEvent('msg-2', 'not json'), 'req-2');
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: 'msg-2' }] });
    const log = lines.find((line) => line.message === 'start failed') ?? {};
    assert.equal(log.cold_start, false);
    assert.equal(log.function_request_id, 'req-2');
    assert.equal(log.messageId, 'msg-2');
    assert.equal(log.invoiceId, undefined);
    assert.equal(lines.filter((line) => line.ColdStart !== undefined).length, 0);
    assert.equal(lines.find((line) => line.startsRequested !== undefined)?.startsRequested, 1);
  });
});

describe('a Step Functions task’s logs', () => {
  test('carry the invoiceId and the executionId the state machine passes ($$.Execution.Id)', async () => {
    const { taskHandler } = await import('#adapters/handlers.ts');
    const { telemetryFor } = await import('#adapters/telemetry.ts');
    const telemetry = telemetryFor('advance');
    const task = taskHandler(telemetry, async () => {
      telemetry.log.info('planned');
      return 'parked';
    });
    const execution = 'arn:aws:states:eu-central-1:111122223333:execution:dunwell-test-invoice-dunning:INV-7';
    const payload = { invoiceId: 'INV-7', taskToken: 'token', executionId: execution };
    const { result, lines } = await invoke(task as never, payload as never, 'req-3');
    assert.equal(result, 'parked');
    const log = lines.find((line) => line.message === 'planned') ?? {};
    assert.equal(log.invoiceId, 'INV-7');
    assert.equal(log.executionId, execution);
    assert.equal(log.function_request_id, 'req-3');
  });
});

describe('tracing outside Lambda', () => {
  test('the Tracer is off and leaves SDK clients as they are: no X-Ray daemon is ever called', async () => {
    const { telemetryFor } = await import('#adapters/telemetry.ts');
    const telemetry = telemetryFor('advance');
    assert.equal(telemetry.tracer.isTracingEnabled(), false);
    const client = new SFNClient({});
    const before = client.middlewareStack.identify();
    assert.equal(telemetry.traced(client), client);
    assert.deepEqual(client.middlewareStack.identify(), before, 'no X-Ray middleware added');
  });
});
