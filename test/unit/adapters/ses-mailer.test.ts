import assert from 'node:assert/strict';
import { MessageRejected, SESv2Client, SendEmailCommand, SendingPausedException, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { SesMailer, sesClient } from '#adapters/ses-mailer.ts';
import { MailRejectedError } from '#ports/mailer.ts';
import { answered, inputsOf } from '../../support/aws-mocks.ts';

// The wire contract of SesMailer: the exact SendEmail request and how SES's answers map to the
// Mailer port. Run by vitest, asserted with node:assert; aws-sdk-client-mock-vitest (installed)
// brings `toHaveReceivedCommandWith` and friends, and is not used yet.

const ses = mockClient(SESv2Client);
beforeEach(() => ses.reset());
afterAll(() => ses.restore());

const config = { fromAddress: 'billing@acme.example', fromName: 'Acme Supplies Ltd', configurationSet: 'dunwell-events' };
const message = {
  to: 'ap@customer.example',
  subject: 'Invoice INV-1 is due',
  text: 'Please pay',
  html: '<p>Please pay</p>',
  invoiceIds: ['INV-1', 'INV/2 b'],
  step: 'post-3',
};

describe('SesMailer sends one SendEmail', () => {
  test('the whole request: sender, recipient, configuration set, tag, UTF-8 content and trace headers', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const result = await new SesMailer(sesClient(), config).send(message);
    assert.deepEqual(result, { messageId: 'ses-1' });
    assert.deepEqual(inputsOf(ses.commandCalls(SendEmailCommand)), [
      {
        FromEmailAddress: '"Acme Supplies Ltd" <billing@acme.example>',
        Destination: { ToAddresses: ['ap@customer.example'] },
        ConfigurationSetName: 'dunwell-events',
        EmailTags: [{ Name: 'step', Value: 'post-3' }],
        Content: {
          Simple: {
            Subject: { Data: 'Invoice INV-1 is due', Charset: 'UTF-8' },
            Body: { Text: { Data: 'Please pay', Charset: 'UTF-8' }, Html: { Data: '<p>Please pay</p>', Charset: 'UTF-8' } },
            Headers: [
              { Name: 'X-Dunwell-Invoice-Ids', Value: 'INV-1,INV%2F2%20b' },
              { Name: 'X-Dunwell-Step', Value: 'post-3' },
            ],
          },
        },
      },
    ]);
    assert.equal(ses.calls().length, 1);
  });

  test('a reply address is the Reply-To (ReplyToAddresses); without one there is none', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-3' });
    await new SesMailer(sesClient(), config).send({ ...message, replyTo: 'r+00112233445566778899aabbccddee@replies.acme.example' });
    await new SesMailer(sesClient(), config).send(message);
    const [withReplyTo, without] = inputsOf(ses.commandCalls(SendEmailCommand));
    assert.deepEqual(withReplyTo?.ReplyToAddresses, ['r+00112233445566778899aabbccddee@replies.acme.example']);
    assert.equal(without && 'ReplyToAddresses' in without, false);
  });

  test('an unsubscribe URL adds the RFC 8058 one-click headers', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-2' });
    await new SesMailer(sesClient(), config).send({ ...message, unsubscribeUrl: 'https://pay.example/u/abc' });
    const [input] = inputsOf(ses.commandCalls(SendEmailCommand));
    assert.deepEqual(input?.Content?.Simple?.Headers, [
      { Name: 'X-Dunwell-Invoice-Ids', Value: 'INV-1,INV%2F2%20b' },
      { Name: 'X-Dunwell-Step', Value: 'post-3' },
      { Name: 'List-Unsubscribe', Value: '<https://pay.example/u/abc>' },
      { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
    ]);
  });

  test('the step tag keeps only the characters SES allows in a tag value', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-3' });
    await new SesMailer(sesClient(), config).send({ ...message, step: 'thank you/ä' });
    const [input] = inputsOf(ses.commandCalls(SendEmailCommand));
    assert.deepEqual(input?.EmailTags, [{ Name: 'step', Value: 'thank_you__' }]);
    assert.deepEqual(input?.Content?.Simple?.Headers?.[1], { Name: 'X-Dunwell-Step', Value: 'thank you/ä' });
  });

  test('an answer without a MessageId still resolves, as "unknown"', async () => {
    ses.on(SendEmailCommand).resolves({});
    assert.deepEqual(await new SesMailer(sesClient(), config).send(message), { messageId: 'unknown' });
  });

  test('the production client makes one attempt only (a retried SendEmail could send the reminder twice)', async () => {
    assert.equal(await sesClient().config.maxAttempts(), 1);
  });
});

describe('SesMailer maps SES errors', () => {
  test('MessageRejected (HTTP 400) becomes MailRejectedError, with the SES error as cause', async () => {
    const refusal = new MessageRejected({ message: 'Email address is not verified.', ...answered(400) });
    ses.on(SendEmailCommand).rejects(refusal);
    const error = await new SesMailer(sesClient(), config).send(message).catch((caught: unknown) => caught);
    assert.ok(error instanceof MailRejectedError);
    assert.equal(error.message, 'SES refused the message: Email address is not verified.');
    assert.equal(error.cause, refusal);
  });

  test('any other 4xx answer is a refusal too: SendingPaused (400), TooManyRequests (429)', async () => {
    for (const refusal of [
      new SendingPausedException({ message: 'paused', ...answered(400) }),
      new TooManyRequestsException({ message: 'slow down', ...answered(429) }),
    ]) {
      ses.reset();
      ses.on(SendEmailCommand).rejects(refusal);
      await assert.rejects(new SesMailer(sesClient(), config).send(message), MailRejectedError);
    }
  });

  test('a 5xx answer passes through unchanged: the message may have left', async () => {
    const failure = Object.assign(new Error('Internal failure'), { name: 'InternalFailure', ...answered(500) });
    ses.on(SendEmailCommand).rejects(failure);
    await assert.rejects(new SesMailer(sesClient(), config).send(message), (error) => error === failure);
  });

  test('no answer at all (a timeout, a reset connection) passes through unchanged', async () => {
    const timeout = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    ses.on(SendEmailCommand).rejects(timeout);
    await assert.rejects(new SesMailer(sesClient(), config).send(message), (error) => error === timeout);
  });
});
