import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ReplyMailbox } from '#ports/replies.ts';

/**
 * The replies bucket: SES receiving puts each raw message under `inbound/`, the reply function
 * reads it and puts its attachments under `attachments/` (locally a folder of the data directory).
 * Encrypted at rest by the bucket's own KMS key (see infra/constructs/replies-bucket.ts).
 */
export class S3ReplyMailbox implements ReplyMailbox {
  private readonly s3: S3Client;
  private readonly bucket: string;

  constructor(s3: S3Client, bucket: string) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  async raw(key: string): Promise<Buffer | undefined> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const bytes = await object.Body?.transformToByteArray();
      return bytes ? Buffer.from(bytes) : undefined;
    } catch (error) {
      if ((error as Error).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async putAttachment(key: string, content: Buffer, contentType: string): Promise<void> {
    // Served to nobody as a page: an attachment is downloaded, never rendered inline.
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: content, ContentType: contentType, ContentDisposition: 'attachment' }),
    );
  }
}
