import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpRoute,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionName } from '#contracts/functions.ts';
import { type Route, routes } from '#contracts/routes.ts';
import { LOG_RETENTION } from './dunwell-function.ts';
import { acknowledgeNag } from './nag.ts';

/** Steady-state and burst request limits of the whole API (per account and region the quota is higher). */
const DEFAULT_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

export interface InvoiceApiProps {
  readonly namePrefix: string;
  /** Issues the ERP's access tokens (client credentials); lives in the stateful stack. */
  readonly userPool: IUserPool;
  /** The only app client whose tokens the JWT authorizer accepts. */
  readonly erpClient: IUserPoolClient;
  readonly functionNamed: (name: FunctionName) => IFunction;
}

/**
 * The HTTP API for the ERP (OAuth2 client credentials, JWT authorizer with scopes) and the
 * public hosted pages. The user pool that issues the tokens is handed in, so replacing the
 * API never replaces the ERP's credentials. Routes, their functions and their scopes come from the routes
 * contract, the same table the local gateway is built from.
 */
export class InvoiceApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly routes: ReadonlyMap<Route, HttpRoute>;

  constructor(scope: Construct, id: string, props: InvoiceApiProps) {
    super(scope, id);

    // Client-credentials access tokens carry no `aud`; API Gateway then matches `client_id`.
    const authorizer = new HttpUserPoolAuthorizer('ErpJwt', props.userPool, {
      userPoolClients: [props.erpClient],
      authorizerName: 'erp-jwt',
    });

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `${props.namePrefix}-api`,
      description: 'Dunwell: ERP ingestion (OAuth2) and hosted pay pages',
      createDefaultStage: false,
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      logGroupName: `/aws/apigateway/${props.namePrefix}-api`,
      retention: LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: DEFAULT_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            clientId: '$context.authorizer.claims.client_id',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const integrationFor = (name: FunctionName) => {
      let integration = integrations.get(name);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${name}-integration`, props.functionNamed(name));
        integrations.set(name, integration);
      }
      return integration;
    };

    const created = new Map<Route, HttpRoute>();
    for (const route of routes) {
      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrationFor(route.function),
        ...(route.scopes ? { authorizer, authorizationScopes: [...route.scopes] } : { authorizer: new HttpNoneAuthorizer() }),
      });
      if (!httpRoute) throw new Error(`No route created for ${route.method} ${route.path}`);
      if (!route.scopes) {
        acknowledgeNag(
          httpRoute,
          'APIG4',
          `${route.method} ${route.path} is public by contract (scopes: null): ${publicRouteReason(route)}`,
        );
      }
      created.set(route, httpRoute);
    }
    this.routes = created;
  }

  /** The HTTPS base URL of the API (the `$default` stage has no path prefix). */
  get url(): string {
    return this.api.apiEndpoint;
  }
}

/**
 * Why each public route may go without the authorizer. A new public route must add its
 * reason here, so opening a route is always a reviewed decision.
 */
const PUBLIC_ROUTE_REASONS: Readonly<Record<string, string>> = {
  'GET /pay/{token}':
    'debtors open it from a message without logging in; the signed, expiring token in the path is the authorization and the handler verifies it.',
  'GET /p/{code}':
    'the short link in text messages, opened without logging in; the code carries an HMAC tag under the link key (a forged code is refused before any lookup) and names a stored, sealed, expiring link; it only redirects to the signed /pay/{token} link of the same invoice and expiry.',
  'POST /pay/{token}/dispute':
    'the debtor disputes from the hosted page without logging in; the signed token in the path authorizes it, and a per-form token derived from it guards against cross-site posts.',
  'POST /pay/{token}/promise':
    'the debtor promises a payment date from the hosted page without logging in; authorized by the signed token in the path and a per-form token.',
  'POST /pay/{token}/checkout':
    'the debtor starts a card payment from the hosted page without logging in; authorized by the signed token in the path and a per-form token, and it only redirects to the payment provider (the payment is recorded from the signed webhook, never from this request).',
  'POST /pay/{token}/plan-request':
    'the debtor asks for a payment plan from the hosted page without logging in; authorized by the signed token in the path and a per-form token; it only pauses dunning for a short review and opens a collector task, it never imposes a plan.',
  'GET /pay/{token}/invoice':
    'the printable invoice behind the hosted page; the signed, expiring token in the path authorizes it exactly as for the page itself.',
  'POST /webhooks/stripe':
    'Stripe calls it without any AWS or OAuth credentials; the handler verifies the Stripe-Signature HMAC over the raw body with the endpoint signing secret, refuses stale timestamps, and de-duplicates events.',
  'GET /preferences/{token}':
    'the communication-preferences page linked from every email; the signed token in the path authorizes it, as for the pay page.',
  'POST /preferences/{token}':
    'one-click unsubscribe (RFC 8058) posts here from mail clients without any login or cookie; the signed token in the path is the authorization.',
  'GET /v1/openapi.json': 'the public API description carries no invoice data.',
};

/** Every console route: people sign in with Cognito and carry a sealed session cookie instead of an ERP token. */
const CONSOLE_ROUTE_REASON =
  'a console page for people, who carry a sealed, expiring session cookie from Cognito managed login rather than an ERP token; the console function refuses any request without a valid session (sign-in pages aside), and any POST without its CSRF token from the console origin.';

function publicRouteReason(route: Route): string {
  const reason = route.function === 'console' ? CONSOLE_ROUTE_REASON : PUBLIC_ROUTE_REASONS[`${route.method} ${route.path}`];
  if (!reason) throw new Error(`Public route ${route.method} ${route.path} has no documented reason in invoice-api.ts`);
  return reason;
}
