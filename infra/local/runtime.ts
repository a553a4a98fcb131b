import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { installAfterResponse } from '#adapters/after-response.ts';
import { installClock } from '#adapters/clock.ts';
import { InvoiceHeader } from '#contracts/email-events.ts';
import { COLLECTOR_TASK_DETAIL_TYPE, DOMAIN_EVENT_SOURCE, signalDetailTypes } from '#contracts/events.ts';
import {
  CONSOLE_DEV_SIGN_IN_VARIABLE,
  DUNNING_STATE_MACHINE_FILE,
  EnvName,
  type FunctionName,
  STRIPE_API_URL_VARIABLE,
} from '#contracts/functions.ts';
import { INVOICE_EVENTS_TABLE, PARTITION_COLUMN } from '#contracts/lake.ts';
import { replyMessageKey } from '#contracts/replies.ts';
import { DEFAULT_START_RATE_PER_SECOND } from '#contracts/start-pacing.ts';
import { COMPACTED_FILE } from '#use-cases/export-events.ts';
import { Activity } from './activity.ts';
import { LocalAthena } from './athena.ts';
import { LocalAwsEndpoint } from './aws-endpoint.ts';
import { AwsError } from './aws-error.ts';
import { DeliveryLog } from './delivery-log.ts';
import { LocalDynamoStream } from './dynamo-stream.ts';
import { LakeSql } from './lake-sql.ts';
import { functionNameFromArn, LambdaHost, LOCAL_ACCOUNT, LOCAL_REGION, localFunctionArn } from './lambda-host.ts';
import { localControlRefusal } from './loopback-guard.ts';
import { type RuntimeMetrics, runtimeMetrics } from './metrics.ts';
import { Outbox, type OutboxMessage } from './outbox.ts';
import { LocalS3Buckets } from './s3-buckets.ts';
import { LocalScheduler } from './scheduler.ts';
import { type FeedbackKind, sesEvent, simulatedOutcome } from './ses-feedback.ts';
import { type ExecutionSummary, LocalStepFunctions } from './step-functions.ts';
import { StripeSandbox } from './stripe-sandbox.ts';
import { ensureTables } from './tables.ts';
import { TopicFeed } from './topic-feed.ts';
import { VirtualClock } from './virtual-clock.ts';

const require = createRequire(import.meta.url);
// aws-ses-v2-local is CommonJS: its server and its store, loaded the way it was written.
const sesLocal = (require('aws-ses-v2-local') as { default: (config: { host: string; port: number }) => Promise<Server> }).default;
const sesStore = require('aws-ses-v2-local/dist/store.js') as {
  saveEmail(email: unknown): void;
  clearStore(): void;
};

export interface RuntimeOptions {
  /** Who is asking for the money in pages and messages; default LOCAL_CREDITOR_NAME. */
  readonly creditorName?: string | undefined;
  /** Where customers ask questions; default the local sender address. */
  readonly creditorContact?: string | undefined;
  /** Folder for the table, schedules, outbox, clock and secrets; omitted: everything in memory. */
  readonly dataDir?: string | undefined;
  readonly clockStart?: Date | undefined;
  /** Port of aws-ses-v2-local (its inbox UI); 0 picks a free one. */
  readonly sesPort?: number | undefined;
  /** Port of the local AWS endpoint (what `aws --endpoint-url` points at); 0 or omitted picks a free one. */
  readonly awsPort?: number | undefined;
  /**
   * Meter DynamoDB request units for GET /_local/metrics (default: DUNWELL_LOCAL_METRICS=1). Off
   * otherwise, as it re-reads items around every write; the other counters are always kept.
   */
  readonly metrics?: boolean | undefined;
  /** Fault injection: exit abruptly right after SES accepted the email of this step. */
  readonly crashAfterEmailStep?: string | undefined;
  /** Fault injection: SES accepts the email of this step but the caller gets a 500, as if the response were lost. */
  readonly loseEmailResponseStep?: string | undefined;
  /** IANA zone whose calendar days the reports count in; default UTC. */
  readonly reportingTimeZone?: string | undefined;
  /** Wall-clock interval of the lake's batching window (stream → Parquet → compaction); 0 turns it off. */
  readonly exportIntervalMs?: number | undefined;
  /**
   * StartExecution calls per second of the start buffer's consumer, as the deploy config's
   * `startRatePerSecond`; default 250. Locally one consumer module takes every delivery, so it
   * gets the whole rate (on AWS each of the concurrent consumers gets its share).
   */
  readonly startRatePerSecond?: number | undefined;
}

