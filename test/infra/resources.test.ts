import assert from 'node:assert/strict';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, test } from 'vitest';
import { CONFIGURATION_SET_TAG, SES_EVENT_SOURCE, sesDetailTypes } from '#contracts/email-events.ts';
import { DOMAIN_EVENT_SOURCE, signalDetailTypes } from '#contracts/events.ts';
import { FunctionName } from '#contracts/functions.ts';
import { START_POLLERS } from '#contracts/start-pacing.ts';
import {
  type CfnResource,
  cdkJsonContext,
  cfnText,
  functionLogicalId,
  grantsOfRole,
  onlyResourceOf,
  resourceNamed,
  resourcesOf,
  roleOfFunction,
  statementsOf,
  synthDunwell,
} from './synth.ts';

const { app, templates } = synthDunwell();
const { stateful, stateless } = templates;

const queues = resourcesOf(stateless, 'AWS::SQS::Queue');
const queueId = (prefix: string) => {
  const ids = Object.keys(queues).filter((id) => id.startsWith(prefix) && !id.startsWith(`${prefix}DeadLetters`));
  assert.equal(ids.length, 1, `one queue ${prefix}`);
  return ids[0] as string;
};
const sslOnlyPolicyFor = (template: typeof stateless, type: string, property: string, logicalId: string) =>
  Object.values(resourcesOf(template, type)).some((policy) => {
    const targets = cfnText(policy.Properties?.[property]);
    const statements = statementsOf(policy);
    return (
      targets.includes(`"${logicalId}"`) &&
      statements.some(
        (s) => s.Effect === 'Deny' && JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
      )
    );
  });

describe('feature flags', () => {
  const flags = Object.entries(cdkJsonContext).filter(([key]) => key.startsWith('@aws-cdk/'));

  test('cdk.json sets the flags the app relies on', () => {
    const reliedOn = {
      '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
      '@aws-cdk/aws-iam:minimizePolicies': true,
      '@aws-cdk/core:defaultCrossStackReferences': 'strong',
    };
    for (const [key, value] of Object.entries(reliedOn)) assert.deepEqual(cdkJsonContext[key], value, key);
  });

  test('the app the tests build sees the same flags', () => {
    for (const [key, value] of flags) assert.deepEqual(app.node.tryGetContext(key), value, key);
  });

  test('strong references: the stateless stack imports what it uses from the stateful stack', () => {
    const imports = JSON.stringify(stateless.toJSON()).match(/"Fn::ImportValue"/g) ?? [];
    assert.ok(imports.length > 0);
    assert.deepEqual(JSON.stringify(stateful.toJSON()).match(/"Fn::ImportValue"/g), null, 'nothing flows the other way');
  });
});

describe('stateful data', () => {
  test('the single table: pk/sk, gsi1, TTL, on-demand, PITR, customer-managed KMS, retained', () => {
    stateful.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('DataKey'), 'Arn'] },
        },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        // The list indexes beside it: list-indexes.test.ts.
        GlobalSecondaryIndexes: Match.arrayWith([
          Match.objectLike({
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
          }),
        ]),
      }),
    });
  });

  test('the data key rotates and is retained', () => {
    stateful.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ EnableKeyRotation: true }) });
  });

  test('the export bucket: KMS, no public access, TLS only, versioned, access-logged, retained', () => {
    const [bucketId] = Object.keys(resourcesOf(stateful, 'AWS::S3::Bucket')).filter((id) => id.startsWith('FinanceExports'));
    assert.ok(bucketId);
    stateful.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: Match.objectLike({ DestinationBucketName: { Ref: Match.stringLikeRegexp('ExportAccessLogs') } }),
      }),
    });
    assert.ok(sslOnlyPolicyFor(stateful, 'AWS::S3::BucketPolicy', 'Bucket', bucketId), 'denies non-TLS requests');
  });
});

