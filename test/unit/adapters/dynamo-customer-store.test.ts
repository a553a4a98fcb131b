import assert from 'node:assert/strict';
import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { DynamoCustomerStore } from '#adapters/dynamo-customer-store.ts';
import { documentClient } from '#adapters/dynamo-invoice-store.ts';
import { customerListing } from '#contracts/listing.ts';
import type { CustomerProfile } from '#domain/customers.ts';
import { StaleWriteError } from '#ports/invoice-store.ts';
import { answered, commandNames, inputsOf } from '../../support/aws-mocks.ts';
import { SettableClock } from '../../support/fakes.ts';
import { newInvoice } from '../../support/invoices.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());
afterAll(() => ddb.restore());

const table = 'dunwell';
const store = () => new DynamoCustomerStore(documentClient(), table, new SettableClock('2026-11-05T00:00:00Z'), { backoffMs: () => 0 });
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', ...answered(400) });
const profileKey = { pk: 'CUSTOMER#C-1', sk: 'PROFILE' };

const profile: CustomerProfile = {
  customerId: 'C-1',
  name: 'Acme GmbH',
  email: 'ap@acme.example',
  timeZone: 'Europe/Berlin',
  locale: 'de-DE',
  segment: 'enterprise',
  consent: { email: true, sms: false },
  contactsAsOf: '2026-11-01T00:00:00.000Z',
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
  version: 2,
};

/** The profile item as the store writes it: keys, profile, list index entries and listing. */
const profileItem = (stored: CustomerProfile) => ({
  ...profileKey,
  ...stored,
  gsi2pk: 'CUSTOMERS',
  gsi2sk: stored.customerId,
  ...(stored.segment ? { gsi3pk: `CUSTOMERS#SEGMENT#${stored.segment}`, gsi3sk: stored.customerId } : {}),
  listing: customerListing(stored),
});

describe('DynamoCustomerStore profiles', () => {
  test('getProfile: a consistent GetItem of CUSTOMER#<id> / PROFILE, without keys or list attributes', async () => {
    ddb.on(GetCommand).resolves({ Item: profileItem(profile) });
    assert.deepEqual(await store().getProfile('C-1'), profile);
    assert.deepEqual(inputsOf(ddb.commandCalls(GetCommand)), [{ TableName: table, Key: profileKey, ConsistentRead: true }]);
  });

  test('getProfile: no item, no profile', async () => {
    ddb.on(GetCommand).resolves({});
    assert.equal(await store().getProfile('C-1'), undefined);
  });

  test('saveProfile of a new profile (version 0): attribute_not_exists(pk), stored at version 1', async () => {
    ddb.on(PutCommand).resolves({});
    const fresh = { ...profile, version: 0 };
    assert.equal((await store().saveProfile(fresh)).version, 1);
    assert.deepEqual(inputsOf(ddb.commandCalls(PutCommand)), [
      { TableName: table, Item: profileItem({ ...fresh, version: 1 }), ConditionExpression: 'attribute_not_exists(pk)' },
    ]);
  });

  test('saveProfile of a stored profile: guarded by its version; no segment, no segment index entry', async () => {
    ddb.on(PutCommand).resolves({});
    const { segment: _segment, ...unsegmented } = profile;
    await store().saveProfile(unsegmented);
    const [input] = inputsOf(ddb.commandCalls(PutCommand));
    assert.deepEqual(input, {
      TableName: table,
      Item: profileItem({ ...unsegmented, version: 3 }),
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': 2 },
    });
    assert.equal('gsi3pk' in (input?.Item ?? {}), false);
  });

  test('saveProfile: ConditionalCheckFailedException becomes StaleWriteError; other errors pass through', async () => {
    ddb.on(PutCommand).rejectsOnce(conditionFailed());
    await assert.rejects(store().saveProfile(profile), { name: 'StaleWriteError', message: 'Customer C-1 changed concurrently' });
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', ...answered(400) });
    ddb.on(PutCommand).rejects(throttled);
    await assert.rejects(store().saveProfile(profile), (error) => error === throttled && !(error instanceof StaleWriteError));
  });

  test('reindex: rewrites the profile at its own version; a condition failure means already indexed', async () => {
    ddb.on(GetCommand).resolves({ Item: profileItem(profile) });
    ddb.on(PutCommand).resolvesOnce({}).rejects(conditionFailed());
    assert.equal(await store().reindex('C-1'), true);
    assert.equal(await store().reindex('C-1'), true);
    assert.deepEqual(inputsOf(ddb.commandCalls(PutCommand))[0], {
      TableName: table,
      Item: profileItem(profile),
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': 2 },
    });
  });

  test('reindex: no profile, no write', async () => {
    ddb.on(GetCommand).resolves({});
    assert.equal(await store().reindex('C-1'), false);
    assert.deepEqual(commandNames(ddb.calls()), ['GetCommand']);
  });
});

