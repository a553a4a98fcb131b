import { EnvName } from '#contracts/env.ts';
import type { LetterPost } from '#ports/letters.ts';
import type { FunctionContext } from './compose-context.ts';
import { s3Client } from './s3-lake-table.ts';
import { S3LetterPost } from './s3-letters.ts';

/**
 * The print-and-post port, when the deployment has a letters bucket (the local runtime does; the
 * CDK app does not provision one yet). Without it, a `letter` step fails saying so, loudly.
 */
export function letterPost(app: FunctionContext): LetterPost | undefined {
  const bucket = process.env[EnvName.lettersBucketName];
  if (!bucket) {
    app.log.warn('no letters bucket configured: letter steps of a policy will fail until one is (DUNWELL_LETTERS_BUCKET_NAME)');
    return undefined;
  }
  return new S3LetterPost(app.telemetry.traced(s3Client()), bucket, () => app.clock.now());
}
