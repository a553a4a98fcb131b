import assert from 'node:assert/strict';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { DynamoInvoiceScan } from '#adapters/dynamo-invoice-scan.ts';
import { documentClient } from '#adapters/dynamo-invoice-store.ts';
import type { Invoice } from '#domain/invoice.ts';
import { commandNames, inputsOf } from '../../support/aws-mocks.ts';
import { newInvoice } from '../../support/invoices.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());
afterAll(() => ddb.restore());

const table = 'dunwell';
const scan = (startKey?: Record<string, unknown>) => ({
  TableName: table,
  FilterExpression: 'sk = :invoice',
  ExpressionAttributeValues: { ':invoice': 'INVOICE' },
  Segment: 2,
  TotalSegments: 4,
  ExclusiveStartKey: startKey,
  ConsistentRead: true,
});
const hot = (invoice: Invoice, extra: Record<string, unknown> = {}) => ({
  pk: `INVOICE#${invoice.invoiceId}`,
  sk: 'INVOICE',
  ...invoice,
  ...extra,
});

async function all(iterable: AsyncIterable<Invoice>): Promise<Invoice[]> {
  const found: Invoice[] = [];
  for await (const invoice of iterable) found.push(invoice);
  return found;
}

describe('DynamoInvoiceScan.invoices', () => {
  test('a consistent parallel-scan segment filtered to hot items, following LastEvaluatedKey', async () => {
    const one = newInvoice({ invoiceId: 'INV-1' });
    const two = newInvoice({ invoiceId: 'INV-2' });
    ddb
      .on(ScanCommand)
      .resolvesOnce({ Items: [hot(one)], LastEvaluatedKey: { pk: 'INVOICE#INV-1', sk: 'INVOICE' } })
      .resolvesOnce({ Items: [hot(two)] });
    assert.deepEqual(await all(new DynamoInvoiceScan(documentClient(), table).invoices(2, 4)), [one, two]);
    assert.deepEqual(inputsOf(ddb.commandCalls(ScanCommand)), [scan(), scan({ pk: 'INVOICE#INV-1', sk: 'INVOICE' })]);
    assert.deepEqual(commandNames(ddb.calls()), ['ScanCommand', 'ScanCommand'], 'no chunk query for a whole hot timeline');
  });

  test("an item whose timeline starts in chunks: its partition's chunks are queried consistently", async () => {
    const whole = newInvoice({ invoiceId: 'INV-1' });
    const events = Array.from({ length: 7 }, () => whole.timeline[0]!);
    ddb.on(ScanCommand).resolves({ Items: [hot({ ...whole, timeline: events.slice(6) }, { timelineFrom: 6 })] });
    ddb.on(QueryCommand).resolves({ Items: [{ pk: 'INVOICE#INV-1', sk: 'EVENTS#00000000', first: 0, events: events.slice(0, 6) }] });
    assert.deepEqual(await all(new DynamoInvoiceScan(documentClient(), table).invoices(2, 4)), [{ ...whole, timeline: events }]);
    assert.deepEqual(inputsOf(ddb.commandCalls(QueryCommand)), [
      {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :chunks)',
        ExpressionAttributeValues: { ':pk': 'INVOICE#INV-1', ':chunks': 'EVENTS#' },
        ConsistentRead: true,
        ExclusiveStartKey: undefined,
      },
    ]);
  });

  test('a missing chunk fails the scan rather than yield a partial timeline', async () => {
    const whole = newInvoice({ invoiceId: 'INV-1' });
    ddb.on(ScanCommand).resolves({ Items: [hot(whole, { timelineFrom: 6 })] });
    ddb.on(QueryCommand).resolves({ Items: [] });
    await assert.rejects(all(new DynamoInvoiceScan(documentClient(), table).invoices(0, 1)), /timeline events 0 to 5 are missing/);
  });
});
