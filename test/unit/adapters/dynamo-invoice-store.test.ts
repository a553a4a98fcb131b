import assert from 'node:assert/strict';
import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { DynamoInvoiceStore, documentClient } from '#adapters/dynamo-invoice-store.ts';
import { invoiceListing } from '#contracts/listing.ts';
import type { Invoice } from '#domain/invoice.ts';
import { StaleWriteError } from '#ports/invoice-store.ts';
import { answered, commandNames, inputsOf } from '../../support/aws-mocks.ts';
import { SettableClock } from '../../support/fakes.ts';
import { newInvoice } from '../../support/invoices.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());
afterAll(() => ddb.restore());

const table = 'dunwell';
const now = new Date('2026-11-05T12:00:00Z');
const store = () => new DynamoInvoiceStore(documentClient(), table, new SettableClock(now));
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', ...answered(400) });

/** The hot item of an invoice as the store writes it (INV-2026-0001 hashes to active shard 0). */
function hotItem(invoice: Invoice, extra: Record<string, unknown> = {}) {
  return {
    pk: `INVOICE#${invoice.invoiceId}`,
    sk: 'INVOICE',
    ...invoice,
    gsi1pk: 'ACTIVE#0',
    gsi1sk: invoice.invoiceId,
    gsi2pk: `INVOICES#${invoice.status}`,
    gsi2sk: `${invoice.dueDate}#${invoice.invoiceId}`,
    gsi3pk: `INVOICES#CUSTOMER#${invoice.customer.customerId}`,
    gsi3sk: `${invoice.dueDate}#${invoice.invoiceId}`,
    listing: invoiceListing(invoice, now),
    ...extra,
  };
}

/** An invoice with `count` timeline events (copies of its received event, a minute apart). */
function withEvents(count: number): Invoice {
  const invoice = newInvoice();
  const first = invoice.timeline[0]!;
  const timeline = Array.from({ length: count }, (_, at) => ({ ...first, at: new Date(Date.parse(first.at) + at * 60_000).toISOString() }));
  return { ...invoice, timeline } as Invoice;
}

describe('DynamoInvoiceStore.get', () => {
  test('one consistent query of the partition: the chunks and the hot item', async () => {
    const invoice = newInvoice();
    ddb.on(QueryCommand).resolves({ Items: [hotItem(invoice)] });
    assert.deepEqual(await store().get('INV-2026-0001'), invoice);
    assert.deepEqual(inputsOf(ddb.commandCalls(QueryCommand)), [
      {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :chunks AND :hot',
        ExpressionAttributeValues: { ':pk': 'INVOICE#INV-2026-0001', ':chunks': 'EVENTS#', ':hot': 'INVOICE' },
        ConsistentRead: true,
        ExclusiveStartKey: undefined,
      },
    ]);
  });

  test('follows LastEvaluatedKey and puts chunked events in front of the hot timeline', async () => {
    const whole = withEvents(8);
    const { timeline, ...rest } = whole;
    const chunk = { pk: 'INVOICE#INV-2026-0001', sk: 'EVENTS#00000000', first: 0, events: timeline.slice(0, 6) };
    const hot = hotItem({ ...rest, timeline: timeline.slice(6) } as Invoice, { timelineFrom: 6 });
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [chunk], LastEvaluatedKey: { pk: chunk.pk, sk: chunk.sk } })
      .resolvesOnce({ Items: [hot] });
    assert.deepEqual(await store().get('INV-2026-0001'), whole);
    assert.deepEqual(
      inputsOf(ddb.commandCalls(QueryCommand)).map((input) => input.ExclusiveStartKey),
      [undefined, { pk: 'INVOICE#INV-2026-0001', sk: 'EVENTS#00000000' }],
    );
  });

  test('no hot item is no invoice', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    assert.equal(await store().get('INV-404'), undefined);
  });
});

