import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { DeployConfig } from '../config.ts';

/** The one secondary index of the single table; the adapters query it by this name. */
export const INVOICE_TABLE_GSI1 = 'gsi1';

export interface DunwellStatefulStackProps extends StackProps {
  readonly config: DeployConfig;
}

/**
 * What must survive a redeploy: the invoice table, the finance export bucket and the key
 * that encrypts them. Everything here is retained when the stack is deleted.
 */
export class DunwellStatefulStack extends Stack {
  readonly dataKey: Key;
  readonly table: Table;
  readonly exportBucket: Bucket;

  constructor(scope: Construct, id: string, props: DunwellStatefulStackProps) {
    super(scope, id, props);
    const { namePrefix } = props.config;

    this.dataKey = new Key(this, 'DataKey', {
      alias: `alias/${namePrefix}/data`,
      description: 'Encrypts Dunwell invoices, customers and finance exports',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new Table(this, 'Invoices', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expiresAt',
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: INVOICE_TABLE_GSI1,
      partitionKey: { name: 'gsi1pk', type: AttributeType.STRING },
      sortKey: { name: 'gsi1sk', type: AttributeType.STRING },
    });

    // S3 server access logs cannot be delivered to an SSE-KMS bucket, hence S3-managed keys here.
    const accessLogs = new Bucket(this, 'ExportAccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(400), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.exportBucket = new Bucket(this, 'FinanceExports', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'finance-exports/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
