import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { type Bucket, type IBucket, StorageClass } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EnvName } from '#contracts/functions.ts';
import type { CatalogueResource } from './catalogue-resource.ts';
import type { DunwellFunction } from './dunwell-function.ts';
import { keptBucket, spelledFor } from './kept-bucket.ts';
import { acknowledgeWildcardResource } from './nag.ts';

export interface LettersBucketProps {
  /** Encrypts the letters: they carry names, postal addresses and amounts owed. */
  readonly dataKey: IKey;
  readonly accessLogs: IBucket;
}

/** How long a formal notice is kept: proof that it was sent outlives the debt (seven years). */
export const LETTER_RETENTION = Duration.days(7 * 365);

/**
 * The print-and-post outbox: the advance function puts each letter (`<date>/<id>.html`, its
 * envelope `<date>/<id>.json`) here, and a print-and-post service collects them (its access is
 * the operator's to grant: a bucket policy or a role, outside this app). Kept as evidence of
 * formal notice, hence retained with the stack and versioned; cheap archive after 90 days.
 */
export class LettersBucket extends Construct implements CatalogueResource<'letters'> {
  readonly bucket: Bucket;
  readonly variables: CatalogueResource<'letters'>['variables'];
  private readonly dataKey: IKey;

  constructor(scope: Construct, id: string, props: LettersBucketProps) {
    super(scope, id);
    this.dataKey = props.dataKey;
    this.bucket = keptBucket(this, {
      encryptionKey: props.dataKey,
      accessLogs: props.accessLogs,
      logPrefix: 'letters/',
      lifecycle: {
        id: 'formal-notices',
        transitions: [{ storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) }],
        expiration: LETTER_RETENTION,
      },
    });
    this.variables = { [EnvName.lettersBucketName]: this.bucket.bucketName };
  }

  /** Put letters, nothing else: the sender never reads, lists or deletes what it posted. */
  grant(fn: DunwellFunction): void {
    const bucketArn = spelledFor(this, fn, this.bucket.bucketArn);
    const objects = `${bucketArn}/*`;
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [objects] }));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['kms:GenerateDataKey'], resources: [this.dataKey.keyArn] }));
    acknowledgeWildcardResource(
      fn.role,
      objects,
      'Letters are named at run time (`<date>/<letter id>`); the wildcard is the objects of the letters bucket, put-only.',
    );
  }
}
