import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DashboardReports, DashboardSnapshot, DashboardSnapshots } from '#ports/dashboard-snapshots.ts';
import { isConditionFailure } from './dynamo-invoice-store.ts';

const KEY = { pk: 'CONSOLE#DASHBOARD', sk: 'REPORTS' } as const;

/**
 * The console dashboard's report figures as last computed: one item, replaced only by a newer
 * computation (a conditional put on `computedAt`), so two containers refreshing at once cannot
 * put older figures back. The reports are kept as JSON text (a few kilobytes per currency).
 */
export class DynamoDashboardSnapshots implements DashboardSnapshots {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  async get(): Promise<DashboardSnapshot | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: KEY }));
    if (!Item || typeof Item.day !== 'string' || typeof Item.computedAt !== 'string' || typeof Item.reports !== 'string') return undefined;
    return { day: Item.day, computedAt: Item.computedAt, reports: JSON.parse(Item.reports) as DashboardReports };
  }

  async put(snapshot: DashboardSnapshot): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...KEY, day: snapshot.day, computedAt: snapshot.computedAt, reports: JSON.stringify(snapshot.reports) },
          ConditionExpression: 'attribute_not_exists(computedAt) OR computedAt < :at',
          ExpressionAttributeValues: { ':at': snapshot.computedAt },
        }),
      );
    } catch (error) {
      // A newer snapshot is already there: keep it.
      if (!isConditionFailure(error)) throw error;
    }
  }
}