const TABLE_NAME = 'dunwell-local';
const LOCAL_TABLE_NAME = 'dunwell-local-runtime';
const SCHEDULE_GROUP = 'dunwell-timers';
const START_QUEUE = 'dunwell-start';
const LINK_SECRET_ID = 'dunwell/link-signing';
const PAYMENT_SECRET_ID = 'dunwell/stripe';
const SES_CONFIGURATION_SET = 'dunwell-local';
/** Schedules of one instant fired at once by a clock advance; more wait for the next round of the same instant. */
const SCHEDULES_FIRED_TOGETHER = 16;
const MAX_DELIVERIES = 5;
const EXPORT_BUCKET = 'dunwell-local-exports';
/** Where letters go for print and post: a folder of the data directory. */
const LETTERS_BUCKET = 'dunwell-local-letters';
/** The archive of sent messages (the console's message pages read it): a folder of the data directory. */
const MESSAGES_BUCKET = 'dunwell-local-messages';
/** Replies as SES receiving stores them (`inbound/<id>`), with their attachments: a folder of the data directory. */
const REPLIES_BUCKET = 'dunwell-local-replies';
/** The reply domain of the local runtime: every email's Reply-To is `r+<code>@` it (POST /_local/ses/inbound takes replies to it). */
export const LOCAL_REPLY_DOMAIN = 'replies.dunwell.local';
const CONSOLE_SESSION_SECRET_ID = 'dunwell/console-sessions';
const ATHENA_WORKGROUP = 'dunwell-local-finance';
const LAKE_DATABASE = 'dunwell_local';
/** Stream records per projector invocation, as the event source mapping's batch size on AWS. */
const STREAM_BATCH_SIZE = 1000;
const LOCAL_SENDER_EMAIL = 'billing@dunwell.local';
/** The creditor the local pipeline writes for, unless DUNWELL_CREDITOR_NAME says otherwise. */
export const LOCAL_CREDITOR_NAME = 'Dunwell Demo Ltd';
/** The collectors topic: collector tasks are published here (GET /_local/topics shows them). */
export const LOCAL_COLLECTORS_TOPIC_ARN = `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:dunwell-local-collector-tasks`;

/**
 * An asynchronous delivery the runtime accepted and owes its target: what the write-ahead log
 * of deliveries (deliveries.jsonl) keeps until the target succeeded or it was dead-lettered.
 */
type Delivery =
  /** SQS SendMessage to the start buffer → start-dunning. */
  | { readonly kind: 'queue'; readonly messageId: string; readonly body: string }
  /**
   * EventBridge PutEvents matched by a rule → its function (the whole event as delivered): the
   * signal rule → signal, the collector tasks rule → notify-collectors. Entries logged before
   * there was more than one rule have no target: signal.
   */
  | { readonly kind: 'rule'; readonly detailType: string; readonly event: Record<string, unknown>; readonly target?: FunctionName }
  /** A one-time Scheduler schedule that fired → its target. */
  | { readonly kind: 'schedule'; readonly schedule: string; readonly target: FunctionName; readonly input: unknown }
  /** An email SES received for the reply domain (its raw message already in the replies bucket) → reply. */
  | { readonly kind: 'inbound'; readonly messageId: string; readonly event: Record<string, unknown> }
  /** An SES configuration-set event for an email in the outbox → email-feedback. */
  | {
      readonly kind: 'ses';
      readonly messageId: string;
      readonly feedback: FeedbackKind;
      readonly bounceType?: 'Permanent' | 'Transient' | undefined;
    };

/**
 * The whole pipeline in one process: dynalite, the local AWS endpoint, aws-ses-v2-local, the
 * state machine file run by aws-local-stepfunctions, and the real handlers, all driven by a
 * virtual clock. The HTTP gateway (gateway.ts) sits in front of it.
 */
export class LocalRuntime {
  readonly activity = new Activity();
  readonly clock: VirtualClock;
  readonly outbox: Outbox;
  /** Messages published to SNS topics (collector tasks), as subscribers would receive them. */
  readonly topics: TopicFeed;
  readonly host: LambdaHost;
  /** The Stripe-compatible payment sandbox (API for the SDK; checkout pages via the gateway). */
  readonly stripe: StripeSandbox;
  private publicBaseUrl = '';
  readonly deadLetters: { source: string; payload: unknown; error: string }[] = [];
  /** Accepted asynchronous deliveries not done yet, on disk before their sender is answered. */
  private readonly deliveries: DeliveryLog<Delivery>;
  sesUrl = '';
  /** The local AWS endpoint: every emulated service, for the handlers' SDK clients and for the aws CLI. */
  awsUrl = '';
  private readonly options: RuntimeOptions;
  private dynamo: ReturnType<typeof dynalite> | undefined;
  private sesServer: Server | undefined;
  private endpoint: LocalAwsEndpoint | undefined;
  private stepFunctions: LocalStepFunctions | undefined;
  private scheduler: LocalScheduler | undefined;
  private advancing: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private stream: LocalDynamoStream | undefined;
  private readonly lakeSql = new LakeSql();
  /** The lake bucket's folder: `<dataDir>/exports`, or a temporary folder for an in-memory runtime. */
  readonly exportsDir: string;
  /** The letters bucket's folder (the print-and-post outbox): `<dataDir>/letters`, or a temporary folder. */
  readonly lettersDir: string;
  /** The messages bucket's folder (every message sent, as JSON): `<dataDir>/messages`, or a temporary folder. */
  readonly messagesDir: string;
  /** The replies bucket's folder (raw replies and their attachments): `<dataDir>/replies`, or a temporary folder. */
  readonly repliesDir: string;
  private readonly temporaryExports: boolean;
  private exporting: Promise<unknown> = Promise.resolve();
  private exportTimer: NodeJS.Timeout | undefined;

