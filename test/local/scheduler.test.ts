import assert from 'node:assert/strict';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { LocalScheduler } from '#local/scheduler.ts';
import { testTable } from '../support/dynalite.ts';

const table = testTable('dunwell-scheduler');
let scheduler: LocalScheduler;

beforeAll(async () => {
  const documents = DynamoDBDocumentClient.from(await table.start());
  scheduler = new LocalScheduler(documents, `${table.tableName}-local`);
});
afterAll(() => table.stop());

const at = (iso: string) => Date.parse(iso);
const schedule = (name: string, when: string) => ({
  group: 'timers',
  name,
  at: at(when),
  targetArn: 'arn:aws:lambda:us-east-1:000000000000:function:wake',
  input: '{}',
});

describe('the local scheduler', () => {
  test('schedules of the earliest due instant come together, in creation order, at most `max`', async () => {
    await scheduler.put(schedule('later', '2026-12-02T09:00:00Z'), 'create');
    await scheduler.put(schedule('b', '2026-12-01T09:00:00Z'), 'create');
    await scheduler.put(schedule('a', '2026-12-01T09:00:00Z'), 'create');
    await scheduler.put(schedule('c', '2026-12-01T09:00:00Z'), 'create');
    const names = (max: number, limit = '2026-12-31T00:00:00Z') => scheduler.dueTogether(at(limit), max).map((due) => due.name);
    assert.deepEqual(names(16), ['b', 'a', 'c']);
    assert.deepEqual(names(2), ['b', 'a']);
    assert.deepEqual(names(16, '2026-12-01T08:59:59Z'), [], 'nothing is due before its instant');
    for (const name of ['b', 'a', 'c']) await scheduler.delete('timers', name);
    assert.deepEqual(names(16), ['later']);
  });
});
