import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { FunctionName } from '#contracts/functions.ts';
import { LISTING_ATTRIBUTE } from '#contracts/table-indexes.ts';
import { cfnText, grantsOfRole, importedValue, onlyResourceOf, resourcesOf, roleOfFunction, synthDunwell } from './synth.ts';

const { templates } = synthDunwell();
const { stateful, stateless } = templates;

const tableId = onlyResourceOf(stateful, 'AWS::DynamoDB::Table');
const table = resourcesOf(stateful, 'AWS::DynamoDB::Table')[tableId]?.Properties ?? {};
const indexes = table.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown; Projection: unknown }[];
const indexNamed = (name: string) => indexes.find((index) => index.IndexName === name);

describe('the list indexes (GET /v1/invoices, GET /v1/customers)', () => {
  test('gsi2 and gsi3: string keys, projecting only the listing besides the keys', () => {
    for (const [name, partitionKey, sortKey] of [
      ['gsi2', 'gsi2pk', 'gsi2sk'],
      ['gsi3', 'gsi3pk', 'gsi3sk'],
    ] as const) {
      assert.deepEqual(
        indexNamed(name),
        {
          IndexName: name,
          KeySchema: [
            { AttributeName: partitionKey, KeyType: 'HASH' },
            { AttributeName: sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [LISTING_ATTRIBUTE] },
        },
        name,
      );
      for (const key of [partitionKey, sortKey]) {
        assert.ok(
          (table.AttributeDefinitions as { AttributeName: string; AttributeType: string }[]).some(
            (definition) => definition.AttributeName === key && definition.AttributeType === 'S',
          ),
          `${key} is a string attribute`,
        );
      }
    }
  });

  test('gsi1 keeps its keys and projects only them, as the local table does: its queries read keys alone', () => {
    assert.deepEqual(indexNamed('gsi1')?.KeySchema, [
      { AttributeName: 'gsi1pk', KeyType: 'HASH' },
      { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
    ]);
    assert.deepEqual(indexNamed('gsi1')?.Projection, { ProjectionType: 'KEYS_ONLY' });
    assert.deepEqual(
      indexes.map((index) => index.IndexName),
      ['gsi1', 'gsi2', 'gsi3'],
    );
  });

  test('the functions that query them may query both indexes of the table, and nothing broader', () => {
    for (const name of [FunctionName.invoicesApi, FunctionName.customersApi]) {
      const queries = grantsOfRole(stateless, roleOfFunction(stateless, name)).filter((grant) => grant.action === 'dynamodb:Query');
      const resources = queries.map((grant) => grant.resource);
      for (const index of ['gsi2', 'gsi3']) {
        const grant = resources.find((resource) => cfnText(resource).endsWith(`"/index/${index}"]]}`));
        assert.ok(grant, `${name} may query ${index}: ${cfnText(resources)}`);
        // The ARN is the table's, imported from the stateful stack, with the index suffix.
        const [, [tableArn]] = (grant as { 'Fn::Join': [string, [unknown, string]] })['Fn::Join'];
        assert.deepEqual(importedValue(stateful, tableArn), { 'Fn::GetAtt': [tableId, 'Arn'] });
      }
      assert.ok(
        resources.every((resource) => !cfnText(resource).includes('/index/*')),
        `${name}: no wildcard over the table's indexes`,
      );
    }
  });
});
