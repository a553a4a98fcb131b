import * as z from 'zod';
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
  voidRequestSchema,
} from './api.ts';
import { customerRequestSchema, suppressionReleaseSchema } from './customer-api.ts';
import { customerListQuerySchema, invoiceListQuerySchema, MAX_LIST_LIMIT } from './list-api.ts';
import { policyRequestSchema } from './policy-api.ts';
import { INVOICES_BATCH_ACTION, routes } from './routes.ts';
import { taskCompletionSchema, taskListQuerySchema } from './task-api.ts';

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

/** A reporting day, and the one currency a report is in (the reports API checks both). */
const reportDay = (meaning: string) => z.iso.date().describe(`${meaning} (YYYY-MM-DD), a calendar day in the reporting time zone`);
const reportCurrency = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .describe('ISO 4217 code; one currency per report');

/** Query strings of GET routes, described from their zod schemas. */
const queryParameters: Record<string, z.ZodObject> = {
  'GET /v1/tasks': taskListQuerySchema,
  'GET /v1/invoices': invoiceListQuerySchema,
  'GET /v1/customers': customerListQuerySchema,
  'GET /v1/reports/aging': z.strictObject({ asOf: reportDay('The day whose end the aging is as of'), currency: reportCurrency }),
  'GET /v1/reports/kpis': z.strictObject({
    from: reportDay('First day of the period'),
    to: reportDay('Last day of the period, at most 366 days after from'),
    currency: reportCurrency,
  }),
};

function queryParametersOf(key: string) {
  const schema = queryParameters[key];
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: property,
  }));
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

