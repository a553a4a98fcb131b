import { functionContext } from '#adapters/compose-context.ts';
import { tableAdapters } from '#adapters/compose-table.ts';
import { type HttpEvent, httpHandler, json, parseBody, parseQuery, pathParameter, problems } from '#adapters/http.ts';
import { customerRequestSchemaFor, customerView, suppressionReleaseSchema, toCustomerUpdate } from '#contracts/customer-api.ts';
import { idSchema } from '#contracts/input-rules.ts';
import { customerListItem, customerListQuerySchema, decodeCustomerCursor, encodeCustomerCursor } from '#contracts/list-api.ts';
import { describeCustomer, liftSuppression, putCustomer } from '#use-cases/customers.ts';

const app = functionContext('customers-api');
const table = tableAdapters(app);
const customers = table.customerStore();
const deps = { customers, policies: table.policyStore(), clock: app.clock };

/** Creates (201) or replaces (200) the customer's master data; answers with the customer as GET shows it. */
async function put(event: HttpEvent) {
  const customerId = pathParameter(event, 'customerId', idSchema);
  const request = parseBody(event, customerRequestSchemaFor(customerId));
  const change = await putCustomer(deps, customerId, toCustomerUpdate(request));
  if (change.kind === 'invalid') throw problems.validation(change.errors);
  const standing = await describeCustomer(deps, customerId);
  if (!standing) throw new Error(`customer ${customerId} vanished after it was stored`);
  return json(change.kind === 'created' ? 201 : 200, customerView(standing), {
    location: `/v1/customers/${encodeURIComponent(customerId)}`,
  });
}

/** `GET /v1/customers`: one page of the list, from the list indexes. */
async function list(event: HttpEvent) {
  const query = parseQuery(event, customerListQuerySchema);
  const decoded = query.cursor === undefined ? undefined : decodeCustomerCursor({ ...query, cursor: query.cursor });
  if (decoded && 'error' in decoded) throw problems.validation([decoded.error]);
  const page = await customers.list({ segment: query.segment, limit: query.limit, after: decoded?.position });
  return json(200, {
    items: page.items.map(customerListItem),
    ...(page.next ? { next: encodeCustomerCursor(query, page.next) } : {}),
  });
}

async function get(event: HttpEvent) {
  const customerId = pathParameter(event, 'customerId', idSchema);
  const standing = await describeCustomer(deps, customerId);
  if (!standing) throw problems.notFound(`Customer ${customerId} has no profile and no invoices`);
  return json(200, customerView(standing));
}

/**
 * Uses a suppressed address again (the mailbox works again, the customer texted START). SES keeps
 * its own account-level suppression list too: remove the address there as well (README).
 */
async function releaseSuppression(event: HttpEvent) {
  const customerId = pathParameter(event, 'customerId', idSchema);
  const request = parseBody(event, suppressionReleaseSchema);
  const outcome = await liftSuppression(deps.customers, customerId, request.channel, request.address, deps.clock.now());
  if (outcome.kind === 'none') {
    const what = request.address ? `${request.channel} address ${request.address}` : `${request.channel} address`;
    throw problems.notFound(`Customer ${customerId} has no suppressed ${what}`);
  }
  const standing = await describeCustomer(deps, customerId);
  if (!standing) throw new Error(`customer ${customerId} vanished after it was stored`);
  return json(200, { lifted: outcome.lifted, customer: customerView(standing) });
}

export const handler = httpHandler(
  {
    'GET /v1/customers': list,
    'PUT /v1/customers/{customerId}': put,
    'GET /v1/customers/{customerId}': get,
    'POST /v1/customers/{customerId}/suppressions/release': releaseSuppression,
  },
  undefined,
  app.telemetry,
);
