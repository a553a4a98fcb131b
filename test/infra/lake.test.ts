import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { encodeParquet } from '#adapters/lake-parquet.ts';
import { FunctionName } from '#contracts/functions.ts';
import { INVOICE_EVENTS_TABLE, type InvoiceEventRow, invoiceEventColumns, partitionPrefix } from '#contracts/lake.ts';
import { boundReportSql, REPORTING_TIME_ZONE_TOKEN, reportQueries, reportQuery, reportSql } from '#contracts/report-queries.ts';
import { KPI_SUM_COLUMNS } from '#domain/finance-reports.ts';
import { BYTES_SCANNED_CUTOFF } from '../../infra/constructs/finance-lake.ts';
import {
  DATA_SET_OWNER_ACTIONS,
  DATA_SOURCE_OWNER_ACTIONS,
  LAKE_DATABASE_TOKEN,
  quicksightDataSets,
  quicksightSql,
} from '../../infra/constructs/finance-quicksight.ts';
import { LAKE_PROJECTOR_MAX_LAG } from '../../infra/constructs/operations-alarms.ts';
import {
  type CfnResource,
  cfnText,
  functionLogicalId,
  type Grant,
  grantsOfRole,
  importedValue,
  onlyResourceOf,
  resourcesOf,
  roleOfFunction,
  statementsOf,
  synthDunwell,
  variablesOfResource,
} from './synth.ts';

const principalArn = 'arn:aws:quicksight:us-east-1:123456789012:group/default/finance';
const { templates } = synthDunwell();
const { stateful, stateless } = templates;
const catalogue = Object.values(FunctionName);

const logicalId = (template: Template, type: string, prefix: string) => {
  const ids = Object.keys(resourcesOf(template, type)).filter((id) => id.startsWith(prefix));
  assert.equal(ids.length, 1, `one ${type} ${prefix}`);
  return ids[0] as string;
};
const tableId = onlyResourceOf(stateful, 'AWS::DynamoDB::Table');
const dataKeyId = logicalId(stateful, 'AWS::KMS::Key', 'DataKey');
const lakeBucketId = logicalId(stateful, 'AWS::S3::Bucket', 'FinanceExports');
const resultsBucketId = logicalId(stateful, 'AWS::S3::Bucket', 'FinanceLakeQueryResults');
const databaseId = onlyResourceOf(stateful, 'AWS::Glue::Database');
const workGroupId = onlyResourceOf(stateful, 'AWS::Athena::WorkGroup');
const bucketArnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

const grantsOf = (name: FunctionName, template = stateless) => grantsOfRole(template, roleOfFunction(template, name));
const functionsWith = (predicate: (grant: Grant) => boolean) => catalogue.filter((name) => grantsOf(name).some(predicate)).sort();

/**
 * A grant's resource as the stateful stack names it: `Fn::ImportValue`s replaced by the exported
 * value, so a resource in the stateless stack compares with the stateful resource it names.
 */
function inStateful(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(inStateful);
  if (value && typeof value === 'object') {
    if ('Fn::ImportValue' in value) return importedValue(stateful, value);
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, inStateful(inner)]));
  }
  return value;
}
const resourceText = (grant: Grant) => cfnText(inStateful(grant.resource));
const joined = (...parts: unknown[]) => cfnText({ 'Fn::Join': ['', parts] });
const lakeObjects = joined(bucketArnOf(lakeBucketId), `/${INVOICE_EVENTS_TABLE}/*`);
const resultObjects = joined(bucketArnOf(resultsBucketId), '/*');

