import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { DeployConfigError, parseDeployConfig } from '../../infra/config.ts';
import { cdkJsonContext } from './synth.ts';

const valid = { stage: 'prod', senderEmail: 'billing@acme.example', senderDomain: 'acme.example', creditorName: 'Acme Supplies Ltd' };

describe('deploy config', () => {
  test('the config committed in cdk.json parses', () => {
    const config = parseDeployConfig(cdkJsonContext.dunwell, {});
    assert.equal(config.namePrefix, 'dunwell-dev');
    assert.equal(config.publicBaseUrl, undefined, 'an empty publicBaseUrl means "use the API URL"');
    assert.equal(config.alarmEmail, undefined);
    assert.deepEqual(config.env, { account: undefined, region: undefined });
    assert.equal(config.creditorName, 'Example Trading Ltd');
    assert.equal(config.creditorContact, 'billing@example.com', 'an empty creditorContact means "the sender address"');
    assert.equal(config.reportingTimeZone, 'UTC');
    assert.equal(config.quicksight, undefined, 'an empty quicksight means "no QuickSight"');
    assert.equal(config.startRatePerSecond, 250);
  });

  test("startRatePerSecond: at most the account's StartExecution refill (300/s in us-east-1 by default), five sixths of it by default", () => {
    assert.equal(parseDeployConfig(valid, {}).startRatePerSecond, 250, "no region known: the large regions' 300/s");
    assert.equal(parseDeployConfig({ ...valid, region: 'us-east-1' }, {}).startRatePerSecond, 250);
    assert.equal(parseDeployConfig({ ...valid, region: 'eu-central-1' }, {}).startRatePerSecond, 125, 'elsewhere the refill is 150/s');
    assert.equal(parseDeployConfig({ ...valid, startRatePerSecond: '' }, {}).startRatePerSecond, 250, 'cdk.json spells "not set" as ""');
    for (const rate of [5, 120, 300]) assert.equal(parseDeployConfig({ ...valid, startRatePerSecond: rate }, {}).startRatePerSecond, rate);
    assert.throws(
      () => parseDeployConfig({ ...valid, startRatePerSecond: 301 }, {}),
      /dunwell\.startRatePerSecond: must be at most the account's StartExecution refill, 300 per second \(set startExecutionRefillPerSecond if AWS raised it\)/,
    );
    assert.throws(
      () => parseDeployConfig({ ...valid, region: 'ap-south-1', startRatePerSecond: 250 }, {}),
      /dunwell\.startRatePerSecond: must be at most the account's StartExecution refill, 150 per second in ap-south-1/,
    );
    for (const rate of [0, -1, 4, '250']) {
      assert.throws(
        () => parseDeployConfig({ ...valid, startRatePerSecond: rate }, {}),
        /dunwell\.startRatePerSecond: must be/,
        String(rate),
      );
    }
    // An account whose quota AWS raised.
    const raised = parseDeployConfig({ ...valid, startExecutionRefillPerSecond: 1200, startRatePerSecond: 1000 }, {});
    assert.equal(raised.startRatePerSecond, 1000);
    assert.equal(parseDeployConfig({ ...valid, startExecutionRefillPerSecond: 1200 }, {}).startRatePerSecond, 1000);
    assert.throws(
      () => parseDeployConfig({ ...valid, startExecutionRefillPerSecond: 0 }, {}),
      /dunwell\.startExecutionRefillPerSecond: must be positive/,
    );
  });

  test('reportingTimeZone is an IANA zone name as the report SQL takes it; UTC by default', () => {
    assert.equal(parseDeployConfig(valid, {}).reportingTimeZone, 'UTC');
    // Asia/Kolkata is an alias Node lists as Asia/Calcutta: both engines know it.
    for (const zone of ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata']) {
      assert.equal(parseDeployConfig({ ...valid, reportingTimeZone: zone }, {}).reportingTimeZone, zone);
    }
    // Athena's zone ids are case-sensitive, and the name lands inside a SQL string literal.
    for (const zone of ['europe/berlin', 'Mars/Olympus_Mons', '+01:00', "UTC' OR '1'='1", 'CET ', 7]) {
      assert.throws(
        () => parseDeployConfig({ ...valid, reportingTimeZone: zone }, {}),
        /dunwell\.reportingTimeZone: (must be an IANA time zone name|Invalid input)/,
        String(zone),
      );
    }
  });

  test('quicksight names a QuickSight user or group of the deploy account; absent means none', () => {
    const principalArn = 'arn:aws:quicksight:us-east-1:123456789012:group/default/finance';
    assert.deepEqual(parseDeployConfig({ ...valid, quicksight: { principalArn } }, {}).quicksight, { principalArn });
    const user = 'arn:aws:quicksight:eu-west-1:123456789012:user/default/FinanceRole/lead@acme.example';
    assert.equal(parseDeployConfig({ ...valid, quicksight: { principalArn: user } }, {}).quicksight?.principalArn, user);
    assert.equal(parseDeployConfig({ ...valid, quicksight: '' }, {}).quicksight, undefined);
    for (const bad of ['arn:aws:iam::123456789012:user/finance', 'arn:aws:quicksight:us-east-1:123456789012:dashboard/x', 'finance']) {
      assert.throws(
        () => parseDeployConfig({ ...valid, quicksight: { principalArn: bad } }, {}),
        /dunwell\.quicksight\.principalArn: must be a QuickSight user or group ARN/,
        bad,
      );
    }
    assert.throws(
      () => parseDeployConfig({ ...valid, quicksight: { principalArn, role: 'x' } }, {}),
      /dunwell\.quicksight\.role: unknown key/,
    );
    assert.throws(
      () => parseDeployConfig({ ...valid, account: '210987654321', quicksight: { principalArn } }, {}),
      /dunwell\.quicksight\.principalArn: must belong to the account the stacks deploy to/,
    );
  });

  test('creditorName is required, plain text of 1 to 100 characters', () => {
    const { creditorName: _left, ...withoutName } = valid;
    assert.throws(() => parseDeployConfig(withoutName, {}), /dunwell\.creditorName: is required: the name customers know you by/);
    assert.throws(() => parseDeployConfig({ ...valid, creditorName: '   ' }, {}), /dunwell\.creditorName: must not be empty/);
    assert.throws(
      () => parseDeployConfig({ ...valid, creditorName: 'x'.repeat(101) }, {}),
      /dunwell\.creditorName: must be at most 100 characters/,
    );
    assert.throws(
      () => parseDeployConfig({ ...valid, creditorName: 'Acme\r\nBcc: x@y.example' }, {}),
      /dunwell\.creditorName: must be plain text/,
    );
    assert.throws(() => parseDeployConfig({ ...valid, creditorName: '<b>Acme</b>' }, {}), /dunwell\.creditorName: must be plain text/);
    assert.equal(
      parseDeployConfig({ ...valid, creditorName: '  Müller & Söhne "Nord" GmbH ' }, {}).creditorName,
      'Müller & Söhne "Nord" GmbH',
    );
    assert.equal(parseDeployConfig({ ...valid, creditorName: 'x'.repeat(100) }, {}).creditorName.length, 100);
  });

  test('creditorContact is an email address, a phone number or an https URL; the sender address by default', () => {
    assert.equal(parseDeployConfig(valid, {}).creditorContact, 'billing@acme.example');
    for (const contact of ['ar@acme.example', '+44 20 7946 0000', '(030) 123-456', 'https://acme.example/billing'])
      assert.equal(parseDeployConfig({ ...valid, creditorContact: contact }, {}).creditorContact, contact);
    for (const contact of ['call us', 'http://acme.example', 'javascript:alert(1)', '12'])
      assert.throws(
        () => parseDeployConfig({ ...valid, creditorContact: contact }, {}),
        /dunwell\.creditorContact: must be an email address, a phone number \(e\.g\. \+44 20 7946 0000\) or an https:\/\/ URL/,
        contact,
      );
  });

  test('account and region fall back to the CDK_DEFAULT_* variables, context wins', () => {
    const fromEnv = parseDeployConfig(valid, { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'eu-west-1' });
    assert.deepEqual(fromEnv.env, { account: '123456789012', region: 'eu-west-1' });
    const fromContext = parseDeployConfig({ ...valid, region: 'eu-central-1' }, { CDK_DEFAULT_REGION: 'eu-west-1' });
    assert.equal(fromContext.env.region, 'eu-central-1');
  });

  test('a JSON string from `-c dunwell=...` is accepted', () => {
    assert.equal(parseDeployConfig(JSON.stringify(valid), {}).stage, 'prod');
  });

  test('publicBaseUrl loses trailing slashes and must be https', () => {
    assert.equal(parseDeployConfig({ ...valid, publicBaseUrl: 'https://pay.acme.example/' }, {}).publicBaseUrl, 'https://pay.acme.example');
    assert.throws(() => parseDeployConfig({ ...valid, publicBaseUrl: 'http://pay.acme.example' }, {}), /dunwell\.publicBaseUrl/);
  });

  test('every bad key is named in one error', () => {
    const bad = { stage: 'Prod!', senderEmail: 'not-an-email', alarmEmail: 'x', colour: 'blue', account: '42' };
    assert.throws(
      () => parseDeployConfig(bad, {}),
      (error: unknown) => {
        assert.ok(error instanceof DeployConfigError);
        for (const key of [
          'dunwell.stage',
          'dunwell.senderEmail',
          'dunwell.alarmEmail',
          'dunwell.colour: unknown key',
          'dunwell.account',
        ]) {
          assert.match(error.message, new RegExp(key.replaceAll('.', '\\.')), `names ${key}`);
        }
        return true;
      },
    );
  });

  test('replyDomain: a DNS name of its own (never the sender domain), optional; "" is unset', () => {
    assert.equal(parseDeployConfig(cdkJsonContext.dunwell, {}).replyDomain, 'replies.example.com', 'cdk.json synthesizes receiving');
    assert.equal(parseDeployConfig(valid, {}).replyDomain, undefined);
    assert.equal(parseDeployConfig({ ...valid, replyDomain: '' }, {}).replyDomain, undefined);
    assert.equal(parseDeployConfig({ ...valid, replyDomain: 'replies.acme.example' }, {}).replyDomain, 'replies.acme.example');
    for (const domain of ['acme.example', 'Replies.Acme.Example', 'not a domain']) {
      assert.throws(() => parseDeployConfig({ ...valid, replyDomain: domain }, {}), /dunwell\.replyDomain: must be/, domain);
    }
    const { senderDomain: _none, ...withoutDomain } = valid;
    assert.throws(
      () => parseDeployConfig({ ...withoutDomain, replyDomain: 'acme.example' }, {}),
      /dunwell\.replyDomain: must be a domain of its own/,
    );
  });

  test('the sender address must belong to the sender domain', () => {
    assert.throws(
      () => parseDeployConfig({ ...valid, senderEmail: 'billing@other.example' }, {}),
      /dunwell\.senderEmail: must be an address at senderDomain/,
    );
    assert.equal(parseDeployConfig({ ...valid, senderEmail: 'billing@mail.acme.example' }, {}).senderDomain, 'acme.example');
  });

  test('a missing or non-object context is explained', () => {
    assert.throws(() => parseDeployConfig(undefined, {}), /CDK context "dunwell" must be an object/);
    assert.throws(() => parseDeployConfig('{not json', {}), /not valid JSON/);
  });
});