  constructor(options: RuntimeOptions) {
    this.options = options;
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    this.temporaryExports = !options.dataDir;
    this.lettersDir = options.dataDir ? join(options.dataDir, 'letters') : mkdtempSync(join(tmpdir(), 'dunwell-letters-'));
    this.messagesDir = options.dataDir ? join(options.dataDir, 'messages') : mkdtempSync(join(tmpdir(), 'dunwell-messages-'));
    this.repliesDir = options.dataDir ? join(options.dataDir, 'replies') : mkdtempSync(join(tmpdir(), 'dunwell-replies-'));
    this.exportsDir = options.dataDir ? join(options.dataDir, 'exports') : mkdtempSync(join(tmpdir(), 'dunwell-exports-'));
    this.clock = new VirtualClock(options.clockStart ?? new Date(), this.file('clock.json'));
    this.outbox = new Outbox(this.file('outbox.jsonl'));
    this.topics = new TopicFeed(this.file('topics.jsonl'));
    this.deliveries = new DeliveryLog(this.file('deliveries.jsonl'));
    this.loadOptOuts();
    this.host = new LambdaHost(this.activity);
    this.stripe = new StripeSandbox({
      now: () => this.clock.now(),
      secret: () => JSON.parse(this.readSecret(PAYMENT_SECRET_ID)) as { apiKey: string; webhookSecret: string },
      gatewayUrl: () => this.publicBaseUrl,
      file: this.file('stripe-sessions.json'),
    });
  }

  started = false;

