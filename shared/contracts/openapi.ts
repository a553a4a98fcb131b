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
import { replyListQuerySchema } from './replies.ts';
import { INVOICES_BATCH_ACTION, routes, Scope } from './routes.ts';
import { taskCompletionSchema, taskListQuerySchema } from './task-api.ts';

/** Every scope a route may require, declared in the oauth2 scheme (typed by Scope, so a new scope cannot be left out). */
const scopeDescriptions: Record<Scope, string> = {
  [Scope.invoicesRead]: 'Read invoices, customers and tasks',
  [Scope.invoicesWrite]: 'Create invoices and customers, record payments and collection actions',
  [Scope.policiesRead]: 'Read cadence policies',
  [Scope.policiesWrite]: 'Create policy versions',
  [Scope.reportsRead]: 'Read finance reports',
};

/** Routes published under another path than their API Gateway route path (see routes.ts). */
const publishedPaths: Record<string, string> = {
  'POST /v1/{collectionAction}': `/v1/${INVOICES_BATCH_ACTION}`,
};

/** How a route appears to client generators: a stable identifier (the generated method name), a one-line summary and its tag. */
interface Operation {
  readonly operationId: string;
  readonly summary: string;
  readonly tag: Tag;
}

/** Tags group operations in generated clients and documentation. */
const tags = [
  { name: 'Invoices', description: 'Ingest invoices, read them with their timeline, and record payments, credit notes and voids' },
  { name: 'Collections', description: 'What happens during dunning: disputes, promises to pay, holds, payment plans and re-planning' },
  { name: 'Tasks', description: 'The collectors’ worklist' },
  { name: 'Customers', description: 'Customers, their consent, preferred channel and risk' },
  { name: 'Policies', description: 'Versioned cadence policies' },
  { name: 'Reports', description: 'Finance reports over the event lake' },
  { name: 'Hosted pages', description: 'The HTML pages a customer reaches from a reminder: the pay page and message preferences' },
  { name: 'Webhooks', description: 'Notifications from payment providers' },
  { name: 'Meta', description: 'This document' },
] as const;
type Tag = (typeof tags)[number]['name'];

