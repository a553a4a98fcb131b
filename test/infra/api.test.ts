import assert from 'node:assert/strict';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, test } from 'vitest';
import { INVOICES_BATCH_ACTION, routes, Scope } from '#contracts/routes.ts';
import { cfnText, functionLogicalId, importedValue, resourceNamed, resourcesOf, synthDunwell } from './synth.ts';

const { templates } = synthDunwell();
const api = templates.stateless;
const { stateful } = templates;

const routeResources = Object.values(resourcesOf(api, 'AWS::ApiGatewayV2::Route'));
const routeNamed = (method: string, path: string) => {
  const found = routeResources.filter((route) => route.Properties?.RouteKey === `${method} ${path}`);
  assert.equal(found.length, 1, `exactly one ${method} ${path} route`);
  return found[0]?.Properties ?? {};
};

describe('HTTP API routes follow the routes contract', () => {
  test('every contract route exists, and no other', () => {
    assert.deepEqual(
      routeResources.map((route) => route.Properties?.RouteKey).sort(),
      routes.map((route) => `${route.method} ${route.path}`).sort(),
    );
  });

  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    if (route.scopes) {
      test(`${key} requires the JWT authorizer with ${route.scopes.join(', ')}`, () => {
        const props = routeNamed(route.method, route.path);
        assert.equal(props.AuthorizationType, 'JWT');
        assert.ok(props.AuthorizerId, 'an authorizer is attached');
        assert.deepEqual(props.AuthorizationScopes, [...route.scopes!]);
      });
    } else {
      test(`${key} is public: no authorizer, no scopes`, () => {
        const props = routeNamed(route.method, route.path);
        assert.equal(props.AuthorizationType, 'NONE');
        assert.equal(props.AuthorizerId, undefined);
        assert.equal(props.AuthorizationScopes, undefined);
      });
    }

    test(`${key} reaches the ${route.function} function`, () => {
      const target = cfnText(routeNamed(route.method, route.path).Target);
      const integrations = resourcesOf(api, 'AWS::ApiGatewayV2::Integration');
      const [integrationId] = Object.keys(integrations).filter((id) => target.includes(id));
      assert.ok(integrationId, 'the route targets an integration');
      const uri = cfnText(integrations[integrationId]?.Properties?.IntegrationUri);
      assert.ok(uri.includes(functionLogicalId(api, route.function)), `integration invokes ${route.function}`);
    });
  }

  test('every route path is one HTTP API accepts: each segment literal [a-zA-Z0-9._-]+ or a whole {variable}', () => {
    // The regular expression CreateRoute validates path parts with (its BadRequestException quotes it).
    const part = /^(\{[\w.-]+\+?\}|[a-zA-Z0-9._-]+)$/;
    for (const route of routes) {
      for (const segment of route.path.slice(1).split('/')) assert.match(segment, part, `${route.method} ${route.path}`);
    }
  });

  test('POST /v1/invoices:batch is routed to invoices-api through a parameter segment, with the write scope', () => {
    const props = routeNamed('POST', '/v1/{collectionAction}');
    assert.equal(props.AuthorizationType, 'JWT');
    assert.deepEqual(props.AuthorizationScopes, [Scope.invoicesWrite]);
    const route = routes.find((candidate) => candidate.path === '/v1/{collectionAction}');
    assert.equal(route?.function, 'invoices-api');
    assert.equal(INVOICES_BATCH_ACTION, 'invoices:batch');
    // The literal single-invoice route stays, and wins over the parameter route on API Gateway.
    assert.equal(routeNamed('POST', '/v1/invoices').AuthorizationType, 'JWT');
  });

  test('every /v1 route except the public ones carries the authorizer', () => {
    const open = routes.filter((route) => route.path.startsWith('/v1/') && route.scopes === null).map((r) => r.path);
    for (const route of routeResources) {
      const [, path] = String(route.Properties?.RouteKey).split(' ');
      if (!path?.startsWith('/v1/') || open.includes(path)) continue;
      assert.equal(route.Properties?.AuthorizationType, 'JWT', `${route.Properties?.RouteKey} is protected`);
    }
  });
});