  /** Boots everything; `publicBaseUrl` is where the gateway listens, for the links in messages. */
  async start(publicBaseUrl: string): Promise<void> {
    installClock(this.clock);
    installAfterResponse((work) => {
      this.activity.track(work).catch(() => undefined);
    });
    const startedAt = this.clock.now().getTime();
    this.publicBaseUrl = publicBaseUrl.replace(/\/+$/, '');
    const stripeUrl = await this.stripe.listen();
    this.dynamo = dynalite({
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
      ...(this.options.dataDir ? { path: join(this.options.dataDir, 'dynamodb') } : {}),
    });
    const dynamo = this.dynamo;
    await new Promise<void>((done) => dynamo.listen(0, '127.0.0.1', () => done()));
    const dynamoUrl = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;
    const client = new DynamoDBClient({
      endpoint: dynamoUrl,
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTables(client, TABLE_NAME, LOCAL_TABLE_NAME);
    // Handlers reach dynalite through the stream emulation, which records every invoice write.
    const streamFile = this.file('dynamodb-stream.jsonl');
    const lakeIsNew = streamFile !== undefined && !existsSync(streamFile) && !existsSync(`${streamFile}.checkpoint`);
    this.stream = new LocalDynamoStream({
      targetUrl: dynamoUrl,
      tableName: TABLE_NAME,
      captures: (item) => (item.sk as { S?: string } | undefined)?.S === 'INVOICE',
      file: streamFile,
      now: () => this.clock.now(),
      region: LOCAL_REGION,
      account: LOCAL_ACCOUNT,
      meter: this.options.metrics ?? process.env.DUNWELL_LOCAL_METRICS === '1',
    });
    const streamUrl = await this.stream.start();

    sesStore.clearStore();
    this.sesServer = guardLoopback(await sesLocal({ host: '127.0.0.1', port: this.options.sesPort ?? 0 }));
    this.sesUrl = `http://127.0.0.1:${(this.sesServer.address() as AddressInfo).port}`;
    this.restoreInbox();

    this.stepFunctions = new LocalStepFunctions(
      resolve(import.meta.dirname, '../..', DUNNING_STATE_MACHINE_FILE),
      this.host,
      this.activity,
      () => this.clock.now(),
    );
    this.endpoint = new LocalAwsEndpoint({
      stepFunctions: this.stepFunctions,
      get scheduler() {
        return scheduler;
      },
      sendMessage: (queueUrl, body) => this.deliverToQueue(queueUrl, body),
      queues: () => [
        {
          name: START_QUEUE,
          url: `${this.awsUrl}/${LOCAL_ACCOUNT}/${START_QUEUE}`,
          arn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${START_QUEUE}`,
          inFlight: this.deliveries.pending().filter(({ item }) => item.kind === 'queue').length,
          createdAt: startedAt / 1000,
        },
      ],
      putEvent: (entry) => this.routeEvent(entry),
      readSecret: (secretId) => this.readSecret(secretId),
      publishSms: (phoneNumber, message, attributes) => {
        const messageId = randomUUID();
        const invoiceIds = (attributes['Dunwell.InvoiceIds'] ?? '').split(',').filter(Boolean).map(decodeURIComponent);
        const step = attributes['Dunwell.Step'];
        this.outbox.record({
          channel: 'sms',
          to: phoneNumber,
          text: message,
          sentAt: this.clock.now().toISOString(),
          ...leadAndInvoiceIds(invoiceIds),
          ...(step ? { step } : {}),
          messageId,
        });
        return messageId;
      },
      isOptedOut: (phoneNumber) => this.smsOptOuts.has(phoneNumber),
      publishToTopic: (topicArn, message, subject, attributes) => {
        if (topicArn !== LOCAL_COLLECTORS_TOPIC_ARN) throw new AwsError('NotFound', `Topic does not exist: ${topicArn}`, 404);
        const messageId = randomUUID();
        this.topics.record({
          topicArn,
          messageId,
          publishedAt: this.clock.now().toISOString(),
          ...(subject ? { subject } : {}),
          message,
          attributes,
        });
        return messageId;
      },
      sendEmail: (request, authorization) => this.sendEmail(request, authorization),
      buckets: new LocalS3Buckets({
        [EXPORT_BUCKET]: this.exportsDir,
        [LETTERS_BUCKET]: this.lettersDir,
        [MESSAGES_BUCKET]: this.messagesDir,
        [REPLIES_BUCKET]: this.repliesDir,
      }),
      athena: new LocalAthena(this.lakeSql, this.exportsDir, ATHENA_WORKGROUP),
    });
    const awsUrl = await this.endpoint.listen(this.options.awsPort ?? 0);
    this.awsUrl = awsUrl;

    // The local value of every catalogue variable: a new resource's variable must get one here.
    const catalogueValues = {
      [EnvName.tableName]: TABLE_NAME,
      [EnvName.stateMachineArn]: this.stepFunctions.stateMachineArn,
      [EnvName.startQueueUrl]: `${awsUrl}/${LOCAL_ACCOUNT}/${START_QUEUE}`,
      [EnvName.eventBusName]: 'dunwell-local-bus',
      [EnvName.scheduleGroup]: SCHEDULE_GROUP,
      [EnvName.schedulerRoleArn]: `arn:aws:iam::${LOCAL_ACCOUNT}:role/dunwell-scheduler`,
      [EnvName.wakeFunctionArn]: localFunctionArn('wake'),
      [EnvName.senderEmail]: LOCAL_SENDER_EMAIL,
      [EnvName.creditorName]: this.options.creditorName || LOCAL_CREDITOR_NAME,
      [EnvName.creditorContact]: this.options.creditorContact || LOCAL_SENDER_EMAIL,
      [EnvName.sesConfigurationSet]: SES_CONFIGURATION_SET,
      [EnvName.publicBaseUrl]: publicBaseUrl,
      [EnvName.linkSecretId]: LINK_SECRET_ID,
      [EnvName.collectorsTopicArn]: LOCAL_COLLECTORS_TOPIC_ARN,
      [EnvName.paymentSecretId]: PAYMENT_SECRET_ID,
      [EnvName.exportBucketName]: EXPORT_BUCKET,
      [EnvName.lettersBucketName]: LETTERS_BUCKET,
      [EnvName.messagesBucketName]: MESSAGES_BUCKET,
      [EnvName.repliesBucketName]: REPLIES_BUCKET,
      [EnvName.replyDomain]: LOCAL_REPLY_DOMAIN,
      [EnvName.athenaWorkGroup]: ATHENA_WORKGROUP,
      [EnvName.lakeDatabase]: LAKE_DATABASE,
      [EnvName.reportingTimeZone]: this.options.reportingTimeZone || 'UTC',
      [EnvName.startRatePerConsumer]: String(this.options.startRatePerSecond ?? DEFAULT_START_RATE_PER_SECOND),
      // No Cognito here: the console offers the dev sign-in instead (CONSOLE_DEV_SIGN_IN_VARIABLE).
      [EnvName.consoleUserPoolId]: `${LOCAL_REGION}_local`,
      [EnvName.consoleClientId]: 'local-console',
      [EnvName.consoleSignInUrl]: `${publicBaseUrl}/console/sign-in`,
      [EnvName.consoleSessionSecretId]: CONSOLE_SESSION_SECRET_ID,
    } satisfies Record<EnvName, string>;
    Object.assign(process.env, {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL: awsUrl,
      AWS_ENDPOINT_URL_DYNAMODB: streamUrl,
      AWS_ENDPOINT_URL_S3: awsUrl,
      AWS_ENDPOINT_URL_ATHENA: awsUrl,
      AWS_ENDPOINT_URL_SFN: awsUrl,
      AWS_ENDPOINT_URL_SCHEDULER: awsUrl,
      AWS_ENDPOINT_URL_SQS: awsUrl,
      AWS_ENDPOINT_URL_EVENTBRIDGE: awsUrl,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: awsUrl,
      AWS_ENDPOINT_URL_SNS: awsUrl,
      AWS_ENDPOINT_URL_SESV2: awsUrl,
      ...catalogueValues,
      // Endpoint configuration for the Stripe SDK, like AWS_ENDPOINT_URL_* for the AWS SDKs.
      [STRIPE_API_URL_VARIABLE]: stripeUrl,
      [CONSOLE_DEV_SIGN_IN_VARIABLE]: 'on',
    });

    const scheduler = new LocalScheduler(DynamoDBDocumentClient.from(client), LOCAL_TABLE_NAME, () => this.clock.now());
    await scheduler.load();
    this.scheduler = scheduler;

    // What the daily cron does on AWS: every open invoice gets a live execution again.
    await this.host.invoke('reconcile', {});
    await this.activity.idle();
    // What a crash or a stop left accepted and undelivered goes again, as SQS and EventBridge
    // retry: after the reconciler, so that signals and SES events meet live executions and steps
    // whose interrupted sends were settled (a claim left open becomes `reminder.unconfirmed`).
    for (const { id, item } of this.deliveries.pending()) this.dispatch(id, item);
    await this.activity.idle();
    // A data folder from before the lake: its history goes in once, as the README's backfill does on AWS.
    if (lakeIsNew) await this.host.invoke('export-backfill', {});
    const interval = this.options.exportIntervalMs ?? 60_000;
    if (interval > 0) {
      this.exportTimer = setInterval(() => {
        this.flushExports().catch((error: unknown) =>
          console.error(
            JSON.stringify({ level: 'error', component: 'local-runtime', message: 'lake export failed; will retry', error: String(error) }),
          ),
        );
      }, interval);
      this.exportTimer.unref();
    }
    this.started = true;
  }

  /**
   * What the stream's event source mapping and the daily compaction do on AWS, at once: every
   * committed invoice write goes through the projector (export-events) in batches, in order,
   * the checkpoint moving only after a batch was written; then every partition holding more
   * than its one compacted file is compacted (export-compact). Returns how many partition
   * files the compaction wrote.
   */
  flushExports(): Promise<{ files: number; rows: number }> {
    const run = this.exporting.then(async () => {
      const stream = this.stream;
      if (!stream || this.stopped) return { files: 0, rows: 0 };
      let rows = 0;
      for (;;) {
        const batch = stream.pending(STREAM_BATCH_SIZE);
        const last = batch.at(-1);
        if (!last) break;
        const result = (await this.host.invoke('export-events', { Records: batch })) as { rows: number };
        rows += result.rows;
        stream.acknowledge(last.dynamodb.SequenceNumber);
      }
      const dates = this.partitionsToCompact();
      if (dates.length === 0) return { files: 0, rows };
      const compacted = (await this.host.invoke('export-compact', { dates })) as { partitions: { merged: number }[] };
      return { files: compacted.partitions.filter((partition) => partition.merged > 0).length, rows };
    });
    this.exporting = run.catch(() => undefined);
    return run;
  }

  /** Partitions of the local lake holding anything but a single compacted file. */
  private partitionsToCompact(): string[] {
    const tableDir = join(this.exportsDir, INVOICE_EVENTS_TABLE);
    if (!existsSync(tableDir)) return [];
    const prefix = `${PARTITION_COLUMN}=`;
    return readdirSync(tableDir)
      .filter((name) => name.startsWith(prefix))
      .filter((name) => {
        const files = readdirSync(join(tableDir, name)).filter((file) => file.endsWith('.parquet'));
        return files.length > 1 || (files.length === 1 && files[0] !== COMPACTED_FILE);
      })
      .map((name) => name.slice(prefix.length))
      .sort();
  }

  /** The backfill (export-backfill) run the way the README tells an operator to run it on AWS. */
  async backfillExports(): Promise<unknown> {
    await this.flushExports();
    return this.host.invoke('export-backfill', {});
  }

  /**
   * Moves the virtual clock to `target`, firing every schedule that falls due on the way in
   * order, each at its own instant, and returns once the pipeline is idle. Schedules due at the
   * same instant fire together (SCHEDULES_FIRED_TOGETHER at a time), as they do on AWS; the
   * clock moves on only once what they started is done.
   */
  advanceTo(target: Date): Promise<Date> {
    const run = this.advancing.then(async () => {
      await this.activity.idle();
      for (;;) {
        const due = this.scheduler?.dueTogether(target.getTime(), SCHEDULES_FIRED_TOGETHER) ?? [];
        const at = due[0]?.at;
        if (at === undefined) break;
        this.clock.set(new Date(at));
        for (const schedule of due) {
          const fired: Delivery = {
            kind: 'schedule',
            schedule: `${schedule.group}/${schedule.name}`,
            target: functionNameFromArn(schedule.targetArn),
            input: JSON.parse(schedule.input),
          };
          // Logged before the one-time schedule is gone, so a crash in between cannot lose the fire.
          const id = this.deliveries.accept(fired);
          await this.scheduler?.delete(schedule.group, schedule.name);
          this.dispatch(id, fired);
        }
        await this.activity.idle();
      }
      this.clock.set(target);
      await this.activity.idle();
      return this.clock.now();
    });
    this.advancing = run.catch(() => undefined);
    return run;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    if (this.exportTimer) clearInterval(this.exportTimer);
    // A graceful stop lands what the stream holds; a crash leaves it in the stream log for next time.
    await this.flushExports().catch(() => undefined);
    this.stopped = true;
    this.stepFunctions?.stopAll();
    await this.endpoint?.close();
    await this.stripe.close();
    this.sesServer?.closeAllConnections();
    await new Promise((done) => this.sesServer?.close(done));
    await this.stream?.close();
    await new Promise((done) => this.dynamo?.close(done));
    await this.lakeSql.close();
    if (this.temporaryExports) {
      rmSync(this.exportsDir, { recursive: true, force: true });
      rmSync(this.lettersDir, { recursive: true, force: true });
      rmSync(this.messagesDir, { recursive: true, force: true });
      rmSync(this.repliesDir, { recursive: true, force: true });
    }
  }

  private file(name: string): string | undefined {
    return this.options.dataDir ? join(this.options.dataDir, name) : undefined;
  }

  /** SQS → start-dunning: the message is on disk before SendMessage answers. */
  private deliverToQueue(queueUrl: string, body: string): string {
    if (!queueUrl.endsWith(`/${START_QUEUE}`)) throw new AwsError('AWS.SimpleQueueService.NonExistentQueue', `No queue ${queueUrl}`);
    const delivery: Delivery = { kind: 'queue', messageId: randomUUID(), body };
    this.dispatch(this.deliveries.accept(delivery), delivery);
    return delivery.messageId;
  }

  /**
   * EventBridge rules (logged before PutEvents answers): Dunwell's signal detail types go to the
   * signal function, new collector tasks to notify-collectors.
   */
  private routeEvent(entry: { EventBusName: string; Source: string; DetailType: string; Detail: string }): string {
    const eventId = randomUUID();
    const target: FunctionName | undefined =
      entry.Source !== DOMAIN_EVENT_SOURCE
        ? undefined
        : (signalDetailTypes as readonly string[]).includes(entry.DetailType)
          ? 'signal'
          : entry.DetailType === COLLECTOR_TASK_DETAIL_TYPE
            ? 'notify-collectors'
            : undefined;
    if (target) {
      const delivery: Delivery = {
        kind: 'rule',
        detailType: entry.DetailType,
        target,
        event: {
          version: '0',
          id: eventId,
          'detail-type': entry.DetailType,
          source: entry.Source,
          account: LOCAL_ACCOUNT,
          time: this.clock.now().toISOString(),
          region: LOCAL_REGION,
          resources: [],
          detail: JSON.parse(entry.Detail),
        },
      };
      this.dispatch(this.deliveries.accept(delivery), delivery);
    }
    return eventId;
  }

  /** Hands an accepted (logged) delivery to its target, the way its AWS service would. */
  private dispatch(id: number, delivery: Delivery): void {
    switch (delivery.kind) {
      case 'queue': {
        const { messageId, body } = delivery;
        const event = (attempt: number) => ({
          Records: [
            {
              messageId,
              receiptHandle: messageId,
              body,
              attributes: { ApproximateReceiveCount: String(attempt) },
              messageAttributes: {},
              eventSource: 'aws:sqs',
              eventSourceARN: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${START_QUEUE}`,
              awsRegion: LOCAL_REGION,
            },
          ],
        });
        this.deliver(
          id,
          `queue ${START_QUEUE}`,
          'start-dunning',
          event,
          MAX_DELIVERIES,
          (result) => ((result as { batchItemFailures?: unknown[] } | null)?.batchItemFailures?.length ?? 0) === 0,
        );
        return;
      }
      case 'rule': {
        const target = delivery.target ?? 'signal';
        this.deliver(id, `rule ${target} (${delivery.detailType})`, target, delivery.event, 3);
        return;
      }
      case 'schedule':
        this.deliver(id, `schedule ${delivery.schedule}`, delivery.target, delivery.input, 3);
        return;
      case 'inbound': {
        // The receipt rule's Lambda action, InvocationType Event: Lambda tries an event three times.
        const messageId = delivery.messageId;
        this.deliver(id, `receipt rule reply (${messageId})`, 'reply', delivery.event, 3, (result) => {
          this.inboundOutcomes.set(messageId, result);
          return true;
        });
        return;
      }
      case 'ses': {
        const message = this.outbox.list().find((entry) => entry.messageId === delivery.messageId && entry.channel === 'email');
        if (!message) {
          // Cannot happen: the event is logged after its email was recorded. Nothing to publish.
          this.deliveries.done(id);
          return;
        }
        this.queueFeedback(id, message, delivery.feedback, delivery.bounceType);
        return;
      }
    }
  }

