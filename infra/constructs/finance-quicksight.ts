import { readFileSync } from 'node:fs';
import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnDataSet, CfnDataSource } from 'aws-cdk-lib/aws-quicksight';
import { Construct } from 'constructs';
import { INVOICE_EVENTS_TABLE, invoiceEventColumns, type LakeColumnType, PARTITION_COLUMN } from '#contracts/lake.ts';
import { isReportingTimeZone, REPORTING_TIME_ZONE_TOKEN, writeInTokens } from '#contracts/report-queries.ts';
import type { FinanceLake } from './finance-lake.ts';
import { acknowledgeWildcardResource } from './nag.ts';

/** Where a QuickSight query names the Glue database (custom SQL has no default database). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: the token in the SQL files, not a template
export const LAKE_DATABASE_TOKEN = '${LakeDatabase}';

/** What the owner of a data source may do with it (QuickSight's console grants the same set). */
export const DATA_SOURCE_OWNER_ACTIONS = [
  'quicksight:DescribeDataSource',
  'quicksight:DescribeDataSourcePermissions',
  'quicksight:PassDataSource',
  'quicksight:UpdateDataSource',
  'quicksight:DeleteDataSource',
  'quicksight:UpdateDataSourcePermissions',
] as const;

/** What the owner of a data set may do with it. */
export const DATA_SET_OWNER_ACTIONS = [
  'quicksight:DescribeDataSet',
  'quicksight:DescribeDataSetPermissions',
  'quicksight:PassDataSet',
  'quicksight:DescribeIngestion',
  'quicksight:ListIngestions',
  'quicksight:UpdateDataSet',
  'quicksight:DeleteDataSet',
  'quicksight:CreateIngestion',
  'quicksight:CancelIngestion',
  'quicksight:UpdateDataSetPermissions',
] as const;

export type QuickSightColumnType = 'STRING' | 'INTEGER' | 'DECIMAL' | 'DATETIME';

export interface QuickSightColumn {
  readonly name: string;
  readonly type: QuickSightColumnType;
}

const fromLakeType: Record<LakeColumnType, QuickSightColumnType> = {
  string: 'STRING',
  int: 'INTEGER',
  bigint: 'INTEGER',
  timestamp: 'DATETIME',
};

const columns = (spec: Record<string, QuickSightColumnType>): QuickSightColumn[] =>
  Object.entries(spec).map(([name, type]) => ({ name, type }));

export interface QuickSightDataSetDefinition {
  /** Part of the data set id, `<namePrefix>-<id>`. */
  readonly id: string;
  readonly name: string;
  /** Under shared/contracts/reports/. */
  readonly file: string;
  /** `${Token}`s of a file shared with the reports API, written in before the database and zone. */
  readonly tokens?: Readonly<Record<string, string>>;
  /** The query's result columns, in order (QuickSight needs them declared for custom SQL). */
  readonly columns: readonly QuickSightColumn[];
}

/** The data sets, each a custom SQL query over the lake (test/infra/lake.test.ts runs them on DuckDB). */
export const quicksightDataSets: readonly QuickSightDataSetDefinition[] = [
  {
    id: 'invoice-events',
    name: 'invoice events',
    file: 'quicksight-events.sql',
    columns: [
      ...invoiceEventColumns.map((column) => ({ name: column.name, type: fromLakeType[column.type] })),
      { name: PARTITION_COLUMN, type: 'STRING' },
      { name: 'reporting_day', type: 'DATETIME' },
    ],
  },
  {
    id: 'aging',
    name: 'aging today',
    file: 'quicksight-aging.sql',
    columns: columns({
      as_of: 'DATETIME',
      invoice_id: 'STRING',
      customer_id: 'STRING',
      currency: 'STRING',
      issue_date: 'DATETIME',
      due_date: 'DATETIME',
      days_past_due: 'INTEGER',
      bucket: 'STRING',
      bucket_order: 'INTEGER',
      ar_minor: 'INTEGER',
    }),
  },
  {
    id: 'kpis-monthly',
    name: 'monthly KPIs',
    // The reports API's trend query (kpis-by-month) with QuickSight's scope: calendar months of
    // every currency (a null currency) from its first (a null first day: no lower bound) to today.
    file: 'kpis-by-period.sql',
    tokens: {
      ReportScope: [
        `CAST(current_timestamp AT TIME ZONE '${REPORTING_TIME_ZONE_TOKEN}' AS DATE) AS today`,
        'CAST(NULL AS DATE) AS first_day',
        'CAST(NULL AS VARCHAR) AS currency',
      ].join(', '),
      EventsTable: `${LAKE_DATABASE_TOKEN}.${INVOICE_EVENTS_TABLE}`,
      PeriodUnit: 'month',
      PeriodStep: "INTERVAL '1' MONTH",
    },
    columns: columns({
      month: 'DATETIME',
      currency: 'STRING',
      period_from: 'DATETIME',
      period_to: 'DATETIME',
      days: 'INTEGER',
      sales_minor: 'INTEGER',
      ar_begin_minor: 'INTEGER',
      ar_end_minor: 'INTEGER',
      ar_end_current_minor: 'INTEGER',
      collected_minor: 'INTEGER',
      dso: 'DECIMAL',
      best_possible_dso: 'DECIMAL',
      average_days_delinquent: 'DECIMAL',
      cei: 'DECIMAL',
      percent_current: 'DECIMAL',
      issued_invoices: 'INTEGER',
      disputed_invoices: 'INTEGER',
      dispute_rate: 'DECIMAL',
      promises_kept: 'INTEGER',
      promises_broken: 'INTEGER',
      promise_kept_rate: 'DECIMAL',
      email_messages: 'INTEGER',
      sms_messages: 'INTEGER',
      replies_payment_claimed: 'INTEGER',
      replies_dispute: 'INTEGER',
      replies_promise: 'INTEGER',
      replies_auto_reply: 'INTEGER',
      replies_other: 'INTEGER',
      paid_invoices: 'INTEGER',
      days_to_pay_sum: 'INTEGER',
      average_days_to_pay: 'DECIMAL',
    }),
  },
];

