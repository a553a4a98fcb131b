import { EnvName } from '#contracts/functions.ts';
import type { ReplyMailbox } from '#ports/replies.ts';
import type { FunctionContext } from './compose-context.ts';
import { s3Client } from './s3-lake-table.ts';
import { S3ReplyMailbox } from './s3-reply-mailbox.ts';

/** The replies bucket of the catalogue entry (`replies:readWrite`): raw replies in, attachments out. */
export const replyMailbox = (app: FunctionContext): ReplyMailbox =>
  new S3ReplyMailbox(app.telemetry.traced(s3Client()), app.need(EnvName.repliesBucketName));
