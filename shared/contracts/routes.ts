import type { FunctionName } from './functions.ts';

/** OAuth2 scopes issued to ERP clients (Cognito resource server `dunwell`). */
export const Scope = {
  invoicesRead: 'dunwell/invoices.read',
  invoicesWrite: 'dunwell/invoices.write',
  policiesRead: 'dunwell/policies.read',
  policiesWrite: 'dunwell/policies.write',
  /** Finance reports (aging, KPIs) over the lake. */
  reportsRead: 'dunwell/reports.read',
} as const;
export type Scope = (typeof Scope)[keyof typeof Scope];

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway route path, `{name}` for a path parameter. */
  readonly path: string;
  readonly function: FunctionName;
  /** Required scopes (any of them); `null` marks a public route with no authorizer. */
  readonly scopes: readonly Scope[] | null;
}

/** The one action `POST /v1/{collectionAction}` answers, published as `POST /v1/invoices:batch`. */
export const INVOICES_BATCH_ACTION = 'invoices:batch';

/**
 * Every HTTP route. API Gateway (via CDK) and the local gateway are both built from this
 * table, so auth and routing are identical in both places.
 */
export const routes: readonly Route[] = [
  { method: 'POST', path: '/v1/invoices', function: 'invoices-api', scopes: [Scope.invoicesWrite] },
  /**
   * `POST /v1/invoices:batch`. HTTP API route paths allow per segment only `[a-zA-Z0-9._-]+` or
   * a whole `{variable}`, so the colon form cannot be a literal route: this parameter segment
   * carries it, the literal `/v1/invoices` still wins for its own path, and the handler answers
   * only `invoices:batch`.
   */
  { method: 'POST', path: '/v1/{collectionAction}', function: 'invoices-api', scopes: [Scope.invoicesWrite] },
  /** The invoice list (filters and cursor in the query string), served by the table's list indexes. */
  { method: 'GET', path: '/v1/invoices', function: 'invoices-api', scopes: [Scope.invoicesRead] },
  { method: 'GET', path: '/v1/invoices/{invoiceId}', function: 'invoices-api', scopes: [Scope.invoicesRead] },
  {
    method: 'POST',
    path: '/v1/invoices/{invoiceId}/payments',
    function: 'invoices-api',
    scopes: [Scope.invoicesWrite],
  },
  { method: 'POST', path: '/v1/invoices/{invoiceId}/disputes', function: 'invoices-api', scopes: [Scope.invoicesWrite] },
  { method: 'POST', path: '/v1/disputes/{disputeId}/resolution', function: 'invoices-api', scopes: [Scope.invoicesWrite] },
  { method: 'POST', path: '/v1/invoices/{invoiceId}/promises', function: 'invoices-api', scopes: [Scope.invoicesWrite] },
  { method: 'POST', path: '/v1/invoices/{invoiceId}/holds', function: 'invoices-api', scopes: [Scope.invoicesWrite] },
  { method: 'POST', path: '/v1/invoices/{invoiceId}/payment-plans', function: 'invoices-api', scopes: [Scope.invoicesWrite] },
  {
    method: 'POST',
    path: '/v1/invoices/{invoiceId}/holds/{holdId}/release',
    function: 'invoices-api',
    scopes: [Scope.invoicesWrite],
  },
  { method: 'POST', path: '/v1/invoices/{invoiceId}/credit-notes', function: 'invoices-api', scopes: [Scope.invoicesWrite] },
  { method: 'POST', path: '/v1/invoices/{invoiceId}/void', function: 'invoices-api', scopes: [Scope.invoicesWrite] },
  { method: 'POST', path: '/v1/invoices/{invoiceId}/replan', function: 'invoices-api', scopes: [Scope.invoicesWrite] },
  { method: 'GET', path: '/v1/tasks', function: 'tasks-api', scopes: [Scope.invoicesRead] },
  { method: 'POST', path: '/v1/tasks/{taskId}/complete', function: 'tasks-api', scopes: [Scope.invoicesWrite] },
  /** Customers' email replies nobody could act on (`?status=unmatched`): the collectors' other queue. */
  { method: 'GET', path: '/v1/replies', function: 'tasks-api', scopes: [Scope.invoicesRead] },
  { method: 'PUT', path: '/v1/policies/{policyId}', function: 'policies-api', scopes: [Scope.policiesWrite] },
  { method: 'GET', path: '/v1/policies/{policyId}', function: 'policies-api', scopes: [Scope.policiesRead] },
  { method: 'GET', path: '/v1/policies', function: 'policies-api', scopes: [Scope.policiesRead] },
  { method: 'PUT', path: '/v1/customers/{customerId}', function: 'customers-api', scopes: [Scope.invoicesWrite] },
  { method: 'GET', path: '/v1/customers', function: 'customers-api', scopes: [Scope.invoicesRead] },
  { method: 'GET', path: '/v1/customers/{customerId}', function: 'customers-api', scopes: [Scope.invoicesRead] },
  {
    method: 'POST',
    path: '/v1/customers/{customerId}/suppressions/release',
    function: 'customers-api',
    scopes: [Scope.invoicesWrite],
  },
  { method: 'GET', path: '/v1/reports/aging', function: 'reports-api', scopes: [Scope.reportsRead] },
  { method: 'GET', path: '/v1/reports/kpis', function: 'reports-api', scopes: [Scope.reportsRead] },
  { method: 'GET', path: '/v1/openapi.json', function: 'invoices-api', scopes: null },
  { method: 'GET', path: '/pay/{token}', function: 'pay-page', scopes: null },
  /** The short link in SMS: a redirect to `/pay/{token}`. */
  { method: 'GET', path: '/p/{code}', function: 'pay-page', scopes: null },
  { method: 'POST', path: '/pay/{token}/dispute', function: 'pay-page', scopes: null },
  { method: 'POST', path: '/pay/{token}/promise', function: 'pay-page', scopes: null },
  { method: 'POST', path: '/pay/{token}/checkout', function: 'pay-page', scopes: null },
  { method: 'POST', path: '/pay/{token}/plan-request', function: 'pay-page', scopes: null },
  { method: 'GET', path: '/pay/{token}/invoice', function: 'pay-page', scopes: null },
  { method: 'GET', path: '/preferences/{token}', function: 'pay-page', scopes: null },
  { method: 'POST', path: '/preferences/{token}', function: 'pay-page', scopes: null },
  { method: 'POST', path: '/webhooks/stripe', function: 'stripe-webhook', scopes: null },
  ...consoleRoutes(),
];

