import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { routes, Scope } from '#contracts/routes.ts';
import { cfnText, functionLogicalId, resourcesOf, synthDunwell } from './synth.ts';

const { templates } = synthDunwell();
const api = templates.stateless;

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
  test('the JWT authorizer trusts the user pool and the ERP client only', () => {
    api.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    api.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: Match.stringLikeRegexp('ErpClient') }],
        Issuer: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
      },
    });
  });

  test('the pool is machine-only: no sign-up, no recovery', () => {
    api.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }] },
    });
  });

  test('resource server `dunwell` defines the contract scopes', () => {
    const scopeNames = Object.values(Scope).map((scope) => scope.split('/')[1]);
    api.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'dunwell',
      Scopes: scopeNames.map((name) => Match.objectLike({ ScopeName: name })),
    });
  });

  test('the ERP client uses client credentials with a secret and the contract scopes', () => {
    api.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: Object.values(Scope).map((scope) =>
        Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([`/${scope.split('/')[1]}`])] }),
      ),
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    });
  });

  test('a Cognito domain issues the tokens', () => {
    api.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
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
