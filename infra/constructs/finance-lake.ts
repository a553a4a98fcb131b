import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnNamedQuery, CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { INVOICE_EVENTS_TABLE, invoiceEventColumns, type LakeColumn, type LakeColumnType, PARTITION_COLUMN } from '#contracts/lake.ts';
import { reportQueries, reportSql } from '#contracts/report-queries.ts';
import { spelledFor } from './kept-bucket.ts';

/** The Glue database of a stage: `dunwell_<stage>` (Athena names take no dashes). */
export function lakeDatabaseName(stage: string): string {
  return `dunwell_${stage.replaceAll('-', '_')}`;
}

/** Every lake table, with the columns its Parquet files carry (besides the `dt` partition). */
export const lakeTables: readonly { readonly name: string; readonly description: string; readonly columns: readonly LakeColumn[] }[] = [
  {
    name: INVOICE_EVENTS_TABLE,
    description: 'One row per invoice timeline event; de-duplicate by event_id (compaction does, the stream may repeat a row)',
    columns: invoiceEventColumns,
  },
];

/** How a lake column type is declared in Glue (Hive DDL type names). */
const glueType: Record<LakeColumnType, string> = { string: 'string', int: 'int', bigint: 'bigint', timestamp: 'timestamp' };

/**
 * The first day partition projection knows. Rows are partitioned by the date they were recorded
 * (`at`), and nothing in Dunwell was recorded before it; widen it only for data imported from elsewhere.
 */
export const LAKE_FIRST_DAY = '2020-01-01';

/** Athena stops (and bills no further) a query that would scan more than this. */
export const BYTES_SCANNED_CUTOFF = 10 * 1024 ** 3;

export interface FinanceLakeProps {
  readonly namePrefix: string;
  readonly stage: string;
  /** Holds the Parquet tables under `<table>/dt=YYYY-MM-DD/`. */
  readonly bucket: IBucket;
  /** Encrypts the lake, and here the query results too. */
  readonly dataKey: IKey;
  /** Where the results bucket's server access logs go. */
  readonly accessLogs: IBucket;
  /** Substituted into every named query (API.md "Reports": a reporting day is a day in this zone). */
  readonly reportingTimeZone: string;
}

/**
 * The query side of the finance lake: the Glue database and tables over the Parquet files (partition
 * projection, so no crawler and no partition to register), an Athena workgroup that enforces
 * where results go and how they are encrypted, its results bucket, and one named query per report.
 * Nothing here is written to at run time except the results bucket: the projector writes the
 * files, and the tables only describe them.
 */
export class FinanceLake extends Construct {
  readonly bucket: IBucket;
  readonly dataKey: IKey;
  readonly resultsBucket: Bucket;
  readonly database: CfnDatabase;
  /** The Glue database name (a reference, so users of it depend on it). */
  readonly databaseName: string;
  readonly tables: readonly CfnTable[];
  /** Table names as Athena sees them, for grants naming each table. */
  readonly tableNames: readonly string[];
  readonly workGroup: CfnWorkGroup;
  /** The workgroup name (a reference). */
  readonly workGroupName: string;
  readonly namedQueries: readonly CfnNamedQuery[];

