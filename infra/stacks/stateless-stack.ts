import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { CONFIGURATION_SET_TAG, SES_EVENT_SOURCE, sesDetailTypes } from '#contracts/email-events.ts';
import { COLLECTOR_TASK_DETAIL_TYPE, DOMAIN_EVENT_SOURCE, signalDetailTypes } from '#contracts/events.ts';
import { FunctionName, Setting } from '#contracts/functions.ts';
import type { DeployConfig } from '../config.ts';
import { bundledFolders } from '../constructs/bundled-folders.ts';
import {
  collectorsResource,
  emailResource,
  eventBusResource,
  lakeResource,
  linkSecretResource,
  paymentSecretResource,
  smsResource,
  startQueueResource,
  tableResource,
  timersResource,
  workflowResource,
} from '../constructs/catalogue-bindings.ts';
import type { CatalogueResources } from '../constructs/catalogue-resource.ts';
import { ConsoleSignIn, type ConsoleUsers } from '../constructs/console-users.ts';
import { DunningWorkflow } from '../constructs/dunning-workflow.ts';
import { DunwellFunction } from '../constructs/dunwell-function.ts';
import type { FinanceLake } from '../constructs/finance-lake.ts';
import { bindCatalogueEntry, type CatalogueSettings } from '../constructs/function-catalogue.ts';
import { InvoiceApi } from '../constructs/invoice-api.ts';
import { DailyLakeCompaction, DailyReconcile, InvoiceTimers } from '../constructs/invoice-timers.ts';
import type { LettersBucket } from '../constructs/letters-bucket.ts';
import type { MessagesBucket } from '../constructs/messages-bucket.ts';
import { OperationsAlarms } from '../constructs/operations-alarms.ts';
import { deadLetterQueue, encryptedQueue } from '../constructs/queues.ts';
import { ReminderEmail } from '../constructs/reminder-email.ts';
import type { RepliesBucket } from '../constructs/replies-bucket.ts';
import { ReplyReceiving } from '../constructs/reply-receiving.ts';

export interface DunwellStatelessStackProps extends StackProps {
  readonly config: DeployConfig;
  readonly table: ITable;
  readonly tableIndexNames: readonly string[];
  readonly dataKey: IKey;
  /** The pay-link keyring; read by the functions that sign or verify links. */
  readonly linkSecret: ISecret;
  /** Issues the ERP's access tokens; the API's JWT authorizer trusts it and the ERP client only. */
  readonly userPool: IUserPool;
  readonly erpClient: IUserPoolClient;
  /** The finance lake (bucket, Glue tables, Athena workgroup) the exporters write and the reports query. */
  readonly lake: FinanceLake;
  /** Where the advance function posts letters for print-and-post. */
  readonly letters: LettersBucket;
  /** The archive of sent messages: advance writes a copy of each, the console reads them. */
  readonly messages: MessagesBucket;
  /** The console's people: the stateless stack adds the app client that calls the console back. */
  readonly consoleUsers: ConsoleUsers;
  /** Customers' replies: SES receiving writes them (when a reply domain is configured), the reply function reads them. */
  readonly replies: RepliesBucket;
}

/** Per-function sizing; everything else about a function comes from the catalogue. */
export const functionSizing: Partial<Record<FunctionName, { timeout: Duration; memorySize?: number }>> = {
  [FunctionName.startDunning]: { timeout: Duration.seconds(30) },
  // A wake-up: a few actions (a collector task, a reminder, a thank-you), each a provider call or two.
  [FunctionName.advance]: { timeout: Duration.seconds(60) },
  // Lists every running execution and open invoice, then requests the rest: about 4 minutes for
  // 500,000 open invoices (README "Reconcile at scale"); Lambda's maximum leaves room for slow pages.
  [FunctionName.reconcile]: { timeout: Duration.minutes(15), memorySize: 1024 },
  // A batch of up to 500 upserts; HTTP API gives up on an integration after 30 s.
  [FunctionName.invoicesApi]: { timeout: Duration.seconds(29), memorySize: 1024 },
  // Up to 1,000 stream records become a few Parquet objects.
  [FunctionName.exportEvents]: { timeout: Duration.minutes(2), memorySize: 1024 },
  // Reads a whole day's files, de-duplicates and writes one.
  [FunctionName.exportCompact]: { timeout: Duration.minutes(5), memorySize: 2048 },
  // Scans the table (or one segment of it) and writes every timeline; run by hand, as long as Lambda allows.
  [FunctionName.exportBackfill]: { timeout: Duration.minutes(15), memorySize: 2048 },
  // Waits for an Athena query behind the HTTP API, which gives up after 30 s.
  [FunctionName.reportsApi]: { timeout: Duration.seconds(29), memorySize: 512 },
  // Pages behind the HTTP API (30 s): the dashboard waits for its report queries, and "simulate
  // before publishing" runs the simulator on a sample of the open invoices (one vCPU at 1,769 MB).
  [FunctionName.console]: { timeout: Duration.seconds(29), memorySize: 1769 },
  // Parses a reply of up to 10 MiB (attachments kept in memory), then a few writes per invoice it names.
  [FunctionName.reply]: { timeout: Duration.seconds(60), memorySize: 1024 },
};

