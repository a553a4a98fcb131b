import { randomUUID } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { LetterPost, OutgoingLetter } from '#ports/letters.ts';

/**
 * Letters for a print-and-post service, as objects in one bucket it collects from: the printable
 * page `<date>/<id>.html` and beside it `<id>.json` (recipient address, subject, invoices,
 * step). The id is the message id on the timeline. Locally the bucket is a folder of the data
 * directory (`<DUNWELL_DATA_DIR>/letters/`), the outbox of letters.
 */
export class S3LetterPost implements LetterPost {
  private readonly s3: S3Client;
  private readonly bucket: string;
  private readonly now: () => Date;

  constructor(s3: S3Client, bucket: string, now: () => Date) {
    this.s3 = s3;
    this.bucket = bucket;
    this.now = now;
  }

  async post(letter: OutgoingLetter): Promise<{ messageId: string }> {
    const id = `${letter.invoiceIds[0] ?? 'letter'}-${randomUUID()}`.replace(/[^A-Za-z0-9._-]/g, '_');
    const prefix = `${this.now().toISOString().slice(0, 10)}/${id}`;
    // The envelope first: a page without its address would be a letter nobody can post.
    const envelope = { to: letter.to, subject: letter.subject, invoiceIds: letter.invoiceIds, step: letter.step, page: `${prefix}.html` };
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: `${prefix}.json`, Body: JSON.stringify(envelope), ContentType: 'application/json' }),
    );
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: `${prefix}.html`, Body: letter.html, ContentType: 'text/html; charset=utf-8' }),
    );
    return { messageId: prefix };
  }
}