  constructor(scope: Construct, id: string, props: FinanceLakeProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.bucket = props.bucket;
    this.dataKey = props.dataKey;

    this.resultsBucket = new Bucket(this, 'QueryResults', {
      encryption: BucketEncryption.KMS,
      encryptionKey: props.dataKey,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'athena-results/',
      // Results are a cache of a query over the lake: they can always be produced again.
      lifecycleRules: [{ expiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.database = new CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: lakeDatabaseName(props.stage),
        description: `Dunwell finance lake (${props.namePrefix}): Parquet tables in s3://${props.bucket.bucketName}/`,
      },
    });
    this.databaseName = this.database.ref;

    this.tables = lakeTables.map((table) => {
      const location = `s3://${props.bucket.bucketName}/${table.name}/`;
      const cfnTable = new CfnTable(this, `Table-${table.name}`, {
        catalogId: stack.account,
        databaseName: this.databaseName,
        tableInput: {
          name: table.name,
          description: table.description,
          tableType: 'EXTERNAL_TABLE',
          parameters: {
            EXTERNAL: 'TRUE',
            classification: 'parquet',
            // Partition projection: Athena computes the partitions from these, so a new day needs
            // neither a crawler nor MSCK REPAIR, and an empty day is simply no files.
            'projection.enabled': 'true',
            [`projection.${PARTITION_COLUMN}.type`]: 'date',
            [`projection.${PARTITION_COLUMN}.format`]: 'yyyy-MM-dd',
            [`projection.${PARTITION_COLUMN}.range`]: `${LAKE_FIRST_DAY},NOW`,
            [`projection.${PARTITION_COLUMN}.interval`]: '1',
            [`projection.${PARTITION_COLUMN}.interval.unit`]: 'DAYS',
            'storage.location.template': `${location}${PARTITION_COLUMN}=\${${PARTITION_COLUMN}}/`,
          },
          partitionKeys: [{ name: PARTITION_COLUMN, type: 'string', comment: 'UTC date the row was recorded, YYYY-MM-DD' }],
          storageDescriptor: {
            location,
            columns: table.columns.map((column) => ({ name: column.name, type: glueType[column.type], comment: column.comment })),
            inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            serdeInfo: {
              serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
              parameters: { 'serialization.format': '1' },
            },
          },
        },
      });
      cfnTable.node.addDependency(this.database);
      return cfnTable;
    });
    this.tableNames = lakeTables.map((table) => table.name);

    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: `${props.namePrefix}-finance`,
      description: 'Dunwell finance reports over the lake: results encrypted with the data key, settings enforced',
      state: 'ENABLED',
      // A workgroup that still holds named queries is only deleted with them.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        // Clients cannot choose another result location or drop the encryption.
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: BYTES_SCANNED_CUTOFF,
        requesterPaysEnabled: false,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.dataKey.keyArn },
          expectedBucketOwner: stack.account,
        },
      },
    });
    this.workGroupName = this.workGroup.ref;

    this.namedQueries = reportQueries.map((report) => {
      const query = new CfnNamedQuery(this, `Query-${report.name}`, {
        name: report.name,
        description: [report.description, report.parameters.length > 0 ? `Parameters (in order): ${report.parameters.join(', ')}.` : '']
          .filter(Boolean)
          .join(' ')
          .slice(0, 1024),
        database: this.databaseName,
        workGroup: this.workGroupName,
        queryString: reportSql(report.name, props.reportingTimeZone),
      });
      query.node.addDependency(this.workGroup, this.database);
      return query;
    });
  }

  /** The objects of every lake table (what the exporters write and a query reads), as `scope`'s stack names them. */
  tableObjectArns(scope: Construct): string[] {
    const bucketArn = this.arnFrom(scope, this.bucket.bucketArn);
    return this.tableNames.map((table) => `${bucketArn}/${table}/*`);
  }

  /** Every query result (Athena names them by query id, at the root of the results bucket), as `scope`'s stack names them. */
  resultObjectArns(scope: Construct): string {
    return `${this.arnFrom(scope, this.resultsBucket.bucketArn)}/*`;
  }

  /**
   * An ARN of this stack as another stack's template will spell it: the same export CDK makes
   * for any cross-stack reference, imported explicitly, so a cdk-nag acknowledgement of a
   * wildcard under it names exactly what the finding names.
   */
  private arnFrom(scope: Construct, arn: string): string {
    return spelledFor(this, scope, arn);
  }

  /** The Glue catalog, database and table ARNs a query over the lake reads, as seen from `scope`'s stack. */
  catalogArns(scope: Construct): string[] {
    const stack = Stack.of(scope);
    return [
      stack.formatArn({ service: 'glue', resource: 'catalog' }),
      stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
      ...this.tableNames.map((table) =>
        stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${this.databaseName}/${table}` }),
      ),
    ];
  }

  /** The workgroup's ARN, as seen from `scope`'s stack. */
  workGroupArn(scope: Construct): string {
    return Stack.of(scope).formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroupName });
  }

  /**
   * What running the report queries takes, and nothing more: queries in this workgroup only, the
   * lake's Glue entries, reading the lake's table objects, the workgroup's results (Athena reads
   * and writes S3 with the caller's credentials), and the data key that encrypts both buckets.
   * No Glue write, no lake write: a query cannot change the data it reports on.
   */
  queryStatements(scope: Construct): PolicyStatement[] {
    return [
      new PolicyStatement({
        sid: 'QueriesInTheFinanceWorkGroup',
        actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution'],
        resources: [this.workGroupArn(scope)],
      }),
      new PolicyStatement({
        sid: 'LakeCatalog',
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'],
        resources: this.catalogArns(scope),
      }),
      new PolicyStatement({
        sid: 'ReadLakeTables',
        actions: ['s3:GetObject'],
        resources: this.tableObjectArns(scope),
      }),
      new PolicyStatement({
        sid: 'ListLakeAndResults',
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resources: [this.bucket.bucketArn, this.resultsBucket.bucketArn],
      }),
      new PolicyStatement({
        sid: 'QueryResults',
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [this.resultObjectArns(scope)],
      }),
      new PolicyStatement({
        sid: 'QueryResultUploads',
        actions: ['s3:ListBucketMultipartUploads'],
        resources: [this.resultsBucket.bucketArn],
      }),
      new PolicyStatement({
        sid: 'DataKey',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [this.dataKey.keyArn],
      }),
    ];
  }
}
