import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'vitest';
import { lintOpenApiDocument, OPENAPI_TYPES_FILE, openApiTypes } from '../../scripts/openapi-document.ts';

/** What client generators need from GET /v1/openapi.json: CI fails here when the document or its types drift. */
describe('the OpenAPI document for client generators', () => {
  test('is lint clean with Redocly’s recommended rules: no error, no warning (npm run lint:openapi)', () => {
    const result = lintOpenApiDocument();
    assert.deepEqual(result.problems, [], 'each problem: rule, JSON pointer into the document, message');
    assert.deepEqual([result.errors, result.warnings], [0, 0]);
  });

  test('generates exactly the committed client types (node scripts/openapi-document.ts --types rewrites them)', async () => {
    const committed = readFileSync(OPENAPI_TYPES_FILE, 'utf8');
    assert.ok(committed === (await openApiTypes()), 'shared/contracts/openapi-types.gen.ts is stale: regenerate it');
  });
});
