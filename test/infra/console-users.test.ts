import assert from 'node:assert/strict';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, test } from 'vitest';
import { CONSOLE_GROUPS } from '#contracts/console-roles.ts';
import { ConsoleSignIn, ConsoleUsers } from '../../infra/constructs/console-users.ts';

const callbackUrls = ['https://console.example.com/console/callback'];
const logoutUrls = ['https://console.example.com/console/sign-in'];

function build() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'ConsoleUsersTest', { env: { account: '111122223333', region: 'eu-west-1' } });
  const users = new ConsoleUsers(stack, 'Console', {
    namePrefix: 'dunwell-test',
    domainPrefix: 'dunwell-test-people',
  });
  const signIn = new ConsoleSignIn(stack, 'ConsoleSignIn', { users, consoleUrl: 'https://console.example.com/console' });
  return { app, stack, users, signIn, template: Template.fromStack(stack) };
}

const { app, stack, users, signIn, template } = build();

describe('ConsoleUsers', () => {
  test('the pool is for invited people: no self sign-up, email sign-in, TOTP required, strong passwords, retained', () => {
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        UserPoolName: 'dunwell-test-console-users',
        AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
        UsernameAttributes: ['email'],
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        UserPoolTier: 'PLUS',
        Policies: Match.objectLike({
          PasswordPolicy: Match.objectLike({
            MinimumLength: 14,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        }),
      }),
    });
  });

  test('two groups, finance and collector, finance first', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolGroup', 2);
    assert.deepEqual(CONSOLE_GROUPS, ['finance', 'collector']);
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'finance', Precedence: 0 });
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'collector', Precedence: 1 });
  });

  test('a public client with only the code flow, the console URLs and short tokens', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    const [client] = Object.values(template.findResources('AWS::Cognito::UserPoolClient'));
    const props = client?.Properties as Record<string, unknown>;
    assert.equal(props.GenerateSecret, false);
    assert.deepEqual(props.AllowedOAuthFlows, ['code']);
    assert.equal(props.AllowedOAuthFlowsUserPoolClient, true);
    assert.deepEqual([...(props.AllowedOAuthScopes as string[])].sort(), ['email', 'openid', 'profile']);
    assert.deepEqual(props.CallbackURLs, callbackUrls);
    assert.deepEqual(props.LogoutURLs, logoutUrls);
    assert.deepEqual(props.SupportedIdentityProviders, ['COGNITO']);
    assert.equal(props.PreventUserExistenceErrors, 'ENABLED');
    // CDK writes token validity in minutes with TokenValidityUnits saying so.
    assert.equal(props.IdTokenValidity, 60);
    assert.equal(props.AccessTokenValidity, 60);
    assert.equal(props.RefreshTokenValidity, 480);
    assert.deepEqual(props.TokenValidityUnits, { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'minutes' });
  });

  test('managed login (v2) on the domain, with a style assigned to the client', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'dunwell-test-people', ManagedLoginVersion: 2 });
    template.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', {
      UseCognitoProvidedValues: true,
      ClientId: { Ref: stack.getLogicalId(signIn.client.node.defaultChild as never) },
    });
    // The domain's Ref is its prefix: https://dunwell-test-people.auth.eu-west-1.amazoncognito.com once deployed.
    assert.deepEqual(stack.resolve(users.domainUrl), {
      'Fn::Join': [
        '',
        ['https://', { Ref: stack.getLogicalId(users.domain.node.defaultChild as never) }, '.auth.eu-west-1.amazoncognito.com'],
      ],
    });
  });

  test('the session keyring secret is generated as {"current":"k1","k1":<random>} and retained', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"current":"k1"}', GenerateStringKey: 'k1', PasswordLength: 64 }),
      }),
    });
  });

  test("the domain and groups are retained with the pool (the client is replaceable: it holds no one's data)", () => {
    for (const type of ['AWS::Cognito::UserPoolDomain', 'AWS::Cognito::UserPoolGroup']) {
      for (const resource of Object.values(template.findResources(type))) assert.equal(resource.DeletionPolicy, 'Retain', type);
    }
  });
});

describe('cdk-nag AwsSolutions on the construct alone', () => {
  test('no unacknowledged finding, error or warning', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.severity} ${violation.ruleName} at ${resource.constructPath}`),
    );
    assert.deepEqual(findings, []);
    assert.equal(report.success, true);
  });

  test('without acknowledgements the checks find only the keyring rotation (so MFA, password and Plus-tier rules pass)', () => {
    const unacknowledged = new AwsSolutionsChecks(app);
    Object.defineProperty(unacknowledged, 'isAcknowledged', { value: () => false });
    const raw = unacknowledged
      .validateScope(app)
      .violations.flatMap((violation) =>
        violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
      );
    assert.deepEqual(raw, [`AwsSolutions-SMG4 at ${users.sessionSecret.node.path}/Resource`]);
  });

  test('the only acknowledgement is the keyring rotation (SMG4), on the secret itself', () => {
    const acknowledged = app.node
      .findAll()
      .flatMap((construct) =>
        construct.node.metadata
          .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((entry) =>
            Object.keys(entry.data as Record<string, string>).map((id) => `${id.replace(/^annotation::/i, '')} at ${construct.node.path}`),
          ),
      );
    assert.deepEqual(acknowledged, [`AwsSolutions-SMG4 at ${users.sessionSecret.node.path}`]);
  });
});
