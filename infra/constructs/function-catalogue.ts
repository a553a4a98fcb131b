import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Effect, Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { EnvName } from '#contracts/env.ts';
import { type Access, type FunctionName, functionAccess, functionEnvironment } from '#contracts/functions.ts';
import { START_BATCH_SIZE, START_POLLERS, startRatePerConsumer } from '#contracts/start-pacing.ts';
import type { DunningWorkflow } from './dunning-workflow.ts';
import type { DunwellFunction } from './dunwell-function.ts';
import type { FinanceLake } from './finance-lake.ts';
import type { InvoiceTimers } from './invoice-timers.ts';
import { acknowledgeNag, acknowledgeWildcardResource } from './nag.ts';
import type { ReminderEmail } from './reminder-email.ts';

/** Everything a catalogue entry can be given a variable for or access to. */
export interface CatalogueResources {
  readonly table: ITable;
  /** The secondary index names the functions may query. */
  readonly tableIndexNames: readonly string[];
  readonly tableKey: IKey;
  readonly startQueue: IQueue;
  readonly domainEvents: IEventBus;
  readonly workflow: DunningWorkflow;
  readonly timers: InvoiceTimers;
  readonly wakeFunction: DunwellFunction;
  readonly email: ReminderEmail;
  readonly linkSecret: ISecret;
  /** The payment provider's credentials, imported by name (its ARN carries Secrets Manager's random suffix). */
  readonly paymentSecret: ISecret;
  readonly publicBaseUrl: string;
  /** Who is asking for the money: plain values, no access goes with them. */
  readonly creditor: { readonly name: string; readonly contact: string };
  /** Where collector tasks are published; its KMS key (if any) is granted along with it. */
  readonly collectorTasks: ITopic;
  /** The finance lake: its bucket and key (exporters), its Glue tables and Athena workgroup (reports). */
  readonly lake: FinanceLake;
  /** Where the projector's stream event source reports a batch it gave up on (shard and sequence numbers). */
  readonly streamFailures: IQueue;
  /** The reporting calendar's IANA zone: a plain value, no access goes with it. */
  readonly reportingTimeZone: string;
  /** StartExecution calls per second for all the start buffer's consumers together (config `startRatePerSecond`). */
  readonly startRatePerSecond: number;
}

const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
const TABLE_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
/** DynamoDB uses the table's KMS key on the caller's behalf: decrypt to read, also encrypt to write. */
const KEY_READ = ['kms:Decrypt', 'kms:DescribeKey'];
const KEY_WRITE = ['kms:Encrypt', 'kms:GenerateDataKey'];
/** What the Lambda poller of a DynamoDB stream calls (as the function's role). */
const STREAM_READ = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];
/** SSE-KMS objects: a data key to write one, decrypt to read one. */
const LAKE_KEY = ['kms:Decrypt', 'kms:GenerateDataKey'];

/**
 * A variable that names a resource is only handed out together with access to it, and an
 * access is only granted with the variable that names its resource; the catalogue is
 * checked against these pairs so the two lists cannot drift apart.
 */
const variableNeedsOneOf: Partial<Record<EnvName, readonly Access[]>> = {
  [EnvName.tableName]: ['table:read', 'table:readWrite', 'table:scan'],
  [EnvName.stateMachineArn]: ['states:start', 'states:list'],
  [EnvName.startQueueUrl]: ['startQueue:send'],
  [EnvName.eventBusName]: ['events:put'],
  [EnvName.scheduleGroup]: ['scheduler:manage'],
  [EnvName.schedulerRoleArn]: ['scheduler:manage'],
  [EnvName.wakeFunctionArn]: ['scheduler:manage'],
  [EnvName.senderEmail]: ['ses:send'],
  [EnvName.sesConfigurationSet]: ['ses:send'],
  [EnvName.linkSecretId]: ['linkSecret:read'],
  [EnvName.paymentSecretId]: ['paymentSecret:read'],
  [EnvName.collectorsTopicArn]: ['collectors:publish'],
  [EnvName.exportBucketName]: ['lake:readWrite'],
  [EnvName.athenaWorkGroup]: ['lake:query'],
  [EnvName.lakeDatabase]: ['lake:query'],
  [EnvName.startRatePerConsumer]: ['states:start'],
};
const accessNeedsAll: Partial<Record<Access, readonly EnvName[]>> = {
  'table:read': [EnvName.tableName],
  'table:readWrite': [EnvName.tableName],
  'startQueue:send': [EnvName.startQueueUrl],
  'events:put': [EnvName.eventBusName],
  // Whoever starts executions is paced: the rate comes with the grant.
  'states:start': [EnvName.stateMachineArn, EnvName.startRatePerConsumer],
  'states:list': [EnvName.stateMachineArn],
  'scheduler:manage': [EnvName.scheduleGroup],
  'ses:send': [EnvName.senderEmail, EnvName.sesConfigurationSet],
  'linkSecret:read': [EnvName.linkSecretId],
  'paymentSecret:read': [EnvName.paymentSecretId],
  'collectors:publish': [EnvName.collectorsTopicArn],
  'table:scan': [EnvName.tableName],
  'lake:readWrite': [EnvName.exportBucketName],
  'lake:query': [EnvName.athenaWorkGroup, EnvName.lakeDatabase, EnvName.reportingTimeZone],
};