/** Keyed by route (method and API Gateway path, as in routes.ts). Never rename an operationId: generated clients call it. */
const operations: Record<string, Operation> = {
  'POST /v1/invoices': { operationId: 'createInvoice', summary: 'Create or update an invoice', tag: 'Invoices' },
  'POST /v1/{collectionAction}': { operationId: 'batchCreateInvoices', summary: 'Create or update up to 500 invoices', tag: 'Invoices' },
  'GET /v1/invoices': { operationId: 'listInvoices', summary: 'List invoices', tag: 'Invoices' },
  'GET /v1/invoices/{invoiceId}': { operationId: 'getInvoice', summary: 'Get an invoice with its timeline', tag: 'Invoices' },
  'POST /v1/invoices/{invoiceId}/payments': { operationId: 'recordPayment', summary: 'Record a payment', tag: 'Invoices' },
  'POST /v1/invoices/{invoiceId}/disputes': { operationId: 'openDispute', summary: 'Open a dispute', tag: 'Collections' },
  'POST /v1/disputes/{disputeId}/resolution': { operationId: 'resolveDispute', summary: 'Resolve a dispute', tag: 'Collections' },
  'POST /v1/invoices/{invoiceId}/promises': { operationId: 'recordPromise', summary: 'Record a promise to pay', tag: 'Collections' },
  'POST /v1/invoices/{invoiceId}/holds': { operationId: 'placeHold', summary: 'Put an invoice on hold', tag: 'Collections' },
  'POST /v1/invoices/{invoiceId}/payment-plans': {
    operationId: 'createPaymentPlan',
    summary: 'Agree a payment plan',
    tag: 'Collections',
  },
  'POST /v1/invoices/{invoiceId}/holds/{holdId}/release': { operationId: 'releaseHold', summary: 'Release a hold', tag: 'Collections' },
  'POST /v1/invoices/{invoiceId}/credit-notes': { operationId: 'recordCreditNote', summary: 'Apply a credit note', tag: 'Invoices' },
  'POST /v1/invoices/{invoiceId}/void': { operationId: 'voidInvoice', summary: 'Void an invoice', tag: 'Invoices' },
  'POST /v1/invoices/{invoiceId}/replan': {
    operationId: 'replanInvoice',
    summary: 'Move an invoice to another policy',
    tag: 'Collections',
  },
  'GET /v1/tasks': { operationId: 'listTasks', summary: 'List collector tasks', tag: 'Tasks' },
  'POST /v1/tasks/{taskId}/complete': { operationId: 'completeTask', summary: 'Complete a collector task', tag: 'Tasks' },
  'GET /v1/replies': { operationId: 'listUnmatchedReplies', summary: 'List email replies nobody could act on', tag: 'Tasks' },
  'PUT /v1/policies/{policyId}': { operationId: 'putPolicy', summary: 'Create a new version of a policy', tag: 'Policies' },
  'GET /v1/policies/{policyId}': { operationId: 'getPolicy', summary: 'Get a policy', tag: 'Policies' },
  'GET /v1/policies': { operationId: 'listPolicies', summary: 'List policies', tag: 'Policies' },
  'PUT /v1/customers/{customerId}': { operationId: 'putCustomer', summary: 'Create or update a customer', tag: 'Customers' },
  'GET /v1/customers': { operationId: 'listCustomers', summary: 'List customers', tag: 'Customers' },
  'GET /v1/customers/{customerId}': { operationId: 'getCustomer', summary: 'Get a customer with their risk', tag: 'Customers' },
  'POST /v1/customers/{customerId}/suppressions/release': {
    operationId: 'releaseSuppression',
    summary: 'Release a suppressed address',
    tag: 'Customers',
  },
  'GET /v1/reports/aging': { operationId: 'getAgingReport', summary: 'Aging of receivables', tag: 'Reports' },
  'GET /v1/reports/kpis': { operationId: 'getKpiReport', summary: 'Collection KPIs over a period', tag: 'Reports' },
  'GET /v1/openapi.json': { operationId: 'getOpenApiDocument', summary: 'This OpenAPI document', tag: 'Meta' },
  'GET /pay/{token}': { operationId: 'showPayPage', summary: 'The pay page of a reminder', tag: 'Hosted pages' },
  'GET /p/{code}': { operationId: 'followShortLink', summary: 'Redirect from an SMS short link to its pay page', tag: 'Hosted pages' },
  'POST /pay/{token}/dispute': { operationId: 'submitPayPageDispute', summary: 'Dispute from the pay page', tag: 'Hosted pages' },
  'POST /pay/{token}/promise': { operationId: 'submitPayPagePromise', summary: 'Promise to pay from the pay page', tag: 'Hosted pages' },
  'POST /pay/{token}/checkout': { operationId: 'startPayPageCheckout', summary: 'Pay online from the pay page', tag: 'Hosted pages' },
  'POST /pay/{token}/plan-request': {
    operationId: 'submitPayPagePlanRequest',
    summary: 'Ask for a payment plan from the pay page',
    tag: 'Hosted pages',
  },
  'GET /pay/{token}/invoice': { operationId: 'showPayPageInvoice', summary: 'The invoice behind a pay link', tag: 'Hosted pages' },
  'GET /preferences/{token}': { operationId: 'showPreferences', summary: 'The message preferences page', tag: 'Hosted pages' },
  'POST /preferences/{token}': { operationId: 'savePreferences', summary: 'Save message preferences', tag: 'Hosted pages' },
  'POST /webhooks/stripe': { operationId: 'receiveStripeWebhook', summary: 'Receive a Stripe event', tag: 'Webhooks' },
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
  'GET /v1/replies': replyListQuerySchema,
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
  'GET /v1/replies': okResponse(
    'Replies that paused nothing, newest first: a forged or unknown reply address, failed SES verdicts, an unreadable message, or invoices already closed',
    'ReplyList',
  ),
  'GET /v1/reports/aging': okResponse(
    'Receivables at the end of asOf by days past due: always the five buckets current, 1-30, 31-60, 61-90, 91+ (API.md defines each figure)',
    'AgingReport',
  ),
  'GET /v1/reports/kpis': okResponse(
    'DSO, best possible DSO, ADD, CEI, percent current, collections, dispute rate, promise-kept rate, messages and recovery per step (API.md defines each figure)',
    'KpiReport',
  ),
};

const invoiceContent = { 'application/json': { schema: { $ref: '#/components/schemas/Invoice' } } };
const paymentContent = { 'application/json': { schema: { $ref: '#/components/schemas/PaymentResult' } } };

