import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DeployConfigError, parseDeployConfig } from '../../infra/config.ts';
import { cdkJsonContext } from './synth.ts';

const valid = { stage: 'prod', senderEmail: 'billing@acme.example', senderDomain: 'acme.example' };

describe('deploy config', () => {
  test('the config committed in cdk.json parses', () => {
    const config = parseDeployConfig(cdkJsonContext.dunwell, {});
    assert.equal(config.namePrefix, 'dunwell-dev');
    assert.equal(config.publicBaseUrl, undefined, 'an empty publicBaseUrl means "use the API URL"');
    assert.equal(config.alarmEmail, undefined);
    assert.deepEqual(config.env, { account: undefined, region: undefined });
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
