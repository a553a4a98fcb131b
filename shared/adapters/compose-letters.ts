import { EnvName } from '#contracts/functions.ts';
import type { LetterPost } from '#ports/letters.ts';
import type { FunctionContext } from './compose-context.ts';
import { s3Client } from './s3-lake-table.ts';
import { S3LetterPost } from './s3-letters.ts';

/** The print-and-post port: the letters bucket of the catalogue entry (`letters:write`). */
export const letterPost = (app: FunctionContext): LetterPost =>
  new S3LetterPost(app.telemetry.traced(s3Client()), app.need(EnvName.lettersBucketName), () => app.clock.now());