describe('letters for print-and-post', () => {
  const [lettersId] = Object.keys(resourcesOf(stateful, 'AWS::S3::Bucket')).filter((id) => id.startsWith('Letters'));
  const letters = lettersId ? resourcesOf(stateful, 'AWS::S3::Bucket')[lettersId] : undefined;

  test('a stateful bucket: the data key, no public access, TLS only, versioned, access-logged, retained', () => {
    assert.ok(lettersId && letters);
    assert.equal(letters.DeletionPolicy, 'Retain');
    const props = letters.Properties ?? {};
    assert.match(cfnText(props.BucketEncryption), /"KMSMasterKeyID":\{"Fn::GetAtt":\["DataKey\w*","Arn"\]\},"SSEAlgorithm":"aws:kms"/);
    assert.deepEqual(props.VersioningConfiguration, { Status: 'Enabled' });
    assert.equal((props.LoggingConfiguration as { LogFilePrefix: string }).LogFilePrefix, 'letters/');
    assert.equal(Object.values(props.PublicAccessBlockConfiguration as object).every(Boolean), true);
    assert.ok(sslOnlyPolicyFor(stateful, 'AWS::S3::BucketPolicy', 'Bucket', lettersId), 'denies non-TLS requests');
  });

  test('formal notices are kept seven years, archived after 90 days', () => {
    const [rule] = (letters?.Properties?.LifecycleConfiguration as { Rules: Record<string, unknown>[] } | undefined)?.Rules ?? [];
    assert.equal(rule?.ExpirationInDays, 2555);
    assert.deepEqual(rule?.Transitions, [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }]);
  });

  test('only advance is told the bucket, and may only put letters into it', () => {
    const told = Object.values(FunctionName).filter((name) =>
      cfnText(resourcesOf(stateless)[functionLogicalId(stateless, name)]?.Properties?.Environment).includes('DUNWELL_LETTERS_BUCKET_NAME'),
    );
    assert.deepEqual(told, [FunctionName.advance]);
    const lettersStatements = Object.values(resourcesOf(stateless, 'AWS::IAM::Policy'))
      .flatMap((policy) => statementsOf(policy))
      .filter((statement) => cfnText(statement.Resource).includes(lettersId ?? '?'));
    assert.deepEqual(
      lettersStatements.map((statement) => statement.Action),
      ['s3:PutObject'],
    );
  });
});

describe('the archive of sent messages', () => {
  const messagesId = resourceNamed(stateful, 'AWS::S3::Bucket', 'Messages');
  const messages = resourcesOf(stateful, 'AWS::S3::Bucket')[messagesId];
  /** The S3 actions a function's role has on the messages bucket or its objects. */
  const messageGrantsOf = (name: FunctionName) =>
    grantsOfRole(stateless, roleOfFunction(stateless, name))
      .filter((grant) => cfnText(grant.resource).includes(messagesId))
      .map((grant) => [grant.action, cfnText(grant.resource).includes('"/*"') ? 'objects' : 'bucket']);

  test('a stateful bucket: the data key, no public access, TLS only, versioned, access-logged under its own prefix, retained', () => {
    assert.ok(messages);
    assert.equal(messages.DeletionPolicy, 'Retain');
    const props = messages.Properties ?? {};
    assert.match(cfnText(props.BucketEncryption), /"KMSMasterKeyID":\{"Fn::GetAtt":\["DataKey\w*","Arn"\]\},"SSEAlgorithm":"aws:kms"/);
    assert.deepEqual(props.VersioningConfiguration, { Status: 'Enabled' });
    assert.deepEqual(props.LoggingConfiguration, {
      DestinationBucketName: { Ref: resourceNamed(stateful, 'AWS::S3::Bucket', 'ExportAccessLogs') },
      LogFilePrefix: 'messages/',
    });
    assert.equal(Object.values(props.PublicAccessBlockConfiguration as object).every(Boolean), true);
    assert.ok(sslOnlyPolicyFor(stateful, 'AWS::S3::BucketPolicy', 'Bucket', messagesId), 'denies non-TLS requests');
  });

  test('messages are kept seven years like formal notices, archived after 90 days', () => {
    const [rule] = (messages?.Properties?.LifecycleConfiguration as { Rules: Record<string, unknown>[] } | undefined)?.Rules ?? [];
    assert.equal(rule?.ExpirationInDays, 2555);
    assert.deepEqual(rule?.Transitions, [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }]);
  });

  test('advance and the console are told the bucket; advance may only put messages, the console only read them', () => {
    const told = Object.values(FunctionName).filter((name) =>
      cfnText(resourcesOf(stateless)[functionLogicalId(stateless, name)]?.Properties?.Environment).includes('DUNWELL_MESSAGES_BUCKET_NAME'),
    );
    assert.deepEqual(told.sort(), [FunctionName.advance, FunctionName.console].sort());
    assert.deepEqual(messageGrantsOf(FunctionName.advance), [['s3:PutObject', 'objects']]);
    // ListBucket on the bucket (not its objects): a key that is not there is a 404, not a 403.
    assert.deepEqual(messageGrantsOf(FunctionName.console).sort(), [
      ['s3:GetObject', 'objects'],
      ['s3:ListBucket', 'bucket'],
    ]);
    for (const name of Object.values(FunctionName).filter((other) => !told.includes(other))) {
      assert.deepEqual(messageGrantsOf(name), [], name);
    }
  });
});

