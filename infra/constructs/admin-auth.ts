// Marketing staff and viewers sign in to the admin API through Cognito (MFA required, no self sign-up); the JWT
// authorizer checks the token before any /admin/* route, and the handlers check the group again.
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  CfnUserPoolUser,
  CfnUserPoolUserToGroupAttachment,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  OAuthScope,
  type UserPoolClient,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** marketing edits the programme, viewer reads it (contacts masked), privacy exports and erases members. */
export const ADMIN_GROUPS = ['marketing', 'viewer', 'privacy'] as const;

export class AdminAuth extends Construct {
  readonly pool: UserPool;
  readonly client: UserPoolClient;
  readonly authorizer: HttpJwtAuthorizer;
  /** The marketing console's client: Hosted UI, authorization code with PKCE, no secret (a browser keeps none). */
  readonly consoleClient?: UserPoolClient;
  readonly domain?: UserPoolDomain;

  constructor(
    scope: Construct,
    id: string,
    props: {
      readonly firstMarketingEmail?: string;
      readonly console?: { readonly cognitoDomainPrefix: string; readonly callbackUrls: readonly string[] };
    } = {},
  ) {
    super(scope, id);
    this.pool = new UserPool(this, 'AdminUserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const groups = new Map(
      ADMIN_GROUPS.map((group) => [
        group,
        new CfnUserPoolGroup(this, `Group-${group}`, { userPoolId: this.pool.userPoolId, groupName: group }),
      ]),
    );
    if (props.firstMarketingEmail) {
      // The first marketing admin: Cognito mails a temporary password; MFA is set up at first sign-in.
      const user = new CfnUserPoolUser(this, 'FirstMarketingAdmin', {
        userPoolId: this.pool.userPoolId,
        username: props.firstMarketingEmail,
        desiredDeliveryMediums: ['EMAIL'],
        userAttributes: [
          { name: 'email', value: props.firstMarketingEmail },
          { name: 'email_verified', value: 'true' },
        ],
      });
      const attachment = new CfnUserPoolUserToGroupAttachment(this, 'FirstMarketingAdminGroup', {
        userPoolId: this.pool.userPoolId,
        groupName: 'marketing',
        username: props.firstMarketingEmail,
      });
      attachment.addDependency(user);
      const marketing = groups.get('marketing');
      if (marketing) attachment.addDependency(marketing);
    }
    this.client = this.pool.addClient('AdminClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      // No hosted-UI flows until the console signs in with authorization code + PKCE: CDK's default would switch
      // the implicit grant on, which hands tokens out in URLs.
      disableOAuth: true,
    });
    if (props.console) {
      this.domain = this.pool.addDomain('ConsoleDomain', {
        cognitoDomain: { domainPrefix: props.console.cognitoDomainPrefix },
      });
      this.consoleClient = this.pool.addClient('ConsoleClient', {
        generateSecret: false,
        preventUserExistenceErrors: true,
        authFlows: {},
        oAuth: {
          // The authorization code only (the console sends a PKCE challenge); never the implicit grant.
          flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
          scopes: [OAuthScope.OPENID],
          callbackUrls: [...props.console.callbackUrls],
          logoutUrls: [...props.console.callbackUrls],
        },
      });
    }
    const issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.pool.userPoolId}`;
    this.authorizer = new HttpJwtAuthorizer('AdminJwt', issuer, {
      jwtAudience: [this.client.userPoolClientId, ...(this.consoleClient ? [this.consoleClient.userPoolClientId] : [])],
    });
  }
}
