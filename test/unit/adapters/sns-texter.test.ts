import assert from 'node:assert/strict';
import {
  CheckIfPhoneNumberIsOptedOutCommand,
  InvalidParameterException,
  OptedOutException,
  PublishCommand,
  SNSClient,
  ThrottledException,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { SnsTexter, snsClient } from '#adapters/sns-texter.ts';
import { TextRejectedError } from '#ports/texter.ts';
import { answered, inputsOf } from '../../support/aws-mocks.ts';

const sns = mockClient(SNSClient);
beforeEach(() => sns.reset());
afterAll(() => sns.restore());

const text = {
  to: '+4915123456789',
  text: 'Invoice INV-1 is due: https://p.example/p/abc',
  invoiceIds: ['INV-1', 'INV 2'],
  step: 'post-3',
};
const string = (value: string) => ({ DataType: 'String', StringValue: value });

describe('SnsTexter.send publishes to the phone number', () => {
  test('as a transactional SMS, with the invoices and step as attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
    assert.deepEqual(await new SnsTexter(snsClient()).send(text), { messageId: 'sns-1' });
    assert.deepEqual(inputsOf(sns.commandCalls(PublishCommand)), [
      {
        PhoneNumber: '+4915123456789',
        Message: 'Invoice INV-1 is due: https://p.example/p/abc',
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': string('Transactional'),
          'Dunwell.InvoiceIds': string('INV-1,INV%202'),
          'Dunwell.Step': string('post-3'),
        },
      },
    ]);
    assert.equal(sns.calls().length, 1, 'no opt-out check inside send');
  });

  test('the sender id and origination number, when configured', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sns-2' });
    await new SnsTexter(snsClient(), { senderId: 'ACME', originationNumber: '+15550100' }).send(text);
    const [input] = inputsOf(sns.commandCalls(PublishCommand));
    assert.deepEqual(input?.MessageAttributes, {
      'AWS.SNS.SMS.SMSType': string('Transactional'),
      'Dunwell.InvoiceIds': string('INV-1,INV%202'),
      'Dunwell.Step': string('post-3'),
      'AWS.SNS.SMS.SenderID': string('ACME'),
      'AWS.MM.SMS.OriginationNumber': string('+15550100'),
    });
  });

  test('no empty attribute values (SNS refuses them): no invoices, no step, no attribute', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sns-3' });
    await new SnsTexter(snsClient()).send({ ...text, invoiceIds: [], step: '' });
    const [input] = inputsOf(sns.commandCalls(PublishCommand));
    assert.deepEqual(input?.MessageAttributes, { 'AWS.SNS.SMS.SMSType': string('Transactional') });
  });

  test('an answer without a MessageId resolves as "unknown"', async () => {
    sns.on(PublishCommand).resolves({});
    assert.deepEqual(await new SnsTexter(snsClient()).send(text), { messageId: 'unknown' });
  });

  test('the production client makes one attempt only (a retried Publish could text twice)', async () => {
    assert.equal(await snsClient().config.maxAttempts(), 1);
  });
});

describe('SnsTexter.send maps SNS errors', () => {
  test('OptedOut and InvalidParameter (HTTP 400) become TextRejectedError, with the SNS error as cause', async () => {
    for (const refusal of [
      new OptedOutException({ message: 'Phone number is opted out', ...answered(400) }),
      new InvalidParameterException({ message: 'Invalid parameter: PhoneNumber', ...answered(400) }),
    ]) {
      sns.reset();
      sns.on(PublishCommand).rejects(refusal);
      const error = await new SnsTexter(snsClient()).send(text).catch((caught: unknown) => caught);
      assert.ok(error instanceof TextRejectedError, refusal.name);
      assert.equal(error.message, `SNS refused the text message: ${refusal.message}`);
      assert.equal(error.cause, refusal);
    }
  });

  test('throttling is an HTTP answer too, so it is a refusal (the text did not leave)', async () => {
    sns.on(PublishCommand).rejects(new ThrottledException({ message: 'Rate exceeded', ...answered(400) }));
    await assert.rejects(new SnsTexter(snsClient()).send(text), TextRejectedError);
  });

  test('a 5xx answer, or none, passes through unchanged: the text may have left', async () => {
    const internal = Object.assign(new Error('Internal error'), { name: 'InternalError', ...answered(500) });
    const timeout = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    for (const failure of [internal, timeout]) {
      sns.reset();
      sns.on(PublishCommand).rejects(failure);
      await assert.rejects(new SnsTexter(snsClient()).send(text), (error) => error === failure);
    }
  });
});

describe('SnsTexter.optedOut asks the account opt-out list', () => {
  test('CheckIfPhoneNumberIsOptedOut with the number; true only for isOptedOut true', async () => {
    sns.on(CheckIfPhoneNumberIsOptedOutCommand, { phoneNumber: '+4915100000001' }).resolves({ isOptedOut: true });
    sns.on(CheckIfPhoneNumberIsOptedOutCommand, { phoneNumber: '+4915100000002' }).resolves({ isOptedOut: false });
    sns.on(CheckIfPhoneNumberIsOptedOutCommand, { phoneNumber: '+4915100000003' }).resolves({});
    const texter = new SnsTexter(snsClient());
    assert.equal(await texter.optedOut('+4915100000001'), true);
    assert.equal(await texter.optedOut('+4915100000002'), false);
    assert.equal(await texter.optedOut('+4915100000003'), false);
    assert.deepEqual(inputsOf(sns.commandCalls(CheckIfPhoneNumberIsOptedOutCommand)), [
      { phoneNumber: '+4915100000001' },
      { phoneNumber: '+4915100000002' },
      { phoneNumber: '+4915100000003' },
    ]);
  });

  test('its errors pass through unmapped (throttling included)', async () => {
    const throttled = new ThrottledException({ message: 'Rate exceeded', ...answered(400) });
    sns.on(CheckIfPhoneNumberIsOptedOutCommand).rejects(throttled);
    await assert.rejects(new SnsTexter(snsClient()).optedOut('+4915100000001'), (error) => error === throttled);
  });
});