  /**
   * An asynchronous invocation, as SQS, EventBridge and Scheduler make them: counted as
   * activity from the moment it is accepted, retried, then dead-lettered loudly. Its log entry
   * `id` is marked done once the target succeeded or it was dead-lettered; a stop (or a crash)
   * before that leaves it pending, to be delivered again at the next start.
   */
  private deliver(
    id: number,
    source: string,
    name: FunctionName,
    event: unknown | ((attempt: number) => unknown),
    attempts: number,
    succeeded: (result: unknown) => boolean = () => true,
  ): void {
    const end = this.activity.begin();
    setImmediate(async () => {
      let lastError = '';
      let lastPayload: unknown = null;
      try {
        for (let attempt = 1; attempt <= attempts && !this.stopped; attempt++) {
          try {
            const payload = typeof event === 'function' ? (event as (n: number) => unknown)(attempt) : event;
            lastPayload = payload;
            if (succeeded(await this.host.invoke(name, payload))) {
              this.deliveries.done(id);
              return;
            }
            lastError = 'reported a failure';
          } catch (error) {
            lastError = String(error);
          }
        }
        if (this.stopped) return;
        const entry = { source, payload: lastPayload, error: lastError };
        this.deadLetters.push(entry);
        this.activity.recordFailure(entry);
        console.error(JSON.stringify({ level: 'error', component: 'local-runtime', message: 'dead-lettered', ...entry }));
        this.deliveries.done(id);
      } finally {
        end();
      }
    });
  }

