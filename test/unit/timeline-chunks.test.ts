import assert from 'node:assert/strict';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { DynamoCustomerStore } from '#adapters/dynamo-customer-store.ts';
import { DynamoInvoiceScan } from '#adapters/dynamo-invoice-scan.ts';
import { DynamoInvoiceStore, TIMELINE_CHUNK } from '#adapters/dynamo-invoice-store.ts';
import { invoiceChanges } from '#adapters/lake-stream.ts';
import { invoiceEventRows } from '#contracts/lake-rows.ts';
import { type Invoice, withEvent } from '#domain/invoice.ts';
import { StaleWriteError } from '#ports/invoice-store.ts';
import { testTable } from '../support/dynalite.ts';
import { SettableClock } from '../support/fakes.ts';
import { newInvoice } from '../support/invoices.ts';

const table = testTable('dunwell-timeline');
let documents: DynamoDBDocumentClient;
let store: DynamoInvoiceStore;
const clock = new SettableClock(new Date('2026-11-01T10:00:00Z'));

beforeAll(async () => {
  documents = DynamoDBDocumentClient.from(await table.start(), { marshallOptions: { removeUndefinedValues: true } });
  store = new DynamoInvoiceStore(documents, table.tableName, clock);
});
afterAll(() => table.stop());

const noted = (invoice: Invoice, n: number): Invoice =>
  withEvent(invoice, { at: `2026-11-02T10:${String(n % 60).padStart(2, '0')}:00Z`, type: 'note.added', note: `event ${n}` });

/** Creates an invoice and saves it `writes` times, one new event per write, through fresh reads. */
async function grown(invoiceId: string, writes: number): Promise<Invoice> {
  let invoice = await store.create(newInvoice({ invoiceId }));
  for (let n = 0; n < writes; n++) invoice = await store.save(noted((await store.get(invoiceId)) as Invoice, n));
  return invoice;
}

const hotItem = async (invoiceId: string) =>
  (await documents.send(new GetCommand({ TableName: table.tableName, Key: { pk: `INVOICE#${invoiceId}`, sk: 'INVOICE' } }))).Item ?? {};

const chunkItems = async (invoiceId: string) =>
  (
    await documents.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
        ExpressionAttributeValues: { ':pk': `INVOICE#${invoiceId}`, ':events': 'EVENTS#' },
      }),
    )
  ).Items ?? [];

describe('timeline chunks', () => {
  test('the hot item keeps a bounded tail of the timeline; get returns it whole and in order', async () => {
    const invoice = await grown('TL-LONG', 60);
    assert.equal(invoice.timeline.length, 61);
    const hot = await hotItem('TL-LONG');
    const hotEvents = (hot.timeline as unknown[]).length;
    assert.ok(hotEvents <= TIMELINE_CHUNK + 2, `hot item holds ${hotEvents} events`);
    assert.equal(hot.timelineFrom + hotEvents, 61);
    assert.equal((await chunkItems('TL-LONG')).length, hot.timelineFrom / TIMELINE_CHUNK);

    const read = (await store.get('TL-LONG')) as Invoice;
    assert.equal(read.version, 61);
    assert.deepEqual(
      read.timeline.map((event) => event.type === 'note.added' && event.note),
      [false, ...Array.from({ length: 60 }, (_, n) => `event ${n}`)],
    );
    assert.equal(Object.keys(read).includes('timelineFrom'), false, 'the storage field stays in the store');
  });

  test('a short timeline stays in the hot item and writes no chunk', async () => {
    await grown('TL-SHORT', TIMELINE_CHUNK);
    assert.equal((await chunkItems('TL-SHORT')).length, 0);
    assert.equal((await hotItem('TL-SHORT')).timelineFrom, undefined);
  });

  test('a write that loses its condition leaves only committed events in chunks, and the winner stays whole', async () => {
    await grown('TL-RACE', 10);
    const first = (await store.get('TL-RACE')) as Invoice;
    const second = (await store.get('TL-RACE')) as Invoice;
    await store.save(withEvent(first, { at: '2026-11-03T10:00:00Z', type: 'note.added', note: 'winner' }));
    await assert.rejects(store.save(withEvent(second, { at: '2026-11-03T10:00:01Z', type: 'note.added', note: 'loser' })), StaleWriteError);
    const read = (await store.get('TL-RACE')) as Invoice;
    const notes = read.timeline.map((event) => (event.type === 'note.added' ? event.note : event.type));
    assert.equal(notes.at(-1), 'winner');
    assert.equal(notes.includes('loser'), false);
    for (const chunk of await chunkItems('TL-RACE')) {
      assert.equal(JSON.stringify(chunk.events).includes('loser'), false, 'no chunk holds an uncommitted event');
    }
  });

  test('an invoice saved without the store’s bookkeeping is written whole, and still reads whole', async () => {
    const grownInvoice = await grown('TL-PLAIN', 20);
    const plain = JSON.parse(JSON.stringify(grownInvoice)) as Invoice;
    await store.save(noted(plain, 99));
    const hot = await hotItem('TL-PLAIN');
    assert.equal(hot.timelineFrom, undefined);
    assert.equal((hot.timeline as unknown[]).length, 22);
    assert.equal(((await store.get('TL-PLAIN')) as Invoice).timeline.length, 22);
  });

  test('customer reads and the backfill scan put chunked timelines together', async () => {
    const customers = new DynamoCustomerStore(documents, table.tableName, clock);
    const invoice = await grown('TL-CUST', 25);
    await customers.linkInvoice(invoice.customer.customerId, 'TL-CUST');
    const linked = (await customers.linkedInvoices(invoice.customer.customerId)).find((item) => item.invoiceId === 'TL-CUST');
    assert.equal(linked?.timeline.length, 26);

    const scanned: Invoice[] = [];
    for await (const item of new DynamoInvoiceScan(documents, table.tableName).invoices(0, 1)) scanned.push(item);
    assert.equal(scanned.find((item) => item.invoiceId === 'TL-CUST')?.timeline.length, 26);
  });

  test('the lake numbers events across chunks: each write adds exactly its new events', async () => {
    const previous = await hotItem('TL-LONG');
    const read = (await store.get('TL-LONG')) as Invoice;
    await store.save(noted(read, 61));
    const next = await hotItem('TL-LONG');
    assert.ok((next.timelineFrom as number) > 0);
    const image = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true });
    const [change] = invoiceChanges({
      Records: [
        {
          eventName: 'MODIFY',
          dynamodb: { SequenceNumber: '1', Keys: { sk: { S: 'INVOICE' } }, OldImage: image(previous), NewImage: image(next) },
        },
      ],
    });
    const rows = invoiceEventRows(change?.previous, change?.next as Invoice);
    assert.deepEqual(
      rows.map((row) => [row.seq, JSON.parse(String(row.detail)).note]),
      [[61, 'event 61']],
    );
    const all = invoiceEventRows(undefined, change?.next as Invoice);
    assert.equal(all[0]?.seq, next.timelineFrom, 'a lone image starts at its first event, numbered as in the whole timeline');
  });
  // Last: the other tests scan the table, and this one breaks an invoice on purpose.
  test('a missing chunk fails the read loudly instead of passing a partial timeline', async () => {
    await grown('TL-LOST', 30);
    const [chunk] = await chunkItems('TL-LOST');
    await documents.send(new DeleteCommand({ TableName: table.tableName, Key: { pk: chunk?.pk, sk: chunk?.sk } }));
    await assert.rejects(store.get('TL-LOST'), /timeline events 0 to \d+ are missing/);
  });
});