describe('customers’ replies (cdk.json sets replyDomain replies.example.com)', () => {
  const repliesId = resourceNamed(stateful, 'AWS::S3::Bucket', 'RepliesBucket');
  const replies = resourcesOf(stateful, 'AWS::S3::Bucket')[repliesId];
  const repliesKeyId = resourceNamed(stateful, 'AWS::KMS::Key', 'RepliesKey');
  const ruleId = onlyResourceOf(stateless, 'AWS::SES::ReceiptRule');
  const writerRoleId = resourceNamed(stateless, 'AWS::IAM::Role', 'ReplyReceivingWriterRole');
  const ruleArnText = 'receipt-rule-set/dunwell-dev-replies:receipt-rule/dunwell-dev-replies-to-dunwell';
  /** The actions a role has on the replies bucket's objects (by prefix) or its key. */
  const replyGrantsOf = (roleId: string) =>
    grantsOfRole(stateless, roleId)
      .filter((grant) => cfnText(grant.resource).includes(repliesId) || cfnText(grant.resource).includes(repliesKeyId))
      .map((grant) => [
        grant.action,
        cfnText(grant.resource).includes(repliesKeyId) ? 'key' : (/"\/(\w+)\/\*"/.exec(cfnText(grant.resource))?.[1] ?? 'bucket'),
      ])
      .sort();

  test('a stateful bucket with a key of its own: no public access, TLS only, versioned, access-logged, kept two years, retained', () => {
    assert.ok(replies);
    assert.equal(replies.DeletionPolicy, 'Retain');
    const props = replies.Properties ?? {};
    assert.match(
      cfnText(props.BucketEncryption),
      new RegExp(`"KMSMasterKeyID":\\{"Fn::GetAtt":\\["${repliesKeyId}","Arn"\\]\\},"SSEAlgorithm":"aws:kms"`),
    );
    assert.deepEqual(props.VersioningConfiguration, { Status: 'Enabled' });
    assert.deepEqual(props.LoggingConfiguration, {
      DestinationBucketName: { Ref: resourceNamed(stateful, 'AWS::S3::Bucket', 'ExportAccessLogs') },
      LogFilePrefix: 'replies/',
    });
    assert.equal(Object.values(props.PublicAccessBlockConfiguration as object).every(Boolean), true);
    assert.ok(sslOnlyPolicyFor(stateful, 'AWS::S3::BucketPolicy', 'Bucket', repliesId), 'denies non-TLS requests');
    const [rule] = (props.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    assert.equal(rule?.ExpirationInDays, 730);
    const key = resourcesOf(stateful, 'AWS::KMS::Key')[repliesKeyId];
    assert.equal(key?.Properties?.EnableKeyRotation, true);
    assert.equal(key?.DeletionPolicy, 'Retain');
  });

  test('SES writes replies as a role only this receipt rule may assume; neither bucket nor key names SES', () => {
    const trust = statementsOf(resourcesOf(stateless)[writerRoleId], 'AssumeRolePolicyDocument');
    assert.equal(trust.length, 1);
    assert.deepEqual(trust[0]?.Principal, { Service: 'ses.amazonaws.com' });
    const condition = cfnText(trust[0]?.Condition);
    assert.match(condition, /"aws:SourceAccount":\{"Ref":"AWS::AccountId"\}/);
    assert.ok(condition.includes(ruleArnText), 'only for the replies rule');
    assert.deepEqual(replyGrantsOf(writerRoleId), [
      ['kms:Encrypt', 'key'],
      ['kms:GenerateDataKey', 'key'],
      ['s3:PutObject', 'inbound'],
    ]);
    assert.doesNotMatch(cfnText(statementsOf(resourcesOf(stateful)[repliesKeyId], 'KeyPolicy')), /ses\.amazonaws\.com/);
  });

  test('only the reply function reads replies and keeps attachments; no other function touches the bucket or its key', () => {
    const told = Object.values(FunctionName).filter((name) =>
      cfnText(resourcesOf(stateless)[functionLogicalId(stateless, name)]?.Properties?.Environment).includes('DUNWELL_REPLIES_BUCKET_NAME'),
    );
    assert.deepEqual(told, [FunctionName.reply]);
    assert.deepEqual(replyGrantsOf(roleOfFunction(stateless, FunctionName.reply)), [
      ['kms:Decrypt', 'key'],
      ['kms:GenerateDataKey', 'key'],
      ['s3:GetObject', 'inbound'],
      ['s3:PutObject', 'attachments'],
    ]);
    for (const name of Object.values(FunctionName).filter((other) => other !== FunctionName.reply)) {
      assert.deepEqual(replyGrantsOf(roleOfFunction(stateless, name)), [], name);
    }
  });

  test('a receipt rule set for the reply domain: scan, store under inbound/ as the writer role, then invoke reply asynchronously', () => {
    assert.equal(
      resourcesOf(stateless, 'AWS::SES::ReceiptRuleSet')[onlyResourceOf(stateless, 'AWS::SES::ReceiptRuleSet')]?.Properties?.RuleSetName,
      'dunwell-dev-replies',
    );
    const rule = resourcesOf(stateless)[ruleId]?.Properties?.Rule as Record<string, unknown>;
    assert.deepEqual(rule.Recipients, ['replies.example.com']);
    assert.equal(rule.ScanEnabled, true);
    assert.equal(rule.Enabled, true);
    assert.equal(rule.Name, 'dunwell-dev-replies-to-dunwell');
    const [store, invoke, ...more] = rule.Actions as Record<string, Record<string, unknown>>[];
    assert.deepEqual(more, []);
    assert.ok(cfnText(store?.S3Action?.BucketName).includes(repliesId));
    assert.equal(store?.S3Action?.ObjectKeyPrefix, 'inbound/');
    assert.deepEqual(store?.S3Action?.IamRoleArn, { 'Fn::GetAtt': [writerRoleId, 'Arn'] });
    assert.equal(store?.S3Action?.KmsKeyArn, undefined, 'no client-side encryption: the bucket encrypts');
    assert.deepEqual(invoke?.LambdaAction, {
      FunctionArn: { 'Fn::GetAtt': [functionLogicalId(stateless, FunctionName.reply), 'Arn'] },
      InvocationType: 'Event',
    });
    stateless.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'replies.example.com' });
  });

  test('SES may invoke the reply function for this rule of this account only', () => {
    const permissions = Object.values(resourcesOf(stateless, 'AWS::Lambda::Permission')).filter(
      (permission) => permission.Properties?.Principal === 'ses.amazonaws.com',
    );
    assert.equal(permissions.length, 1);
    const props = permissions[0]?.Properties ?? {};
    assert.deepEqual(props.FunctionName, { 'Fn::GetAtt': [functionLogicalId(stateless, FunctionName.reply), 'Arn'] });
    assert.deepEqual(props.SourceAccount, { Ref: 'AWS::AccountId' });
    assert.ok(cfnText(props.SourceArn).includes(ruleArnText));
  });

  test('the outputs say what to publish in DNS and how to activate the rule set', () => {
    const outputs = Object.values(stateless.toJSON().Outputs as Record<string, { Value: unknown; Description?: string }>);
    const mx = outputs.find((output) => cfnText(output.Value).includes('replies.example.com MX 10 inbound-smtp.'));
    assert.match(cfnText(mx?.Value), /\{"Ref":"AWS::Region"\},"\.amazonaws\.com"/);
    assert.ok(
      outputs.some((output) => output.Value === 'dunwell-dev-replies' && /set-active-receipt-rule-set/.test(output.Description ?? '')),
    );
  });

  test('without a reply domain: no receiving at all, and no function is told a reply domain', () => {
    const { templates: without } = synthDunwell({ replyDomain: '' });
    assert.deepEqual(resourcesOf(without.stateless, 'AWS::SES::ReceiptRuleSet'), {});
    assert.deepEqual(resourcesOf(without.stateless, 'AWS::SES::ReceiptRule'), {});
    assert.doesNotMatch(JSON.stringify(without.stateless.toJSON()), /DUNWELL_REPLY_DOMAIN/);
    // The bucket stays (stateful, empty): switching replies on later needs no stateful change.
    assert.ok(resourceNamed(without.stateful, 'AWS::S3::Bucket', 'RepliesBucket'));
  });
});

