import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalAthena } from './athena.ts';
import { AwsError } from './aws-error.ts';
import { localControlRefusal } from './loopback-guard.ts';
import type { LocalS3Buckets } from './s3-buckets.ts';
import { type LocalScheduler, parseAtExpression } from './scheduler.ts';
import type { LocalStepFunctions } from './step-functions.ts';

/** An SQS queue the runtime delivers from, as ListQueues and GetQueueAttributes show it. */
export interface LocalQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  /** Messages accepted and not yet consumed; locally each one goes to its consumer at once (in flight). */
  readonly inFlight: number;
  /** Epoch seconds (virtual clock) the queue exists since: the runtime's start. */
  readonly createdAt: number;
}

export interface LocalAwsServices {
  readonly stepFunctions: LocalStepFunctions;
  readonly scheduler: LocalScheduler;
  /** S3 buckets kept as folders (the finance lake). */
  readonly buckets: LocalS3Buckets;
  /** Athena over the lake (DuckDB). */
  readonly athena: LocalAthena;
  /** SQS SendMessage: the runtime delivers it to the queue's consumer. */
  sendMessage(queueUrl: string, body: string): string;
  /** SQS ListQueues and GetQueueAttributes: the queues the runtime delivers from. */
  queues(): LocalQueue[];
  /** EventBridge PutEvents: the runtime routes each entry through the bus rules. */
  putEvent(entry: { EventBusName: string; Source: string; DetailType: string; Detail: string }): string;
  readSecret(secretId: string): string;
  /** SNS Publish to a phone number: the SMS outbox. */
  publishSms(phoneNumber: string, message: string, attributes: Readonly<Record<string, string>>): string;
  /** SNS CheckIfPhoneNumberIsOptedOut: the account's opt-out list (numbers that replied STOP). */
  isOptedOut(phoneNumber: string): boolean;
  /** SNS Publish to a topic: the topic feed; an unknown topic is an AwsError (NotFound). */
  publishToTopic(topicArn: string, message: string, subject: string | undefined, attributes: Readonly<Record<string, string>>): string;
  /** SES v2 SendEmail: recorded, then passed on to aws-ses-v2-local. */
  sendEmail(request: Record<string, unknown>, authorization: string): Promise<{ status: number; body: string }>;
}

/**
 * One loopback HTTP endpoint that speaks the wire protocols of the AWS services Dunwell's
 * handlers call (Step Functions, Scheduler, SQS, EventBridge, Secrets Manager, SNS, SES v2),
 * so handlers use their ordinary SDK clients through AWS_ENDPOINT_URL_* and never branch.
 * Request signatures are not checked: it only listens on 127.0.0.1.
 */
/** Billable calls the endpoint answered since start (what EventBridge charges for). */
export interface AwsEndpointUsage {
  /** Scheduler CreateSchedule calls: each one-shot schedule is invoked at most once. */
  schedulesCreated: number;
  schedulesUpdated: number;
  schedulesDeleted: number;
  /** EventBridge PutEvents entries (custom events are billed per entry, in 64 KB chunks). */
  eventsPut: number;
}

export class LocalAwsEndpoint {
  private readonly services: LocalAwsServices;
  private server: Server | undefined;
  private readonly counted: AwsEndpointUsage = { schedulesCreated: 0, schedulesUpdated: 0, schedulesDeleted: 0, eventsPut: 0 };

  constructor(services: LocalAwsServices) {
    this.services = services;
  }

