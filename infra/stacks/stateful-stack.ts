import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { DeployConfig } from '../config.ts';
import { ErpTokenIssuer } from '../constructs/erp-token-issuer.ts';
import { acknowledgeNag } from '../constructs/nag.ts';

/** The one secondary index of the single table; the adapters query it by this name. */
export const INVOICE_TABLE_GSI1 = 'gsi1';

export interface DunwellStatefulStackProps extends StackProps {
  readonly config: DeployConfig;
}

/**
 * What must survive a redeploy: the invoice table, the finance export bucket and the key
 * that encrypts them, the keyring that signs outstanding pay links, and the user pool that
 * holds the ERP's client credentials. Everything here is retained when the stack is deleted.
 */
export class DunwellStatefulStack extends Stack {
  readonly dataKey: Key;
  readonly table: Table;
  readonly exportBucket: Bucket;
  readonly linkSecret: Secret;
  readonly erpTokens: ErpTokenIssuer;

  constructor(scope: Construct, id: string, props: DunwellStatefulStackProps) {
    super(scope, id, props);
    const { namePrefix, authDomainPrefix } = props.config;

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

    // A keyring {"current": kid, kid: key}: rotation adds a kid and keeps the old one while links live.
    // Replacing it would invalidate every pay link already sent, hence here and retained.
    this.linkSecret = new Secret(this, 'LinkSigningKeys', {
      description: 'Keyring that signs and verifies hosted pay links',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ current: 'k1' }),
        generateStringKey: 'k1',
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(
      this.linkSecret,
      'SMG4',
      'Rotation must add a key id and keep the previous key until every link it signed expires (120 days); no rotation function implements that keyring rotation yet, so it is rotated by a runbook.',
    );

    this.erpTokens = new ErpTokenIssuer(this, 'ErpAuth', {
      namePrefix,
      authDomainPrefix: authDomainPrefix ?? `${namePrefix}-${this.account}`,
    });

    new CfnOutput(this, 'TokenUrl', { value: this.erpTokens.tokenUrl, description: 'OAuth2 token endpoint (client credentials)' });
    new CfnOutput(this, 'ErpClientId', {
      value: this.erpTokens.erpClient.userPoolClientId,
      description: 'ERP client id; read its secret with aws cognito-idp describe-user-pool-client',
    });
    new CfnOutput(this, 'UserPoolId', { value: this.erpTokens.userPool.userPoolId });
  }
}