const okResponse = (description: string, item: string) => ({
  '200': {
    description,
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${item}` } } },
  },
});

/** What the GET routes with a documented body answer: the lists (one page and the cursor of the next) and the reports. */
const getResponses: Record<string, Record<string, unknown>> = {
  'GET /v1/invoices': okResponse(
    'Invoices by due date, then invoice id; without status or customerId, status by status (open, on_hold, escalated, paid, written_off, void). ' +
      'Filters combine. An unknown parameter or value, or a cursor from other filters, is a 400 naming it.',
    'InvoiceList',
  ),
  'GET /v1/customers': okResponse('Customers by customerId, all or one segment', 'CustomerList'),
  'GET /v1/reports/aging': okResponse(
    'Receivables at the end of asOf by days past due: always the five buckets current, 1-30, 31-60, 61-90, 91+ (API.md defines each figure)',
    'AgingReport',
  ),
  'GET /v1/reports/kpis': okResponse(
    'DSO, best possible DSO, ADD, CEI, percent current, collections, dispute rate, promise-kept rate, messages and recovery per step (API.md defines each figure)',
    'KpiReport',
  ),
};

const page = (item: Record<string, unknown>) => ({
  type: 'object',
  required: ['items'],
  properties: {
    items: { type: 'array', maxItems: MAX_LIST_LIMIT, items: item },
    next: { type: 'string', description: 'Present when more follow: pass it as `cursor`, with the same filters, for the next page' },
  },
});

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
        ...(multiStatus[key] ??
          getResponses[key] ?? {
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
              scopes: {
                'dunwell/invoices.read': 'Read invoices',
                'dunwell/invoices.write': 'Create invoices and record payments',
                'dunwell/policies.read': 'Read cadence policies',
                'dunwell/policies.write': 'Create policy versions',
                'dunwell/reports.read': 'Read finance reports',
              },
            },
          },
        },
      },
      schemas: {
        InvoiceList: page({
          type: 'object',
          required: [
            'invoiceId',
            'customerId',
            'customerName',
            'currency',
            'amount',
            'balance',
            'dueDate',
            'status',
            'daysPastDue',
            'tier',
            'nextAction',
          ],
          properties: {
            invoiceId: { type: 'string' },
            customerId: { type: 'string' },
            customerName: { type: 'string' },
            currency: { type: 'string', description: 'ISO 4217' },
            amount: { type: 'string', description: 'Decimal string in the currency’s minor-unit precision' },
            balance: { type: 'string', description: 'What is still owed; never below 0' },
            dueDate: { type: 'string', format: 'date' },
            status: { enum: ['open', 'on_hold', 'paid', 'void', 'written_off', 'escalated'] },
            daysPastDue: { type: 'integer', description: 'Today (UTC) less the due date; negative before it is due' },
            tier: { type: 'integer', minimum: 1, maximum: 4 },
            nextAction: {
              description: 'What the planner does next, as of the last change of the invoice; null once its lifecycle has closed',
              oneOf: [
                { type: 'null' },
                {
                  type: 'object',
                  required: ['type', 'at'],
                  properties: {
                    type: { enum: ['email', 'sms', 'task', 'close', 'await_payment', 'hold', 'grace'] },
                    at: { type: ['string', 'null'], format: 'date-time' },
                    stepId: { type: 'string' },
                  },
                },
              ],
            },
          },
        }),
        CustomerList: page({
          type: 'object',
          required: ['customerId', 'name', 'timeZone', 'locale', 'consent', 'reachable', 'updatedAt'],
          properties: {
            customerId: { type: 'string' },
            name: { type: 'string' },
            email: { type: 'string' },
            phone: { type: 'string' },
            timeZone: { type: 'string' },
            locale: { type: 'string' },
            segment: { type: 'string' },
            country: {
              type: 'string',
              pattern: '^[A-Z]{2}$',
              description: 'ISO 3166-1 alpha-2, as sent; absent when defaulted from timeZone (public holidays there are never send days)',
            },
            subdivision: {
              type: 'string',
              pattern: '^[A-Z0-9]{1,3}$',
              description: 'The part after the dash of an ISO 3166-2 code (BY for DE-BY)',
            },
            policyId: { type: 'string' },
            consent: { type: 'object', properties: { email: { type: 'boolean' }, sms: { type: 'boolean' } } },
            preferredChannel: { enum: ['email', 'sms'] },
            reachable: {
              type: 'object',
              description: 'Consented, with an address that is not suppressed',
              properties: { email: { type: 'boolean' }, sms: { type: 'boolean' } },
            },
            updatedAt: { type: 'string', format: 'date-time' },
          },
        }),
        AgingReport: {
          type: 'object',
          required: ['asOf', 'currency', 'buckets', 'total'],
          properties: {
            asOf: { type: 'string', format: 'date' },
            currency: { type: 'string' },
            buckets: {
              type: 'array',
              items: {
                type: 'object',
                required: ['bucket', 'amount', 'invoices', 'share'],
                properties: {
                  bucket: { enum: ['current', '1-30', '31-60', '61-90', '91+'] },
                  amount: { type: 'string', description: 'Decimal string in the currency’s minor-unit precision' },
                  invoices: { type: 'integer' },
                  share: { type: ['number', 'null'], description: 'Percent of the total amount, 2 decimals; null when nothing is owed' },
                },
              },
            },
            total: { type: 'object', properties: { amount: { type: 'string' }, invoices: { type: 'integer' } } },
          },
        },
        KpiReport: {
          type: 'object',
          description: 'Money as decimal strings; ratios rounded to 2 decimals, null when their denominator is 0',
          properties: {
            from: { type: 'string', format: 'date' },
            to: { type: 'string', format: 'date' },
            currency: { type: 'string' },
            days: { type: 'integer' },
            ...Object.fromEntries(['sales', 'arBegin', 'arEnd', 'arEndCurrent', 'collected'].map((name) => [name, { type: 'string' }])),
            ...Object.fromEntries(
              [
                'dso',
                'bestPossibleDso',
                'averageDaysDelinquent',
                'cei',
                'percentCurrent',
                'disputeRate',
                'promiseKeptRate',
                'averageDaysToPay',
              ].map((name) => [name, { type: ['number', 'null'] }]),
            ),
            messages: { type: 'object', properties: { email: { type: 'integer' }, sms: { type: 'integer' } } },
            recoveryByStep: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  stepId: { type: 'string' },
                  sent: { type: 'integer' },
                  paidWithin7Days: { type: 'integer' },
                  rate: { type: ['number', 'null'] },
                },
              },
            },
          },
        },
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
