import assert from 'node:assert/strict';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { s3Client } from '#adapters/s3-lake-table.ts';
import { S3LetterPost } from '#adapters/s3-letters.ts';
import { inputsOf } from '../../support/aws-mocks.ts';

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());
afterAll(() => s3.restore());

const letter = {
  to: 'Acme GmbH\nHauptstraße 1\n10115 Berlin',
  subject: 'Letzte Mahnung',
  html: '<!doctype html><p>x</p>',
  invoiceIds: ['INV/1'],
  step: 'post-30',
};

describe('S3LetterPost.post', () => {
  test('the envelope (JSON) then the page (HTML) under <date>/<invoice>-<uuid>; the message id is their common name', async () => {
    s3.on(PutObjectCommand).resolves({});
    const post = new S3LetterPost(s3Client(), 'dunwell-letters', () => new Date('2026-12-04T08:00:00Z'));
    const { messageId } = await post.post(letter);
    assert.match(messageId, /^2026-12-04\/INV_1-[0-9a-f-]{36}$/, 'the id is safe as a key and names its invoice');
    assert.deepEqual(inputsOf(s3.commandCalls(PutObjectCommand)), [
      {
        Bucket: 'dunwell-letters',
        Key: `${messageId}.json`,
        Body: JSON.stringify({ to: letter.to, subject: letter.subject, invoiceIds: ['INV/1'], step: 'post-30', page: `${messageId}.html` }),
        ContentType: 'application/json',
      },
      { Bucket: 'dunwell-letters', Key: `${messageId}.html`, Body: letter.html, ContentType: 'text/html; charset=utf-8' },
    ]);
  });

  test('a failed envelope write posts no page and fails the send (the step is retried)', async () => {
    s3.on(PutObjectCommand).rejects(new Error('AccessDenied'));
    const post = new S3LetterPost(s3Client(), 'dunwell-letters', () => new Date('2026-12-04T08:00:00Z'));
    await assert.rejects(post.post(letter), /AccessDenied/);
    assert.equal(s3.commandCalls(PutObjectCommand).length, 1);
  });
});
