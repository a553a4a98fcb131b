import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Bucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EnvName } from '#contracts/functions.ts';
import { REPLY_ATTACHMENTS_PREFIX, REPLY_INBOUND_PREFIX } from '#contracts/replies.ts';
import type { AccessOf, CatalogueResource } from './catalogue-resource.ts';
import type { DunwellFunction } from './dunwell-function.ts';
import { keptBucket, spelledFor } from './kept-bucket.ts';
import { acknowledgeWildcardResource } from './nag.ts';

export interface RepliesBucketProps {
  readonly namePrefix: string;
  readonly accessLogs: IBucket;
}

/** How long a reply and its attachments are kept: two years, past any dispute about what the customer said. */
export const REPLY_RETENTION = Duration.days(730);

/**
 * Customers' replies as SES receiving stored them (`inbound/<SES message id>`, raw RFC 5322) and
 * their attachments (`attachments/<id>/<n>-<name>`, remittance advice). Encrypted with a key of
 * its own, so what may use it is exactly SES's writing role and the reply function: nothing
 * else that reads the data key (the table, the lake) can read a customer's mail, and no other
 * function is granted either. Versioned, access-logged, TLS only, private, retained.
 *
 * Server-side encryption is the bucket's default (SSE-KMS), not the S3 action's own `KmsKeyArn`:
 * that one is client-side encryption, readable only with the S3 encryption client of the Java
 * and Ruby SDKs.
 */
export class RepliesBucket extends Construct implements CatalogueResource<'replies'> {
  readonly bucket: Bucket;
  readonly key: Key;
  readonly variables: CatalogueResource<'replies'>['variables'];

  constructor(scope: Construct, id: string, props: RepliesBucketProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      alias: `alias/${props.namePrefix}/replies`,
      description: 'Encrypts customers’ email replies to Dunwell and their attachments',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = keptBucket(this, {
      encryptionKey: this.key,
      accessLogs: props.accessLogs,
      logPrefix: 'replies/',
      lifecycle: {
        id: 'replies',
        expiration: REPLY_RETENTION,
      },
    });
    this.variables = { [EnvName.repliesBucketName]: this.bucket.bucketName };
  }

  private spelled(scope: Construct, value: string): string {
    return spelledFor(this, scope, value);
  }

  /** The reply function reads raw replies and puts attachments; it lists, deletes and overwrites nothing else. */
  grant(fn: DunwellFunction, _access: AccessOf<'replies'>): void {
    const bucketArn = this.spelled(fn, this.bucket.bucketArn);
    const keyArn = this.spelled(fn, this.key.keyArn);
    const inbound = `${bucketArn}/${REPLY_INBOUND_PREFIX}*`;
    const attachments = `${bucketArn}/${REPLY_ATTACHMENTS_PREFIX}*`;
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [inbound] }));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [attachments] }));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [keyArn] }));
    acknowledgeWildcardResource(
      fn.role,
      inbound,
      'Replies are named by the SES message id at run time; the wildcard is the inbound/ prefix of the replies bucket, read-only.',
    );
    acknowledgeWildcardResource(
      fn.role,
      attachments,
      'Attachments are named by the SES message id and the file at run time; the wildcard is the attachments/ prefix of the replies bucket, put-only.',
    );
  }

  /** What SES receiving's S3 action needs of its role: put raw messages under `inbound/`, encrypted with this key. */
  grantSesWrite(role: IRole): void {
    const inbound = `${this.spelled(role, this.bucket.bucketArn)}/${REPLY_INBOUND_PREFIX}*`;
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [inbound] }));
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Encrypt'], resources: [this.spelled(role, this.key.keyArn)] }),
    );
    acknowledgeWildcardResource(
      role,
      inbound,
      'SES names each received message by its message id; the wildcard is the inbound/ prefix of the replies bucket, put-only.',
    );
  }
}
