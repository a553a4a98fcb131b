import { setTimeout as delay } from 'node:timers/promises';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { processClock } from '#adapters/clock.ts';
import { DynamoCustomerStore } from '#adapters/dynamo-customer-store.ts';
import { DynamoInvoiceStore } from '#adapters/dynamo-invoice-store.ts';
import { LISTING_ATTRIBUTE, listIndexes } from '#contracts/table-indexes.ts';

/** The same key schema as the stateful stack's table: pk/sk plus the sparse `gsi1` and the list indexes. */
export async function ensureTables(client: DynamoDBClient, tableName: string, localTableName: string): Promise<void> {
  const create = async (command: CreateTableCommand) => {
    try {
      await client.send(command);
    } catch (error) {
      if (!(error instanceof ResourceInUseException) && (error as Error).name !== 'ResourceInUseException') throw error;
    }
  };
  await create(mainTable(tableName));
  await create(
    new CreateTableCommand({
      TableName: localTableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  await waitUntilActive(client, tableName);
  await waitUntilActive(client, localTableName);
  await addListIndexes(client, tableName);
}

function mainTable(tableName: string): CreateTableCommand {
  return new CreateTableCommand({
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gsi1pk', AttributeType: 'S' },
      { AttributeName: 'gsi1sk', AttributeType: 'S' },
      ...listIndexes.flatMap((index) => [
        { AttributeName: index.partitionKey, AttributeType: 'S' as const },
        { AttributeName: index.sortKey, AttributeType: 'S' as const },
      ]),
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'gsi1',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      ...listIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [LISTING_ATTRIBUTE] },
      })),
    ],
  });
}

/**
 * A data folder from before the list indexes. dynalite cannot add an index to a table (its
 * UpdateTable ignores index creation), so the table is rebuilt: every item is read, the table
 * is created again with the indexes, the items are written back, and the invoices and
 * customer profiles are re-indexed (their listings written) as the stores do on AWS.
 */
async function addListIndexes(client: DynamoDBClient, tableName: string): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  if (listIndexes.every((index) => present.has(index.indexName))) return;
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false } });
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  await waitUntilDeleted(client, tableName);
  await client.send(mainTable(tableName));
  await waitUntilActive(client, tableName);
  for (const item of items) await documents.send(new PutCommand({ TableName: tableName, Item: item }));
  const invoices = new DynamoInvoiceStore(documents, tableName, processClock);
  const customers = new DynamoCustomerStore(documents, tableName, processClock);
  for (const { pk, sk } of items) {
    if (sk === 'INVOICE' && String(pk).startsWith('INVOICE#')) await invoices.reindex(String(pk).slice('INVOICE#'.length));
    if (sk === 'PROFILE' && String(pk).startsWith('CUSTOMER#')) await customers.reindex(String(pk).slice('CUSTOMER#'.length));
  }
}

async function waitUntilDeleted(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    try {
      await client.send(new DescribeTableCommand({ TableName: tableName }));
    } catch (error) {
      if (error instanceof ResourceNotFoundException || (error as Error).name === 'ResourceNotFoundException') return;
      throw error;
    }
    await delay(5);
  }
  throw new Error(`Table ${tableName} was not deleted`);
}

/** dynalite answers ResourceNotFound while a table (or its index) is still CREATING, even with createTableMs 0. */
async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    await delay(5);
  }
  throw new Error(`Table ${tableName} did not become ACTIVE`);
}