/** The invoice routes whose answer is the invoice (or a payment and the invoice), as the invoices API builds it (invoice-view.ts). */
const invoiceResponses: Record<string, Record<string, unknown>> = {
  'POST /v1/invoices': {
    '200': { description: 'The invoice was already there: updated, or unchanged by an identical body', content: invoiceContent },
    '201': {
      description: 'Created; dunning starts',
      headers: { Location: { description: 'The invoice', schema: { type: 'string' } } },
      content: invoiceContent,
    },
  },
  'GET /v1/invoices/{invoiceId}': { '200': { description: 'The invoice', content: invoiceContent } },
  'POST /v1/invoices/{invoiceId}/payments': {
    '200': { description: 'This paymentId was already recorded with the same amount: nothing changed', content: paymentContent },
    '201': { description: 'Recorded', content: paymentContent },
  },
};

const money = (description = 'Decimal string in the currency’s minor-unit precision') => ({ type: 'string', description });

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
  // The console's pages are HTML for people behind a session, not API operations for clients.
  for (const route of routes.filter((each) => each.function !== 'console')) {
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
    const operation = operations[key];
    // A new route needs its identifier before it can be published: test/unit/openapi.test.ts fails until then.
    if (!operation) throw new Error(`No operationId for ${key} in openapi.ts`);
    paths[path] ??= {};
    paths[path]![route.method.toLowerCase()] = {
      operationId: operation.operationId,
      summary: operation.summary,
      tags: [operation.tag],
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
          getResponses[key] ??
          invoiceResponses[key] ?? {
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
    info: {
      title: 'Dunwell API',
      version: '1.0.0',
      description:
        'Dunning for B2B invoices: ingest invoices from an ERP, record what happens to them, and read what dunning did and does next.',
      // The project is private: no open-source licence applies.
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    // Relative: the API is the instance that serves this document (locally, or behind the deployed API's URL).
    servers: [{ url: '/', description: 'The instance serving this document' }],
    tags: tags.map((tag) => ({ ...tag })),
    paths,
    components: {
      securitySchemes: {
        oauth2: {
          type: 'oauth2',
          flows: {
            clientCredentials: {
              tokenUrl: '/oauth2/token',
              scopes: scopeDescriptions,
            },
          },
        },
      },
      schemas: {
        Invoice: {
          type: 'object',
          description: 'An invoice as the API shows it: amounts, balance, holds, policy, what happens next and everything that happened',
          required: [
            'invoiceId',
            'status',
            'customer',
            'currency',
            'amount',
            'paid',
            'balance',
            'issueDate',
            'dueDate',
            'lines',
            'holds',
            'policy',
            'nextAction',
            'payments',
            'createdAt',
            'updatedAt',
            'timeline',
          ],
          properties: {
            invoiceId: { type: 'string' },
            status: { $ref: '#/components/schemas/InvoiceStatus' },
            customer: {
              type: 'object',
              required: ['customerId', 'name', 'timeZone', 'locale'],
              properties: {
                customerId: { type: 'string' },
                name: { type: 'string' },
                email: { type: 'string' },
                phone: { type: 'string' },
                timeZone: { type: 'string' },
                locale: { type: 'string' },
                segment: { type: 'string' },
                country: { type: 'string' },
                subdivision: { type: 'string' },
              },
            },
            currency: { type: 'string', description: 'ISO 4217' },
            amount: money(),
            paid: money('What payments add up to'),
            balance: money('What is still owed; never below 0'),
            overpaid: money('Present when payments exceed what was owed'),
            credited: money('Present when credit notes were applied'),
            issueDate: { type: 'string', format: 'date' },
            dueDate: { type: 'string', format: 'date' },
            poNumber: { type: 'string' },
            lines: {
              type: 'array',
              items: {
                type: 'object',
                required: ['description', 'quantity', 'unitPrice'],
                properties: { description: { type: 'string' }, quantity: { type: 'string' }, unitPrice: money() },
              },
            },
            holds: {
              type: 'array',
              description: 'Disputes, promises, payment plans and manual holds, active and released',
              items: {
                type: 'object',
                required: ['holdId', 'reason', 'status', 'openedAt', 'until'],
                properties: {
                  holdId: { type: 'string' },
                  reason: { type: 'string' },
                  status: { enum: ['active', 'released'] },
                  openedAt: { type: 'string', format: 'date-time' },
                  until: { type: ['string', 'null'], description: 'When the hold needs a decision; null until someone acts' },
                  releasedAt: { type: 'string', format: 'date-time' },
                  outcome: { type: 'string' },
                },
              },
            },
            pausedUntil: { type: 'string' },
            policy: {
              type: 'object',
              required: ['policyId', 'version', 'tier'],
              properties: {
                policyId: { type: 'string' },
                version: { type: 'integer' },
                tier: { type: 'integer', minimum: 1, maximum: 4 },
              },
            },
            nextAction: { $ref: '#/components/schemas/NextAction' },
            payments: {
              type: 'array',
              items: {
                type: 'object',
                required: ['paymentId', 'amount', 'paidAt', 'recordedAt'],
                properties: {
                  paymentId: { type: 'string' },
                  amount: money(),
                  paidAt: { type: 'string', format: 'date-time' },
                  method: { type: 'string' },
                  recordedAt: { type: 'string', format: 'date-time' },
                },
              },
            },
            createdAt: { type: 'string', format: 'date-time' },
            updatedAt: { type: 'string', format: 'date-time' },
            closedAt: { type: 'string', format: 'date-time', description: 'Present once the dunning lifecycle has closed' },
            timeline: {
              type: 'array',
              description: 'Every event, oldest first; amounts as decimal strings',
              items: {
                type: 'object',
                required: ['at', 'type'],
                properties: {
                  at: { type: 'string', format: 'date-time' },
                  type: { type: 'string', description: 'invoice.received, reminder.sent, payment.received, invoice.closed…' },
                },
              },
            },
          },
        },
        PaymentResult: {
          type: 'object',
          required: ['paymentId', 'invoice'],
          properties: { paymentId: { type: 'string' }, invoice: { $ref: '#/components/schemas/Invoice' } },
        },
        InvoiceStatus: { enum: ['open', 'on_hold', 'paid', 'void', 'written_off', 'escalated'] },
        NextAction: {
          description: 'What the planner does next, as of the last change of the invoice; null once its lifecycle has closed',
          oneOf: [
            { type: 'null' },
            {
              type: 'object',
              required: ['type', 'at'],
              properties: {
                type: { enum: ['email', 'sms', 'letter', 'task', 'close', 'await_payment', 'hold', 'grace'] },
                at: { type: ['string', 'null'], format: 'date-time' },
                stepId: { type: 'string' },
              },
            },
          ],
        },
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
            status: { $ref: '#/components/schemas/InvoiceStatus' },
            daysPastDue: { type: 'integer', description: 'Today (UTC) less the due date; negative before it is due' },
            tier: { type: 'integer', minimum: 1, maximum: 4 },
            nextAction: { $ref: '#/components/schemas/NextAction' },
          },
        }),
        ReplyList: page({
          type: 'object',
          description: 'A reply as text only (nothing of its HTML is kept); the raw message and attachments stay in the replies bucket',
          required: ['status', 'sesMessageId', 'receivedAt', 'reason', 'detail', 'recipients', 'verdicts', 'messageKey', 'attachments'],
          properties: {
            status: { enum: ['unmatched'] },
            sesMessageId: { type: 'string' },
            receivedAt: { type: 'string', format: 'date-time' },
            reason: { enum: ['no_reply_address', 'bad_signature', 'unknown_route', 'verdicts', 'unreadable', 'invoices_closed'] },
            detail: { type: 'string' },
            recipients: { type: 'array', items: { type: 'string' } },
            verdicts: {
              type: 'object',
              required: ['spf', 'dkim', 'spam', 'virus'],
              properties: Object.fromEntries(
                ['spf', 'dkim', 'spam', 'virus', 'dmarc'].map((name) => [
                  name,
                  { enum: ['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED'] },
                ]),
              ),
            },
            messageKey: { type: 'string', description: 'The raw message in the replies bucket' },
            from: { type: 'string' },
            subject: { type: 'string' },
            firstLines: { type: 'string', description: 'The first lines of what the sender wrote now (quoted history cut)' },
            class: {
              enum: ['payment_claimed', 'dispute', 'promise', 'auto_reply', 'other'],
              description: 'What the classifier would have made of it: a hint only',
            },
            attachments: {
              type: 'array',
              items: {
                type: 'object',
                required: ['filename', 'contentType', 'size', 'key'],
                properties: {
                  filename: { type: 'string' },
                  contentType: { type: 'string' },
                  size: { type: 'integer' },
                  key: { type: 'string' },
                  inline: { type: 'boolean' },
                },
              },
            },
            invoiceIds: {
              type: 'array',
              items: { type: 'string' },
              description: 'The invoices a genuine reply address names (the reply was refused for its verdicts or their state)',
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
            replies: {
              type: 'object',
              description: 'Customers’ email replies in the period by class; one reply about several invoices counts once',
              properties: Object.fromEntries(
                ['payment_claimed', 'dispute', 'promise', 'auto_reply', 'other'].map((name) => [name, { type: 'integer' }]),
              ),
            },
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
