import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
  type UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CONSOLE_GROUPS, type ConsoleRole } from '#contracts/console-roles.ts';
import { EnvName } from '#contracts/functions.ts';
import type { CatalogueResource } from './catalogue-resource.ts';
import type { DunwellFunction } from './dunwell-function.ts';
import { keyringSecret } from './keyring-secret.ts';

export interface ConsoleUsersProps {
  readonly namePrefix: string;
  /** Cognito managed-login domain prefix; unique in the region across all AWS accounts, and not the ERP pool's. */
  readonly domainPrefix: string;
}

/** What each group is for; the precedence puts finance first for anyone in both. */
const GROUPS: Readonly<Record<ConsoleRole, { precedence: number; description: string }>> = {
  finance: { precedence: 0, description: 'Finance leads: everything in the console, including policies, voids and write-offs' },
  collector: { precedence: 1, description: 'Collectors: holds, promises, disputes, payment plans and tasks' },
};

/**
 * The people who use the console (finance leads and collectors): a user pool apart from the
 * ERP's machine-client pool, so a person can never hold an API scope and an ERP credential
 * can never open the console. Sign-in is Cognito managed login (password + TOTP), reached by a
 * public app client with the authorization code grant and PKCE (ConsoleSignIn, in the stateless
 * stack beside the API whose URL it calls back); the console keeps its own sealed session
 * cookie, keyed by `sessionSecret`. This part lives in the stateful stack.
 *
 * People are retained: deleting the pool would lock every finance lead out and lose their MFA
 * enrolment; a released domain prefix could be claimed by another account.
 */
export class ConsoleUsers extends Construct {
  readonly userPool: UserPool;
  readonly domain: UserPoolDomain;
  readonly groups: Readonly<Record<ConsoleRole, UserPoolGroup>>;
  /** Keyring {"current": kid, kid: key} that seals console session and sign-in cookies. */
  readonly sessionSecret: Secret;

  constructor(scope: Construct, id: string, props: ConsoleUsersProps) {
    super(scope, id);

    this.userPool = new UserPool(this, 'People', {
      userPoolName: `${props.namePrefix}-console-users`,
      // An administrator invites each person; nobody can sign themselves up for a finance console.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: false, mutable: true },
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      // TOTP only: managed login enrols it at first sign-in; SMS would need an origination identity and is phishable.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      // Plus: threat protection blocks risky and credential-stuffed sign-ins, which matter for
      // people who can void invoices; it is priced per monthly active user, a handful here.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const groups = {} as Record<ConsoleRole, UserPoolGroup>;
    for (const role of CONSOLE_GROUPS) {
      groups[role] = this.userPool.addGroup(`Group-${role}`, { groupName: role, ...GROUPS[role] });
    }
    this.groups = groups;

    this.domain = this.userPool.addDomain('ManagedLogin', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    // The pool's own removal policy does not reach its children; CloudFormation would delete them.
    for (const child of [this.domain, ...Object.values(groups)]) child.applyRemovalPolicy(RemovalPolicy.RETAIN);

    // Same keyring shape as the pay-link keys: rotation adds a kid and keeps the previous one for
    // one session lifetime (8 hours), so nobody is signed out by a rotation.
    this.sessionSecret = keyringSecret(
      this,
      'SessionKeys',
      'Keyring that seals console session and sign-in cookies',
      'for one session lifetime (8 hours), so nobody is signed out by a rotation',
    );
  }

  /** Base URL of managed login: /oauth2/authorize, /oauth2/token and /logout live under it. */
  get domainUrl(): string {
    return this.domain.baseUrl();
  }
}

export interface ConsoleSignInProps {
  readonly users: ConsoleUsers;
  /** The console's base URL (`https://<api>/console`): Cognito calls back to `/callback` under it and returns to `/sign-in` after logout. */
  readonly consoleUrl: string;
}

/**
 * The console's app client on the people's pool, with its managed-login style: replaceable (it
 * holds no one's data), so it lives beside the API whose URL it names. It is the catalogue's
 * `console` resource: the variables that name the pool, the client, the sign-in domain and the
 * session keyring, and read access to that keyring.
 */
export class ConsoleSignIn extends Construct implements CatalogueResource<'console'> {
  readonly client: UserPoolClient;
  readonly variables: CatalogueResource<'console'>['variables'];
  private readonly sessionSecret: ISecret;

  constructor(scope: Construct, id: string, props: ConsoleSignInProps) {
    super(scope, id);
    this.client = new UserPoolClient(this, 'ConsoleClient', {
      userPool: props.users.userPool,
      userPoolClientName: 'console',
      // Public client: the console's callback proves possession with PKCE, so no secret to keep or rotate.
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [`${props.consoleUrl}/callback`],
        logoutUrls: [`${props.consoleUrl}/sign-in`],
      },
      // SRP never sends the password; no plain-password or custom flows. An explicit list, as an empty one means Cognito's defaults.
      authFlows: { userSrp: true },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      // The console reads the ID token once, at sign-in, then relies on its own 8-hour session.
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(8),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });

    // Managed login serves an app client only once a style is assigned to it; Cognito's default style will do.
    new CfnManagedLoginBranding(this, 'ManagedLoginStyle', {
      userPoolId: props.users.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });

    this.sessionSecret = props.users.sessionSecret;
    this.variables = {
      [EnvName.consoleUserPoolId]: props.users.userPool.userPoolId,
      [EnvName.consoleClientId]: this.client.userPoolClientId,
      [EnvName.consoleSignInUrl]: props.users.domainUrl,
      [EnvName.consoleSessionSecretId]: this.sessionSecret.secretArn,
    };
  }

  /** Reads the session keyring, nothing else: sign-in itself is public OAuth against managed login. */
  grant(fn: DunwellFunction): void {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.sessionSecret.secretArn] }));
  }
}