  /** Secrets Manager: the pay-link and console-session keyrings and the payment secret, generated at first boot and kept in the data folder. */
  private readSecret(secretId: string): string {
    if (secretId === LINK_SECRET_ID) {
      return this.persistedSecret('secrets.json', () => JSON.stringify({ current: 'k1', k1: randomBytes(32).toString('base64url') }));
    }
    if (secretId === CONSOLE_SESSION_SECRET_ID) {
      return this.persistedSecret('console-session-keys.json', () =>
        JSON.stringify({ current: 'k1', k1: randomBytes(32).toString('base64url') }),
      );
    }
    if (secretId === PAYMENT_SECRET_ID) {
      return this.persistedSecret('payment-secret.json', () =>
        JSON.stringify({
          apiKey: `sk_test_local_${randomBytes(18).toString('base64url')}`,
          webhookSecret: `whsec_${randomBytes(24).toString('base64url')}`,
        }),
      );
    }
    throw new AwsError('ResourceNotFoundException', `Secret ${secretId} not found`);
  }

  /** A secret of the local runtime itself, generated once and kept (mode 600) in the data folder. */
  async localSecret(name: string, generate: () => Promise<string>): Promise<string> {
    const file = this.file(name);
    const kept = file && existsSync(file) ? readFileSync(file, 'utf8') : this.memorySecrets.get(name);
    if (kept !== undefined) return kept;
    const generated = await generate();
    return this.persistedSecret(name, () => generated);
  }

  private persistedSecret(name: string, generate: () => string): string {
    const file = this.file(name);
    if (file && existsSync(file)) return readFileSync(file, 'utf8');
    if (!file) {
      const remembered = this.memorySecrets.get(name) ?? generate();
      this.memorySecrets.set(name, remembered);
      return remembered;
    }
    const secret = generate();
    writeFileSync(file, secret, { mode: 0o600 });
    chmodSync(file, 0o600);
    return secret;
  }