/**
 * A data set's SQL as QuickSight gets it: its own tokens, then database and zone written in (none
 * may be left), and the comment lines dropped, since QuickSight wraps custom SQL in a subquery
 * where a trailing comment would swallow the closing parenthesis. The zone lands inside a string
 * literal, so it is checked first.
 */
export function quicksightSql(
  definition: Pick<QuickSightDataSetDefinition, 'id' | 'file' | 'tokens'>,
  databaseName: string,
  reportingTimeZone: string,
): string {
  if (!isReportingTimeZone(reportingTimeZone)) throw new RangeError(`Not an IANA time zone: ${JSON.stringify(reportingTimeZone)}`);
  if (!/^[a-z][a-z0-9_]*$/.test(databaseName)) throw new RangeError(`Not a Glue database name: ${JSON.stringify(databaseName)}`);
  const template = readFileSync(new URL(`../../shared/contracts/reports/${definition.file}`, import.meta.url), 'utf8');
  const sql = template
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--') && line.trim() !== '')
    .join('\n')
    .replace(/;\s*$/, '');
  return writeInTokens(`QuickSight data set ${definition.id}`, sql, {
    ...definition.tokens,
    LakeDatabase: databaseName,
    ReportingTimeZone: reportingTimeZone,
  });
}

export interface FinanceQuickSightProps {
  readonly namePrefix: string;
  /** The QuickSight user or group that owns the data source and data sets. */
  readonly principalArn: string;
  readonly lake: FinanceLake;
  /** The Glue database's name as text (QuickSight's SQL names it). */
  readonly databaseName: string;
  readonly reportingTimeZone: string;
}

/**
 * QuickSight over the lake, for when the config names a QuickSight principal: an Athena data
 * source on the finance workgroup and three direct-query data sets (events, aging today, monthly
 * KPIs), owned by that principal. The data source runs as its own role, which may query the lake
 * exactly as reports-api may, so QuickSight's account-wide service role needs no access to the
 * buckets or the key. The QuickSight subscription itself cannot be created by CloudFormation
 * (README: "QuickSight").
 */
export class FinanceQuickSight extends Construct {
  readonly role: Role;
  readonly dataSource: CfnDataSource;
  readonly dataSets: readonly CfnDataSet[];

  constructor(scope: Construct, id: string, props: FinanceQuickSightProps) {
    super(scope, id);
    const account = Stack.of(this).account;
    const { lake } = props;

    // iam:PassRole cannot hand a role to another account's QuickSight: no confused-deputy
    // condition is needed (and QuickSight documents none for data source roles).
    this.role = new Role(this, 'AthenaRole', {
      assumedBy: new ServicePrincipal('quicksight.amazonaws.com'),
      description: 'QuickSight runs the Dunwell data sets in the finance Athena workgroup as this role',
    });
    for (const statement of lake.queryStatements(this)) this.role.addToPrincipalPolicy(statement);
    // QuickSight reads the workgroup's settings when the data source is created or tested.
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['athena:GetWorkGroup'], resources: [lake.workGroupArn(this)] }));
    for (const arn of [...lake.tableObjectArns(this), lake.resultObjectArns(this)]) {
      acknowledgeWildcardResource(
        this.role,
        arn,
        'Athena reads the lake table objects and writes query results (named by query id) with the caller credentials; read-only on one lake table prefix, or the Athena results bucket.',
      );
    }

    const owner = (actions: readonly string[]) => [{ principal: props.principalArn, actions: [...actions] }];
    this.dataSource = new CfnDataSource(this, 'DataSource', {
      awsAccountId: account,
      dataSourceId: `${props.namePrefix}-finance-lake`,
      name: `Dunwell ${props.namePrefix} finance lake`,
      type: 'ATHENA',
      dataSourceParameters: { athenaParameters: { workGroup: lake.workGroupName, roleArn: this.role.roleArn } },
      sslProperties: { disableSsl: false },
      permissions: owner(DATA_SOURCE_OWNER_ACTIONS),
    });
    // QuickSight checks the role when the data source is created: its policy must exist by then.
    this.dataSource.node.addDependency(this.role);

    this.dataSets = quicksightDataSets.map((definition) => {
      const dataSet = new CfnDataSet(this, `DataSet-${definition.id}`, {
        awsAccountId: account,
        dataSetId: `${props.namePrefix}-${definition.id}`,
        name: `Dunwell ${props.namePrefix} ${definition.name}`,
        // Every visual asks Athena afresh: no SPICE capacity to buy, always the current lake.
        importMode: 'DIRECT_QUERY',
        physicalTableMap: {
          [definition.id]: {
            customSql: {
              dataSourceArn: this.dataSource.attrArn,
              name: definition.name,
              sqlQuery: quicksightSql(definition, props.databaseName, props.reportingTimeZone),
              columns: definition.columns.map((column) => ({ name: column.name, type: column.type })),
            },
          },
        },
        permissions: owner(DATA_SET_OWNER_ACTIONS),
      });
      // The SQL names the Glue table: it must exist before QuickSight looks at the query.
      dataSet.node.addDependency(lake);
      return dataSet;
    });
  }
}