describe('the table stream and its projector', () => {
  test('the table streams new and old images', () => {
    assert.deepEqual(resourcesOf(stateful)[tableId]?.Properties?.StreamSpecification, { StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });

  const mappings = Object.values(resourcesOf(stateless, 'AWS::Lambda::EventSourceMapping')).filter(
    (mapping) => cfnText(inStateful(mapping.Properties?.EventSourceArn)) === cfnText({ 'Fn::GetAtt': [tableId, 'StreamArn'] }),
  );

  test('export-events alone reads the stream: from the trim horizon, in big batches, one batch per shard at a time', () => {
    assert.equal(mappings.length, 1);
    const mapping = mappings[0]?.Properties ?? {};
    assert.deepEqual(mapping.FunctionName, { Ref: functionLogicalId(stateless, FunctionName.exportEvents) });
    assert.equal(mapping.StartingPosition, 'TRIM_HORIZON');
    assert.equal(mapping.BatchSize, 1000);
    assert.equal(mapping.MaximumBatchingWindowInSeconds, 60);
    assert.equal(mapping.ParallelizationFactor, 1);
  });

  test('only invoice items reach the projector (the stream also carries customers, tasks and ledgers)', () => {
    const mapping = mappings[0]?.Properties ?? {};
    const patterns = (mapping.FilterCriteria as { Filters: { Pattern: string }[] }).Filters.map((filter) => JSON.parse(filter.Pattern));
    assert.deepEqual(patterns, [{ dynamodb: { Keys: { sk: { S: ['INVOICE'] } } } }]);
  });

  test('a failed batch is retried whole, never bisected, until its records expire, and then reported to an alarmed queue', () => {
    const mapping = mappings[0]?.Properties ?? {};
    // Object keys come from the batch's first sequence number: a bisected retry would re-key rows.
    assert.equal(mapping.BisectBatchOnFunctionError, false);
    assert.equal(mapping.MaximumRetryAttempts, -1);
    assert.ok(mapping.MaximumRecordAgeInSeconds === undefined || mapping.MaximumRecordAgeInSeconds === -1, 'no age cutoff');
    assert.equal(mapping.FunctionResponseTypes, undefined, 'no partial batch response: the batch is the unit');
    const destination = (mapping.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure.Destination;
    const queueId = logicalId(stateless, 'AWS::SQS::Queue', 'ExportEventsDeadLetters');
    assert.deepEqual(destination, { 'Fn::GetAtt': [queueId, 'Arn'] });
    const alarmed = Object.values(resourcesOf(stateless, 'AWS::CloudWatch::Alarm')).filter((alarm) =>
      JSON.stringify(alarm.Properties?.Dimensions ?? []).includes(`"${queueId}"`),
    );
    assert.equal(alarmed.length, 1);
    assert.equal(alarmed[0]?.Properties?.Threshold, 1);
  });

  test('an alarm fires when the projector falls an hour behind the stream', () => {
    const alarm = Object.values(resourcesOf(stateless, 'AWS::CloudWatch::Alarm')).find(
      (candidate) => candidate.Properties?.MetricName === 'IteratorAge',
    )?.Properties;
    assert.ok(alarm);
    assert.equal(alarm.AlarmName, 'dunwell-dev-lake-projector-behind');
    assert.equal(alarm.Namespace, 'AWS/Lambda');
    assert.deepEqual(alarm.Dimensions, [{ Name: 'FunctionName', Value: { Ref: functionLogicalId(stateless, FunctionName.exportEvents) } }]);
    assert.equal(alarm.Statistic, 'Maximum');
    assert.equal(alarm.Threshold, LAKE_PROJECTOR_MAX_LAG.toMilliseconds());
    assert.ok(LAKE_PROJECTOR_MAX_LAG.toHours() < 24, 'well before stream records expire');
  });
});

describe('least privilege on the lake', () => {
  const isLakeObject = (grant: Grant) => resourceText(grant) === lakeObjects;

  test('only export-events reads the stream, only on the table stream', () => {
    assert.deepEqual(
      functionsWith((grant) => grant.action === 'dynamodb:GetRecords'),
      [FunctionName.exportEvents],
    );
    const streamGrants = grantsOf(FunctionName.exportEvents).filter((grant) => grant.action.startsWith('dynamodb:'));
    assert.deepEqual(streamGrants.map((grant) => grant.action).sort(), [
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ]);
    for (const grant of streamGrants) assert.equal(resourceText(grant), cfnText({ 'Fn::GetAtt': [tableId, 'StreamArn'] }));
  });

  test('only export-backfill may Scan, and only the base table (which it also queries, for timeline chunks)', () => {
    assert.deepEqual(
      functionsWith((grant) => grant.action === 'dynamodb:Scan'),
      [FunctionName.exportBackfill],
    );
    const scans = grantsOf(FunctionName.exportBackfill).filter((grant) => grant.action.startsWith('dynamodb:'));
    assert.deepEqual(
      scans.map((grant) => [grant.action, resourceText(grant)]),
      [
        ['dynamodb:Query', cfnText(bucketArnOf(tableId))],
        ['dynamodb:Scan', cfnText(bucketArnOf(tableId))],
      ],
    );
  });

  test('the exporters write the lake and nothing else: objects of its tables, listing under them, the data key', () => {
    const writers = [FunctionName.exportBackfill, FunctionName.exportCompact, FunctionName.exportEvents].sort();
    assert.deepEqual(
      functionsWith((grant) => grant.action === 's3:PutObject' && isLakeObject(grant)),
      writers,
    );
    assert.deepEqual(
      functionsWith((grant) => grant.action === 's3:DeleteObject'),
      writers,
    );
    for (const name of writers) {
      const s3 = grantsOf(name).filter((grant) => grant.action.startsWith('s3:'));
      for (const grant of s3.filter((g) => g.action !== 's3:ListBucket')) assert.equal(resourceText(grant), lakeObjects, name);
      const lists = s3.filter((grant) => grant.action === 's3:ListBucket');
      assert.deepEqual(
        lists.map((grant) => [resourceText(grant), grant.condition]),
        [[cfnText(bucketArnOf(lakeBucketId)), { StringLike: { 's3:prefix': [`${INVOICE_EVENTS_TABLE}/*`] } }]],
        name,
      );
      for (const grant of grantsOf(name).filter((g) => g.action.startsWith('kms:'))) {
        assert.equal(resourceText(grant), cfnText(bucketArnOf(dataKeyId)), name);
      }
      const writes = grantsOf(name).filter((grant) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(grant.action));
      assert.deepEqual(writes, [], `${name} never writes the table`);
    }
  });

  test('reports-api reads the lake, never writes or deletes it', () => {
    const grants = grantsOf(FunctionName.reportsApi);
    const onLake = grants.filter(isLakeObject);
    assert.deepEqual(onLake.map((grant) => grant.action).sort(), ['s3:GetObject']);
    for (const grant of grants.filter((g) => /^s3:(Put|Delete|Abort)/.test(g.action))) {
      assert.equal(resourceText(grant), resultObjects, `${grant.action} only on query results`);
    }
    assert.ok(grants.some((grant) => grant.action === 's3:PutObject' && resourceText(grant) === resultObjects));
    assert.ok(!grants.some((grant) => grant.action === 's3:DeleteObject'));
  });

  test('reports-api runs queries only in the finance workgroup and reads only the lake catalog entries', () => {
    const grants = grantsOf(FunctionName.reportsApi);
    const athena = grants.filter((grant) => grant.action.startsWith('athena:'));
    assert.deepEqual([...new Set(athena.map((grant) => grant.action))].sort(), [
      'athena:GetQueryExecution',
      'athena:GetQueryResults',
      'athena:StartQueryExecution',
      'athena:StopQueryExecution',
    ]);
    for (const grant of athena) {
      assert.match(resourceText(grant), /:workgroup\/",\{"Ref":"FinanceLakeWorkGroup[0-9A-F]+"\}\]\]\}$/);
    }
    const glue = grants.filter((grant) => grant.action.startsWith('glue:'));
    assert.ok(glue.every((grant) => /^glue:Get(Database|Table|Tables|Partition|Partitions)$/.test(grant.action)));
    const glueResources = [...new Set(glue.map(resourceText))].sort();
    assert.deepEqual(
      glueResources,
      [
        joined('arn:', { Ref: 'AWS::Partition' }, ':glue:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':catalog'),
        joined('arn:', { Ref: 'AWS::Partition' }, ':glue:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':database/', {
          Ref: databaseId,
        }),
        joined(
          'arn:',
          { Ref: 'AWS::Partition' },
          ':glue:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':table/',
          { Ref: databaseId },
          '/invoice_events',
        ),
      ].sort(),
    );
  });

  test('no function but the reports API and the console (its dashboard) may query Athena or read the Glue catalog', () => {
    assert.deepEqual(
      functionsWith((grant) => /^(athena|glue):/.test(grant.action)),
      [FunctionName.console, FunctionName.reportsApi].sort(),
    );
  });

  test('each lake function gets the variables naming what it may touch', () => {
    const variables = (name: FunctionName) => variablesOfResource(resourcesOf(stateless)[functionLogicalId(stateless, name)]);
    for (const name of [FunctionName.exportEvents, FunctionName.exportCompact, FunctionName.exportBackfill]) {
      assert.equal(cfnText(inStateful(variables(name).DUNWELL_EXPORT_BUCKET_NAME)), cfnText({ Ref: lakeBucketId }), name);
    }
    const reports = variables(FunctionName.reportsApi);
    assert.equal(cfnText(inStateful(reports.DUNWELL_ATHENA_WORKGROUP)), cfnText({ Ref: workGroupId }));
    assert.equal(cfnText(inStateful(reports.DUNWELL_LAKE_DATABASE)), cfnText({ Ref: databaseId }));
    assert.equal(reports.DUNWELL_REPORTING_TIME_ZONE, 'UTC');
  });

  test('sizing: the backfill may run 15 minutes, compaction minutes with memory, reports within the HTTP API limit', () => {
    const props = (name: FunctionName) => resourcesOf(stateless)[functionLogicalId(stateless, name)]?.Properties ?? {};
    assert.equal(props(FunctionName.exportBackfill).Timeout, 900);
    assert.ok((props(FunctionName.exportBackfill).MemorySize as number) >= 1024);
    assert.ok((props(FunctionName.exportCompact).Timeout as number) >= 120);
    assert.ok((props(FunctionName.exportCompact).MemorySize as number) >= 1024);
    assert.equal(props(FunctionName.reportsApi).Timeout, 29);
  });
});

describe('buckets', () => {
  test('the lake bucket keeps its data: Intelligent-Tiering, no expiry of current objects, stale uploads aborted', () => {
    const lifecycle = resourcesOf(stateful)[lakeBucketId]?.Properties?.LifecycleConfiguration as { Rules: Record<string, unknown>[] };
    const rules = lifecycle.Rules;
    assert.ok(rules.length > 0);
    for (const rule of rules) {
      assert.equal(rule.ExpirationInDays, undefined, 'current objects never expire');
      assert.equal(rule.ExpirationDate, undefined);
    }
    assert.ok(
      rules.some((rule) =>
        (rule.Transitions as { StorageClass: string }[] | undefined)?.some((t) => t.StorageClass === 'INTELLIGENT_TIERING'),
      ),
    );
    assert.ok(rules.some((rule) => rule.AbortIncompleteMultipartUpload !== undefined));
  });

  test('the Athena results bucket: the data key, no public access, TLS only, access-logged, results expire', () => {
    const bucket = resourcesOf(stateful)[resultsBucketId] as CfnResource & { DeletionPolicy?: string };
    const props = bucket.Properties ?? {};
    assert.deepEqual(props.BucketEncryption, {
      ServerSideEncryptionConfiguration: [
        { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { KMSMasterKeyID: bucketArnOf(dataKeyId), SSEAlgorithm: 'aws:kms' } },
      ],
    });
    assert.deepEqual(props.PublicAccessBlockConfiguration, {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    assert.deepEqual(props.LoggingConfiguration, {
      DestinationBucketName: { Ref: logicalId(stateful, 'AWS::S3::Bucket', 'ExportAccessLogs') },
      LogFilePrefix: 'athena-results/',
    });
    const rules = (props.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    assert.ok(rules.some((rule) => typeof rule.ExpirationInDays === 'number' && rule.ExpirationInDays <= 90));
    const policy = Object.values(resourcesOf(stateful, 'AWS::S3::BucketPolicy')).find(
      (candidate) => cfnText(candidate.Properties?.Bucket) === cfnText({ Ref: resultsBucketId }),
    );
    assert.ok(
      statementsOf(policy).some(
        (s) => s.Effect === 'Deny' && JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
      ),
    );
  });
});

describe('Glue catalog', () => {
  const table = Object.values(resourcesOf(stateful, 'AWS::Glue::Table'))[0]?.Properties ?? {};
  const input = table.TableInput as Record<string, unknown> & {
    Parameters: Record<string, unknown>;
    StorageDescriptor: Record<string, unknown> & { Columns: unknown[]; SerdeInfo: Record<string, unknown> };
  };

  test('database dunwell_<stage>, dashes made underscores', () => {
    stateful.hasResourceProperties('AWS::Glue::Database', {
      CatalogId: { Ref: 'AWS::AccountId' },
      DatabaseInput: Match.objectLike({ Name: 'dunwell_dev' }),
    });
  });

  test('invoice_events: an external Parquet table whose columns are invoiceEventColumns, partitioned by dt', () => {
    assert.equal(Object.keys(resourcesOf(stateful, 'AWS::Glue::Table')).length, 1);
    assert.deepEqual(table.DatabaseName, { Ref: databaseId });
    assert.equal(input.Name, INVOICE_EVENTS_TABLE);
    assert.equal(input.TableType, 'EXTERNAL_TABLE');
    assert.deepEqual(
      input.StorageDescriptor.Columns,
      invoiceEventColumns.map((column) => ({ Name: column.name, Type: column.type, Comment: column.comment })),
    );
    assert.deepEqual(input.PartitionKeys, [{ Name: 'dt', Type: 'string', Comment: 'UTC date the row was recorded, YYYY-MM-DD' }]);
    assert.equal(cfnText(input.StorageDescriptor.Location), joined('s3://', { Ref: lakeBucketId }, '/invoice_events/'));
    assert.equal(input.StorageDescriptor.InputFormat, 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat');
    assert.equal(input.StorageDescriptor.OutputFormat, 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat');
    assert.equal(input.StorageDescriptor.SerdeInfo.SerializationLibrary, 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
  });

  test('partition projection by day: no crawler, no partitions to register', () => {
    const { 'storage.location.template': template, ...projection } = input.Parameters;
    assert.deepEqual(projection, {
      EXTERNAL: 'TRUE',
      classification: 'parquet',
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': '2020-01-01,NOW',
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
    });
    // The projector's keys: invoice_events/dt=YYYY-MM-DD/<file>; Athena fills in ${dt}.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's placeholder, not a template
    const projected = partitionPrefix(INVOICE_EVENTS_TABLE, '${dt}');
    assert.equal(cfnText(template), joined('s3://', { Ref: lakeBucketId }, `/${projected}`));
    stateful.resourceCountIs('AWS::Glue::Crawler', 0);
  });

  test('a stage with dashes gets underscores in its database name', () => {
    const other = synthDunwell({ stage: 'qa-eu' }).templates.stateful;
    other.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'dunwell_qa_eu' } });
  });
});

describe('Athena', () => {
  const workGroup = resourcesOf(stateful)[workGroupId]?.Properties ?? {};
  const configuration = workGroup.WorkGroupConfiguration as Record<string, unknown> & { ResultConfiguration: Record<string, unknown> };

  test('the finance workgroup: enforced, results encrypted with the data key in the results bucket, scans capped', () => {
    assert.equal(workGroup.Name, 'dunwell-dev-finance');
    assert.equal(configuration.EnforceWorkGroupConfiguration, true);
    assert.equal(configuration.PublishCloudWatchMetricsEnabled, true);
    assert.equal(configuration.BytesScannedCutoffPerQuery, BYTES_SCANNED_CUTOFF);
    assert.ok(BYTES_SCANNED_CUTOFF <= 100 * 1024 ** 3);
    assert.deepEqual(configuration.EngineVersion, { SelectedEngineVersion: 'Athena engine version 3' });
    assert.deepEqual(configuration.ResultConfiguration.EncryptionConfiguration, {
      EncryptionOption: 'SSE_KMS',
      KmsKey: bucketArnOf(dataKeyId),
    });
    assert.equal(cfnText(configuration.ResultConfiguration.OutputLocation), joined('s3://', { Ref: resultsBucketId }, '/'));
  });

  test('one named query per report, in the workgroup and database, with the reporting zone written in', () => {
    const queries = Object.values(resourcesOf(stateful, 'AWS::Athena::NamedQuery')).map((query) => query.Properties ?? {});
    assert.deepEqual(queries.map((query) => query.Name).sort(), reportQueries.map((report) => report.name).sort());
    for (const query of queries) {
      assert.deepEqual(query.WorkGroup, { Ref: workGroupId });
      assert.deepEqual(query.Database, { Ref: databaseId });
      assert.equal(query.QueryString, reportSql(query.Name as (typeof reportQueries)[number]['name'], 'UTC'));
    }
  });

  test('another reporting zone reaches every named query', () => {
    const other = synthDunwell({ reportingTimeZone: 'Europe/Berlin' }).templates.stateful;
    const queries = Object.values(resourcesOf(other, 'AWS::Athena::NamedQuery')).map((query) => query.Properties ?? {});
    assert.equal(queries.length, reportQueries.length);
    for (const query of queries) {
      const text = query.QueryString as string;
      assert.ok(!text.includes(REPORTING_TIME_ZONE_TOKEN), `${query.Name} has no token left`);
      assert.match(text, /AT TIME ZONE 'Europe\/Berlin'/, `${query.Name} counts days in Berlin`);
      assert.doesNotMatch(text, /AT TIME ZONE 'UTC'/);
    }
  });
});

describe('daily compaction', () => {
  test('a daily cron in the maintenance group invokes export-compact, with retries and an alarmed DLQ', () => {
    const schedule = Object.values(resourcesOf(stateless, 'AWS::Scheduler::Schedule')).find(
      (candidate) => candidate.Properties?.Name === 'dunwell-dev-daily-lake-compaction',
    )?.Properties;
    assert.ok(schedule);
    assert.equal(schedule.GroupName, 'dunwell-dev-maintenance');
    assert.match(schedule.ScheduleExpression as string, /^cron\(/);
    assert.equal(schedule.State, 'ENABLED');
    const target = schedule.Target as Record<string, unknown>;
    assert.deepEqual(target.Arn, { 'Fn::GetAtt': [functionLogicalId(stateless, FunctionName.exportCompact), 'Arn'] });
    assert.equal(target.Input, '{}', 'the default partitions: yesterday and today');
    assert.ok(target.RetryPolicy);
    const deadLetters = logicalId(stateless, 'AWS::SQS::Queue', 'DailyLakeCompactionDeadLetters');
    assert.deepEqual(target.DeadLetterConfig, { Arn: { 'Fn::GetAtt': [deadLetters, 'Arn'] } });
    const roleId = (target.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    assert.deepEqual(
      grantsOfRole(stateless, roleId).map((grant) => grant.action),
      ['lambda:InvokeFunction', 'sqs:SendMessage'],
    );
  });

  test('a failed compaction raises an alarm', () => {
    const alarm = Object.values(resourcesOf(stateless, 'AWS::CloudWatch::Alarm')).find(
      (candidate) => candidate.Properties?.AlarmName === 'dunwell-dev-lake-compaction-failed',
    )?.Properties;
    assert.ok(alarm);
    assert.equal(alarm.MetricName, 'Errors');
    assert.deepEqual(alarm.Dimensions, [
      { Name: 'FunctionName', Value: { Ref: functionLogicalId(stateless, FunctionName.exportCompact) } },
    ]);
    assert.equal(alarm.Threshold, 1);
  });
});

describe('QuickSight', () => {
  const quicksightTypes = (template: Template) =>
    Object.values(resourcesOf(template)).filter((resource) => resource.Type.startsWith('AWS::QuickSight::'));

  test('nothing QuickSight when the config names no principal', () => {
    assert.deepEqual(quicksightTypes(stateful), []);
    assert.deepEqual(quicksightTypes(stateless), []);
    assert.ok(!JSON.stringify(stateful.toJSON()).includes('quicksight.amazonaws.com'));
  });

  const built = synthDunwell({ quicksight: { principalArn }, reportingTimeZone: 'Europe/Berlin' });
  const template = built.templates.stateful;

  test('with a principal: an Athena data source on the finance workgroup, owned by it, over SSL, as its own role', () => {
    const sources = Object.values(resourcesOf(template, 'AWS::QuickSight::DataSource'));
    assert.equal(sources.length, 1);
    const source = sources[0]?.Properties ?? {};
    assert.equal(source.Type, 'ATHENA');
    assert.equal(source.DataSourceId, 'dunwell-dev-finance-lake');
    const athena = (source.DataSourceParameters as { AthenaParameters: Record<string, unknown> }).AthenaParameters;
    assert.deepEqual(athena.WorkGroup, { Ref: onlyResourceOf(template, 'AWS::Athena::WorkGroup') });
    assert.deepEqual(source.SslProperties, { DisableSsl: false });
    assert.deepEqual(source.Permissions, [{ Principal: principalArn, Actions: [...DATA_SOURCE_OWNER_ACTIONS] }]);

    const roleId = (athena.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const trust = statementsOf(resourcesOf(template)[roleId], 'AssumeRolePolicyDocument');
    assert.deepEqual(
      trust.map((statement) => statement.Principal),
      [{ Service: 'quicksight.amazonaws.com' }],
    );
    // What reports-api may do, plus reading the workgroup's settings; never writing the lake.
    const actions = new Set(grantsOfRole(template, roleId).map((grant) => grant.action));
    const reportActions = new Set(grantsOf(FunctionName.reportsApi).map((grant) => grant.action));
    for (const action of actions) assert.ok(reportActions.has(action) || action === 'athena:GetWorkGroup', action);
    for (const grant of grantsOfRole(template, roleId).filter((g) => /^s3:(Put|Delete)/.test(g.action))) {
      assert.doesNotMatch(cfnText(grant.resource), /FinanceExports/);
    }
  });

  test('with a principal: three direct-query data sets of custom SQL, owned by it', () => {
    const dataSets = Object.values(resourcesOf(template, 'AWS::QuickSight::DataSet')).map((dataSet) => dataSet.Properties ?? {});
    assert.deepEqual(dataSets.map((dataSet) => dataSet.DataSetId).sort(), [
      'dunwell-dev-aging',
      'dunwell-dev-invoice-events',
      'dunwell-dev-kpis-monthly',
    ]);
    const sourceId = onlyResourceOf(template, 'AWS::QuickSight::DataSource');
    for (const dataSet of dataSets) {
      assert.equal(dataSet.ImportMode, 'DIRECT_QUERY');
      assert.deepEqual(dataSet.Permissions, [{ Principal: principalArn, Actions: [...DATA_SET_OWNER_ACTIONS] }]);
      const tables = Object.values(dataSet.PhysicalTableMap as Record<string, { CustomSql: Record<string, unknown> }>);
      assert.equal(tables.length, 1);
      const sql = tables[0]?.CustomSql ?? {};
      assert.deepEqual(sql.DataSourceArn, { 'Fn::GetAtt': [sourceId, 'Arn'] });
      const text = sql.SqlQuery as string;
      assert.match(text, /\bdunwell_dev\.invoice_events\b/);
      assert.match(text, /AT TIME ZONE 'Europe\/Berlin'/);
      assert.ok(!text.includes(LAKE_DATABASE_TOKEN) && !text.includes(REPORTING_TIME_ZONE_TOKEN), 'no token left');
      assert.doesNotMatch(text, /--|;/, 'no comment or semicolon inside the subquery QuickSight wraps it in');
      const definition = quicksightDataSets.find((candidate) => `dunwell-dev-${candidate.id}` === dataSet.DataSetId);
      assert.deepEqual(
        sql.Columns,
        definition?.columns.map((column) => ({ Name: column.name, Type: column.type })),
      );
    }
  });

  test("monthly KPIs: the reports API's kpis-by-period.sql with QuickSight's scope written in, nothing left over", () => {
    const kpis = quicksightDataSets.find((candidate) => candidate.id === 'kpis-monthly');
    assert.ok(kpis?.tokens);
    const api = reportQuery('kpis-by-month');
    assert.equal(kpis.file, `${api.file}.sql`, 'one SQL file for both');
    assert.deepEqual([kpis.tokens.PeriodUnit, kpis.tokens.PeriodStep], [api.tokens?.PeriodUnit, api.tokens?.PeriodStep]);
    assert.deepEqual(Object.keys(kpis.tokens).sort(), Object.keys(api.tokens ?? {}).sort(), 'the same tokens, other values');
    const sql = quicksightSql(kpis, 'dunwell_dev', 'Europe/Berlin');
    assert.doesNotMatch(sql, /\?/, 'no parameter: QuickSight passes none');
    assert.match(sql, /CAST\(current_timestamp AT TIME ZONE 'Europe\/Berlin' AS DATE\) AS today/);
    assert.match(sql, /CAST\(NULL AS DATE\) AS first_day, CAST\(NULL AS VARCHAR\) AS currency/, 'no lower bound, every currency');
    const misspelt = { ...kpis, tokens: { ...kpis.tokens, PeriodUnt: 'month' } };
    assert.throws(() => quicksightSql(misspelt, 'dunwell_dev', 'UTC'), /has no \$\{PeriodUnt\}/);
    const missing = { ...kpis, tokens: Object.fromEntries(Object.entries(kpis.tokens).filter(([name]) => name !== 'PeriodStep')) };
    assert.throws(() => quicksightSql(missing, 'dunwell_dev', 'UTC'), /still has \$\{PeriodStep\}/);
    assert.throws(() => quicksightSql(kpis, 'dunwell-dev', 'UTC'), /Glue database/);
    assert.throws(() => quicksightSql(kpis, 'dunwell_dev', "UTC'; --"), /IANA/);
  });

  test('cdk-nag has nothing unacknowledged with QuickSight on (synthesis would have thrown)', () => {
    assert.ok(built.stateful.node.tryFindChild('FinanceQuickSight'));
  });
});

/**
 * The QuickSight SQL really runs: DuckDB over Parquet files written by the lake's own writer, the
 * same SQL dialect subset Athena runs. Dates are relative to today, as the queries' are.
 */
describe('QuickSight SQL on a small lake', () => {
  const DAY = 86_400_000;
  const now = Date.now();
  const day = (offset: number) => new Date(now + offset * DAY).toISOString().slice(0, 10);
  const at = (offset: number) => `${day(offset)}T10:00:00.000Z`;
  let dir: string;
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  let results: Record<string, Record<string, unknown>[]>;
  let columnsOf: Record<string, string[]>;

  interface Invoice {
    readonly id: string;
    readonly currency: string;
    readonly amount: number;
    readonly issued: number;
    readonly due: number;
  }
  const seqs = new Map<string, number>();
  const row = (invoice: Invoice, offset: number, type: string, extra: Partial<InvoiceEventRow> = {}): InvoiceEventRow => {
    const seq = seqs.get(invoice.id) ?? 0;
    seqs.set(invoice.id, seq + 1);
    const base = Object.fromEntries(invoiceEventColumns.map((column) => [column.name, null])) as Record<string, string | number | null>;
    return {
      ...base,
      event_id: `${invoice.id}/${seq}`,
      invoice_id: invoice.id,
      seq,
      type,
      at: at(offset),
      customer_id: `C-${invoice.id}`,
      currency: invoice.currency,
      invoice_amount_minor: invoice.amount,
      issue_date: day(invoice.issued),
      due_date: day(invoice.due),
      detail: JSON.stringify({ type }),
      ...extra,
    } as InvoiceEventRow;
  };
  const overdue: Invoice = { id: 'INV-1', currency: 'EUR', amount: 100_000, issued: -50, due: -40 };
  const current: Invoice = { id: 'INV-2', currency: 'EUR', amount: 50_000, issued: -5, due: 25 };
  const voided: Invoice = { id: 'INV-3', currency: 'EUR', amount: 20_000, issued: -100, due: -95 };
  const paid: Invoice = { id: 'INV-4', currency: 'USD', amount: 10_000, issued: -3, due: 27 };
  const credited: Invoice = { id: 'INV-5', currency: 'EUR', amount: 40_000, issued: -70, due: -65 };
  const rows: InvoiceEventRow[] = [
    row(overdue, -50, 'invoice.received'),
    row(overdue, -20, 'reminder.sent', { channel: 'email', step_id: 'firm', message_id: 'm-1' }),
    row(overdue, -10, 'payment.received', { amount_minor: 30_000, balance_minor: 70_000, paid_at: at(-10) }),
    row(current, -5, 'invoice.received'),
    row(voided, -100, 'invoice.received'),
    row(voided, -20, 'invoice.voided', { reason: 'duplicate' }),
    row(paid, -3, 'invoice.received'),
    row(paid, -1, 'payment.received', { amount_minor: 10_000, balance_minor: 0, paid_at: at(-1) }),
    row(paid, -1, 'invoice.paid'),
    row(credited, -70, 'invoice.received'),
    row(credited, -30, 'credit_note.applied', { amount_minor: 10_000, balance_minor: 30_000 }),
  ];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dunwell-lake-'));
    const byDay = Map.groupBy(rows, (r) => String(r.at).slice(0, 10));
    for (const [dt, dayRows] of byDay) {
      mkdirSync(join(dir, partitionPrefix(INVOICE_EVENTS_TABLE, dt)), { recursive: true });
      writeFileSync(join(dir, partitionPrefix(INVOICE_EVENTS_TABLE, dt), 'batch-1.parquet'), encodeParquet(invoiceEventColumns, dayRows));
    }
    // A retried stream batch left a second copy of one event beside the first.
    const first = rows[0] as InvoiceEventRow;
    writeFileSync(
      join(dir, partitionPrefix(INVOICE_EVENTS_TABLE, String(first.at).slice(0, 10)), 'batch-2.parquet'),
      encodeParquet(invoiceEventColumns, [first]),
    );

    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    const glob = join(dir, INVOICE_EVENTS_TABLE, '*', '*.parquet').replaceAll("'", "''");
    await connection.run('CREATE SCHEMA dunwell_dev');
    await connection.run(
      `CREATE VIEW dunwell_dev.invoice_events AS SELECT * FROM read_parquet('${glob}', hive_partitioning = true, hive_types_autocast = false)`,
    );
    results = {};
    columnsOf = {};
    for (const definition of quicksightDataSets) {
      const reader = await connection.runAndReadAll(quicksightSql(definition, 'dunwell_dev', 'UTC'));
      columnsOf[definition.id] = reader.columnNames();
      results[definition.id] = reader.getRowObjectsJson() as Record<string, unknown>[];
    }
    // The reports API's queries name the table alone (their database is the query's): only now,
    // so the data sets above could not have found it without their database.
    await connection.run('CREATE VIEW invoice_events AS SELECT * FROM dunwell_dev.invoice_events');
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  });

  test('each query returns exactly the columns its data set declares, in order', () => {
    for (const definition of quicksightDataSets) {
      assert.deepEqual(
        columnsOf[definition.id],
        definition.columns.map((column) => column.name),
        definition.id,
      );
    }
  });

  test('events: every event once, with its reporting day', () => {
    const events = results['invoice-events'] ?? [];
    assert.equal(events.length, rows.length, 'the duplicate is gone');
    assert.equal(new Set(events.map((event) => event.event_id)).size, rows.length);
    const received = events.find((event) => event.event_id === 'INV-1/0');
    assert.equal(received?.reporting_day, day(-50));
  });

  test('aging today: open receivables only, with their bucket', () => {
    const aging = (results.aging ?? []).map((r) => [r.invoice_id, r.bucket, Number(r.ar_minor), Number(r.days_past_due)]);
    assert.deepEqual(
      aging.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      [
        ['INV-1', '31-60', 70_000, 40],
        ['INV-2', 'current', 50_000, -25],
        ['INV-5', '61-90', 30_000, 65],
      ],
    );
    for (const r of results.aging ?? []) assert.equal(r.as_of, day(0));
  });

  test('monthly KPIs: every month since a currency began, sums that add up, ratios as the API computes them', () => {
    const kpis = results['kpis-monthly'] ?? [];
    const of = (currency: string) =>
      kpis.filter((r) => r.currency === currency).sort((a, b) => String(a.month).localeCompare(String(b.month)));
    const sum = (list: Record<string, unknown>[], key: string) => list.reduce((total, r) => total + Number(r[key]), 0);
    const eur = of('EUR');
    const usd = of('USD');
    assert.equal(eur[0]?.month, `${day(-100).slice(0, 7)}-01`);
    assert.equal(eur.at(-1)?.period_to, day(0), 'the current month runs to today');
    assert.equal(sum(eur, 'sales_minor'), 210_000);
    assert.equal(sum(eur, 'collected_minor'), 30_000);
    assert.equal(sum(usd, 'collected_minor'), 10_000);
    assert.equal(sum(usd, 'paid_invoices'), 1);
    assert.equal(sum(usd, 'days_to_pay_sum'), 2);
    assert.equal(sum(eur, 'email_messages'), 1);
    // The current month's closing AR is today's aging total.
    assert.equal(Number(eur.at(-1)?.ar_end_minor), 150_000);
    assert.equal(Number(eur.at(-1)?.ar_end_current_minor), 50_000);
    for (const r of kpis) {
      const [sales, arEnd, arEndCurrent, days] = [r.sales_minor, r.ar_end_minor, r.ar_end_current_minor, r.days].map(Number) as [
        number,
        number,
        number,
        number,
      ];
      const expected = (numerator: number, denominator: number) =>
        denominator === 0 ? null : Math.round((numerator / denominator) * 100) / 100;
      assert.equal(r.dso === null ? null : Number(r.dso), expected(arEnd * days, sales));
      assert.equal(r.percent_current === null ? null : Number(r.percent_current), expected(arEndCurrent * 100, arEnd));
    }
  });

  test('monthly KPIs: each row holds the sums kpis.sql gives for its currency and month, to the cent', async () => {
    const kpis = results['kpis-monthly'] ?? [];
    assert.deepEqual([...new Set(kpis.map((r) => r.currency))].sort(), ['EUR', 'USD']);
    const raw = (r: Record<string, unknown>) =>
      Object.fromEntries(['days', ...KPI_SUM_COLUMNS].map((column) => [column, Number(r[column])]));
    for (const r of kpis) {
      const period = { from: String(r.period_from), to: String(r.period_to), currency: String(r.currency) };
      const reader = await connection.runAndReadAll(boundReportSql('kpis', 'UTC', period));
      const [single] = reader.getRowObjectsJson() as Record<string, unknown>[];
      assert.deepEqual(raw(r), raw(single ?? {}), `${period.currency} ${period.from}..${period.to}`);
    }
  });
});