  private readonly memorySecrets = new Map<string, string>();

  /** SES v2 SendEmail: forwarded to aws-ses-v2-local (its inbox UI), and recorded in the outbox at virtual time. */
  private async sendEmail(request: Record<string, unknown>, authorization: string): Promise<{ status: number; body: string }> {
    const response = await fetch(`${this.sesUrl}/v2/email/outbound-emails`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify(request),
    });
    const body = await response.text();
    if (!response.ok) return { status: response.status, body };
    const { MessageId } = JSON.parse(body) as { MessageId: string };
    const simple = (request.Content as { Simple?: SimpleContent } | undefined)?.Simple;
    const header = (name: string) => simple?.Headers?.find((h) => h.Name.toLowerCase() === name.toLowerCase())?.Value;
    const invoiceIds = (header(InvoiceHeader.invoiceIds) ?? '').split(',').filter(Boolean).map(decodeURIComponent);
    const step = header(InvoiceHeader.step);
    const replyTo = ((request.ReplyToAddresses as string[] | undefined) ?? []).join(', ');
    const sent = this.outbox.record({
      channel: 'email',
      to: ((request.Destination as { ToAddresses?: string[] } | undefined)?.ToAddresses ?? []).join(', '),
      subject: simple?.Subject?.Data ?? '',
      text: simple?.Body?.Text?.Data ?? '',
      ...(simple?.Body?.Html?.Data ? { html: simple.Body.Html.Data } : {}),
      sentAt: this.clock.now().toISOString(),
      ...leadAndInvoiceIds(invoiceIds),
      ...(step ? { step } : {}),
      ...(header('List-Unsubscribe') ? { listUnsubscribe: header('List-Unsubscribe') } : {}),
      ...(replyTo ? { replyTo } : {}),
      messageId: MessageId,
    });
    // SES has accepted it: its events are owed from now on, whatever happens to this process.
    for (const kind of simulatedOutcome(sent.to)) this.acceptFeedback(sent, kind);
    if (step && step === this.options.crashAfterEmailStep) {
      // Simulated crash: SES has accepted the message, the handler has not recorded it.
      console.error(
        JSON.stringify({ level: 'warn', component: 'local-runtime', message: `fault injection: crashing after email ${step}` }),
      );
      process.kill(process.pid, 'SIGKILL');
    }
    if (step && step === this.options.loseEmailResponseStep) {
      return { status: 500, body: JSON.stringify({ message: 'fault injection: response lost after the email was accepted' }) };
    }
    return { status: response.status, body };
  }

  /** What the reply function answered for each received message (locally only: SES discards it). */
  private readonly inboundOutcomes = new Map<string, unknown>();

  /**
   * SES receiving, as the deployed receipt rule does it: the raw message stored in the replies
   * bucket under `inbound/<SES message id>` (the S3 action), then the reply function invoked
   * with the receipt event (the Lambda action, asynchronous: logged, retried, dead-lettered).
   * `messageId` reuses an SES message id, as SES does when it delivers a message again.
   */
  receiveEmail(message: InboundEmail): string {
    const messageId = message.messageId ?? randomBytes(20).toString('hex');
    const key = replyMessageKey(messageId);
    const file = join(this.repliesDir, ...key.split('/'));
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, message.raw);
    const at = this.clock.now().toISOString();
    const verdict = (status: string | undefined) => ({ status: status ?? 'PASS' });
    const event = {
      Records: [
        {
          eventSource: 'aws:ses',
          eventVersion: '1.0',
          ses: {
            mail: {
              timestamp: at,
              source: message.from ?? '',
              messageId,
              destination: [...message.recipients],
              headersTruncated: false,
              headers: [],
              commonHeaders: { returnPath: message.from ?? '', messageId: '', date: at },
            },
            receipt: {
              timestamp: at,
              processingTimeMillis: 1,
              recipients: [...message.recipients],
              spamVerdict: verdict(message.verdicts.spam),
              virusVerdict: verdict(message.verdicts.virus),
              spfVerdict: verdict(message.verdicts.spf),
              dkimVerdict: verdict(message.verdicts.dkim),
              dmarcVerdict: verdict(message.verdicts.dmarc),
              action: { type: 'Lambda', functionArn: localFunctionArn('reply'), invocationType: 'Event' },
            },
          },
        },
      ],
    };
    const delivery: Delivery = { kind: 'inbound', messageId, event };
    this.dispatch(this.deliveries.accept(delivery), delivery);
    return messageId;
  }

  /** The reply function's answer for a received message, once it ran (undefined before, or when it failed); handed out once. */
  takeInboundOutcome(messageId: string): unknown {
    const outcome = this.inboundOutcomes.get(messageId);
    this.inboundOutcomes.delete(messageId);
    return outcome;
  }

  /** Numbers that replied STOP: SNS's account opt-out list, kept in the data folder. */
  private readonly smsOptOuts = new Set<string>();
  private pendingFeedback: {
    id: number;
    message: OutboxMessage;
    kind: FeedbackKind;
    bounceType?: 'Permanent' | 'Transient' | undefined;
  }[] = [];

  /** Simulates a STOP reply from `phoneNumber`: from now on SNS reports it opted out. */
  /** The state machine every invoice execution runs (what `aws stepfunctions list-executions` asks about). */
  get stateMachineArn(): string {
    return this.stepFunctions?.stateMachineArn ?? '';
  }

  /** A command that works as pasted: the aws CLI pointed at the local endpoint, with the dummy credentials it needs. */
  awsCliExample(): string {
    return `AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=${LOCAL_REGION} aws --endpoint-url ${this.awsUrl} stepfunctions list-executions --state-machine-arn ${this.stateMachineArn}`;
  }

  /** The invoice executions since start, with their state transitions. */
  executions(): ExecutionSummary[] {
    return this.stepFunctions?.summaries() ?? [];
  }

  /** What the pipeline used since start, in billed units (`GET /_local/metrics`). */
  metrics(): RuntimeMetrics {
    const [executions, lambda, dynamodb, aws] = [this.executions(), this.host.usage(), this.stream?.usage(), this.endpoint?.usage()];
    return runtimeMetrics({ executions, lambda, dynamodb, aws, outbox: this.outbox.list() });
  }

  optOutNumber(phoneNumber: string): void {
    this.smsOptOuts.add(phoneNumber);
    const file = this.file('sms-opt-outs.json');
    if (file) writeFileSync(file, JSON.stringify([...this.smsOptOuts]));
  }

  private loadOptOuts(): void {
    const file = this.file('sms-opt-outs.json');
    if (file && existsSync(file)) for (const number of JSON.parse(readFileSync(file, 'utf8')) as string[]) this.smsOptOuts.add(number);
  }

  /**
   * SES feedback for an email in the outbox (a bounce or complaint arriving later, as a
   * recipient's server would send it). Published once the pipeline is otherwise idle.
   */
  simulateEmailFeedback(messageId: string, kind: FeedbackKind, bounceType?: 'Permanent' | 'Transient'): boolean {
    const message = this.outbox.list().find((entry) => entry.messageId === messageId && entry.channel === 'email');
    if (!message) return false;
    this.acceptFeedback(message, kind, bounceType);
    return true;
  }

  /** An SES event for `message` is owed: logged at once, published once the sending work is done. */
  private acceptFeedback(message: OutboxMessage, kind: FeedbackKind, bounceType?: 'Permanent' | 'Transient'): void {
    const id = this.deliveries.accept({
      kind: 'ses',
      messageId: message.messageId,
      feedback: kind,
      ...(bounceType ? { bounceType } : {}),
    });
    this.queueFeedback(id, message, kind, bounceType);
  }

  /** SES publishes its events after the send call returned; here, once the sending work is done. */
  private queueFeedback(id: number, message: OutboxMessage, kind: FeedbackKind, bounceType?: 'Permanent' | 'Transient'): void {
    if (this.pendingFeedback.length === 0) this.activity.whenIdle(() => this.publishFeedback());
    this.pendingFeedback.push({ id, message, kind, bounceType });
  }

  /** The configuration set's EventBridge rule: every event to the email-feedback function. */
  private publishFeedback(): void {
    const pending = this.pendingFeedback;
    this.pendingFeedback = [];
    for (const { id, message, kind, bounceType } of pending) {
      const { detailType, event } = sesEvent(message, kind, SES_CONFIGURATION_SET, this.clock.now(), { bounceType });
      this.deliver(
        id,
        `rule email-feedback (${detailType})`,
        'email-feedback',
        { ...event, account: LOCAL_ACCOUNT, region: LOCAL_REGION },
        3,
      );
    }
  }

  /** Puts the outbox's emails back into aws-ses-v2-local so its inbox UI shows them after a restart. */
  private restoreInbox(): void {
    for (const message of this.outbox.list()) {
      if (message.channel !== 'email') continue;
      sesStore.saveEmail({
        messageId: message.messageId,
        from: 'billing@dunwell.local',
        replyTo: message.replyTo ? [message.replyTo] : [],
        destination: { to: message.to.split(', '), cc: [], bcc: [] },
        subject: message.subject ?? '',
        body: { text: message.text, ...(message.html ? { html: message.html } : {}) },
        attachments: [],
        at: Math.floor(Date.parse(message.sentAt) / 1000),
      });
    }
  }
}

