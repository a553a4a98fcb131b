import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import {
  type Access,
  CONSOLE_DEV_SIGN_IN_VARIABLE,
  EnvName,
  FunctionName,
  functionAccess,
  functionEnvironment,
  functionOptionalEnvironment,
} from '#contracts/functions.ts';
import type { CatalogueResources } from '../../infra/constructs/catalogue-resource.ts';
import type { DunwellFunction } from '../../infra/constructs/dunwell-function.ts';
import { bindCatalogueEntry } from '../../infra/constructs/function-catalogue.ts';
import {
  type CfnResource,
  cfnText,
  functionLogicalId,
  type Grant,
  grantsOfRole,
  importedValue,
  resourceNamed,
  resourcesOf,
  roleOfFunction,
  statementsOf,
  synthDunwell,
  variablesOfResource,
} from './synth.ts';

const { templates } = synthDunwell();
const template = templates.stateless;
const { stateful } = templates;
const linkSecretId = resourceNamed(stateful, 'AWS::SecretsManager::Secret', 'LinkSigningKeys');
const resources = resourcesOf(template);
const catalogue = Object.values(FunctionName);

const functionProps = (name: FunctionName) => resources[functionLogicalId(template, name)]?.Properties ?? {};
const variablesOf = (name: FunctionName) => (functionProps(name).Environment as { Variables: Record<string, unknown> }).Variables;
const logicalIdOfType = (type: string) => {
  const ids = Object.keys(resourcesOf(template, type));
  assert.equal(ids.length, 1, `one ${type}`);
  return ids[0] as string;
};

/** What each access may add to a role: the test's own reading of the contract, kept apart from infra. */
const actionsFor: Record<Access, readonly string[]> = {
  'table:read': [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'kms:Decrypt',
    'kms:DescribeKey',
  ],
  'table:readWrite': [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'kms:Decrypt',
    'kms:DescribeKey',
    'kms:Encrypt',
    'kms:GenerateDataKey',
  ],
  'startQueue:send': ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
  'startQueue:consume': [
    'sqs:ReceiveMessage',
    'sqs:ChangeMessageVisibility',
    'sqs:DeleteMessage',
    'sqs:GetQueueAttributes',
    'sqs:GetQueueUrl',
  ],
  'events:put': ['events:PutEvents'],
  'states:start': ['states:StartExecution'],
  'states:list': ['states:ListExecutions'],
  'states:taskResponse': ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
  'scheduler:manage': [
    'scheduler:CreateSchedule',
    'scheduler:UpdateSchedule',
    'scheduler:DeleteSchedule',
    'scheduler:GetSchedule',
    'iam:PassRole',
  ],
  'ses:send': ['ses:SendEmail'],
  'linkSecret:read': ['secretsmanager:GetSecretValue'],
  'paymentSecret:read': ['secretsmanager:GetSecretValue'],
  'collectors:publish': ['sns:Publish', 'kms:GenerateDataKey', 'kms:Decrypt'],
  'sms:publish': ['sns:Publish', 'sns:CheckIfPhoneNumberIsOptedOut'],
  // The stream poller's reads, the table key, and the on-failure destination of the mapping.
  'table:stream': [
    'dynamodb:DescribeStream',
    'dynamodb:GetRecords',
    'dynamodb:GetShardIterator',
    'dynamodb:ListStreams',
    'kms:Decrypt',
    'kms:DescribeKey',
    'sqs:SendMessage',
    'sqs:GetQueueAttributes',
    'sqs:GetQueueUrl',
  ],
  'table:scan': ['dynamodb:Scan', 'dynamodb:Query', 'kms:Decrypt', 'kms:DescribeKey'],
  'letters:write': ['s3:PutObject', 'kms:GenerateDataKey'],
  'messages:write': ['s3:PutObject', 'kms:GenerateDataKey'],
  // ListBucket: a message not archived is then a 404 (NoSuchKey), not a 403 (see MessagesBucket).
  'messages:read': ['s3:GetObject', 's3:ListBucket', 'kms:Decrypt'],
  'console:signIn': ['secretsmanager:GetSecretValue'],
  // Raw replies in, attachments out, with the replies bucket's own key.
  'replies:readWrite': ['s3:GetObject', 's3:PutObject', 'kms:Decrypt', 'kms:GenerateDataKey'],
  'lake:readWrite': ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket', 'kms:Decrypt', 'kms:GenerateDataKey'],
  'lake:query': [
    'athena:StartQueryExecution',
    'athena:GetQueryExecution',
    'athena:GetQueryResults',
    'athena:StopQueryExecution',
    'glue:GetDatabase',
    'glue:GetTable',
    'glue:GetTables',
    'glue:GetPartition',
    'glue:GetPartitions',
    's3:GetObject',
    's3:ListBucket',
    's3:GetBucketLocation',
    's3:PutObject',
    's3:AbortMultipartUpload',
    's3:ListMultipartUploadParts',
    's3:ListBucketMultipartUploads',
    'kms:Decrypt',
    'kms:GenerateDataKey',
  ],
};

