// The edge in front of the HTTP API: a CloudFront distribution with AWS WAF (HTTP APIs cannot carry a web ACL). A
// rate-based rule per client IP (and a tighter one for sign-in links), AWS's IP reputation list and common rule set. WAF for CloudFront lives in
// us-east-1, so this stack does; it reads the API's domain across regions.
import {
  type CfnElement,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
  type StackProps,
} from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { buildConsole, CONSOLE_OUT } from '../web/build.ts';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

export interface EdgeStackProps extends StackProps {
  /** The HTTP API's domain (`<id>.execute-api.<region>.amazonaws.com`). */
  readonly apiDomain: string;
  /** Requests one client IP may make in any 5 minutes before WAF blocks it (WAF's window). */
  readonly requestsPerIpPer5Minutes: number;
  /** Sign-in link requests one client IP may make in any 5 minutes (beside the 3 links a day per contact). */
  readonly signInsPerIpPer5Minutes: number;
  /** The marketing console's sign-in (Cognito Hosted UI) and the SMS sender its previews show. */
  readonly console: {
    readonly cognitoDomain: string;
    readonly clientId: string;
    readonly sms: { readonly senderName: string; readonly optOutNumber: string };
  };
}

const metric = (name: string) => ({
  cloudWatchMetricsEnabled: true,
  metricName: name,
  sampledRequestsEnabled: true,
});

export class EdgeStack extends Stack {
  readonly distribution: Distribution;
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: metric('dangol-edge'),
      rules: [
        {
          // A flood from one address (enrollment, links) is blocked at the edge before it costs a mail or an SMS.
          name: 'RatePerClientIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: props.requestsPerIpPer5Minutes } },
          visibilityConfig: metric('dangol-rate-per-ip'),
        },
        {
          // Sign-in links: few per client, however many contacts it tries (each may cost an SMS).
          name: 'SignInRatePerClientIp',
          priority: 3,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.signInsPerIpPer5Minutes,
              scopeDownStatement: {
                andStatement: {
                  statements: [
                    {
                      byteMatchStatement: {
                        fieldToMatch: { uriPath: {} },
                        positionalConstraint: 'EXACTLY',
                        searchString: '/me/sign-in',
                        textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
                      },
                    },
                    {
                      byteMatchStatement: {
                        fieldToMatch: { method: {} },
                        positionalConstraint: 'EXACTLY',
                        searchString: 'POST',
                        textTransformations: [{ priority: 0, type: 'NONE' }],
                      },
                    },
                  ],
                },
              },
            },
          },
          visibilityConfig: metric('dangol-sign-in-rate-per-ip'),
        },
        {
          name: 'AmazonIpReputationList',
          priority: 1,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesAmazonIpReputationList' },
          },
          visibilityConfig: metric('dangol-ip-reputation'),
        },
        {
          name: 'CommonRuleSet',
          priority: 2,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
          visibilityConfig: metric('dangol-common'),
        },
      ],
    });
    // The marketing console: its build in a private bucket that only this distribution reads (origin access
    // control), under /console/ beside the API, so the console talks to its own origin and nothing else.
    const consoleBucket = new Bucket(this, 'ConsoleBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Kept by `npm run destroy` (as the data is); empty it and delete it by hand if the console goes for good.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(consoleBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds the console\u2019s public build output only, read by CloudFront through OAC; every API call the console makes is in the API\u2019s access log.',
    });
    const consoleHeaders = new ResponseHeadersPolicy(this, 'ConsoleHeaders', {
      comment: 'dangol console: only this origin and the Cognito sign-in',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          override: true,
          contentSecurityPolicy: `default-src 'self'; img-src 'self' data:; style-src 'self'; frame-src 'self'; connect-src 'self' https://${props.console.cognitoDomain}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'dangol: the API behind AWS WAF, and the marketing console',
      additionalBehaviors: {
        '/console/*': {
          origin: S3BucketOrigin.withOriginAccessControl(consoleBucket),
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: CachePolicy.CACHING_OPTIMIZED,
          responseHeadersPolicy: consoleHeaders,
          // `/console/` is the folder: its index.html.
          functionAssociations: [
            {
              eventType: FunctionEventType.VIEWER_REQUEST,
              function: new CloudFrontFunction(this, 'ConsoleIndex', {
                runtime: FunctionRuntime.JS_2_0,
                comment: 'dangol console: /console/ is /console/index.html',
                code: FunctionCode.fromInline(
                  "function handler(event) { var r = event.request; if (r.uri.endsWith('/')) r.uri += 'index.html'; return r; }",
                ),
              }),
            },
          ],
        },
      },
      webAclId: this.webAcl.attrArn,
      defaultBehavior: {
        origin: new HttpOrigin(props.apiDomain, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
        allowedMethods: AllowedMethods.ALLOW_ALL,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Members live in several countries (their own time zones); the phone-country allow-list limits SMS.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR3',
      reason:
        'Every request that passes reaches the API, whose access log records it; WAF keeps sampled requests and metrics of what it blocks.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The default *.cloudfront.net certificate until the deployment names its own domain and certificate (go-live).',
    });
    buildConsole();
    new BucketDeployment(this, 'ConsoleFiles', {
      destinationBucket: consoleBucket,
      destinationKeyPrefix: 'console/',
      sources: [
        Source.asset(CONSOLE_OUT),
        Source.jsonData('config.json', {
          auth: { kind: 'cognito', domain: props.console.cognitoDomain, clientId: props.console.clientId },
          sms: props.console.sms,
        }),
      ],
      distribution: this.distribution,
      distributionPaths: ['/console/*'],
      memoryLimit: 256,
    });
    // The deployment's function (CDK's own, one per stack): its findings on it alone, each with its reason.
    const deployer = this.node.findAll().find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!deployer) throw new Error('the console deployment has no function');
    const copying =
      'CDK\u2019s BucketDeployment copies the console build from the CDK asset bucket into the console bucket (object wildcards of those two buckets; CloudFront invalidation has no resource ARN).';
    const findings: [string, string][] = [
      [
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'CDK\u2019s BucketDeployment function: AWSLambdaBasicExecutionRole writes its own logs only.',
      ],
      [
        'AwsSolutions-L1',
        'The runtime of CDK\u2019s BucketDeployment function is CDK\u2019s choice, updated with aws-cdk-lib.',
      ],
      ...[
        'Action::s3:GetObject*',
        'Action::s3:GetBucket*',
        'Action::s3:List*',
        'Action::s3:DeleteObject*',
        'Action::s3:Abort*',
        // cdk-nag spells the partition as the stack resolves it: a literal when the region is known, else the token.
        `Resource::arn:${Token.isUnresolved(this.partition) ? '<AWS::Partition>' : this.partition}:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-${this.region}/*`,
        `Resource::<${this.getLogicalId(consoleBucket.node.defaultChild as CfnElement)}.Arn>/*`,
        'Resource::*',
      ].map((finding): [string, string] => [`AwsSolutions-IAM5[${finding}]`, copying]),
    ];
    for (const scope of deployer.node.findAll())
      for (const [id, reason] of findings) Validations.of(scope).acknowledge({ id, reason });
    new CfnOutput(this, 'EdgeUrl', { value: `https://${this.distribution.distributionDomainName}` });
    new CfnOutput(this, 'ConsoleUrl', { value: `https://${this.distribution.distributionDomainName}/console/` });
  }
}
