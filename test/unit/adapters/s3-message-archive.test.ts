import assert from 'node:assert/strict';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { s3Client } from '#adapters/s3-lake-table.ts';
import { archiveKey, S3MessageArchive } from '#adapters/s3-message-archive.ts';
import type { ArchivedMessage } from '#ports/message-archive.ts';
import { answered, inputsOf } from '../../support/aws-mocks.ts';

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());
afterAll(() => s3.restore());

const email: ArchivedMessage = {
  messageId: '0100018c-email-1',
  channel: 'email',
  sentAt: '2026-12-04T08:00:00.000Z',
  to: 'ap@acme.example',
  subject: 'Friendly reminder: invoice INV/1',
  html: '<!doctype html><p>Grüße &amp; <b>€1,250.00</b></p>',
  text: 'Grüße & €1,250.00',
  invoiceIds: ['INV/1', 'INV/2'],
  step: 'post-3',
};

/** A GetObject answer whose body reads as `text` (in UTF-8, as the adapter asks for it). */
const objectWith = (text: string) =>
  ({ Body: { transformToString: async (encoding?: string) => (encoding === 'utf-8' ? text : '') } }) as never;

const archive = () => new S3MessageArchive(s3Client(), 'dunwell-messages');

describe('S3MessageArchive.put', () => {
  test('one JSON object per message, named by its id', async () => {
    s3.on(PutObjectCommand).resolves({});
    await archive().put(email);
    assert.deepEqual(inputsOf(s3.commandCalls(PutObjectCommand)), [
      { Bucket: 'dunwell-messages', Key: '0100018c-email-1.json', Body: JSON.stringify(email), ContentType: 'application/json' },
    ]);
  });

  test('an id with a slash (a letter: `<date>/<id>`) stays one object name, not a prefix', async () => {
    s3.on(PutObjectCommand).resolves({});
    await archive().put({ ...email, messageId: '2026-12-04/INV_1-7d3c', channel: 'letter', text: undefined });
    assert.equal(inputsOf(s3.commandCalls(PutObjectCommand))[0]?.Key, '2026-12-04%2FINV_1-7d3c.json');
    assert.equal(decodeURIComponent(archiveKey('a/b?c#d').slice(0, -'.json'.length)), 'a/b?c#d', 'and reads back to the id');
  });

  test('a failed write fails (the send use case logs it and carries on)', async () => {
    s3.on(PutObjectCommand).rejects(new Error('AccessDenied'));
    await assert.rejects(archive().put(email), /AccessDenied/);
  });
});

describe('S3MessageArchive.get', () => {
  test('reads the message back exactly as it was put', async () => {
    s3.on(GetObjectCommand, { Bucket: 'dunwell-messages', Key: '0100018c-email-1.json' }).resolves(objectWith(JSON.stringify(email)));
    assert.deepEqual(await archive().get(email.messageId), email);
  });

  test('a message never archived (sent before the archive existed) is undefined', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', ...answered(404) }));
    assert.equal(await archive().get('older-message'), undefined);
  });

  test('any other failure is a failure, not absence', async () => {
    const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied', ...answered(403) });
    s3.on(GetObjectCommand).rejects(denied);
    await assert.rejects(archive().get(email.messageId), /Access Denied/);
  });

  test('an object that is not an archived message, or holds another message, is refused', async () => {
    s3.on(GetObjectCommand).resolves(objectWith(JSON.stringify({ messageId: email.messageId, channel: 'fax' })));
    await assert.rejects(archive().get(email.messageId));
    s3.on(GetObjectCommand).resolves(objectWith(JSON.stringify({ ...email, messageId: 'someone-else' })));
    await assert.rejects(archive().get(email.messageId), /holds message someone-else/);
  });
});
