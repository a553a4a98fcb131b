import { z } from 'zod';
import {
  creditNoteRequestSchema,
  disputeRequestSchema,
  disputeResolutionSchema,
  holdRequestSchema,
  invoiceBatchRequestSchema,
  invoiceRequestSchema,
  paymentPlanRequestSchema,
  paymentRequestSchema,
  promiseRequestSchema,
  replanRequestSchema,
  taskCompletionSchema,
  taskListQuerySchema,
  voidRequestSchema,
} from './api.ts';
import { customerRequestSchema, suppressionReleaseSchema } from './customer-api.ts';
import { policyRequestSchema } from './policy-api.ts';
import { INVOICES_BATCH_ACTION, routes } from './routes.ts';

/** Routes published under another path than their API Gateway route path (see routes.ts). */
const publishedPaths: Record<string, string> = {
  'POST /v1/{collectionAction}': `/v1/${INVOICES_BATCH_ACTION}`,
};

const requestBodies: Record<string, z.ZodType> = {
  'POST /v1/invoices': invoiceRequestSchema,
  'POST /v1/{collectionAction}': invoiceBatchRequestSchema,
  'POST /v1/invoices/{invoiceId}/payments': paymentRequestSchema,
  'POST /v1/invoices/{invoiceId}/disputes': disputeRequestSchema,
  'POST /v1/disputes/{disputeId}/resolution': disputeResolutionSchema,
  'POST /v1/invoices/{invoiceId}/promises': promiseRequestSchema,
  'POST /v1/invoices/{invoiceId}/holds': holdRequestSchema,
  'POST /v1/invoices/{invoiceId}/payment-plans': paymentPlanRequestSchema,
  'POST /v1/invoices/{invoiceId}/credit-notes': creditNoteRequestSchema,
  'POST /v1/invoices/{invoiceId}/void': voidRequestSchema,
  'POST /v1/invoices/{invoiceId}/replan': replanRequestSchema,
  'POST /v1/tasks/{taskId}/complete': taskCompletionSchema,
  'PUT /v1/customers/{customerId}': customerRequestSchema,
  'POST /v1/customers/{customerId}/suppressions/release': suppressionReleaseSchema,
  'PUT /v1/policies/{policyId}': policyRequestSchema,
};

/** Query strings of GET routes, described from their zod schemas. */
const queryParameters: Record<string, z.ZodObject> = {
  'GET /v1/tasks': taskListQuerySchema,
};

function queryParametersOf(key: string) {
  const schema = queryParameters[key];
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, unknown> };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({ name, in: 'query', required: false, schema: property }));
}

const problem = {
  description: 'RFC 9457 problem details',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

/** Batch routes answer 207 with one result per item instead of 200/201. */
const multiStatus: Record<string, Record<string, unknown>> = {
  'POST /v1/{collectionAction}': {
    '207': {
      description:
        'One result per invoice, in request order: the status POST /v1/invoices would have answered (201, 200, 400, 409…), ' +
        'with a problem (paths relative to the item) when it failed. A repeated invoiceId is processed at its first index; later copies get 409.',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/InvoiceBatchResults' } } },
    },
  },
};

/** The OpenAPI 3.1 document served at GET /v1/openapi.json, generated from the route table and zod schemas. */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    const path = publishedPaths[key] ?? route.path;
    const body = requestBodies[key];
    const parameters: Record<string, unknown>[] = [
      ...[...path.matchAll(/\{(\w+)\}/g)].map((match) => ({
        name: match[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
      })),
      ...queryParametersOf(key),
    ];
    paths[path] ??= {};
    paths[path]![route.method.toLowerCase()] = {
      operationId: `${route.method} ${path}`,
      ...(route.scopes ? { security: [{ oauth2: [...route.scopes] }] } : { security: [] }),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.method === 'POST'
        ? {
            parameters: [
              ...parameters,
              { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } },
            ],
          }
        : {}),
      ...(body
        ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(body, { io: 'input' }) } } } }
        : {}),
      responses: {
        ...(multiStatus[key] ?? {
          '200': { description: 'OK' },
          ...(route.method === 'POST' ? { '201': { description: 'Created' } } : {}),
        }),
        '400': problem,
        ...(route.scopes ? { '401': problem, '403': problem } : {}),
        '404': problem,
        '409': problem,
        '413': problem,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Dunwell API', version: '1.0.0' },
    paths,
    components: {
      securitySchemes: {
        oauth2: {
          type: 'oauth2',
          flows: {
            clientCredentials: {
              tokenUrl: '/oauth2/token',
              scopes: { 'dunwell/invoices.read': 'Read invoices', 'dunwell/invoices.write': 'Create invoices and record payments' },
            },
          },
        },
      },
      schemas: {
        InvoiceBatchResults: {
          type: 'object',
          required: ['results'],
          properties: {
            results: {
              type: 'array',
              items: {
                type: 'object',
                required: ['index', 'status'],
                properties: {
                  index: { type: 'integer', description: 'Position of the item in the request' },
                  invoiceId: { type: 'string', description: 'The invoiceId the item named, when it named one' },
                  status: { type: 'integer', description: 'What POST /v1/invoices would have answered for this item' },
                  outcome: { enum: ['created', 'updated', 'unchanged'] },
                  location: { type: 'string', description: 'The invoice, on success' },
                  problem: { $ref: '#/components/schemas/Problem' },
                },
              },
            },
          },
        },
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
  };
}