describe("DynamoCustomerStore: a customer's invoices", () => {
  test('linkInvoice: UpdateItem ADD of the id to the INVOICES string set', async () => {
    ddb.on(UpdateCommand).resolves({});
    await store().linkInvoice('C-1', 'INV-7');
    assert.deepEqual(inputsOf(ddb.commandCalls(UpdateCommand)), [
      {
        TableName: table,
        Key: { pk: 'CUSTOMER#C-1', sk: 'INVOICES' },
        UpdateExpression: 'ADD invoiceIds :ids',
        ExpressionAttributeValues: { ':ids': new Set(['INV-7']) },
      },
    ]);
  });

  test('linkedInvoices: the id set, then consistent BatchGetItem of the invoice items in sorted batches of 100', async () => {
    const ids = Array.from({ length: 150 }, (_, at) => `INV-${String(at).padStart(3, '0')}`);
    ddb.on(GetCommand).resolves({ Item: { pk: 'CUSTOMER#C-1', sk: 'INVOICES', invoiceIds: new Set([...ids].reverse()) } });
    ddb.on(BatchGetCommand).resolves({ Responses: { [table]: [] } });
    assert.deepEqual(await store().linkedInvoices('C-1'), []);
    assert.deepEqual(inputsOf(ddb.commandCalls(GetCommand)), [
      { TableName: table, Key: { pk: 'CUSTOMER#C-1', sk: 'INVOICES' }, ConsistentRead: true },
    ]);
    const keys = (from: number, to: number) => ids.slice(from, to).map((id) => ({ pk: `INVOICE#${id}`, sk: 'INVOICE' }));
    assert.deepEqual(inputsOf(ddb.commandCalls(BatchGetCommand)), [
      { RequestItems: { [table]: { Keys: keys(0, 100), ConsistentRead: true } } },
      { RequestItems: { [table]: { Keys: keys(100, 150), ConsistentRead: true } } },
    ]);
  });

  test('linkedInvoices: UnprocessedKeys are asked for again until none are left', async () => {
    const one = newInvoice({ invoiceId: 'INV-1' });
    const two = newInvoice({ invoiceId: 'INV-2' });
    const hot = (invoice: typeof one) => ({ pk: `INVOICE#${invoice.invoiceId}`, sk: 'INVOICE', ...invoice });
    ddb.on(GetCommand).resolves({ Item: { invoiceIds: new Set(['INV-1', 'INV-2']) } });
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [table]: [hot(one)] },
        UnprocessedKeys: { [table]: { Keys: [{ pk: 'INVOICE#INV-2', sk: 'INVOICE' }] } },
      })
      .resolvesOnce({ Responses: { [table]: [hot(two)] }, UnprocessedKeys: {} });
    assert.deepEqual(await store().linkedInvoices('C-1'), [one, two]);
    assert.deepEqual(
      inputsOf(ddb.commandCalls(BatchGetCommand)).map((input) => input.RequestItems?.[table]?.Keys),
      [
        [
          { pk: 'INVOICE#INV-1', sk: 'INVOICE' },
          { pk: 'INVOICE#INV-2', sk: 'INVOICE' },
        ],
        [{ pk: 'INVOICE#INV-2', sk: 'INVOICE' }],
      ],
    );
  });

  test('linkedInvoices: keys still unprocessed after 10 rounds are an error', async () => {
    ddb.on(GetCommand).resolves({ Item: { invoiceIds: new Set(['INV-1']) } });
    ddb.on(BatchGetCommand).resolves({ UnprocessedKeys: { [table]: { Keys: [{ pk: 'INVOICE#INV-1', sk: 'INVOICE' }] } } });
    await assert.rejects(store().linkedInvoices('C-1'), { message: 'BatchGetItem left 1 invoices unprocessed after 10 rounds' });
    assert.equal(ddb.commandCalls(BatchGetCommand).length, 10);
  });

  test('linkedInvoices: no INVOICES item, no batch read', async () => {
    ddb.on(GetCommand).resolves({});
    assert.deepEqual(await store().linkedInvoices('C-1'), []);
    assert.deepEqual(commandNames(ddb.calls()), ['GetCommand']);
  });
});

describe('DynamoCustomerStore.list', () => {
  test('all customers: the CUSTOMERS partition of gsi2, resuming after a customer id', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ listing: { customerId: 'C-2' } }, { listing: { customerId: 'C-3' } }] });
    const page = await store().list({ limit: 1, after: { customerId: 'C-1' } });
    assert.deepEqual(page, { items: [{ customerId: 'C-2' }], next: { customerId: 'C-2' } });
    assert.deepEqual(inputsOf(ddb.commandCalls(QueryCommand)), [
      {
        TableName: table,
        IndexName: 'gsi2',
        KeyConditionExpression: '#pk = :partition',
        ProjectionExpression: '#listing',
        ExpressionAttributeNames: { '#pk': 'gsi2pk', '#listing': 'listing' },
        ExpressionAttributeValues: { ':partition': 'CUSTOMERS' },
        Limit: 2,
        ExclusiveStartKey: { pk: 'CUSTOMER#C-1', sk: 'PROFILE', gsi2pk: 'CUSTOMERS', gsi2sk: 'C-1' },
      },
    ]);
  });

  test("one segment: that segment's partition of gsi3", async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    assert.deepEqual(await store().list({ limit: 20, segment: 'smb' }), { items: [] });
    const [input] = inputsOf(ddb.commandCalls(QueryCommand));
    assert.deepEqual(
      [input?.IndexName, input?.ExpressionAttributeValues, input?.Limit],
      ['gsi3', { ':partition': 'CUSTOMERS#SEGMENT#smb' }, 21],
    );
  });
});