/**
 * Everything that can be replaced without losing data: the functions, the API, the
 * workflow, the buses, queues and timers, and the sending setup. It holds no key or
 * credential anyone outside keeps a copy of: those come from the stateful stack.
 */
export class DunwellStatelessStack extends Stack {
  readonly functions: ReadonlyMap<FunctionName, DunwellFunction>;
  readonly api: InvoiceApi;
  readonly workflow: DunningWorkflow;
  readonly startBuffer: Queue;
  readonly domainEvents: EventBus;
  readonly timers: InvoiceTimers;
  readonly email: ReminderEmail;
  readonly collectorTasks: Topic;
  readonly alarms: OperationsAlarms;
  /** SES receiving for the reply domain; undefined when none is configured. */
  readonly replyReceiving: ReplyReceiving | undefined;

  constructor(scope: Construct, id: string, props: DunwellStatelessStackProps) {
    super(scope, id, props);
    const { config } = props;
    const namePrefix = config.namePrefix;

    const functions = new Map<FunctionName, DunwellFunction>();
    for (const name of Object.values(FunctionName)) {
      functions.set(
        name,
        new DunwellFunction(this, `Fn-${name}`, { name, namePrefix, ...functionSizing[name], bundledFolders: bundledFolders[name] }),
      );
    }
    this.functions = functions;
    const functionNamed = (name: FunctionName): DunwellFunction => {
      const fn = functions.get(name);
      if (!fn) throw new Error(`No function "${name}" in the catalogue`);
      return fn;
    };

    this.api = new InvoiceApi(this, 'Api', {
      namePrefix,
      userPool: props.userPool,
      erpClient: props.erpClient,
      functionNamed: (name) => functionNamed(name).function,
    });

    this.workflow = new DunningWorkflow(this, 'Dunning', { namePrefix, functionNamed });

    // The start buffer absorbs month-end bursts; start-dunning drains it at a pace
    // StartExecution allows. Visibility is six times the consumer's timeout, as Lambda advises.
    const consumerTimeout = functionNamed(FunctionName.startDunning).function.timeout ?? Duration.seconds(3);
    const startDeadLetters = encryptedQueue(this, 'StartBufferDeadLetters', { retentionPeriod: Duration.days(14) });
    this.startBuffer = encryptedQueue(this, 'StartBuffer', {
      visibilityTimeout: Duration.seconds(6 * consumerTimeout.toSeconds()),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: startDeadLetters, maxReceiveCount: 5 },
    });