/**
 * The console's pages (#presentation/console/context.ts consolePaths): public to API Gateway,
 * because people carry a session cookie, not an ERP token; the console function checks the
 * sealed session (and, on a POST, its CSRF token and origin) before anything else.
 */
function consoleRoutes(): Route[] {
  const get = ['/console', '/console/assets/console.css', '/console/sign-in', '/console/sign-in/start', '/console/callback'];
  const pages = [
    '/console/dev-sign-in',
    '/console/invoices',
    '/console/invoices/{invoiceId}',
    '/console/invoices/{invoiceId}/messages/{messageId}',
    '/console/invoices/{invoiceId}/messages/{messageId}/body',
    '/console/tasks',
    '/console/tasks/{taskId}',
    '/console/replies',
    '/console/customers',
    '/console/customers/{customerId}',
    '/console/policies',
    '/console/policies/{policyId}',
  ];
  const post = [
    '/console/sign-out',
    '/console/invoices/{invoiceId}/{action}',
    '/console/tasks/{taskId}/complete',
    '/console/policies/{policyId}',
  ];
  return [
    ...[...get, ...pages].map((path): Route => ({ method: 'GET', path, function: 'console', scopes: null })),
    ...post.map((path): Route => ({ method: 'POST', path, function: 'console', scopes: null })),
  ];
}
