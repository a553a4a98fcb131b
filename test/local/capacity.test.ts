import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { CapacityMeter, failedWriteUnits, itemBytes, type TableShape, writeUnits } from '#local/capacity.ts';

/** The AWS rules the cost benchmark prices DynamoDB by (infra/local/capacity.ts). */
const shape: TableShape = {
  keys: ['pk', 'sk'],
  indexes: [
    { name: 'byStatus', keys: ['status', 'due'], projection: 'INCLUDE', include: ['listing'] },
    { name: 'byKey', keys: ['gsi1pk', 'gsi1sk'], projection: 'KEYS_ONLY', include: [] },
  ],
};
const item = (extra: Record<string, unknown>): Record<string, unknown> => ({ pk: { S: 'INVOICE#1' }, sk: { S: 'INVOICE' }, ...extra });
const padding = (bytes: number) => ({ S: 'x'.repeat(bytes) });

describe('DynamoDB request units', () => {
  test('item size: names plus values, numbers two digits a byte', () => {
    assert.equal(itemBytes({ a: { S: 'héllo' } }), 1 + 6);
    assert.equal(itemBytes({ n: { N: '12345' } }), 1 + 4);
    assert.equal(itemBytes({ l: { L: [{ BOOL: true }, { NULL: true }] } }), 1 + 3 + 2 + 2);
  });

  test('a put of a new item: 1 unit per started KB, plus each index it enters', () => {
    const units = writeUnits(shape, undefined, item({ body: padding(1500), status: { S: 'open' }, due: { S: '2026-12-01' } }));
    assert.deepEqual(units, { table: 2, indexes: { byStatus: 1 } });
  });

  test('an update: the larger image; an index only when its projection changed, twice when its key moved', () => {
    const old = item({ body: padding(3000), status: { S: 'open' }, due: { S: '2026-12-01' }, gsi1pk: { S: 'a' }, gsi1sk: { S: '1' } });
    assert.deepEqual(writeUnits(shape, old, { ...old, body: padding(10) }), { table: 3, indexes: {} });
    assert.deepEqual(writeUnits(shape, old, { ...old, listing: { S: 'new' } }), { table: 3, indexes: { byStatus: 1 } });
    assert.deepEqual(writeUnits(shape, old, { ...old, status: { S: 'paid' } }), { table: 3, indexes: { byStatus: 2 } });
    const { gsi1pk: _, ...withoutKey } = old;
    assert.deepEqual(writeUnits(shape, old, withoutKey), { table: 3, indexes: { byKey: 1 } });
  });

  test('a delete costs the old item; a refused write its size on the table only', () => {
    assert.deepEqual(writeUnits(shape, item({ gsi1pk: { S: 'a' }, gsi1sk: { S: '1' } }), undefined), { table: 1, indexes: { byKey: 1 } });
    assert.deepEqual(writeUnits(shape, undefined, undefined), { table: 1, indexes: {} });
    assert.deepEqual(failedWriteUnits(item({ body: padding(2100) })), { table: 3, indexes: {} });
  });

  test('reads add up what dynalite reports; an empty query still costs its minimum', () => {
    const meter = new CapacityMeter();
    meter.read({ CapacityUnits: 1.5, Table: { CapacityUnits: 1 }, GlobalSecondaryIndexes: { byStatus: { CapacityUnits: 0.5 } } });
    meter.read([{ CapacityUnits: 2 }, { CapacityUnits: 1 }]);
    meter.read({ CapacityUnits: 0 }, { units: 0.5, index: 'byKey' });
    meter.write({ table: 2, indexes: { byStatus: 1 } });
    assert.deepEqual(meter.usage(), {
      readRequestUnits: { table: 4, indexes: { byStatus: 0.5, byKey: 0.5 } },
      writeRequestUnits: { table: 2, indexes: { byStatus: 1 } },
    });
  });
});
