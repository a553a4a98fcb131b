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
import { EnvName } from '#contracts/functions.ts';
import { START_BATCH_SIZE, START_POLLERS, startRatePerConsumer } from '#contracts/start-pacing.ts';
import type { CatalogueResource } from './catalogue-resource.ts';
import type { DunningWorkflow } from './dunning-workflow.ts';
import type { DunwellFunction } from './dunwell-function.ts';
import type { FinanceLake } from './finance-lake.ts';
import type { InvoiceTimers } from './invoice-timers.ts';
import { acknowledgeNag, acknowledgeWildcardResource } from './nag.ts';
import type { ReminderEmail } from './reminder-email.ts';

/*
 * The catalogue's resources that the stacks build from plain CDK classes (a table, a queue, a
 * bus, secrets, a topic) or from constructs that predate CatalogueResource. A new resource's own
 * construct implements CatalogueResource instead (see LettersBucket).
 */

const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
const TABLE_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
/** DynamoDB uses the table's KMS key on the caller's behalf: decrypt to read, also encrypt to write. */
const KEY_READ = ['kms:Decrypt', 'kms:DescribeKey'];
const KEY_WRITE = ['kms:Encrypt', 'kms:GenerateDataKey'];
/** What the Lambda poller of a DynamoDB stream calls (as the function's role). */
const STREAM_READ = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];
/** SSE-KMS objects: a data key to write one, decrypt to read one. */
const LAKE_KEY = ['kms:Decrypt', 'kms:GenerateDataKey'];

export interface TableResourceProps {
  readonly table: ITable;
  /** The secondary index names the functions may query. */
  readonly indexNames: readonly string[];
  readonly key: IKey;
  /** Where the projector's stream event source reports a batch it gave up on (shard and sequence numbers). */
  readonly streamFailures: IQueue;
}

export function tableResource({ table, indexNames, key, streamFailures }: TableResourceProps): CatalogueResource<'table'> {
  const tableArns = [table.tableArn, ...indexNames.map((index) => `${table.tableArn}/index/${index}`)];
  return {
    variables: { [EnvName.tableName]: table.tableName },
    grant(fn, access) {
      switch (access) {
        case 'table:read':
          fn.addToRolePolicy(new PolicyStatement({ actions: TABLE_READ, resources: tableArns }));
          fn.addToRolePolicy(new PolicyStatement({ actions: KEY_READ, resources: [key.keyArn] }));
          return;
        case 'table:readWrite':
          fn.addToRolePolicy(new PolicyStatement({ actions: [...TABLE_READ, ...TABLE_WRITE], resources: tableArns }));
          fn.addToRolePolicy(new PolicyStatement({ actions: [...KEY_READ, ...KEY_WRITE], resources: [key.keyArn] }));
          return;
        case 'table:scan':
          // The backfill reads every item once; Scan on the base table only (no index is scanned),
          // and Query for the timeline chunks of an invoice whose older events left its item.
          fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:Scan', 'dynamodb:Query'], resources: [table.tableArn] }));
          fn.addToRolePolicy(new PolicyStatement({ actions: KEY_READ, resources: [key.keyArn] }));
          return;
        case 'table:stream':
          grantStreamProjection(fn, table, key, streamFailures);
          return;
      }
    },
  };
}

/**
 * The projector: a stream event source on the table. Object keys are derived from the first
 * sequence number of a batch, so a retried batch rewrites its own objects (exactly once in the
 * lake). Bisecting a failed batch would retry halves under new keys next to the rows the failed
 * attempt already wrote, hence off; a failed batch is retried whole until it succeeds or its
 * records leave the stream (24 h retention), and a batch given up is reported to the failure
 * queue (alarmed), never dropped silently: a backfill rewrites what it missed.
 */