describe('queues', () => {
  test('every queue is encrypted and denies non-TLS access', () => {
    for (const [id, queue] of Object.entries(queues)) {
      assert.equal(queue.Properties?.SqsManagedSseEnabled, true, `${id} is encrypted`);
      assert.ok(sslOnlyPolicyFor(stateless, 'AWS::SQS::QueuePolicy', 'Queues', id), `${id} denies non-TLS access`);
    }
  });

  test('the start buffer dead-letters after 5 receives and outlasts its consumer', () => {
    const buffer = queues[queueId('StartBuffer')]?.Properties ?? {};
    const deadLetters = Object.keys(queues).find((id) => id.startsWith('StartBufferDeadLetters'));
    assert.deepEqual(buffer.RedrivePolicy, { deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters, 'Arn'] }, maxReceiveCount: 5 });
    const consumerTimeout = resourcesOf(stateless)[functionLogicalId(stateless, FunctionName.startDunning)]?.Properties?.Timeout as number;
    assert.ok((buffer.VisibilityTimeout as number) >= 6 * consumerTimeout, 'visibility covers the consumer timeout');
  });

  test('start-dunning consumes the buffer in small batches, reporting item failures', () => {
    stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionLogicalId(stateless, FunctionName.startDunning) },
      EventSourceArn: { 'Fn::GetAtt': [queueId('StartBuffer'), 'Arn'] },
      BatchSize: Match.anyValue(),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: Match.anyValue() },
    });
    const mapping = Object.values(resourcesOf(stateless, 'AWS::Lambda::EventSourceMapping')).find(
      (candidate) =>
        cfnText(candidate.Properties?.FunctionName) === cfnText({ Ref: functionLogicalId(stateless, FunctionName.startDunning) }),
    );
    assert.ok((mapping?.Properties?.BatchSize as number) <= 10);
    assert.deepEqual(mapping?.Properties?.ScalingConfig, { MaximumConcurrency: START_POLLERS }, 'the consumers the rate is shared by');
  });
});

