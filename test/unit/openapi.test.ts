import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openApiDocument } from '#contracts/openapi.ts';
import { routes } from '#contracts/routes.ts';

/** Writes that take no body: their path says everything. */
const bodiless = new Set(['POST /v1/invoices/{invoiceId}/holds/{holdId}/release']);

describe('the OpenAPI document', () => {
  test('documents a request body for every JSON write of the API', () => {
    const document = openApiDocument() as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    const missing = routes
      .filter((route) => route.path.startsWith('/v1/') && (route.method === 'POST' || route.method === 'PUT'))
      .filter((route) => !bodiless.has(`${route.method} ${route.path}`))
      // A route published under another path (the batch) is checked by its own e2e test.
      .filter((route) => {
        const operation = document.paths[route.path]?.[route.method.toLowerCase()];
        return operation !== undefined && !operation.requestBody;
      })
      .map((route) => `${route.method} ${route.path}`);
    assert.deepEqual(missing, []);
  });
});

describe('the OpenAPI document of the reports', () => {
  test('names every report parameter as required and describes both answers', () => {
    const document = openApiDocument() as unknown as {
      paths: Record<string, { get: { parameters: { name: string; required: boolean }[]; security: { oauth2: string[] }[] } }>;
      components: { schemas: Record<string, unknown> };
    };
    const required = (path: string) =>
      document.paths[path]?.get.parameters.filter((parameter) => parameter.required).map((parameter) => parameter.name);
    assert.deepEqual(required('/v1/reports/aging'), ['asOf', 'currency']);
    assert.deepEqual(required('/v1/reports/kpis'), ['from', 'to', 'currency']);
    assert.deepEqual(document.paths['/v1/reports/kpis']?.get.security, [{ oauth2: ['dunwell/reports.read'] }]);
    assert.ok(document.components.schemas.AgingReport && document.components.schemas.KpiReport);
  });
});
