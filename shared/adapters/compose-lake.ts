import { AthenaClient } from '@aws-sdk/client-athena';
import { EnvName } from '#contracts/functions.ts';
import { INVOICE_EVENTS_TABLE, invoiceEventColumns } from '#contracts/lake.ts';
import { AthenaQueries } from './athena-queries.ts';
import type { FunctionContext } from './compose-context.ts';
import { S3LakeTable, s3Client } from './s3-lake-table.ts';

/** The finance lake's `invoice_events` table: Parquet objects in the export bucket. */
export const invoiceEvents = (app: FunctionContext) =>
  new S3LakeTable(app.telemetry.traced(s3Client()), app.need(EnvName.exportBucketName), INVOICE_EVENTS_TABLE, invoiceEventColumns);

/** The report queries, run by Athena over the lake. */
export const reportQueries = (app: FunctionContext) =>
  new AthenaQueries(app.telemetry.traced(new AthenaClient({})), {
    workGroup: app.need(EnvName.athenaWorkGroup),
    database: app.need(EnvName.lakeDatabase),
  });
