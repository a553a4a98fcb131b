import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket, type LifecycleRule, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface KeptBucketProps {
  readonly encryptionKey: IKey;
  readonly accessLogs: IBucket;
  /** Where its access logs go in the log bucket (`letters/`, `messages/`…). */
  readonly logPrefix: string;
  /** How long objects are kept (and whether they move to a cheaper class); old versions go after 30 days. */
  readonly lifecycle: Omit<LifecycleRule, 'noncurrentVersionExpiration' | 'abortIncompleteMultipartUploadAfter'>;
}

/**
 * The bucket for what customers were told or said (letters, sent messages, replies): private,
 * encrypted with the given KMS key (bucket key on), owner-enforced, TLS only, versioned,
 * access-logged, and retained with the stack — evidence outlives a deployment.
 */
export function keptBucket(scope: Construct, props: KeptBucketProps): Bucket {
  return new Bucket(scope, 'Bucket', {
    encryption: BucketEncryption.KMS,
    encryptionKey: props.encryptionKey,
    bucketKeyEnabled: true,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    versioned: true,
    serverAccessLogsBucket: props.accessLogs,
    serverAccessLogsPrefix: props.logPrefix,
    lifecycleRules: [
      { ...props.lifecycle, noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ],
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/**
 * A value of `owner`'s stack as `user`'s stack spells it: the value itself in the same stack, an
 * explicit export across stacks — so a cdk-nag acknowledgement on the user names exactly the
 * resource of its finding.
 */
export function spelledFor(owner: Construct, user: Construct, value: string): string {
  const own = Stack.of(owner);
  return Stack.of(user) === own ? value : own.exportValue(value);
}
