// Published list prices (USD) that the cost model uses, with where they come from and when they were read. Prices
// differ a little by region (Seoul is up to ~20 % above us-east-1 for some services) and change: check the linked
// pages before a decision, and edit here (docs/cost.md).
export const PRICES_AS_OF = '2026-12 (us-east-1 list prices as published on the AWS pricing pages; see docs/cost.md)';

export const prices = {
  /** Lambda (arm64): per 1M requests, per GB-second. */
  lambdaPerMillionRequests: 0.2,
  lambdaPerGbSecondArm: 0.0000133334,
  /** API Gateway HTTP API: per 1M requests (first 300M). */
  httpApiPerMillion: 1.0,
  /** DynamoDB on-demand: per 1M write / read request units; per GB-month stored; PITR per GB-month. */
  dynamoPerMillionWru: 0.625,
  dynamoPerMillionRru: 0.125,
  dynamoPerGbMonth: 0.25,
  dynamoPitrPerGbMonth: 0.2,
  /** SES: per 1,000 outbound mails. */
  sesPer1000: 0.1,
  /** SNS: per 1M publishes (topics), and a default price per SMS to a Korean mobile (varies by carrier and type). */
  snsPerMillion: 0.5,
  smsKoreaPerMessage: 0.0255,
  /** EventBridge: per 1M custom events put. */
  eventBridgePerMillion: 1.0,
  /** SQS standard: per 1M requests (64 KB chunks). */
  sqsPerMillion: 0.4,
  /** CloudWatch: per GB of logs ingested, per standard alarm per month, per dashboard per month. */
  logsPerGb: 0.5,
  alarmPerMonth: 0.1,
  dashboardPerMonth: 3.0,
  /** KMS: per customer key per month; Secrets Manager: per secret per month. */
  kmsKeyPerMonth: 1.0,
  secretPerMonth: 0.4,
  /** AWS WAF: per web ACL, per rule (a managed rule group counts as one) per month, per 1M requests. */
  wafAclPerMonth: 5.0,
  wafRulePerMonth: 1.0,
  wafPerMillion: 0.6,
  /** CloudFront: per 10,000 HTTPS requests (first tier); data out is small for an API (left out). */
  cloudFrontPer10kHttps: 0.01,
} as const;