/** Grants every function has: writing its own log group, and X-Ray. */
const isBaseline = (grant: Grant, name: FunctionName) =>
  (grant.action.startsWith('xray:Put') && grant.resource === '*') ||
  (/^logs:(CreateLogStream|PutLogEvents)$/.test(grant.action) &&
    cfnText(grant.resource) === cfnText({ 'Fn::GetAtt': [logGroupOf(name), 'Arn'] }));

const logGroupOf = (name: FunctionName) => (functionProps(name).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
const grantsOf = (name: FunctionName) => grantsOfRole(template, roleOfFunction(template, name));
const functionsWithAction = (action: string) => catalogue.filter((name) => grantsOf(name).some((grant) => grant.action === action)).sort();

describe('every catalogue function', () => {
  test('exists once, named after its catalogue entry', () => {
    assert.equal(Object.keys(resourcesOf(template, 'AWS::Lambda::Function')).length, catalogue.length);
    for (const name of catalogue) assert.ok(functionLogicalId(template, name));
  });

  for (const name of catalogue) {
    test(`${name}: nodejs24.x on arm64, X-Ray active, ESM bundle with source maps`, () => {
      const props = functionProps(name);
      assert.equal(props.Runtime, 'nodejs24.x');
      assert.deepEqual(props.Architectures, ['arm64']);
      assert.deepEqual(props.TracingConfig, { Mode: 'Active' });
      assert.equal(props.Handler, 'index.handler');
      assert.equal(variablesOf(name).NODE_OPTIONS, '--enable-source-maps');
    });

    test(`${name}: logs to its own log group, which has retention`, () => {
      const logGroup = resources[logGroupOf(name)];
      assert.equal(logGroup?.Type, 'AWS::Logs::LogGroup');
      assert.equal(logGroup?.Properties?.LogGroupName, `/aws/lambda/dunwell-dev-${name}`);
      assert.equal(typeof logGroup?.Properties?.RetentionInDays, 'number');
    });

    test(`${name}: gets exactly its catalogue variables (cdk.json sets the optional reply domain)`, () => {
      const names = Object.keys(variablesOf(name)).filter((variable) => variable !== 'NODE_OPTIONS');
      assert.deepEqual(names.sort(), [...functionEnvironment(name), ...functionOptionalEnvironment(name)].sort());
    });

    test(`${name}: is granted exactly what its access list allows`, () => {
      const granted = new Set(
        grantsOf(name)
          .filter((grant) => !isBaseline(grant, name))
          .map((grant) => grant.action),
      );
      const allowed = new Set(functionAccess[name].flatMap((access) => actionsFor[access]));
      assert.deepEqual([...granted].sort(), [...allowed].sort());
    });

    test(`${name}: no wildcard resource beyond X-Ray (and SMS, which has no resource ARN)`, () => {
      const sendsSms = functionAccess[name].includes('sms:publish');
      const wildcards = grantsOf(name).filter(
        (grant) =>
          grant.resource === '*' &&
          !grant.action.startsWith('xray:') &&
          !(sendsSms && (grant.action === 'sns:Publish' || grant.action === 'sns:CheckIfPhoneNumberIsOptedOut')),
      );
      assert.deepEqual(wildcards, []);
    });
  }

  test('no deployed function offers the password-free console sign-in (the local runtime only)', () => {
    for (const name of catalogue) assert.equal(variablesOf(name)[CONSOLE_DEV_SIGN_IN_VARIABLE], undefined, name);
    assert.doesNotMatch(JSON.stringify(template.toJSON()), new RegExp(CONSOLE_DEV_SIGN_IN_VARIABLE));
  });

  test('binding refuses a resource that does not name what its access hands out', () => {
    const set: string[] = [];
    const fn = { name: FunctionName.advance, setVariable: (variable: string) => set.push(variable) } as unknown as DunwellFunction;
    const resource = { variables: {}, grant: () => {} };
    const resources = new Proxy({}, { get: () => resource }) as CatalogueResources;
    const settings = {
      [EnvName.publicBaseUrl]: 'https://pay.example',
      [EnvName.creditorName]: 'A',
      [EnvName.creditorContact]: 'a@b.c',
      [EnvName.replyDomain]: undefined,
    };
    assert.throws(
      () => bindCatalogueEntry(fn, resources, settings),
      /advance: the table resource gives no value for DUNWELL_TABLE_NAME \(table:readWrite\)/,
    );
    assert.deepEqual(set, [], 'nothing is set when a value is missing');
  });
});

describe('least privilege, spelled out', () => {
  test('wake touches only the table and task responses', () => {
    const actions = grantsOf(FunctionName.wake).map((grant) => grant.action);
    assert.deepEqual(
      actions.filter((action) => /^(ses|scheduler|iam|sqs|events|secretsmanager|lambda|sns):/.test(action)),
      [],
    );
  });

  test('only the functions that resume a sleeping execution may answer task tokens', () => {
    const expected = catalogue.filter((name) => functionAccess[name].includes('states:taskResponse')).sort();
    assert.deepEqual(functionsWithAction('states:SendTaskSuccess'), expected);
    assert.ok(expected.includes(FunctionName.wake) && expected.includes(FunctionName.signal));
    assert.ok(expected.includes(FunctionName.advance), 'advance resumes its own task when the lifecycle closes');
    assert.ok(!expected.includes(FunctionName.invoicesApi));
  });

  test('only reconcile lists executions, of the dunning state machine only; it reads the table and writes nothing there', () => {
    assert.deepEqual(functionsWithAction('states:ListExecutions'), [FunctionName.reconcile]);
    for (const grant of grantsOf(FunctionName.reconcile).filter((g) => g.action === 'states:ListExecutions')) {
      assert.match(cfnText(grant.resource), /:stateMachine:dunwell-dev-invoice-dunning"\]\]\}$/, 'the machine, not its executions');
    }
    const actions = grantsOf(FunctionName.reconcile).map((grant) => grant.action);
    assert.ok(actions.includes('dynamodb:Query') && actions.includes('sqs:SendMessage'));
    assert.deepEqual(
      actions.filter((action) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(action) || action === 'states:StartExecution'),
      [],
    );
  });

  test('no function describes executions: start-dunning learns a recorded execution has ended from its start', () => {
    assert.deepEqual(functionsWithAction('states:DescribeExecution'), []);
    assert.deepEqual(functionsWithAction('states:StartExecution'), [FunctionName.startDunning]);
  });

  test('task responses are limited to the dunning state machine', () => {
    for (const name of functionsWithAction('states:SendTaskSuccess')) {
      for (const grant of grantsOf(name).filter((g) => g.action.startsWith('states:SendTask'))) {
        assert.match(cfnText(grant.resource), /:stateMachine:dunwell-dev-invoice-dunning"/);
      }
    }
  });

  test('only advance sends email, from the sender, via the identity and configuration set', () => {
    assert.deepEqual(functionsWithAction('ses:SendEmail'), [FunctionName.advance]);
    for (const name of functionsWithAction('ses:SendEmail')) {
      const sends = grantsOf(name).filter((grant) => grant.action === 'ses:SendEmail');
      assert.equal(sends.length, 2, 'identity and configuration set');
      const text = sends.map((grant) => cfnText(grant.resource)).join(' ');
      assert.match(text, /:identity\//);
      assert.match(text, /:configuration-set\/",\{"Ref":"ReminderEmailConfigurationSet/);
      for (const grant of sends) assert.deepEqual(grant.condition, { StringEquals: { 'ses:FromAddress': 'billing@example.com' } });
    }
  });

  test('iam:PassRole, anywhere in the app, is only for the timers scheduler role, only to Scheduler', () => {
    const schedulerRole = Object.keys(resourcesOf(template, 'AWS::IAM::Role')).find((id) => id.startsWith('InvoiceTimersSchedulerRole'));
    assert.ok(schedulerRole);
    const passRoles: Grant[] = [];
    for (const roleId of Object.keys(resourcesOf(template, 'AWS::IAM::Role'))) {
      passRoles.push(...grantsOfRole(template, roleId).filter((grant) => grant.action === 'iam:PassRole'));
    }
    assert.ok(passRoles.length > 0);
    for (const grant of passRoles) {
      assert.deepEqual(grant.resource, { 'Fn::GetAtt': [schedulerRole, 'Arn'] });
      assert.deepEqual(grant.condition, { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
    }
    assert.deepEqual(
      functionsWithAction('iam:PassRole'),
      catalogue.filter((name) => functionAccess[name].includes('scheduler:manage')).sort(),
    );
  });

  test('timers are managed only inside the invoice-timers group', () => {
    for (const name of functionsWithAction('scheduler:CreateSchedule')) {
      for (const grant of grantsOf(name).filter((g) => g.action.startsWith('scheduler:'))) {
        assert.match(cfnText(grant.resource), /:schedule\/dunwell-dev-invoice-timers\/\*"/);
      }
    }
  });

  test('the Scheduler role is assumable only by Scheduler for this account and group, and only invokes wake', () => {
    const [roleId, role] = Object.entries(resourcesOf(template, 'AWS::IAM::Role')).find(([id]) =>
      id.startsWith('InvoiceTimersSchedulerRole'),
    ) as [string, CfnResource];
    const trust = statementsOf(role, 'AssumeRolePolicyDocument');
    assert.equal(trust.length, 1);
    assert.deepEqual(trust[0]?.Principal, { Service: 'scheduler.amazonaws.com' });
    const condition = trust[0]?.Condition as Record<string, Record<string, unknown>>;
    assert.deepEqual(condition.StringEquals, { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    assert.match(cfnText(condition.ArnEquals?.['aws:SourceArn']), /InvoiceTimersGroup/);
    assert.deepEqual(grantsOfRole(template, roleId), [
      {
        action: 'lambda:InvokeFunction',
        resource: { 'Fn::GetAtt': [functionLogicalId(template, FunctionName.wake), 'Arn'] },
        condition: undefined,
      },
    ]);
  });

  const secretReads = (name: FunctionName) => grantsOf(name).filter((grant) => grant.action.startsWith('secretsmanager:'));
  const isKeyring = (grant: Grant) =>
    typeof grant.resource === 'object' &&
    grant.resource !== null &&
    'Fn::ImportValue' in grant.resource &&
    cfnText(importedValue(stateful, grant.resource)) === cfnText({ Ref: linkSecretId });
  const sessionSecretId = resourceNamed(stateful, 'AWS::SecretsManager::Secret', 'ConsoleUsersSessionKeys');
  const isSessionKeyring = (grant: Grant) =>
    typeof grant.resource === 'object' &&
    grant.resource !== null &&
    'Fn::ImportValue' in grant.resource &&
    cfnText(importedValue(stateful, grant.resource)) === cfnText({ Ref: sessionSecretId });
  /** The imported payment secret: its partial ARN (by name) plus exactly Secrets Manager's six-character suffix. */
  const isPaymentSecret = (grant: Grant) => /:secret:dunwell\/dev\/stripe-\?\?\?\?\?\?"/.test(cfnText(grant.resource));

  test('the link secret is readable by exactly the functions that sign or verify links', () => {
    assert.deepEqual(
      catalogue.filter((name) => secretReads(name).some(isKeyring)).sort(),
      catalogue.filter((name) => functionAccess[name].includes('linkSecret:read')).sort(),
    );
  });

  test('only pay-page and stripe-webhook read the payment secret', () => {
    assert.deepEqual(catalogue.filter((name) => secretReads(name).some(isPaymentSecret)).sort(), [
      FunctionName.payPage,
      FunctionName.stripeWebhook,
    ]);
    assert.deepEqual(catalogue.filter((name) => functionAccess[name].includes('paymentSecret:read')).sort(), [
      FunctionName.payPage,
      FunctionName.stripeWebhook,
    ]);
  });

  test('only the console reads the console session keyring', () => {
    assert.deepEqual(
      catalogue.filter((name) => secretReads(name).some(isSessionKeyring)),
      [FunctionName.console],
    );
  });

  test('secret reads name a stateful keyring or the payment secret, and nothing else', () => {
    for (const name of functionsWithAction('secretsmanager:GetSecretValue')) {
      const reads = secretReads(name);
      assert.ok(reads.length > 0);
      for (const grant of reads) {
        assert.equal(grant.action, 'secretsmanager:GetSecretValue');
        assert.ok(isKeyring(grant) || isSessionKeyring(grant) || isPaymentSecret(grant), `${name} reads ${cfnText(grant.resource)}`);
      }
      assert.equal(reads.filter(isKeyring).length, functionAccess[name].includes('linkSecret:read') ? 1 : 0, name);
      assert.equal(reads.filter(isPaymentSecret).length, functionAccess[name].includes('paymentSecret:read') ? 1 : 0, name);
    }
  });
});

describe('SNS: collector tasks and SMS', () => {
  const topicId = Object.entries(resourcesOf(template, 'AWS::SNS::Topic')).find(
    ([, topic]) => topic.Properties?.TopicName === 'dunwell-dev-collector-tasks',
  )?.[0] as string;
  const publishers = (predicate: (grant: Grant) => boolean) =>
    catalogue.filter((name) => grantsOf(name).some((grant) => grant.action === 'sns:Publish' && predicate(grant))).sort();
  /** Deny statements are not grants: read them off the policies attached to a role. */
  const deniesOf = (name: FunctionName) =>
    Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .filter((policy) => cfnText(policy.Properties?.Roles).includes(`"${roleOfFunction(template, name)}"`))
      .flatMap((policy) => statementsOf(policy))
      .filter((statement) => statement.Effect === 'Deny');

  test('only notify-collectors publishes to the collectors topic, and only to it', () => {
    assert.ok(topicId);
    assert.deepEqual(
      publishers((grant) => cfnText(grant.resource) === cfnText({ Ref: topicId })),
      [FunctionName.notifyCollectors],
    );
    const publishes = grantsOf(FunctionName.notifyCollectors).filter((grant) => grant.action === 'sns:Publish');
    assert.deepEqual(
      publishes.map((grant) => grant.resource),
      [{ Ref: topicId }],
    );
  });

  test("notify-collectors may use the topic's KMS key to publish, and it is the key the topic names", () => {
    const topicKey = resourcesOf(template)[topicId]?.Properties?.KmsMasterKeyId;
    assert.ok(topicKey);
    const keyGrants = grantsOf(FunctionName.notifyCollectors).filter((grant) => grant.action === 'kms:GenerateDataKey');
    assert.ok(keyGrants.some((grant) => cfnText(grant.resource) === cfnText(topicKey)));
  });

  test('the collectors topic ARN variable names that topic, for notify-collectors only', () => {
    assert.deepEqual(variablesOf(FunctionName.notifyCollectors)[EnvName.collectorsTopicArn], { Ref: topicId });
    assert.deepEqual(
      catalogue.filter((name) => EnvName.collectorsTopicArn in variablesOf(name)),
      [FunctionName.notifyCollectors],
    );
  });

  test('new collector tasks reach notify-collectors by a rule on the domain bus, with retries and a dead-letter queue', () => {
    const rules = Object.values(resourcesOf(template, 'AWS::Events::Rule')).filter((rule) =>
      cfnText(rule.Properties?.EventPattern).includes('collector_task.opened'),
    );
    assert.equal(rules.length, 1);
    const targets = (rules[0]?.Properties?.Targets ?? []) as { Arn: unknown; DeadLetterConfig?: unknown; RetryPolicy?: unknown }[];
    const [target] = targets;
    assert.deepEqual(target?.Arn, { 'Fn::GetAtt': [functionLogicalId(template, FunctionName.notifyCollectors), 'Arn'] });
    assert.ok(target?.DeadLetterConfig && target.RetryPolicy);
  });

  test('only advance (reminders and a thank-you by text) sends SMS, and it may publish to no topic or endpoint', () => {
    const texters = [FunctionName.advance];
    assert.deepEqual(
      publishers((grant) => grant.resource === '*'),
      texters,
    );
    for (const name of texters) {
      const denies = deniesOf(name);
      assert.deepEqual(
        denies.map((statement) => [statement.Action, statement.Resource]),
        [['sns:Publish', 'arn:aws:sns:*:*:*']],
        name,
      );
      assert.equal(EnvName.collectorsTopicArn in variablesOf(name), false, name);
    }
  });

  test('no other function may publish to SNS at all', () => {
    const expected = catalogue.filter((name) =>
      functionAccess[name].some((access) => access === 'collectors:publish' || access === 'sms:publish'),
    );
    assert.deepEqual(functionsWithAction('sns:Publish'), expected.sort());
  });
});

describe('variable values', () => {
  test('each variable names the resource its grant covers', () => {
    const invoicesApi = variablesOf(FunctionName.invoicesApi);
    const startBuffer = Object.keys(resourcesOf(template, 'AWS::SQS::Queue')).find(
      (id) => id.startsWith('StartBuffer') && !id.startsWith('StartBufferDeadLetters'),
    );
    assert.deepEqual(invoicesApi[EnvName.startQueueUrl], { Ref: startBuffer });
    assert.deepEqual(invoicesApi[EnvName.eventBusName], { Ref: logicalIdOfType('AWS::Events::EventBus') });
    const armTimer = variablesOf(FunctionName.advance);
    assert.equal(armTimer[EnvName.scheduleGroup], 'dunwell-dev-invoice-timers');
    assert.deepEqual(armTimer[EnvName.wakeFunctionArn], { 'Fn::GetAtt': [functionLogicalId(template, FunctionName.wake), 'Arn'] });
    assert.match(cfnText(variablesOf(FunctionName.startDunning)[EnvName.stateMachineArn]), /:stateMachine:dunwell-dev-invoice-dunning"/);
    for (const name of catalogue.filter((fn) => functionEnvironment(fn).includes(EnvName.linkSecretId))) {
      assert.deepEqual(
        importedValue(stateful, variablesOf(name)[EnvName.linkSecretId]),
        { Ref: linkSecretId },
        `${name} names the keyring`,
      );
    }
    for (const name of [FunctionName.payPage, FunctionName.stripeWebhook]) {
      assert.equal(variablesOf(name)[EnvName.paymentSecretId], 'dunwell/dev/stripe', `${name} names the payment secret`);
    }
    const reminder = variablesOf(FunctionName.advance);
    assert.equal(reminder[EnvName.senderEmail], 'billing@example.com');
    assert.deepEqual(reminder[EnvName.sesConfigurationSet], { Ref: logicalIdOfType('AWS::SES::ConfigurationSet') });
  });

  test("start-dunning gets its consumer's share of the configured start rate: 250 / 5 consumers by default", () => {
    assert.equal(variablesOf(FunctionName.startDunning)[EnvName.startRatePerConsumer], '50');
    const slower = synthDunwell({ startRatePerSecond: 120 }).templates.stateless;
    const environment = resourcesOf(slower)[functionLogicalId(slower, FunctionName.startDunning)]?.Properties?.Environment;
    const variables = (environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {};
    assert.equal(variables[EnvName.startRatePerConsumer], '24');
  });

  test('without publicBaseUrl, links point at the API itself', () => {
    const url = cfnText(variablesOf(FunctionName.advance)[EnvName.publicBaseUrl]);
    assert.match(url, /ApiHttpApi/);
  });

  test('with publicBaseUrl and no sender domain, links use the URL and SES verifies the address alone', () => {
    const other = synthDunwell({ senderDomain: '', senderEmail: 'ar@acme.example', publicBaseUrl: 'https://pay.acme.example/' });
    const stateless = other.templates.stateless;
    const reminder = resourcesOf(stateless)[functionLogicalId(stateless, FunctionName.advance)];
    const variables = variablesOfResource(reminder);
    assert.equal(variables[EnvName.publicBaseUrl], 'https://pay.acme.example');
    stateless.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'ar@acme.example' });
  });
});
