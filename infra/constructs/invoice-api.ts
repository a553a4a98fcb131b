import { Duration, RemovalPolicy } from 'aws-cdk-lib';
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
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionName } from '#contracts/functions.ts';
import { type Route, routes, Scope } from '#contracts/routes.ts';
import { LOG_RETENTION } from './dunwell-function.ts';
import { acknowledgeNag } from './nag.ts';

/** Steady-state and burst request limits of the whole API (per account and region the quota is higher). */
const DEFAULT_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/** `dunwell/invoices.read` → resource server `dunwell`, scope `invoices.read`. */
function splitScope(scope: Scope): { server: string; name: string } {
  const [server, name] = scope.split('/');
  if (!server || !name) throw new Error(`OAuth scope "${scope}" is not <resource server>/<scope>`);
  return { server, name };
}

export interface InvoiceApiProps {
  readonly namePrefix: string;
  /** Cognito hosted domain prefix; must be unique in the region across all AWS accounts. */
  readonly authDomainPrefix: string;
  readonly functionNamed: (name: FunctionName) => IFunction;
}

/**
 * The HTTP API for the ERP (OAuth2 client credentials, JWT authorizer with scopes) and the
 * public hosted pages. Routes, their functions and their scopes come from the routes
 * contract, the same table the local gateway is built from.
 */
export class InvoiceApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly userPool: UserPool;
  readonly erpClient: UserPoolClient;
  readonly authDomain: UserPoolDomain;
  readonly routes: ReadonlyMap<Route, HttpRoute>;

  constructor(scope: Construct, id: string, props: InvoiceApiProps) {
    super(scope, id);

    // Machine-to-machine only: nobody signs up or signs in; ERP systems get tokens with their client secret.
    this.userPool = new UserPool(this, 'ErpClients', {
      userPoolName: `${props.namePrefix}-erp-clients`,
      selfSignUpEnabled: false,
      accountRecovery: AccountRecovery.NONE,
      // Password and MFA rules only matter to human users, of whom this pool has none; set
      // strict anyway so an admin-created user could not become the weak point.
      passwordPolicy: {
        minLength: 16,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(1),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(
      this.userPool,
      'COG8',
      'Threat protection (Plus plan) scores interactive user sign-ins; this pool only issues client-credentials tokens to ERP systems, which it cannot evaluate.',
    );

    const scopeNames = Object.values(Scope).map(splitScope);
    const serverIds = new Set(scopeNames.map((scope) => scope.server));
    const [serverId] = serverIds;
    if (serverIds.size !== 1 || !serverId) throw new Error('All API scopes must belong to one resource server');
    const resourceServerScopes = scopeNames.map(
      ({ name }) => new ResourceServerScope({ scopeName: name, scopeDescription: `Dunwell ${name}` }),
    );
    const resourceServer = this.userPool.addResourceServer('Dunwell', {
      identifier: serverId,
      userPoolResourceServerName: 'Dunwell API',
      scopes: resourceServerScopes,
    });

    this.erpClient = this.userPool.addClient('ErpClient', {
      userPoolClientName: 'erp',
      generateSecret: true,
      oAuth: {
        flows: { clientCredentials: true },
        scopes: resourceServerScopes.map((scope) => OAuthScope.resourceServer(resourceServer, scope)),
      },
      // No user sign-in flows at all (an explicit list; an empty one would mean Cognito's defaults).
      authFlows: { userSrp: false },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.hours(1),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });

    this.authDomain = this.userPool.addDomain('TokenDomain', {
      cognitoDomain: { domainPrefix: props.authDomainPrefix },
    });

    // Client-credentials access tokens carry no `aud`; API Gateway then matches `client_id`.
    const authorizer = new HttpUserPoolAuthorizer('ErpJwt', this.userPool, {
      userPoolClients: [this.erpClient],
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

  /** Where ERP systems exchange their client id and secret for an access token. */
  get tokenUrl(): string {
    return `${this.authDomain.baseUrl()}/oauth2/token`;
  }
}

/**
 * Why each public route may go without the authorizer. A new public route must add its
 * reason here, so opening a route is always a reviewed decision.
 */
const PUBLIC_ROUTE_REASONS: Readonly<Record<string, string>> = {
  'GET /pay/{token}':
    'debtors open it from a message without logging in; the signed, expiring token in the path is the authorization and the handler verifies it.',
  'GET /v1/openapi.json': 'the public API description carries no invoice data.',
};

function publicRouteReason(route: Route): string {
  const reason = PUBLIC_ROUTE_REASONS[`${route.method} ${route.path}`];
  if (!reason) throw new Error(`Public route ${route.method} ${route.path} has no documented reason in invoice-api.ts`);
  return reason;
}