describe('domain events', () => {
  test('a rule on the Dunwell bus sends the signal detail types to the signal function, with retries and a DLQ', () => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('DomainEvents') },
      EventPattern: { source: [DOMAIN_EVENT_SOURCE], 'detail-type': [...signalDetailTypes] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionLogicalId(stateless, FunctionName.signal), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: Match.anyValue(), MaximumEventAgeInSeconds: Match.anyValue() },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('SignalDeadLetters'), 'Arn'] } },
        }),
      ],
    });
  });

  test('only the rule may put dead letters into its DLQ', () => {
    const dlq = Object.keys(queues).find((id) => id.startsWith('SignalDeadLetters'));
    const policy = Object.values(resourcesOf(stateless, 'AWS::SQS::QueuePolicy')).find((p) =>
      cfnText(p.Properties?.Queues).includes(`"${dlq}"`),
    );
    const allow = statementsOf(policy).find((statement) => statement.Effect === 'Allow');
    assert.deepEqual(allow?.Principal, { Service: 'events.amazonaws.com' });
    assert.match(cfnText(allow?.Condition), /SignalRule/);
  });
});

describe('email feedback', () => {
  const configurationSet = Object.keys(resourcesOf(stateless, 'AWS::SES::ConfigurationSet'))[0];

  test('the configuration set publishes delivery, bounce and complaint events to the default bus', () => {
    assert.ok(configurationSet);
    stateless.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: configurationSet },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['delivery', 'bounce', 'complaint'],
        EventBridgeDestination: {
          EventBusArn: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':event-bus/default$')])] }),
        },
      },
    });
  });

  test("a rule on the default bus takes only this configuration set's events to email-feedback, with retries and a DLQ", () => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'default',
      EventPattern: {
        source: [SES_EVENT_SOURCE],
        'detail-type': [...sesDetailTypes],
        detail: { mail: { tags: { [CONFIGURATION_SET_TAG]: [{ Ref: configurationSet }] } } },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionLogicalId(stateless, FunctionName.emailFeedback), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: Match.anyValue(), MaximumEventAgeInSeconds: Match.anyValue() },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('EmailFeedbackDeadLetters'), 'Arn'] } },
        }),
      ],
    });
  });
});

