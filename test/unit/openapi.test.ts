import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
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

describe('the OpenAPI operations', () => {
  type Operation = { operationId: string; summary: string; tags: string[]; security: { oauth2?: string[] }[] };
  const document = openApiDocument() as unknown as {
    servers: { url: string }[];
    tags: { name: string; description: string }[];
    paths: Record<string, Record<string, Operation>>;
    components: { securitySchemes: { oauth2: { flows: { clientCredentials: { scopes: Record<string, string> } } } } };
  };
  const operations = Object.values(document.paths).flatMap((item) => Object.values(item));

  test('every API route (the console’s HTML pages aside) is one operation with a unique camelCase identifier, a summary and a declared tag', () => {
    assert.equal(operations.length, routes.filter((route) => route.function !== 'console').length);
    assert.ok(!Object.keys(document.paths).some((path) => path.startsWith('/console')), 'no console page in the API document');
    const ids = operations.map((operation) => operation.operationId);
    assert.deepEqual(
      ids.filter((id) => !/^[a-z][a-zA-Z0-9]*$/.test(id)),
      [],
    );
    assert.equal(new Set(ids).size, ids.length);
    const tags = new Set(document.tags.filter((tag) => tag.description).map((tag) => tag.name));
    for (const operation of operations) {
      assert.ok(operation.summary, operation.operationId);
      assert.ok(
        operation.tags.every((tag) => tags.has(tag)),
        operation.operationId,
      );
    }
  });

  test('keeps the identifiers generated clients call', () => {
    const operationAt = (path: string, method: string) => document.paths[path]?.[method]?.operationId;
    assert.equal(operationAt('/v1/invoices', 'post'), 'createInvoice');
    assert.equal(operationAt('/v1/invoices:batch', 'post'), 'batchCreateInvoices');
    assert.equal(operationAt('/v1/invoices/{invoiceId}', 'get'), 'getInvoice');
    assert.equal(operationAt('/v1/invoices/{invoiceId}/payments', 'post'), 'recordPayment');
    assert.equal(operationAt('/v1/policies/{policyId}', 'put'), 'putPolicy');
  });

  test('declares every scope an operation requires in the oauth2 scheme, and a server', () => {
    const declared = Object.keys(document.components.securitySchemes.oauth2.flows.clientCredentials.scopes);
    const used = new Set(operations.flatMap((operation) => operation.security.flatMap((requirement) => requirement.oauth2 ?? [])));
    assert.deepEqual(
      [...used].filter((scope) => !declared.includes(scope)),
      [],
    );
    assert.ok(used.has('dunwell/policies.read') && used.has('dunwell/policies.write'));
    assert.deepEqual(document.servers, [{ url: '/', description: 'The instance serving this document' }]);
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