describe('DynamoInvoiceStore writes one conditional put', () => {
  test('create: version 1, attribute_not_exists(pk), with the active shard and list index entries', async () => {
    ddb.on(PutCommand).resolves({});
    const invoice = { ...newInvoice(), version: 0 };
    const stored = await store().create(invoice);
    assert.equal(stored.version, 1);
    assert.deepEqual(inputsOf(ddb.commandCalls(PutCommand)), [
      { TableName: table, Item: hotItem({ ...invoice, version: 1 }), ConditionExpression: 'attribute_not_exists(pk)' },
    ]);
  });

  test('save: the next version, guarded by the version read', async () => {
    ddb.on(PutCommand).resolves({});
    const invoice = { ...newInvoice(), version: 3 };
    assert.equal((await store().save(invoice)).version, 4);
    assert.deepEqual(inputsOf(ddb.commandCalls(PutCommand)), [
      {
        TableName: table,
        Item: hotItem({ ...invoice, version: 4 }),
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': 3 },
      },
    ]);
  });

  test('a closed invoice leaves the active index (no gsi1 keys)', async () => {
    ddb.on(PutCommand).resolves({});
    const invoice = { ...newInvoice(), status: 'paid', closedAt: '2026-11-04T00:00:00.000Z', version: 2 } as Invoice;
    await store().save(invoice);
    const [input] = inputsOf(ddb.commandCalls(PutCommand));
    assert.equal(input?.Item?.gsi1pk, undefined);
    assert.equal(input?.Item?.gsi1sk, undefined);
    assert.equal('gsi1pk' in (input?.Item ?? {}), false);
    assert.equal(input?.Item?.gsi2pk, 'INVOICES#paid');
  });

  test('ConditionalCheckFailedException becomes StaleWriteError; other errors pass through', async () => {
    ddb.on(PutCommand).rejectsOnce(conditionFailed());
    const stale = await store()
      .save({ ...newInvoice(), version: 3 })
      .catch((caught: unknown) => caught);
    assert.ok(stale instanceof StaleWriteError);
    assert.equal(stale.message, 'Invoice INV-2026-0001 changed concurrently');
    ddb.reset();
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', ...answered(400) });
    ddb.on(PutCommand).rejects(throttled);
    await assert.rejects(store().create(newInvoice()), (error) => error === throttled);
  });

  test('create of an existing invoice is a StaleWriteError too', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    await assert.rejects(store().create(newInvoice()), { name: 'StaleWriteError', message: 'Invoice INV-2026-0001 changed concurrently' });
  });
});

describe('DynamoInvoiceStore moves committed events into chunk items', () => {
  test('a save of an invoice read with 8 committed events writes EVENTS#00000000 first, then the hot item from event 6', async () => {
    const whole = withEvents(8);
    ddb.on(QueryCommand).resolves({ Items: [hotItem(whole)] });
    ddb.on(PutCommand).resolves({});
    const adapter = store();
    const read = (await adapter.get('INV-2026-0001'))!;
    await adapter.save(read);
    assert.deepEqual(commandNames(ddb.calls()), ['QueryCommand', 'PutCommand', 'PutCommand']);
    const [chunk, hot] = inputsOf(ddb.commandCalls(PutCommand));
    assert.deepEqual(chunk, {
      TableName: table,
      Item: { pk: 'INVOICE#INV-2026-0001', sk: 'EVENTS#00000000', first: 0, events: whole.timeline.slice(0, 6) },
    });
    const { timeline, ...fields } = whole;
    assert.deepEqual(hot?.Item, hotItem({ ...fields, version: 2, timeline: timeline.slice(6) } as Invoice, { timelineFrom: 6 }));
    assert.equal(hot?.ConditionExpression, '#version = :expected');
  });

  test('fewer than 8 committed events stay in the hot item (one put)', async () => {
    ddb.on(QueryCommand).resolves({ Items: [hotItem(withEvents(7))] });
    ddb.on(PutCommand).resolves({});
    const adapter = store();
    await adapter.save((await adapter.get('INV-2026-0001'))!);
    assert.equal(ddb.commandCalls(PutCommand).length, 1);
    assert.equal(inputsOf(ddb.commandCalls(PutCommand))[0]?.Item?.timelineFrom, undefined);
  });
});

