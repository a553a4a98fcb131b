import { Duration, RemovalPolicy } from 'aws-cdk-lib';
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
  type UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { Scope } from '#contracts/routes.ts';
import { acknowledgeNag } from './nag.ts';

/** `dunwell/invoices.read` → resource server `dunwell`, scope `invoices.read`. */
function splitScope(scope: Scope): { server: string; name: string } {
  const [server, name] = scope.split('/');
  if (!server || !name) throw new Error(`OAuth scope "${scope}" is not <resource server>/<scope>`);
  return { server, name };
}

export interface ErpTokenIssuerProps {
  readonly namePrefix: string;
  /** Cognito hosted domain prefix; must be unique in the region across all AWS accounts. */
  readonly authDomainPrefix: string;
}

/**
 * The Cognito user pool that issues OAuth2 client-credentials tokens to ERP systems: the
 * `dunwell` resource server with the contract scopes, the ERP app client (its secret is the
 * ERP's credential) and the hosted domain serving the token endpoint. All of it is retained:
 * replacing the client would revoke the credentials every ERP holds, and a released domain
 * prefix could be claimed by another account while ERPs still post their secret to it.
 */
export class ErpTokenIssuer extends Construct {
  readonly userPool: UserPool;
  readonly resourceServer: UserPoolResourceServer;
  readonly erpClient: UserPoolClient;
  readonly domain: UserPoolDomain;

  constructor(scope: Construct, id: string, props: ErpTokenIssuerProps) {
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
    this.resourceServer = this.userPool.addResourceServer('Dunwell', {
      identifier: serverId,
      userPoolResourceServerName: 'Dunwell API',
      scopes: resourceServerScopes,
    });

    this.erpClient = this.userPool.addClient('ErpClient', {
      userPoolClientName: 'erp',
      generateSecret: true,
      oAuth: {
        flows: { clientCredentials: true },
        scopes: resourceServerScopes.map((scope) => OAuthScope.resourceServer(this.resourceServer, scope)),
      },
      // No user sign-in flows at all (an explicit list; an empty one would mean Cognito's defaults).
      authFlows: { userSrp: false },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.hours(1),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });

    this.domain = this.userPool.addDomain('TokenDomain', {
      cognitoDomain: { domainPrefix: props.authDomainPrefix },
    });

    // The pool's own removal policy does not reach its children; CloudFormation would delete them.
    for (const child of [this.resourceServer, this.erpClient, this.domain]) child.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }

  /** Where ERP systems exchange their client id and secret for an access token. */
  get tokenUrl(): string {
    return `${this.domain.baseUrl()}/oauth2/token`;
  }
}
