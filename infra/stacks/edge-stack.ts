// The edge in front of the HTTP API: a CloudFront distribution with AWS WAF (HTTP APIs cannot carry a web ACL). A
// rate-based rule per client IP (and a tighter one for sign-in links), AWS's IP reputation list and common rule set. WAF for CloudFront lives in
// us-east-1, so this stack does; it reads the API's domain across regions.
import { CfnOutput, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

export interface EdgeStackProps extends StackProps {
  /** The HTTP API's domain (`<id>.execute-api.<region>.amazonaws.com`). */
  readonly apiDomain: string;
  /** Requests one client IP may make in any 5 minutes before WAF blocks it (WAF's window). */
  readonly requestsPerIpPer5Minutes: number;
  /** Sign-in link requests one client IP may make in any 5 minutes (beside the 3 links a day per contact). */
  readonly signInsPerIpPer5Minutes: number;
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
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'dangol: the API behind AWS WAF',
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
    new CfnOutput(this, 'EdgeUrl', { value: `https://${this.distribution.distributionDomainName}` });
  }
}