function grantStreamProjection(fn: DunwellFunction, table: ITable, key: IKey, streamFailures: IQueue): void {
  const streamArn = table.tableStreamArn;
  if (!streamArn) throw new Error(`${fn.name} reads the table stream, but the table has no stream`);
  fn.addToRolePolicy(new PolicyStatement({ actions: STREAM_READ, resources: [streamArn] }));
  // Stream records of a table encrypted with a customer-managed key are decrypted with it.
  fn.addToRolePolicy(new PolicyStatement({ actions: KEY_READ, resources: [key.keyArn] }));
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
    onFailure: new SqsDlq(streamFailures),
    // Only invoice items carry timelines: customers, tasks, ledgers and links never wake the projector.
    filters: [FilterCriteria.filter({ dynamodb: { Keys: { sk: { S: FilterRule.isEqual('INVOICE') } } } })],
  });
}

export function startQueueResource(queue: IQueue): CatalogueResource<'startQueue'> {
  return {
    variables: { [EnvName.startQueueUrl]: queue.queueUrl },
    grant(fn, access) {
      switch (access) {
        case 'startQueue:send':
          queue.grantSendMessages(fn.role);
          return;
        case 'startQueue:consume':
          // Small batches, few pollers, each paced at its share of startRatePerSecond: a month-end
          // burst waits in the queue instead of exhausting the StartExecution rate; each failed
          // message is retried on its own (shared/contracts/start-pacing.ts).
          fn.function.addEventSource(
            new SqsEventSource(queue, {
              batchSize: START_BATCH_SIZE,
              maxBatchingWindow: Duration.seconds(1),
              maxConcurrency: START_POLLERS,
              reportBatchItemFailures: true,
            }),
          );
          return;
      }
    },
  };
}

export function eventBusResource(bus: IEventBus): CatalogueResource<'events'> {
  return {
    variables: { [EnvName.eventBusName]: bus.eventBusName },
    grant(fn) {
      bus.grantPutEventsTo(fn.role);
    },
  };
}

/** @param startRatePerSecond StartExecution calls per second for all the start buffer's consumers together. */
export function workflowResource(workflow: DunningWorkflow, startRatePerSecond: number): CatalogueResource<'states'> {
  // By name, not by reference: see DunningWorkflow.stateMachineArnByName.
  const machine = workflow.stateMachineArnByName;
  return {
    variables: {
      [EnvName.stateMachineArn]: machine,
      // Each of the START_POLLERS consumers (the event source's maximum concurrency) paces at its share.
      [EnvName.startRatePerConsumer]: String(startRatePerConsumer(startRatePerSecond, START_POLLERS)),
    },
    grant(fn, access) {
      switch (access) {
        case 'states:start':
          fn.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [machine] }));
          return;
        case 'states:list':
          // ListExecutions is authorized on the state machine itself: no execution ARN, no wildcard.
          fn.addToRolePolicy(new PolicyStatement({ actions: ['states:ListExecutions'], resources: [machine] }));
          return;
        case 'states:taskResponse':
          // Task tokens belong to executions of this machine; the ARN is built from its name (no cycle).
          fn.addToRolePolicy(
            new PolicyStatement({
              actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
              resources: [machine],
            }),
          );
          return;
      }
    },
  };
}

export function timersResource(timers: InvoiceTimers, wakeFunction: DunwellFunction): CatalogueResource<'scheduler'> {
  return {
    variables: {
      [EnvName.scheduleGroup]: timers.group.scheduleGroupName,
      [EnvName.schedulerRoleArn]: timers.schedulerRole.roleArn,
      [EnvName.wakeFunctionArn]: wakeFunction.function.functionArn,
    },
    grant(fn) {
      timers.grantManageTimers(fn.role);
      acknowledgeWildcardResource(
        fn.role,
        timers.timerArns,
        'Timers are one-time schedules named per invoice at run time; the wildcard is limited to the invoice-timers schedule group.',
      );
    },
  };
}

export function emailResource(email: ReminderEmail): CatalogueResource<'ses'> {
  return {
    variables: {
      [EnvName.senderEmail]: email.senderEmail,
      [EnvName.sesConfigurationSet]: email.configurationSet.configurationSetName,
    },
    grant(fn) {
      email.grantSend(fn.role);
    },
  };
}

export function linkSecretResource(secret: ISecret): CatalogueResource<'linkSecret'> {
  return {
    variables: { [EnvName.linkSecretId]: secret.secretArn },
    grant(fn) {
      fn.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
    },
  };
}

