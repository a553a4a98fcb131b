import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import { messageChannelIds } from '#domain/channels.ts';
import type { ArchivedMessage, MessageArchive } from '#ports/message-archive.ts';

/** What an archived object must hold: it is read back into a page, so a damaged one fails loudly. */
const archivedMessageSchema = z.object({
  messageId: z.string().min(1),
  channel: z.enum(messageChannelIds),
  sentAt: z.string(),
  to: z.string(),
  subject: z.string().optional(),
  html: z.string().optional(),
  text: z.string().optional(),
  invoiceIds: z.array(z.string()),
  step: z.string(),
});

/**
 * The object key of a message: its id, percent-encoded so that an id with a `/` (a letter's
 * `<date>/<id>`) stays one object name, never a prefix, and reads back to the same id.
 */
export const archiveKey = (messageId: string): string => `${encodeURIComponent(messageId)}.json`;

/**
 * Sent messages as JSON objects in one bucket, one per message id (`<id>.json`): the content
 * exactly as it went to the provider, with the invoices it was about. Locally the bucket is a
 * folder of the data directory (`<DUNWELL_DATA_DIR>/messages/`).
 */
export class S3MessageArchive implements MessageArchive {
  private readonly s3: S3Client;
  private readonly bucket: string;

  constructor(s3: S3Client, bucket: string) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  async put(message: ArchivedMessage): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: archiveKey(message.messageId),
        Body: JSON.stringify(message),
        ContentType: 'application/json',
      }),
    );
  }

  async get(messageId: string): Promise<ArchivedMessage | undefined> {
    let body: string | undefined;
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: archiveKey(messageId) }));
      body = await object.Body?.transformToString('utf-8');
    } catch (error) {
      // Only a missing key is "not archived"; access or key errors are failures, not absence.
      if ((error as Error).name === 'NoSuchKey') return undefined;
      throw error;
    }
    if (body === undefined) throw new Error(`Archived message ${archiveKey(messageId)} has no body`);
    const archived = archivedMessageSchema.parse(JSON.parse(body));
    if (archived.messageId !== messageId) throw new Error(`Archived message ${archiveKey(messageId)} holds message ${archived.messageId}`);
    return archived;
  }
}