/**
 * How the outbox names the invoices of a message: `invoiceId` always (for a combined message,
 * its lead invoice, the one whose step sent it), and `invoiceIds` too when it covers several.
 */
function leadAndInvoiceIds(invoiceIds: readonly string[]): { invoiceId?: string; invoiceIds?: readonly string[] } {
  const [lead] = invoiceIds;
  if (lead === undefined) return {};
  return invoiceIds.length > 1 ? { invoiceId: lead, invoiceIds } : { invoiceId: lead };
}

/** An email for the reply domain, as POST /_local/ses/inbound hands it over (checked there). */
export interface InboundEmail {
  readonly raw: string;
  /** The envelope recipients on the reply domain (what the receipt rule matched). */
  readonly recipients: readonly string[];
  readonly from?: string | undefined;
  readonly verdicts: {
    readonly spf?: string;
    readonly dkim?: string;
    readonly spam?: string;
    readonly virus?: string;
    readonly dmarc?: string;
  };
  readonly messageId?: string | undefined;
}

interface SimpleContent {
  Subject?: { Data?: string };
  Body?: { Text?: { Data?: string }; Html?: { Data?: string } };
  Headers?: { Name: string; Value: string }[];
}

/**
 * The SES inbox (every email, pay links included, and a clear-store action) answers what the
 * local controls answer: no DNS-rebinding host name, no request another web page started.
 */
function guardLoopback(server: Server): Server {
  const handlers = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const refusal = localControlRefusal(request);
    if (refusal) {
      response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(refusal);
      return;
    }
    for (const handler of handlers) handler.call(server, request, response);
  });
  return server;
}