/** The payment provider's credentials, imported by name (its ARN carries Secrets Manager's random suffix). */
export function paymentSecretResource(secret: ISecret): CatalogueResource<'paymentSecret'> {
  return {
    // By name: an imported secret's partial ARN lacks the suffix GetSecretValue would need.
    variables: { [EnvName.paymentSecretId]: secret.secretName },
    grant(fn) {
      // A secret imported by name has a partial ARN; `-??????` matches exactly the six-character
      // suffix Secrets Manager appends (no `*`: it cannot match another secret's name).
      fn.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [`${secret.secretArn}-??????`] }));
    },
  };
}

/** Where collector tasks are published; its KMS key (if any) is granted along with it. */
export function collectorsResource(topic: ITopic): CatalogueResource<'collectors'> {
  return {
    variables: { [EnvName.collectorsTopicArn]: topic.topicArn },
    grant(fn) {
      fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
      // SNS encrypts each message with a data key from the topic's key, on the publisher's behalf.
      if (topic.masterKey) {
        fn.addToRolePolicy(new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [topic.masterKey.keyArn] }));
      }
    },
  };
}

/**
 * SMS straight to phone numbers. A phone number has no ARN, so IAM can only name it as `*`
 * (and no SNS condition key narrows it); the Deny takes every SNS ARN (topics, platform
 * endpoints) back out, so what is left is publishing to phone numbers. Both statements live in
 * their own policy, so the acknowledgement of the wildcard covers that policy and nothing else.
 */
export const smsResource: CatalogueResource<'sms'> = {
  variables: {},
  grant(fn) {
    const policy = new Policy(fn, 'SmsPublish', {
      roles: [fn.role],
      statements: [
        new PolicyStatement({ sid: 'SmsToPhoneNumbers', actions: ['sns:Publish'], resources: ['*'] }),
        // The account's SMS opt-out list (numbers that replied STOP) is asked before each text.
        new PolicyStatement({ sid: 'SmsOptOutList', actions: ['sns:CheckIfPhoneNumberIsOptedOut'], resources: ['*'] }),
        new PolicyStatement({
          sid: 'NoTopicsOrEndpoints',
          effect: Effect.DENY,
          actions: ['sns:Publish'],
          resources: ['arn:aws:sns:*:*:*'],
        }),
      ],
    });
    acknowledgeNag(
      policy,
      'IAM5[Resource::*]',
      'SMS to a phone number (SNS Publish with PhoneNumber) and the account opt-out list (CheckIfPhoneNumberIsOptedOut) have no resource ARN to name; publishing to any SNS topic or endpoint ARN is denied in the same policy.',
    );
  },
};

/** The finance lake: its bucket and key (exporters), its Glue tables and Athena workgroup (reports). */
export function lakeResource(lake: FinanceLake, reportingTimeZone: string): CatalogueResource<'lake'> {
  return {
    variables: {
      [EnvName.exportBucketName]: lake.bucket.bucketName,
      [EnvName.athenaWorkGroup]: lake.workGroupName,
      [EnvName.lakeDatabase]: lake.databaseName,
      [EnvName.reportingTimeZone]: reportingTimeZone,
    },
    grant(fn, access) {
      switch (access) {
        case 'lake:readWrite': {
          const objects = lake.tableObjectArns(fn);
          fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: objects }));
          // Listing is what compaction needs to find a partition's files; only under the table prefixes.
          fn.addToRolePolicy(
            new PolicyStatement({
              actions: ['s3:ListBucket'],
              resources: [lake.bucket.bucketArn],
              conditions: { StringLike: { 's3:prefix': lake.tableNames.map((table) => `${table}/*`) } },
            }),
          );
          fn.addToRolePolicy(new PolicyStatement({ actions: LAKE_KEY, resources: [lake.dataKey.keyArn] }));
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
          for (const statement of lake.queryStatements(fn)) fn.addToRolePolicy(statement);
          for (const arn of [...lake.tableObjectArns(fn), lake.resultObjectArns(fn)]) {
            acknowledgeWildcardResource(
              fn.role,
              arn,
              'Athena reads the lake table objects and writes query results (named by query id) with the caller credentials; read-only on one lake table prefix, or the Athena results bucket.',
            );
          }
          return;
      }
    },
  };
}