describe('OAuth2 client credentials through Cognito', () => {
  const poolId = resourceNamed(stateful, 'AWS::Cognito::UserPool', 'ErpAuth');
  const clientId = resourceNamed(stateful, 'AWS::Cognito::UserPoolClient', 'ErpAuth');

  test('the ERP user pool, resource server, ERP client and domain live in the stateful stack only', () => {
    for (const type of ['AWS::Cognito::UserPool', 'AWS::Cognito::UserPoolClient', 'AWS::Cognito::UserPoolDomain']) {
      assert.ok(resourceNamed(stateful, type, 'ErpAuth'), type);
    }
    stateful.resourceCountIs('AWS::Cognito::UserPoolResourceServer', 1);
    api.resourceCountIs('AWS::Cognito::UserPoolResourceServer', 0);
    // The stateless stack holds exactly one client (the console's, on the people's pool), never a pool or a domain.
    api.resourceCountIs('AWS::Cognito::UserPool', 0);
    api.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
    const clients = Object.values(resourcesOf(api, 'AWS::Cognito::UserPoolClient'));
    assert.equal(clients.length, 1);
    assert.match(cfnText(importedValue(stateful, clients[0]?.Properties?.UserPoolId)), /ConsoleUsersPeople/);
  });

  test("the console's people are a pool apart from the ERP's: its own groups, managed login domain and a public PKCE client", () => {
    const people = resourceNamed(stateful, 'AWS::Cognito::UserPool', 'ConsoleUsersPeople');
    assert.notEqual(people, poolId);
    const groups = Object.values(resourcesOf(stateful, 'AWS::Cognito::UserPoolGroup')).map((group) => group.Properties?.GroupName);
    assert.deepEqual(groups.sort(), ['collector', 'finance']);
    const [client] = Object.values(resourcesOf(api, 'AWS::Cognito::UserPoolClient'));
    assert.deepEqual(client?.Properties?.AllowedOAuthFlows, ['code']);
    assert.equal(client?.Properties?.GenerateSecret, false);
    assert.match(cfnText(client?.Properties?.CallbackURLs), /\/console\/callback/);
  });

  test('the JWT authorizer trusts the stateful user pool and its ERP client only', () => {
    api.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    const authorizer = Object.values(resourcesOf(api, 'AWS::ApiGatewayV2::Authorizer'))[0]?.Properties ?? {};
    assert.equal(authorizer.AuthorizerType, 'JWT');
    assert.deepEqual(authorizer.IdentitySource, ['$request.header.Authorization']);
    const jwt = authorizer.JwtConfiguration as { Audience: unknown[]; Issuer: { 'Fn::Join': [string, unknown[]] } };
    assert.equal(jwt.Audience.length, 1);
    assert.deepEqual(importedValue(stateful, jwt.Audience[0]), { Ref: clientId });
    const [delimiter, parts] = jwt.Issuer['Fn::Join'];
    assert.equal(delimiter, '');
    assert.deepEqual(parts.slice(0, 3), ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/']);
    assert.equal(parts.length, 4);
    assert.deepEqual(importedValue(stateful, parts[3]), { Ref: poolId });
  });

  test('the pool is machine-only: no sign-up, no recovery', () => {
    stateful.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }] },
    });
  });

  test('the pool is retained and deletion-protected; its server, client and domain are retained', () => {
    stateful.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }),
    });
    for (const type of ['AWS::Cognito::UserPoolResourceServer', 'AWS::Cognito::UserPoolClient', 'AWS::Cognito::UserPoolDomain']) {
      stateful.hasResource(type, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });

  test('resource server `dunwell` defines the contract scopes', () => {
    const scopeNames = Object.values(Scope).map((scope) => scope.split('/')[1]);
    stateful.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'dunwell',
      UserPoolId: { Ref: poolId },
      Scopes: scopeNames.map((name) => Match.objectLike({ ScopeName: name })),
    });
  });

  test('the ERP client uses client credentials with a secret and the contract scopes', () => {
    stateful.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      UserPoolId: { Ref: poolId },
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: Object.values(Scope).map((scope) =>
        Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([`/${scope.split('/')[1]}`])] }),
      ),
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    });
  });

  test('a Cognito domain issues the tokens; without authDomainPrefix it is dunwell-<stage>-<account>', () => {
    stateful.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      UserPoolId: { Ref: poolId },
      Domain: { 'Fn::Join': ['', ['dunwell-dev-', { Ref: 'AWS::AccountId' }]] },
    });
  });

  test('the token URL, client id and pool id are outputs of the stateful stack', () => {
    const outputs = stateful.toJSON().Outputs as Record<string, { Value: unknown }>;
    assert.match(cfnText(outputs.TokenUrl?.Value), /\.amazoncognito\.com\/oauth2\/token/);
    assert.deepEqual(outputs.ErpClientId?.Value, { Ref: clientId });
    assert.deepEqual(outputs.UserPoolId?.Value, { Ref: poolId });
  });

  test('authDomainPrefix from the config names the domain', () => {
    const other = synthDunwell({ authDomainPrefix: 'acme-dunning-dev' }).templates.stateful;
    other.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'acme-dunning-dev' });
  });
});

describe('the $default stage', () => {
  test('logs every request to a log group with retention, and throttles by default', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
      DefaultRouteSettings: { ThrottlingBurstLimit: Match.anyValue(), ThrottlingRateLimit: Match.anyValue() },
    });
    api.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/apigateway/dunwell-dev-api',
      RetentionInDays: Match.anyValue(),
    });
  });
});