/** Throws when a catalogue entry hands out a variable without its access, or the reverse. */
export function checkCatalogueEntry(name: FunctionName): void {
  const variables = functionEnvironment[name];
  const access = functionAccess[name];
  const problems: string[] = [];
  for (const variable of variables) {
    const needed = variableNeedsOneOf[variable];
    if (needed && !needed.some((grant) => access.includes(grant))) {
      problems.push(`${variable} is set but none of ${needed.join(', ')} is granted`);
    }
  }
  for (const grant of access) {
    for (const variable of accessNeedsAll[grant] ?? []) {
      if (!variables.includes(variable)) problems.push(`${grant} is granted but ${variable} is not set`);
    }
  }
  if (problems.length > 0) throw new Error(`Function catalogue entry "${name}": ${problems.join('; ')}`);
}

function variableValue(variable: EnvName, r: CatalogueResources): string {
  switch (variable) {
    case EnvName.tableName:
      return r.table.tableName;
    // By name, not by reference: see DunningWorkflow.stateMachineArnByName.
    case EnvName.stateMachineArn:
      return r.workflow.stateMachineArnByName;
    case EnvName.startQueueUrl:
      return r.startQueue.queueUrl;
    case EnvName.eventBusName:
      return r.domainEvents.eventBusName;
    case EnvName.scheduleGroup:
      return r.timers.group.scheduleGroupName;
    case EnvName.schedulerRoleArn:
      return r.timers.schedulerRole.roleArn;
    case EnvName.wakeFunctionArn:
      return r.wakeFunction.function.functionArn;
    case EnvName.senderEmail:
      return r.email.senderEmail;
    case EnvName.sesConfigurationSet:
      return r.email.configurationSet.configurationSetName;
    case EnvName.publicBaseUrl:
      return r.publicBaseUrl;
    case EnvName.linkSecretId:
      return r.linkSecret.secretArn;
    case EnvName.collectorsTopicArn:
      return r.collectorTasks.topicArn;
    // By name: an imported secret's partial ARN lacks the suffix GetSecretValue would need.
    case EnvName.paymentSecretId:
      return r.paymentSecret.secretName;
    case EnvName.creditorName:
      return r.creditor.name;
    case EnvName.creditorContact:
      return r.creditor.contact;
    case EnvName.exportBucketName:
      return r.lake.bucket.bucketName;
    case EnvName.athenaWorkGroup:
      return r.lake.workGroupName;
    case EnvName.lakeDatabase:
      return r.lake.databaseName;
    case EnvName.reportingTimeZone:
      return r.reportingTimeZone;
    // Each of the START_POLLERS consumers (the event source's maximum concurrency) paces at its share.
    case EnvName.startRatePerConsumer:
      return String(startRatePerConsumer(r.startRatePerSecond, START_POLLERS));
    // Not provisioned on AWS yet (the local runtime has one): no catalogue entry may ask for it.
    case EnvName.lettersBucketName:
      throw new Error(`${EnvName.lettersBucketName}: the CDK app does not provision a letters bucket yet`);
  }
}

