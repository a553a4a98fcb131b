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

describe('the OpenAPI document of customers', () => {
  type Properties = Record<string, { pattern?: string; description?: string }>;
  const document = openApiDocument() as unknown as {
    paths: Record<string, Record<string, { requestBody: { content: { 'application/json': { schema: { properties: Properties } } } } }>>;
    components: { schemas: { CustomerList: { properties: { items: { items: { properties: Properties } } } } } };
  };
  const bodyOf = (path: string, method: string) => document.paths[path]?.[method]?.requestBody.content['application/json'].schema;

  test('documents country and subdivision wherever a customer is sent, with their pattern and what they do', () => {
    const invoiceCustomer = (bodyOf('/v1/invoices', 'post')?.properties.customer as unknown as { properties: Properties } | undefined)
      ?.properties;
    for (const properties of [invoiceCustomer, bodyOf('/v1/customers/{customerId}', 'put')?.properties]) {
      assert.equal(properties?.country?.pattern, '^[A-Za-z]{2}$');
      assert.match(properties?.country?.description ?? '', /ISO 3166-1 alpha-2/);
      assert.match(properties?.country?.description ?? '', /defaulted from timeZone when unambiguous/);
      assert.match(properties?.country?.description ?? '', /public holidays of this place are never send days/i);
      assert.equal(properties?.subdivision?.pattern, '^[A-Za-z0-9]{1,3}$');
      assert.match(properties?.subdivision?.description ?? '', /ISO 3166-2/);
      assert.match(properties?.subdivision?.description ?? '', /Needs country/);
    }
  });

  test('lists them on each customer of the list', () => {
    const item = document.components.schemas.CustomerList.properties.items.items.properties;
    assert.equal(item.country?.pattern, '^[A-Z]{2}$');
    assert.equal(item.subdivision?.pattern, '^[A-Z0-9]{1,3}$');
  });
});