  /** Listens on 127.0.0.1 at `port` (0: any free one); fails when the port is taken. */
  async listen(port = 0): Promise<string> {
    this.server = createServer((request, response) => {
      void this.handle(request, response);
    });
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  usage(): AwsEndpointUsage {
    return { ...this.counted };
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const body = raw.toString('utf8');
    const target = String(request.headers['x-amz-target'] ?? '');
    const url = new URL(request.url ?? '/', 'http://local');
    // It hands out secrets (the pay-link keyring) to whoever asks: never to a rebinding page.
    const refusal = localControlRefusal(request);
    if (refusal) return send(response, 403, 'application/json', JSON.stringify({ __type: 'AccessDeniedException', message: refusal }));
    if (!target && this.services.buckets.accepts(url)) {
      try {
        return this.services.buckets.handle(request, url, raw, response);
      } catch (error) {
        const aws = error instanceof AwsError ? error : new AwsError('InternalError', String(error), 500);
        return send(response, aws.status, 'application/xml', s3Error(aws));
      }
    }
    const isQuery = !target && request.method === 'POST' && (request.headers['content-type'] ?? '').includes('x-www-form-urlencoded');
    try {
      if (target) {
        const [service, operation] = target.split('.');
        const result = await this.jsonOperation(service ?? '', operation ?? '', body ? (JSON.parse(body) as Record<string, unknown>) : {});
        return send(response, 200, 'application/x-amz-json-1.0', JSON.stringify(result));
      }
      if (url.pathname === '/schedules' && request.method === 'GET')
        return send(response, 200, 'application/json', JSON.stringify(this.listSchedules(url.searchParams)));
      if (url.pathname.startsWith('/schedules/'))
        return send(response, 200, 'application/json', JSON.stringify(await this.scheduleOperation(request.method ?? 'GET', url, body)));
      if (url.pathname.startsWith('/v2/email/outbound-emails')) {
        const result = await this.services.sendEmail(
          JSON.parse(body) as Record<string, unknown>,
          String(request.headers.authorization ?? ''),
        );
        return send(response, result.status, 'application/json', result.body);
      }
      if (isQuery) return send(response, 200, 'text/xml', this.queryOperation(new URLSearchParams(body)));
      throw new AwsError('UnknownOperationException', `The local endpoint does not emulate ${request.method} ${url.pathname}`, 404);
    } catch (error) {
      const aws = error instanceof AwsError ? error : new AwsError('InternalFailure', String(error), 500);
      if (!(error instanceof AwsError)) console.error(JSON.stringify({ level: 'error', component: 'local-aws', error: String(error) }));
      response.setHeader('x-amzn-errortype', aws.code);
      // The query protocol (SNS) answers errors in XML, as the SDK expects to parse them.
      if (isQuery) return send(response, aws.status, 'text/xml', queryError(aws));
      send(response, aws.status, 'application/x-amz-json-1.0', JSON.stringify({ __type: aws.code, message: aws.message }));
    }
  }

  private async jsonOperation(service: string, operation: string, input: Record<string, unknown>): Promise<unknown> {
    const s = this.services;
    switch (`${service}.${operation}`) {
      case 'AWSStepFunctions.StartExecution':
        return s.stepFunctions.startExecution(String(input.name ?? randomUUID()), String(input.input ?? '{}'));
      case 'AWSStepFunctions.DescribeExecution':
        return s.stepFunctions.describeExecution(String(input.executionArn));
      case 'AWSStepFunctions.ListStateMachines':
        return s.stepFunctions.listStateMachines();
      case 'AWSStepFunctions.DescribeStateMachine':
        return s.stepFunctions.describeStateMachine(String(input.stateMachineArn));
      case 'AWSStepFunctions.GetExecutionHistory':
        return s.stepFunctions.getExecutionHistory({
          executionArn: String(input.executionArn),
          ...(typeof input.maxResults === 'number' ? { maxResults: input.maxResults } : {}),
          ...(typeof input.reverseOrder === 'boolean' ? { reverseOrder: input.reverseOrder } : {}),
          ...(typeof input.nextToken === 'string' ? { nextToken: input.nextToken } : {}),
          ...(typeof input.includeExecutionData === 'boolean' ? { includeExecutionData: input.includeExecutionData } : {}),
        });
      case 'AWSStepFunctions.ListExecutions':
        return s.stepFunctions.listExecutions({
          stateMachineArn: String(input.stateMachineArn),
          ...(typeof input.statusFilter === 'string' ? { statusFilter: input.statusFilter } : {}),
          ...(typeof input.maxResults === 'number' ? { maxResults: input.maxResults } : {}),
          ...(typeof input.nextToken === 'string' ? { nextToken: input.nextToken } : {}),
        });
      case 'AWSStepFunctions.SendTaskSuccess':
        s.stepFunctions.sendTaskSuccess(String(input.taskToken), String(input.output ?? '{}'));
        return {};
      case 'AWSStepFunctions.SendTaskFailure':
        s.stepFunctions.sendTaskFailure(String(input.taskToken), input.error as string | undefined, input.cause as string | undefined);
        return {};
      case 'AmazonSQS.SendMessage': {
        const messageBody = String(input.MessageBody);
        const messageId = s.sendMessage(String(input.QueueUrl), messageBody);
        return { MessageId: messageId, MD5OfMessageBody: createHash('md5').update(messageBody).digest('hex') };
      }
      case 'AmazonSQS.ListQueues': {
        const prefix = typeof input.QueueNamePrefix === 'string' ? input.QueueNamePrefix : '';
        const urls = s
          .queues()
          .filter((queue) => queue.name.startsWith(prefix))
          .map((queue) => queue.url);
        // As SQS answers: no QueueUrls member at all when no queue matches.
        return urls.length > 0 ? { QueueUrls: urls } : {};
      }
      case 'AmazonSQS.GetQueueUrl': {
        const queue = s.queues().find((candidate) => candidate.name === input.QueueName);
        if (!queue) throw nonExistentQueue();
        return { QueueUrl: queue.url };
      }
      case 'AmazonSQS.GetQueueAttributes':
        return queueAttributes(s.queues(), String(input.QueueUrl), (input.AttributeNames as unknown[] | undefined) ?? []);
      case 'AmazonSQS.SendMessageBatch':
        return this.sendMessageBatch(
          String(input.QueueUrl),
          (input.Entries as { Id?: unknown; MessageBody?: unknown }[] | undefined) ?? [],
        );
      case 'AWSEvents.PutEvents': {
        const entries = (input.Entries as { EventBusName: string; Source: string; DetailType: string; Detail: string }[]) ?? [];
        this.counted.eventsPut += entries.length;
        return { FailedEntryCount: 0, Entries: entries.map((entry) => ({ EventId: s.putEvent(entry) })) };
      }
      case 'AmazonAthena.StartQueryExecution':
      case 'AmazonAthena.GetQueryExecution':
      case 'AmazonAthena.GetQueryResults':
      case 'AmazonAthena.StopQueryExecution':
        return s.athena.operation(operation, input);
      case 'secretsmanager.GetSecretValue': {
        const id = String(input.SecretId);
        return { ARN: id, Name: id, SecretString: s.readSecret(id), VersionId: 'local', VersionStages: ['AWSCURRENT'] };
      }
      default:
        throw new AwsError('UnknownOperationException', `The local endpoint does not emulate ${service}.${operation}`);
    }
  }

  /**
   * SQS SendMessageBatch as SQS checks it (1 to 10 entries, distinct ids of up to 80 letters,
   * digits, - or _); each entry is sent on its own, so one the queue refuses is reported in
   * `Failed` while the others go.
   */
  private sendMessageBatch(queueUrl: string, entries: readonly { Id?: unknown; MessageBody?: unknown }[]): unknown {
    if (entries.length === 0)
      throw new AwsError(
        'AWS.SimpleQueueService.EmptyBatchRequest',
        'There should be at least one SendMessageBatchRequestEntry in the request.',
      );
    if (entries.length > 10)
      throw new AwsError(
        'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
        `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
      );
    const ids = entries.map((entry) => String(entry.Id ?? ''));
    if (ids.some((id) => !/^[A-Za-z0-9_-]{1,80}$/.test(id)))
      throw new AwsError(
        'AWS.SimpleQueueService.InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    if (new Set(ids).size !== ids.length)
      throw new AwsError('AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.');
    const Successful: { Id: string; MessageId: string; MD5OfMessageBody: string }[] = [];
    const Failed: { Id: string; SenderFault: boolean; Code: string; Message: string }[] = [];
    for (const [index, entry] of entries.entries()) {
      const id = ids[index] ?? '';
      const body = String(entry.MessageBody ?? '');
      try {
        Successful.push({
          Id: id,
          MessageId: this.services.sendMessage(queueUrl, body),
          MD5OfMessageBody: createHash('md5').update(body).digest('hex'),
        });
      } catch (error) {
        const aws = error instanceof AwsError ? error : new AwsError('InternalError', String(error), 500);
        // A queue that does not exist fails the whole request, as on SQS (the first entry finds it).
        if (aws.code === 'AWS.SimpleQueueService.NonExistentQueue') throw aws;
        Failed.push({ Id: id, SenderFault: aws.status < 500, Code: aws.code, Message: aws.message });
      }
    }
    return { Successful, Failed };
  }

  /** Scheduler ListSchedules: `GET /schedules?ScheduleGroup=…&NamePrefix=…&State=…&MaxResults=…&NextToken=…`. */
  private listSchedules(query: URLSearchParams): unknown {
    const text = (name: string) => query.get(name) ?? undefined;
    const limit = query.get('MaxResults');
    return this.services.scheduler.list({
      group: text('ScheduleGroup'),
      namePrefix: text('NamePrefix'),
      state: text('State'),
      limit: limit === null ? undefined : Number(limit),
      nextToken: text('NextToken'),
    });
  }

  private async scheduleOperation(method: string, url: URL, body: string): Promise<unknown> {
    const name = decodeURIComponent(url.pathname.slice('/schedules/'.length));
    if (method === 'GET') return this.services.scheduler.get(url.searchParams.get('groupName') ?? 'default', name);
    if (method === 'DELETE') {
      await this.services.scheduler.delete(url.searchParams.get('groupName') ?? 'default', name);
      this.counted.schedulesDeleted += 1;
      return {};
    }
    if (method !== 'POST' && method !== 'PUT') throw new AwsError('UnknownOperationException', `Scheduler ${method} is not emulated`);
    const input = JSON.parse(body) as {
      GroupName?: string;
      ScheduleExpression: string;
      ScheduleExpressionTimezone?: string;
      ActionAfterCompletion?: 'NONE' | 'DELETE';
      Target: { Arn: string; RoleArn?: string; Input?: string };
    };
    const scheduleArn = await this.services.scheduler.put(
      {
        group: input.GroupName ?? 'default',
        name,
        at: parseAtExpression(input.ScheduleExpression, input.ScheduleExpressionTimezone),
        targetArn: input.Target.Arn,
        input: input.Target.Input ?? '{}',
        ...(input.Target.RoleArn ? { roleArn: input.Target.RoleArn } : {}),
        ...(input.ActionAfterCompletion ? { actionAfterCompletion: input.ActionAfterCompletion } : {}),
      },
      method === 'POST' ? 'create' : 'update',
    );
    if (method === 'POST') this.counted.schedulesCreated += 1;
    else this.counted.schedulesUpdated += 1;
    return { ScheduleArn: scheduleArn };
  }

  /**
   * SNS speaks the query protocol: form-encoded in, XML out. Publish to a phone number (SMS) or
   * to a topic, and the opt-out list check, are emulated.
   */
  private queryOperation(params: URLSearchParams): string {
    const action = params.get('Action');
    if (action === 'CheckIfPhoneNumberIsOptedOut') {
      const number = params.get('phoneNumber');
      if (!number) throw new AwsError('InvalidParameter', 'Invalid parameter: phoneNumber', 400);
      return `<CheckIfPhoneNumberIsOptedOutResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><CheckIfPhoneNumberIsOptedOutResult><isOptedOut>${this.services.isOptedOut(number)}</isOptedOut></CheckIfPhoneNumberIsOptedOutResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></CheckIfPhoneNumberIsOptedOutResponse>`;
    }
    const phone = params.get('PhoneNumber');
    const topicArn = params.get('TopicArn');
    if (action !== 'Publish' || (!phone && !topicArn) || (phone && topicArn)) {
      throw new AwsError(
        'InvalidAction',
        `The local endpoint does not emulate SNS ${action} (only Publish to a PhoneNumber or a TopicArn, and CheckIfPhoneNumberIsOptedOut)`,
      );
    }
    const message = params.get('Message') ?? '';
    if (message === '') throw new AwsError('InvalidParameter', 'Invalid parameter: Empty message', 400);
    const attributes = messageAttributes(params);
    const messageId = phone
      ? this.services.publishSms(phone, message, attributes)
      : this.services.publishToTopic(topicArn ?? '', message, params.get('Subject') ?? undefined, attributes);
    return `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`;
  }
}

function nonExistentQueue(): AwsError {
  return new AwsError('AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
}

/** The attributes SQS would report that mean something locally; `All` (or none named) gives every one. */
const QUEUE_ATTRIBUTES = [
  'QueueArn',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
] as const;

/** SQS GetQueueAttributes of a queue named by its URL (any host: only its last path segment counts). */
function queueAttributes(queues: readonly LocalQueue[], queueUrl: string, names: readonly unknown[]): unknown {
  const queue = queues.find((candidate) => queueUrl.endsWith(`/${candidate.name}`));
  if (!queue) throw nonExistentQueue();
  const unknown = names.find((name) => name !== 'All' && !(QUEUE_ATTRIBUTES as readonly unknown[]).includes(name));
  if (unknown !== undefined) throw new AwsError('InvalidAttributeName', `Unknown Attribute ${String(unknown)}.`);
  const values: Record<(typeof QUEUE_ATTRIBUTES)[number], string> = {
    QueueArn: queue.arn,
    ApproximateNumberOfMessages: '0',
    ApproximateNumberOfMessagesNotVisible: String(queue.inFlight),
    ApproximateNumberOfMessagesDelayed: '0',
    CreatedTimestamp: String(Math.floor(queue.createdAt)),
    LastModifiedTimestamp: String(Math.floor(queue.createdAt)),
  };
  const wanted = names.includes('All') ? QUEUE_ATTRIBUTES : QUEUE_ATTRIBUTES.filter((name) => names.includes(name));
  // Without AttributeNames SQS answers no attributes, as here.
  return wanted.length > 0 ? { Attributes: Object.fromEntries(wanted.map((name) => [name, values[name]])) } : {};
}

/** String message attributes from the query form: `MessageAttributes.entry.N.Name` / `.Value.StringValue`. */
function messageAttributes(params: URLSearchParams): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (let index = 1; params.has(`MessageAttributes.entry.${index}.Name`); index++) {
    const name = params.get(`MessageAttributes.entry.${index}.Name`) ?? '';
    const value = params.get(`MessageAttributes.entry.${index}.Value.StringValue`);
    if (value === null || value === '')
      throw new AwsError('InvalidParameterValue', `The message attribute '${name}' must contain a non-empty value`, 400);
    attributes[name] = value;
  }
  return attributes;
}

function queryError(error: AwsError): string {
  const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const type = error.status < 500 ? 'Sender' : 'Receiver';
  return `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${type}</Type><Code>${xml(error.code)}</Code><Message>${xml(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

function s3Error(error: AwsError): string {
  const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${xml(error.code)}</Code><Message>${xml(error.message)}</Message><RequestId>${randomUUID()}</RequestId></Error>`;
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': randomUUID() });
  response.end(body);
}
