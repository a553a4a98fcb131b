import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { type Bucket, type IBucket, StorageClass } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EnvName } from '#contracts/functions.ts';
import type { AccessOf, CatalogueResource } from './catalogue-resource.ts';
import type { DunwellFunction } from './dunwell-function.ts';
import { keptBucket, spelledFor } from './kept-bucket.ts';
import { LETTER_RETENTION } from './letters-bucket.ts';
import { acknowledgeWildcardResource } from './nag.ts';

export interface MessagesBucketProps {
  /** Encrypts the messages: they carry names, addresses, amounts owed and signed pay links. */
  readonly dataKey: IKey;
  readonly accessLogs: IBucket;
}

/**
 * The archive of sent messages: the advance function puts a copy of each message it sent
 * (`<message id>.json`: the email's subject, HTML and text, the SMS text, the letter's page) and
 * the console reads them back by id. What the customer was told is evidence, like a formal
 * notice: retained with the stack, versioned, kept as long as letters; cheap archive after 90 days.
 */
export class MessagesBucket extends Construct implements CatalogueResource<'messages'> {
  readonly bucket: Bucket;
  readonly variables: CatalogueResource<'messages'>['variables'];
  private readonly dataKey: IKey;

  constructor(scope: Construct, id: string, props: MessagesBucketProps) {
    super(scope, id);
    this.dataKey = props.dataKey;
    this.bucket = keptBucket(this, {
      encryptionKey: props.dataKey,
      accessLogs: props.accessLogs,
      logPrefix: 'messages/',
      lifecycle: {
        id: 'sent-messages',
        transitions: [{ storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) }],
        expiration: LETTER_RETENTION,
      },
    });
    this.variables = { [EnvName.messagesBucketName]: this.bucket.bucketName };
  }

  /** The sender puts copies and never reads them; the console reads them and never writes. */
  grant(fn: DunwellFunction, access: AccessOf<'messages'>): void {
    const bucketArn = spelledFor(this, fn, this.bucket.bucketArn);
    const objects = `${bucketArn}/*`;
    switch (access) {
      case 'messages:write':
        fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [objects] }));
        fn.addToRolePolicy(new PolicyStatement({ actions: ['kms:GenerateDataKey'], resources: [this.dataKey.keyArn] }));
        acknowledgeWildcardResource(
          fn.role,
          objects,
          'Messages are named by the provider message id at run time; the wildcard is the objects of the messages bucket, put-only.',
        );
        return;
      case 'messages:read':
        fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [objects] }));
        // Without ListBucket, S3 answers a missing key with 403 instead of 404, and a message sent
        // before the archive existed could not be told from a denied read. Keys are message ids,
        // which the console already sees on every timeline.
        fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucketArn] }));
        fn.addToRolePolicy(new PolicyStatement({ actions: ['kms:Decrypt'], resources: [this.dataKey.keyArn] }));
        acknowledgeWildcardResource(
          fn.role,
          objects,
          'Messages are read by the id on the invoice timeline; the wildcard is the objects of the messages bucket, read-only.',
        );
        return;
    }
  }
}
