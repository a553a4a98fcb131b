import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, StorageClass } from 'aws-cdk-lib/aws-s3';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { LISTING_ATTRIBUTE, listIndexes } from '#contracts/table-indexes.ts';
import type { DeployConfig } from '../config.ts';
import { ConsoleUsers } from '../constructs/console-users.ts';
import { ErpTokenIssuer } from '../constructs/erp-token-issuer.ts';
import { FinanceLake, lakeDatabaseName } from '../constructs/finance-lake.ts';
import { FinanceQuickSight } from '../constructs/finance-quicksight.ts';
import { keyringSecret } from '../constructs/keyring-secret.ts';
import { LettersBucket } from '../constructs/letters-bucket.ts';
import { MessagesBucket } from '../constructs/messages-bucket.ts';
import { RepliesBucket } from '../constructs/replies-bucket.ts';

/**
 * The single table's first secondary index (active invoices, policies, tasks); the adapters
 * query it by this name. The list indexes are defined in #contracts/table-indexes.ts.
 */
export const INVOICE_TABLE_GSI1 = 'gsi1';

export interface DunwellStatefulStackProps extends StackProps {
  readonly config: DeployConfig;
}

/**
 * What must survive a redeploy: the invoice table, the finance export, letters, messages and replies buckets and the keys
 * that encrypts them, the keyring that signs outstanding pay links, and the user pool that
 * holds the ERP's client credentials. Those are retained when the stack is deleted.
 * The lake's catalog (Glue tables, Athena workgroup, QuickSight data sets) lives here too:
 * it describes the export bucket, and analyses built by hand in QuickSight point at those data
 * sets, so a new stateless stack must never replace them.
 */
export class DunwellStatefulStack extends Stack {
  readonly dataKey: Key;
  readonly table: Table;
  readonly exportBucket: Bucket;
  /** Glue tables, Athena workgroup and named queries over the export bucket. */
  readonly lake: FinanceLake;
  /** QuickSight data source and data sets; only when the config names a QuickSight principal. */
  readonly quicksight: FinanceQuickSight | undefined;
  /** The print-and-post outbox of formal notices. */
  readonly letters: LettersBucket;
  /** Every message sent, as the customer got it (the console shows them). */
  readonly messages: MessagesBucket;
  /** Customers' email replies as SES received them, with their attachments (own key; the reply function only). */
  readonly replies: RepliesBucket;
  readonly linkSecret: Secret;
  readonly erpTokens: ErpTokenIssuer;
  /** The console's people (finance leads, collectors): their own pool, groups and session keyring. */
  readonly consoleUsers: ConsoleUsers;

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
      // The finance lake's projector (export-events) reads every change; old images let it
      // project only the timeline events a write added.
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Active invoices, policies and tasks by key: every query of it reads keys only (gsi1SortKeys),
    // so it projects nothing else. With ALL (CloudFormation's default) every write of an active
    // invoice — its whole timeline — was written a second time into the index. A stack deployed
    // before this change cannot change a GSI's projection in place: see README "Deploy to AWS".
    this.table.addGlobalSecondaryIndex({
      indexName: INVOICE_TABLE_GSI1,
      partitionKey: { name: 'gsi1pk', type: AttributeType.STRING },
      sortKey: { name: 'gsi1sk', type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
    // The lists (GET /v1/invoices, GET /v1/customers): sparse, and projecting only each item's listing.
    for (const index of listIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.INCLUDE,
        nonKeyAttributes: [LISTING_ATTRIBUTE],
      });
    }

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
      // The finance lake: Parquet under <table>/dt=YYYY-MM-DD/, kept for good (no expiry of current
      // objects). A partition is compacted within a day or two and then only read, so after 30 days
      // Intelligent-Tiering moves cold months to cheaper tiers, with no retrieval fee when a report
      // reads them. Compaction deletes the files it merged: their versions stay recoverable 90 days.
      lifecycleRules: [
        {
          id: 'finance-lake',
          transitions: [{ storageClass: StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(30) }],
          noncurrentVersionExpiration: Duration.days(90),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.lake = new FinanceLake(this, 'FinanceLake', {
      namePrefix,
      stage: props.config.stage,
      bucket: this.exportBucket,
      dataKey: this.dataKey,
      accessLogs,
      reportingTimeZone: props.config.reportingTimeZone,
    });
    this.quicksight = props.config.quicksight
      ? new FinanceQuickSight(this, 'FinanceQuickSight', {
          namePrefix,
          principalArn: props.config.quicksight.principalArn,
          lake: this.lake,
          databaseName: lakeDatabaseName(props.config.stage),
          reportingTimeZone: props.config.reportingTimeZone,
        })
      : undefined;

    this.letters = new LettersBucket(this, 'Letters', { dataKey: this.dataKey, accessLogs });
    this.messages = new MessagesBucket(this, 'Messages', { dataKey: this.dataKey, accessLogs });
    // Always there (it costs nothing empty): SES receiving writes into it once a reply domain is configured.
    this.replies = new RepliesBucket(this, 'Replies', { namePrefix, accessLogs });

    // A keyring {"current": kid, kid: key}: rotation adds a kid and keeps the old one while links live.
    // Replacing it would invalidate every pay link already sent, hence here and retained.
    this.linkSecret = keyringSecret(
      this,
      'LinkSigningKeys',
      'Keyring that signs and verifies hosted pay links',
      'until every link it signed expires (120 days)',
    );

    this.erpTokens = new ErpTokenIssuer(this, 'ErpAuth', {
      namePrefix,
      authDomainPrefix: authDomainPrefix ?? `${namePrefix}-${this.account}`,
    });

    this.consoleUsers = new ConsoleUsers(this, 'ConsoleUsers', {
      namePrefix,
      domainPrefix: props.config.consoleDomainPrefix ?? `${namePrefix}-people-${this.account}`,
    });

    new CfnOutput(this, 'TokenUrl', { value: this.erpTokens.tokenUrl, description: 'OAuth2 token endpoint (client credentials)' });
    new CfnOutput(this, 'ErpClientId', {
      value: this.erpTokens.erpClient.userPoolClientId,
      description: 'ERP client id; read its secret with aws cognito-idp describe-user-pool-client',
    });
    new CfnOutput(this, 'UserPoolId', { value: this.erpTokens.userPool.userPoolId });
    new CfnOutput(this, 'ConsoleUserPoolId', {
      value: this.consoleUsers.userPool.userPoolId,
      description: 'Invite people with aws cognito-idp admin-create-user, then admin-add-user-to-group finance or collector',
    });
    new CfnOutput(this, 'LettersBucket', {
      value: this.letters.bucket.bucketName,
      description: 'Letters to print and post (<date>/<id>.html, envelope .json): give your print-and-post service read access',
    });
    new CfnOutput(this, 'AthenaWorkGroup', { value: this.lake.workGroupName, description: 'Run the finance named queries here' });
    new CfnOutput(this, 'LakeDatabase', { value: this.lake.databaseName, description: 'Glue database of the finance lake tables' });
  }
}