function grantAccess(fn: DunwellFunction, access: Access, r: CatalogueResources): void {
  const tableArns = [r.table.tableArn, ...r.tableIndexNames.map((index) => `${r.table.tableArn}/index/${index}`)];
  switch (access) {
    case 'table:read':
      fn.addToRolePolicy(new PolicyStatement({ actions: TABLE_READ, resources: tableArns }));
      fn.addToRolePolicy(new PolicyStatement({ actions: KEY_READ, resources: [r.tableKey.keyArn] }));
      return;
    case 'table:readWrite':
      fn.addToRolePolicy(new PolicyStatement({ actions: [...TABLE_READ, ...TABLE_WRITE], resources: tableArns }));
      fn.addToRolePolicy(new PolicyStatement({ actions: [...KEY_READ, ...KEY_WRITE], resources: [r.tableKey.keyArn] }));
      return;
    case 'startQueue:send':
      r.startQueue.grantSendMessages(fn.role);
      return;
    case 'startQueue:consume':
      // Small batches, few pollers, each paced at its share of startRatePerSecond: a month-end
      // burst waits in the queue instead of exhausting the StartExecution rate; each failed
      // message is retried on its own (shared/contracts/start-pacing.ts).
      fn.function.addEventSource(
        new SqsEventSource(r.startQueue, {
          batchSize: START_BATCH_SIZE,
          maxBatchingWindow: Duration.seconds(1),
          maxConcurrency: START_POLLERS,
          reportBatchItemFailures: true,
        }),
      );
      return;
    case 'events:put':
      r.domainEvents.grantPutEventsTo(fn.role);
      return;
    case 'states:start':
      fn.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [r.workflow.stateMachineArnByName] }));
      return;
    case 'states:list':
      // ListExecutions is authorized on the state machine itself: no execution ARN, no wildcard.
      fn.addToRolePolicy(new PolicyStatement({ actions: ['states:ListExecutions'], resources: [r.workflow.stateMachineArnByName] }));
      return;
    case 'states:taskResponse':
      // Task tokens belong to executions of this machine; the ARN is built from its name (no cycle).
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
          resources: [r.workflow.stateMachineArnByName],
        }),
      );
      return;
    case 'scheduler:manage':
      r.timers.grantManageTimers(fn.role);
      acknowledgeWildcardResource(
        fn.role,
        r.timers.timerArns,
        'Timers are one-time schedules named per invoice at run time; the wildcard is limited to the invoice-timers schedule group.',
      );
      return;
    case 'ses:send':
      r.email.grantSend(fn.role);
      return;
    case 'linkSecret:read':
      fn.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [r.linkSecret.secretArn] }));
      return;
    case 'paymentSecret:read':
      // A secret imported by name has a partial ARN; `-??????` matches exactly the six-character
      // suffix Secrets Manager appends (no `*`: it cannot match another secret's name).
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [`${r.paymentSecret.secretArn}-??????`] }),
      );
      return;
    case 'collectors:publish':
      fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [r.collectorTasks.topicArn] }));
      // SNS encrypts each message with a data key from the topic's key, on the publisher's behalf.
      if (r.collectorTasks.masterKey) {
        fn.addToRolePolicy(
          new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [r.collectorTasks.masterKey.keyArn] }),
        );
      }
      return;
    case 'sms:publish':
      grantSmsPublish(fn);
      return;
    case 'table:stream':
      grantStreamProjection(fn, r);
      return;
    case 'table:scan':
      // The backfill reads every item once; Scan on the base table only (no index is scanned),
      // and Query for the timeline chunks of an invoice whose older events left its item.
      fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:Scan', 'dynamodb:Query'], resources: [r.table.tableArn] }));
      fn.addToRolePolicy(new PolicyStatement({ actions: KEY_READ, resources: [r.tableKey.keyArn] }));
      return;
    case 'lake:readWrite': {
      const objects = r.lake.tableObjectArns(fn);
      fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: objects }));
      // Listing is what compaction needs to find a partition's files; only under the table prefixes.
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [r.lake.bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': r.lake.tableNames.map((table) => `${table}/*`) } },
        }),
      );
      fn.addToRolePolicy(new PolicyStatement({ actions: LAKE_KEY, resources: [r.lake.dataKey.keyArn] }));
      for (const arn of objects) {
        acknowledgeWildcardResource(
          fn.role,
          arn,
          'Lake objects are named at run time (a partition per day, a file per stream batch); the wildcard is one lake table prefix of the export bucket.',
        );
      }
      return;
    }
    case 'lake:query':
      for (const statement of r.lake.queryStatements(fn)) fn.addToRolePolicy(statement);
      for (const arn of [...r.lake.tableObjectArns(fn), r.lake.resultObjectArns(fn)]) {
        acknowledgeWildcardResource(
          fn.role,
          arn,
          'Athena reads the lake table objects and writes query results (named by query id) with the caller credentials; read-only on one lake table prefix, or the Athena results bucket.',
        );
      }
      return;
  }
}