describe('timers and schedules', () => {
  test('a schedule group holds the per-invoice timers', () => {
    stateless.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'dunwell-dev-invoice-timers' });
  });

  test('a daily cron invokes reconcile, with retries and its own DLQ', () => {
    stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: Match.stringLikeRegexp('^cron\\('),
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [functionLogicalId(stateless, FunctionName.reconcile), 'Arn'] },
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DailyReconcileSchedulerRole'), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: Match.anyValue(), MaximumEventAgeInSeconds: Match.anyValue() },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DailyReconcileDeadLetters'), 'Arn'] } },
        Input: Match.anyValue(),
      },
    });
  });

  test('reconcile may run for Lambda\'s 15 minutes: 500,000 open invoices take about 4 (README "Reconcile at scale")', () => {
    const props = resourcesOf(stateless)[functionLogicalId(stateless, FunctionName.reconcile)]?.Properties ?? {};
    assert.equal(props.Timeout, 900);
  });

  test('a failed reconcile (a listing failed, or requests the buffer refused) raises an alarm', () => {
    const alarm = Object.values(resourcesOf(stateless, 'AWS::CloudWatch::Alarm')).find(
      (candidate) => candidate.Properties?.AlarmName === 'dunwell-dev-reconcile-failed',
    )?.Properties;
    assert.ok(alarm);
    assert.equal(alarm.MetricName, 'Errors');
    assert.deepEqual(alarm.Dimensions, [{ Name: 'FunctionName', Value: { Ref: functionLogicalId(stateless, FunctionName.reconcile) } }]);
    assert.equal(alarm.Threshold, 1);
  });
});

describe('sending, secrets and topics', () => {
  test('SES: a configuration set and the sender domain identity using it', () => {
    stateless.hasResourceProperties('AWS::SES::ConfigurationSet', { Name: 'dunwell-dev-reminders' });
    stateless.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'example.com',
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: Match.stringLikeRegexp('ReminderEmailConfigurationSet') } },
    });
  });

  test('the link secret lives in the stateful stack and is retained: a new stateless stack keeps every pay link valid', () => {
    // The link keyring and the console's session keyring; none may live in the replaceable stack.
    stateful.resourceCountIs('AWS::SecretsManager::Secret', 2);
    stateless.resourceCountIs('AWS::SecretsManager::Secret', 0);
    stateful.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('the link secret is generated, never a literal', () => {
    const secret = Object.values(resourcesOf(stateful, 'AWS::SecretsManager::Secret'))[0] as CfnResource;
    assert.equal(secret.Properties?.SecretString, undefined);
    assert.deepEqual(secret.Properties?.GenerateSecretString, {
      ExcludePunctuation: true,
      GenerateStringKey: 'k1',
      PasswordLength: 64,
      SecretStringTemplate: '{"current":"k1"}',
    });
  });

  test('every topic is KMS-encrypted and denies non-TLS publishing', () => {
    const topics = resourcesOf(stateless, 'AWS::SNS::Topic');
    assert.ok(Object.values(topics).some((topic) => topic.Properties?.TopicName === 'dunwell-dev-collector-tasks'));
    for (const [id, topic] of Object.entries(topics)) {
      assert.ok(topic.Properties?.KmsMasterKeyId, `${id} is encrypted`);
      assert.ok(sslOnlyPolicyFor(stateless, 'AWS::SNS::TopicPolicy', 'Topics', id), `${id} denies non-TLS`);
    }
  });

  test('every dead-letter queue has an alarm', () => {
    const alarmed = Object.values(resourcesOf(stateless, 'AWS::CloudWatch::Alarm')).map((alarm) => cfnText(alarm.Properties?.Dimensions));
    for (const id of Object.keys(queues).filter((queue) => queue.includes('DeadLetters'))) {
      assert.ok(
        alarmed.some((dimensions) => dimensions.includes(`"${id}"`)),
        `${id} is watched`,
      );
    }
  });
});

describe('logs', () => {
  test('every log group in the app has a retention period', () => {
    for (const template of [stateful, stateless]) {
      for (const [id, logGroup] of Object.entries(resourcesOf(template, 'AWS::Logs::LogGroup'))) {
        assert.equal(typeof logGroup.Properties?.RetentionInDays, 'number', `${id} has retention`);
      }
    }
  });

  test('no CDK log-retention custom resource is needed', () => {
    assert.deepEqual(Object.keys(resourcesOf(stateless, 'Custom::LogRetention')), []);
  });
});
