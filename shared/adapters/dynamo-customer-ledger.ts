import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CustomerLedger, LedgerEntry, LedgerSnapshot } from '#ports/customer-ledger.ts';
import { isConditionFailure } from './dynamo-invoice-store.ts';

const ledgerKey = (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: 'SENDS' });

/** One small item per customer, rewritten with a version condition; entries older than a week are pruned. */
export class DynamoCustomerLedger implements CustomerLedger {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  async read(customerId: string): Promise<LedgerSnapshot> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: ledgerKey(customerId), ConsistentRead: true }),
    );
    return { entries: (Item?.entries as LedgerEntry[] | undefined) ?? [], version: Number(Item?.version ?? 0) };
  }

  async reserve(customerId: string, entry: LedgerEntry, expectedVersion: number, keepSince: Date): Promise<boolean> {
    const current = await this.read(customerId);
    if (current.version !== expectedVersion) return false;
    const entries = [...current.entries.filter((kept) => Date.parse(kept.at) >= keepSince.getTime()), entry];
    return this.write(customerId, entries, expectedVersion);
  }

  async release(customerId: string, entryId: string): Promise<void> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const current = await this.read(customerId);
      if (!current.entries.some((entry) => entry.entryId === entryId)) return;
      const entries = current.entries.filter((entry) => entry.entryId !== entryId);
      if (await this.write(customerId, entries, current.version)) return;
    }
  }

  private async write(customerId: string, entries: LedgerEntry[], expectedVersion: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...ledgerKey(customerId), entries, version: expectedVersion + 1 },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :expected',
          ...(expectedVersion === 0
            ? {}
            : { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
