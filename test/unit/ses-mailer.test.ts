import assert from 'node:assert/strict';
import type { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { describe, test } from 'vitest';
import { mailbox, SesMailer } from '#adapters/ses-mailer.ts';

/** An SES client that records the one command it is sent. */
function recordingClient(): { client: SESv2Client; sent: SendEmailCommand[] } {
  const sent: SendEmailCommand[] = [];
  const client = {
    send: async (command: SendEmailCommand) => {
      sent.push(command);
      return { MessageId: 'm-1' };
    },
  } as unknown as SESv2Client;
  return { client, sent };
}

const message = { to: 'ap@customer.example', subject: 'S', text: 'T', html: '<p>H</p>', invoiceIds: ['INV-1'], step: 'post-3' };

describe('the From of every email names the creditor (RFC 5322 display name)', () => {
  test('SendEmail carries "Creditor" <sender>', async () => {
    const { client, sent } = recordingClient();
    const mailer = new SesMailer(client, { fromAddress: 'billing@acme.example', fromName: 'Acme Supplies Ltd', configurationSet: 'cs' });
    assert.deepEqual(await mailer.send(message), { messageId: 'm-1' });
    assert.equal(sent[0]?.input.FromEmailAddress, '"Acme Supplies Ltd" <billing@acme.example>');
  });

  test('without a name the address stands alone', async () => {
    const { client, sent } = recordingClient();
    await new SesMailer(client, { fromAddress: 'billing@acme.example', configurationSet: 'cs' }).send(message);
    assert.equal(sent[0]?.input.FromEmailAddress, 'billing@acme.example');
    assert.equal(mailbox('b@x.example', '  \r\n '), 'b@x.example');
  });

  test('quotes and backslashes are escaped inside the quoted-string; specials need no escaping there', () => {
    assert.equal(mailbox('b@x.example', 'Acme "Best" \\ Co'), '"Acme \\"Best\\" \\\\ Co" <b@x.example>');
    assert.equal(mailbox('b@x.example', 'Smith, Jones & Co. <Billing>'), '"Smith, Jones & Co. <Billing>" <b@x.example>');
  });

  test('line breaks and control characters never reach the header (no injection)', () => {
    const from = mailbox('b@x.example', 'Acme\r\nBcc: victim@evil.example\u0000');
    assert.equal(from, '"Acme Bcc: victim@evil.example" <b@x.example>');
    assert.ok(![...from].some((char) => (char.codePointAt(0) ?? 0) < 0x20), 'no control character left');
  });

  test('a non-ASCII name becomes RFC 2047 encoded-words of at most 75 characters that decode back exactly', () => {
    const name = 'Müller & Söhne — Zürich Großhandel GmbH 株式会社'.repeat(2);
    const from = mailbox('b@x.example', name);
    assert.match(from, / <b@x\.example>$/);
    const words = from.replace(/ <b@x\.example>$/, '').split(' ');
    assert.ok(words.length > 1, 'a long name takes several words');
    let decoded = Buffer.alloc(0);
    for (const word of words) {
      assert.ok(word.length <= 75, `${word.length} characters`);
      const [, payload] = /^=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=$/.exec(word) ?? [];
      assert.ok(payload, word);
      const bytes = Buffer.from(payload, 'base64');
      assert.equal(bytes.toString('utf8').includes('\ufffd'), false, 'no character split across words');
      decoded = Buffer.concat([decoded, bytes]);
    }
    assert.equal(decoded.toString('utf8'), name);
  });
});