/**
 * The projector: a stream event source on the table. Object keys are derived from the first
 * sequence number of a batch, so a retried batch rewrites its own objects (exactly once in the
 * lake). Bisecting a failed batch would retry halves under new keys next to the rows the failed
 * attempt already wrote, hence off; a failed batch is retried whole until it succeeds or its
 * records leave the stream (24 h retention), and a batch given up is reported to the failure
 * queue (alarmed), never dropped silently: a backfill rewrites what it missed.
 */
function grantStreamProjection(fn: DunwellFunction, r: CatalogueResources): void {
  const streamArn = r.table.tableStreamArn;
  if (!streamArn) throw new Error(`${fn.name} reads the table stream, but the table has no stream`);
  fn.addToRolePolicy(new PolicyStatement({ actions: STREAM_READ, resources: [streamArn] }));
  // Stream records of a table encrypted with a customer-managed key are decrypted with it.
  fn.addToRolePolicy(new PolicyStatement({ actions: KEY_READ, resources: [r.tableKey.keyArn] }));
  // The mapping itself rather than DynamoEventSource: that one also grants ListStreams on `*`.
  fn.function.addEventSourceMapping('TableStream', {
    eventSourceArn: streamArn,
    startingPosition: StartingPosition.TRIM_HORIZON,
    // Bigger batches, fewer and larger Parquet objects: up to 1,000 records or 60 s.
    batchSize: 1000,
    maxBatchingWindow: Duration.seconds(60),
    bisectBatchOnError: false,
    // -1: retried until the records expire from the stream (no record-age cutoff either).
    retryAttempts: -1,
    // One batch per shard at a time, in order: an invoice's later change never lands before its earlier one.
    parallelizationFactor: 1,
    onFailure: new SqsDlq(r.streamFailures),
    // Only invoice items carry timelines: customers, tasks, ledgers and links never wake the projector.
    filters: [FilterCriteria.filter({ dynamodb: { Keys: { sk: { S: FilterRule.isEqual('INVOICE') } } } })],
  });
}

/**
 * SMS straight to phone numbers. A phone number has no ARN, so IAM can only name it as `*`
 * (and no SNS condition key narrows it); the Deny takes every SNS ARN (topics, platform
 * endpoints) back out, so what is left is publishing to phone numbers. Both statements live in
 * their own policy, so the acknowledgement of the wildcard covers that policy and nothing else.
 */
function grantSmsPublish(fn: DunwellFunction): void {
  const policy = new Policy(fn, 'SmsPublish', {
    roles: [fn.role],
    statements: [
      new PolicyStatement({ sid: 'SmsToPhoneNumbers', actions: ['sns:Publish'], resources: ['*'] }),
      // The account's SMS opt-out list (numbers that replied STOP) is asked before each text.
      new PolicyStatement({ sid: 'SmsOptOutList', actions: ['sns:CheckIfPhoneNumberIsOptedOut'], resources: ['*'] }),
      new PolicyStatement({ sid: 'NoTopicsOrEndpoints', effect: Effect.DENY, actions: ['sns:Publish'], resources: ['arn:aws:sns:*:*:*'] }),
    ],
  });
  acknowledgeNag(
    policy,
    'IAM5[Resource::*]',
    'SMS to a phone number (SNS Publish with PhoneNumber) and the account opt-out list (CheckIfPhoneNumberIsOptedOut) have no resource ARN to name; publishing to any SNS topic or endpoint ARN is denied in the same policy.',
  );
}

/** Gives a function exactly the variables and access its catalogue entry lists. */
export function bindCatalogueEntry(fn: DunwellFunction, resources: CatalogueResources): void {
  checkCatalogueEntry(fn.name);
  for (const variable of functionEnvironment[fn.name]) fn.setVariable(variable, variableValue(variable, resources));
  for (const access of functionAccess[fn.name]) grantAccess(fn, access, resources);
}