describe('DynamoInvoiceStore.reindex', () => {
  test('rewrites the item at its own version (no bump), guarded by it', async () => {
    const invoice = newInvoice();
    ddb.on(QueryCommand).resolves({ Items: [hotItem(invoice)] });
    ddb.on(PutCommand).resolves({});
    assert.equal(await store().reindex('INV-2026-0001'), true);
    assert.deepEqual(inputsOf(ddb.commandCalls(PutCommand)), [
      {
        TableName: table,
        Item: hotItem(invoice),
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': 1 },
      },
    ]);
  });

  test('an invoice written meanwhile (condition failed) counts as indexed; a missing one is false', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [hotItem(newInvoice())] })
      .resolves({ Items: [] });
    ddb.on(PutCommand).rejects(conditionFailed());
    assert.equal(await store().reindex('INV-2026-0001'), true);
    assert.equal(await store().reindex('INV-404'), false);
    assert.equal(ddb.commandCalls(PutCommand).length, 1);
  });
});

describe('DynamoInvoiceStore.list', () => {
  test('one status: its partition of gsi2, one listing more than the limit, `next` when more follow', async () => {
    const listing = (invoiceId: string) => ({ listing: { invoiceId, dueDate: '2026-12-01', status: 'open' } });
    ddb.on(QueryCommand).resolves({ Items: [listing('INV-1'), listing('INV-2'), listing('INV-3')] });
    const page = await store().list({ status: 'open', due: {}, limit: 2 });
    assert.deepEqual(page.next, { dueDate: '2026-12-01', invoiceId: 'INV-2' });
    assert.deepEqual(inputsOf(ddb.commandCalls(QueryCommand)), [
      {
        TableName: table,
        IndexName: 'gsi2',
        KeyConditionExpression: '#pk = :partition',
        ProjectionExpression: '#listing',
        ExpressionAttributeNames: { '#pk': 'gsi2pk', '#listing': 'listing' },
        ExpressionAttributeValues: { ':partition': 'INVOICES#open' },
        Limit: 3,
        ExclusiveStartKey: undefined,
      },
    ]);
  });

  test('one customer: their gsi3 partition, the status as a filter on the listing', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await store().list({ customerId: 'C-100', status: 'paid', due: { from: '2026-11-01' }, limit: 10 });
    assert.deepEqual(inputsOf(ddb.commandCalls(QueryCommand)), [
      {
        TableName: table,
        IndexName: 'gsi3',
        KeyConditionExpression: '#pk = :partition AND #sk >= :from',
        FilterExpression: '#listing.#field = :value',
        ProjectionExpression: '#listing',
        ExpressionAttributeNames: { '#pk': 'gsi3pk', '#listing': 'listing', '#sk': 'gsi3sk', '#field': 'status' },
        ExpressionAttributeValues: { ':partition': 'INVOICES#CUSTOMER#C-100', ':from': '2026-11-01', ':value': 'paid' },
        Limit: 100,
        ExclusiveStartKey: undefined,
      },
    ]);
  });

  test('every status: the status partitions in list order until the page is full, resuming inside the one `after` names', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await store().list({ due: {}, limit: 5, after: { status: 'escalated', dueDate: '2026-12-01', invoiceId: 'INV-9' } });
    const inputs = inputsOf(ddb.commandCalls(QueryCommand));
    assert.deepEqual(
      inputs.map((input) => input.ExpressionAttributeValues?.[':partition']),
      ['INVOICES#escalated', 'INVOICES#paid', 'INVOICES#written_off', 'INVOICES#void'],
    );
    assert.deepEqual(inputs[0]?.ExclusiveStartKey, {
      pk: 'INVOICE#INV-9',
      sk: 'INVOICE',
      gsi2pk: 'INVOICES#escalated',
      gsi2sk: '2026-12-01#INV-9',
    });
    assert.equal(inputs[1]?.ExclusiveStartKey, undefined);
  });
});