    this.domainEvents = new EventBus(this, 'DomainEvents', { eventBusName: `${namePrefix}-domain-events` });
    const signalDeadLetters = deadLetterQueue(this, 'SignalDeadLetters', 'the signal rule target');
    new Rule(this, 'SignalRule', {
      eventBus: this.domainEvents,
      description: 'Invoice events that must wake a sleeping dunning execution at once',
      eventPattern: { source: [DOMAIN_EVENT_SOURCE], detailType: [...signalDetailTypes] },
      targets: [
        new LambdaFunction(functionNamed(FunctionName.signal).function, {
          deadLetterQueue: signalDeadLetters,
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });

    this.timers = new InvoiceTimers(this, 'InvoiceTimers', {
      namePrefix,
      wakeFunction: functionNamed(FunctionName.wake).function,
    });
    const dailyReconcile = new DailyReconcile(this, 'DailyReconcile', {
      namePrefix,
      reconcileFunction: functionNamed(FunctionName.reconcile).function,
    });
    const lakeCompaction = new DailyLakeCompaction(this, 'DailyLakeCompaction', {
      namePrefix,
      group: dailyReconcile.group,
      compactFunction: functionNamed(FunctionName.exportCompact).function,
    });
    // Batches of the table stream the projector gave up on (their shard and sequence range, not the rows).
    const streamFailures = deadLetterQueue(this, 'ExportEventsDeadLetters', 'the export-events table stream mapping');

    this.email = new ReminderEmail(this, 'ReminderEmail', {
      namePrefix,
      senderEmail: config.senderEmail,
      senderDomain: config.senderDomain,
    });
    // Delivery, bounce and complaint events of our configuration set (never another app's mail) → timelines.
    const feedbackDeadLetters = deadLetterQueue(this, 'EmailFeedbackDeadLetters', 'the email feedback rule target');
    new Rule(this, 'EmailFeedbackRule', {
      eventBus: this.email.feedbackBus,
      description: 'SES delivery, bounce and complaint events of the reminder configuration set',
      eventPattern: {
        source: [SES_EVENT_SOURCE],
        detailType: [...sesDetailTypes],
        detail: { mail: { tags: { [CONFIGURATION_SET_TAG]: [this.email.configurationSet.configurationSetName] } } },
      },
      targets: [
        new LambdaFunction(functionNamed(FunctionName.emailFeedback).function, {
          deadLetterQueue: feedbackDeadLetters,
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });

    // Collector hand-overs (broken promise, high value, final notice, agency referral, write-off
    // proposal), published by notify-collectors; subscribers filter on the kind and reason attributes.
    this.collectorTasks = new Topic(this, 'CollectorTasks', {
      topicName: `${namePrefix}-collector-tasks`,
      masterKey: props.dataKey,
      enforceSSL: true,
    });

    // New collector tasks, put on the bus by the advance function → notify-collectors → the topic.
    const collectorDeadLetters = deadLetterQueue(this, 'CollectorTasksDeadLetters', 'the collector tasks rule target');
    new Rule(this, 'CollectorTasksRule', {
      eventBus: this.domainEvents,
      description: 'New collector tasks, to be published to the collectors topic',
      eventPattern: { source: [DOMAIN_EVENT_SOURCE], detailType: [COLLECTOR_TASK_DETAIL_TYPE] },
      targets: [
        new LambdaFunction(functionNamed(FunctionName.notifyCollectors).function, {
          deadLetterQueue: collectorDeadLetters,
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });

    const publicBaseUrl = (config.publicBaseUrl ?? this.api.url).replace(/\/+$/, '');
    const resources: CatalogueResources = {
      table: tableResource({ table: props.table, indexNames: props.tableIndexNames, key: props.dataKey, streamFailures }),
      startQueue: startQueueResource(this.startBuffer),
      events: eventBusResource(this.domainEvents),
      states: workflowResource(this.workflow, config.startRatePerSecond),
      scheduler: timersResource(this.timers, functionNamed(FunctionName.wake)),
      ses: emailResource(this.email),
      linkSecret: linkSecretResource(props.linkSecret),
      // Created and rotated by the operator (it holds Stripe's keys): imported, never owned.
      paymentSecret: paymentSecretResource(Secret.fromSecretNameV2(this, 'PaymentSecret', config.paymentSecretName)),
      collectors: collectorsResource(this.collectorTasks),
      sms: smsResource,
      lake: lakeResource(props.lake, config.reportingTimeZone),
      letters: props.letters,
      messages: props.messages,
      replies: props.replies,
      console: new ConsoleSignIn(this, 'ConsoleSignIn', { users: props.consoleUsers, consoleUrl: `${publicBaseUrl}/console` }),
    };
    const settings: CatalogueSettings = {
      [Setting.publicBaseUrl]: publicBaseUrl,
      [Setting.creditorName]: config.creditorName,
      [Setting.creditorContact]: config.creditorContact,
      [Setting.replyDomain]: config.replyDomain,
    };
    for (const fn of functions.values()) bindCatalogueEntry(fn, resources, settings);

    this.replyReceiving = config.replyDomain
      ? new ReplyReceiving(this, 'ReplyReceiving', {
          namePrefix,
          replyDomain: config.replyDomain,
          replies: props.replies,
          replyFunction: functionNamed(FunctionName.reply).function,
        })
      : undefined;

    this.alarms = new OperationsAlarms(this, 'Alarms', {
      namePrefix,
      alarmEmail: config.alarmEmail,
      deadLetterQueues: {
        'start-buffer': startDeadLetters,
        'signal-rule': signalDeadLetters,
        'collector-tasks-rule': collectorDeadLetters,
        'email-feedback-rule': feedbackDeadLetters,
        'daily-reconcile': dailyReconcile.deadLetters,
        'daily-lake-compaction': lakeCompaction.deadLetters,
        'export-events-stream': streamFailures,
      },
      startBuffer: this.startBuffer,
      dunning: this.workflow.stateMachine,
      stripeWebhookFunctionName: functionNamed(FunctionName.stripeWebhook).functionName,
      advanceFunctionName: functionNamed(FunctionName.advance).functionName,
      lakeProjector: functionNamed(FunctionName.exportEvents).function,
      lakeCompaction: functionNamed(FunctionName.exportCompact).function,
      reconcile: functionNamed(FunctionName.reconcile).function,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the Dunwell API' });
    new CfnOutput(this, 'ConsoleUrl', { value: `${publicBaseUrl}/console`, description: 'The console for finance leads and collectors' });
    new CfnOutput(this, 'SenderIdentity', {
      value: this.email.identity.emailIdentityName,
      description: config.senderDomain ? 'Verified by the DKIM CNAME records below' : 'Verified by the link SES mails to this address',
    });
    if (config.senderDomain) {
      const identity = this.email.identity;
      const dkim = [
        [identity.dkimDnsTokenName1, identity.dkimDnsTokenValue1],
        [identity.dkimDnsTokenName2, identity.dkimDnsTokenValue2],
        [identity.dkimDnsTokenName3, identity.dkimDnsTokenValue3],
      ] as const;
      dkim.forEach(([name, value], index) => {
        new CfnOutput(this, `DkimRecord${index + 1}`, { value: `${name} CNAME ${value}`, description: 'Publish in DNS' });
      });
    }
  }
}
