import assert from 'node:assert/strict';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, test, vi } from 'vitest';
import { SecretsManagerSource } from '#adapters/secrets-manager.ts';
import { answered, inputsOf } from '../../support/aws-mocks.ts';

const secrets = mockClient(SecretsManagerClient);
beforeEach(() => secrets.reset());
afterEach(() => {
  vi.useRealTimers();
});
afterAll(() => secrets.restore());

describe('SecretsManagerSource.read', () => {
  test('GetSecretValue by id, returning the string value', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"k":"v"}' });
    assert.equal(await new SecretsManagerSource(new SecretsManagerClient({})).read('dunwell/link-keys'), '{"k":"v"}');
    assert.deepEqual(inputsOf(secrets.commandCalls(GetSecretValueCommand)), [{ SecretId: 'dunwell/link-keys' }]);
  });

  test('cached per id for five minutes, then read again (rotation is picked up)', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_000_000 });
    secrets.on(GetSecretValueCommand, { SecretId: 'a' }).resolvesOnce({ SecretString: 'a-1' }).resolves({ SecretString: 'a-2' });
    secrets.on(GetSecretValueCommand, { SecretId: 'b' }).resolves({ SecretString: 'b-1' });
    const source = new SecretsManagerSource(new SecretsManagerClient({}));
    assert.equal(await source.read('a'), 'a-1');
    assert.equal(await source.read('b'), 'b-1');
    vi.advanceTimersByTime(299_999);
    assert.equal(await source.read('a'), 'a-1');
    vi.advanceTimersByTime(1);
    assert.equal(await source.read('a'), 'a-2');
    assert.deepEqual(inputsOf(secrets.commandCalls(GetSecretValueCommand)), [{ SecretId: 'a' }, { SecretId: 'b' }, { SecretId: 'a' }]);
  });

  test('a binary-only secret is an error, and is not cached', async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretBinary: new Uint8Array([1]) })
      .resolves({ SecretString: 'now text' });
    const source = new SecretsManagerSource(new SecretsManagerClient({}));
    await assert.rejects(source.read('bin'), { message: 'Secret bin has no string value' });
    assert.equal(await source.read('bin'), 'now text');
  });

  test('service errors pass through (ResourceNotFound, throttling), and nothing is cached', async () => {
    const missing = new ResourceNotFoundException({ message: 'no such secret', ...answered(400) });
    secrets.on(GetSecretValueCommand).rejectsOnce(missing).resolves({ SecretString: 'there now' });
    const source = new SecretsManagerSource(new SecretsManagerClient({}));
    await assert.rejects(source.read('x'), (error) => error === missing);
    assert.equal(await source.read('x'), 'there now');
  });
});
