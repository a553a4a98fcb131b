import { EnvName } from '#contracts/functions.ts';
import type { MessageArchive } from '#ports/message-archive.ts';
import type { FunctionContext } from './compose-context.ts';
import { s3Client } from './s3-lake-table.ts';
import { S3MessageArchive } from './s3-message-archive.ts';

/** The archive of sent messages: the messages bucket of the catalogue entry (`messages:write` or `messages:read`). */
export const messageArchive = (app: FunctionContext): MessageArchive =>
  new S3MessageArchive(app.telemetry.traced(s3Client()), app.need(EnvName.messagesBucketName));
