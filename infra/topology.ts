// Routes, event rules, queues and schedules declared once: the CDK stacks and the local stack are both built from this.

import { type Capability, PURCHASES_MAX_RECEIVES, type QueueName } from '../functions/shared/capabilities.ts';
import { ENROLLMENT_MAIL_EVENTS, EVENT_SOURCE } from '../schema/event-source.ts';

export type { Capability, QueueName };

/** The partitions of the table, by the prefix of their key (functions/adapters/keys.ts builds the keys). */
export type TablePartition =
  | 'MEMBER#'
  | 'EMAIL#'
  | 'PHONE#'
  | 'ORDER#'
  | 'REFUND#'
  | 'PROSPECT#'
  | 'CALENDAR'
  | 'CONFIG'
  | 'ZONES'
  | 'AUDIT#'
  | 'CAMPAIGN#'
  | 'LIMIT#'
  | 'SUPPRESSED#'
  | 'RFMRUN#'
  | 'REVIEWRUN#'
  | 'HANDON#'
  | 'COUPON#'
  | 'SESSION#'
  | 'SIGNIN#'
  | 'EXTERNAL#'
  | 'IMPORT#'
  | 'IDENT#'
  | 'CANDIDATES'
  | 'MERGE#'
  | 'WEBHOOKS';

export interface HandlerSpec {
  /** kebab-case; the entry is functions/handlers/<name>.ts with a `handler` export. */
  readonly name: string;
  readonly description: string;
  /**
   * What it may touch (functions/shared/capabilities.ts): its env vars, IAM grants and local environment all derive
   * from this list. `queue:<name>` sends to a queue, `dlq:<name>` to a queue's dead-letter queue.
   */
  readonly capabilities: readonly Capability[];
  /**
   * With `tableWrite`: the partitions (key prefixes) whose items it owns and may write. IAM allows its writes only
   * there (`dynamodb:LeadingKeys`), and the local stack refuses any other write the same way.
   */
  readonly writes?: readonly TablePartition[];
  readonly timeoutSeconds?: number;
  readonly memoryMb?: number;
}

export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway HTTP API path, `{name}` for a path parameter. */
  readonly path: string;
  readonly handler: string;
  /** `partner`: AWS IAM (SigV4) in AWS, the local key pair locally (`npm run partner-credentials`). */
  readonly auth: 'public' | 'admin' | 'partner';
}

export interface QueueSpec {
  /** Logical name; the physical name is generated in AWS and equals this locally. */
  readonly name: QueueName;
  readonly consumer: string;
  readonly batchSize: number;
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the queue's dead-letter queue. */
  readonly maxReceiveCount: number;
  /** Subscribed (raw delivery) to this SNS topic of the stack instead of being fed by a rule or a handler. */
  readonly subscribesTo?: 'ses-events';
  /** At most this many concurrent consumer invocations (SQS event source maximum concurrency, ≥ 2). */
  readonly maxConcurrency?: number;
}

export interface EventRuleSpec {
  readonly name: string;
  readonly description: string;
  readonly detailTypes: readonly string[];
  /**
   * Which producers: `only` these sources (dangol's own events must come from dangol), or any source `except`
   * these (sales channels, never dangol). Every rule filters on its source.
   */
  readonly sources: { readonly only: readonly string[] } | { readonly except: readonly string[] };
  readonly targetQueue: QueueName;
}

export interface ScheduleSpec {
  readonly name: string;
  readonly description: string;
  /** EventBridge cron fields (minutes hours day-of-month month day-of-week year), in UTC. */
  readonly cron: { minute: string; hour: string; day?: string; month?: string; weekDay?: string };
  readonly handler: string;
}

export const EVENT_BUS_NAME = 'loyalty';
export { EVENT_SOURCE };

export const handlers: readonly HandlerSpec[] = [
  { name: 'join-form', description: 'Serves the enrollment web form', capabilities: [] },
  {
    name: 'enroll-member',
    description: 'Enrolls a member from the web form',
    capabilities: ['tableWrite', 'bus', 'phones', 'contactHashes'],
    writes: ['MEMBER#', 'EMAIL#', 'PHONE#', 'ZONES', 'IDENT#', 'CANDIDATES'],
  },
  {
    name: 'confirm-email',
    description: 'Double opt-in confirmation of the e-mail channel; joins purchases kept under the verified address',
    capabilities: ['tableWrite', 'bus', 'tokens', 'programme', 'contactHashes'],
    writes: ['MEMBER#', 'EMAIL#', 'PHONE#', 'PROSPECT#'],
  },
  {
    name: 'send-enrollment-mail',
    description: 'Sends the verification mail and SMS, the welcome and the already-a-member answers',
    capabilities: ['tableWrite', 'mail', 'sms', 'tokens', 'contactHashes'],
    writes: ['MEMBER#', 'LIMIT#'],
    timeoutSeconds: 30,
  },
  {
    name: 'ingest-purchases',
    description: 'Applies purchases and refunds from every sales channel to spend and tiers',
    capabilities: ['tableWrite', 'bus', 'programme', 'dlq:purchases', 'contactHashes'],
    // MERGE#: a purchase that came through a merged member is noted under its merge, for the merge's undo.
    writes: ['MEMBER#', 'ORDER#', 'REFUND#', 'PROSPECT#', 'COUPON#', 'CAMPAIGN#', 'MERGE#'],
    timeoutSeconds: 30,
    memoryMb: 512,
  },
  {
    name: 'start-tier-review',
    description: 'Starts the monthly tier review',
    capabilities: ['tableWrite', 'queue:tier-review'],
    writes: ['CONFIG', 'AUDIT#', 'HANDON#'],
  },
  {
    name: 'review-tiers',
    description: 'Reviews one page of members due for tier review',
    capabilities: ['tableWrite', 'bus', 'programme', 'queue:tier-review'],
    writes: ['MEMBER#', 'REVIEWRUN#', 'HANDON#'],
    timeoutSeconds: 120,
    memoryMb: 512,
  },
  { name: 'admin-get-tiers', description: 'Admin: reads the tier ladder', capabilities: ['tableRead'] },
  {
    name: 'admin-put-tiers',
    description: 'Admin: edits the tier ladder (from the next review)',
    capabilities: ['tableWrite', 'programme'],
    writes: ['CONFIG', 'AUDIT#'],
  },
  { name: 'admin-get-audit', description: 'Admin: reads the audit log', capabilities: ['tableRead'] },
  {
    name: 'admin-export-member',
    description: 'Admin: exports all data of a member',
    capabilities: ['tableRead', 'auditWrite'],
  },
  {
    name: 'admin-erase-member',
    description: 'Admin: erases the personal data of a member',
    capabilities: ['tableWrite', 'contactHashes', 'bus'],
    writes: ['MEMBER#', 'EMAIL#', 'PHONE#', 'PROSPECT#', 'AUDIT#'],
  },
  {
    name: 'admin-calendar',
    description: 'Admin: the benefit calendar (list, create, read, replace, delete)',
    capabilities: ['tableWrite'],
    writes: ['CALENDAR', 'AUDIT#'],
  },
  {
    name: 'admin-report-campaign',
    description: 'Admin: outcomes of a campaign by tier, segment and variant',
    capabilities: ['tableRead'],
  },
  {
    name: 'admin-report-tiers',
    description: 'Admin: members, spend, LTV per tier and RFM groups',
    capabilities: ['tableRead'],
  },
  {
    name: 'admin-find-members',
    description: 'Admin: looks members up by e-mail, phone or name',
    capabilities: ['tableRead', 'auditWrite', 'programme'],
  },
  {
    name: 'admin-get-member',
    description: 'Admin: one member with tier history, spend and contacts',
    capabilities: ['tableRead', 'auditWrite', 'programme'],
  },
  {
    name: 'start-rfm-scoring',
    description: 'Recomputes RFM breakpoints and starts scoring',
    capabilities: ['tableWrite', 'programme', 'queue:rfm-scoring'],
    writes: ['CONFIG', 'HANDON#'],
  },
  {
    name: 'score-rfm',
    description: 'Scores RFM and LTV for one page of members',
    capabilities: ['tableWrite', 'programme', 'queue:rfm-scoring'],
    writes: ['MEMBER#', 'RFMRUN#', 'HANDON#'],
    timeoutSeconds: 120,
    memoryMb: 512,
  },
  {
    name: 'dispatch-touchpoints',
    description: 'Hourly: hands every calendar entry due this hour to the dispatch queue',
    capabilities: ['tableWrite', 'programme', 'waves', 'queue:dispatch'],
    writes: ['CAMPAIGN#', 'MEMBER#', 'HANDON#'],
    timeoutSeconds: 60,
  },
  {
    name: 'start-consent-renewal',
    description: 'Monthly: starts the two-yearly consent notice',
    capabilities: ['tableWrite', 'programme', 'waves', 'queue:dispatch'],
    writes: ['HANDON#'],
  },
  {
    name: 'build-audience',
    description: 'Reads one page of an audience from the indexes and enqueues its send jobs in waves',
    capabilities: ['tableWrite', 'programme', 'waves', 'queue:dispatch', 'queue:email-sends', 'queue:message-sends'],
    writes: ['MEMBER#', 'CAMPAIGN#', 'HANDON#'],
    timeoutSeconds: 120,
    memoryMb: 512,
  },
  {
    name: 'send-email',
    description: 'Sends one e-mail job (SendBulkEmail, ≤ 50) exactly once per recipient',
    capabilities: ['tableWrite', 'mail', 'tokens', 'contactHashes', 'waves', 'queue:email-sends'],
    writes: ['MEMBER#', 'CAMPAIGN#', 'COUPON#'],
    timeoutSeconds: 120,
  },
  {
    name: 'send-message',
    description: 'Sends one SMS or post job exactly once per recipient (night window held)',
    capabilities: ['tableWrite', 'bus', 'sms', 'fulfilment', 'tokens', 'contactHashes', 'waves', 'queue:message-sends'],
    writes: ['MEMBER#', 'CAMPAIGN#', 'COUPON#'],
    timeoutSeconds: 120,
  },
  {
    name: 'record-engagement',
    description: 'SES events onto the send ledger, campaign counters and suppression; announces e-mail touchpoints',
    capabilities: ['tableWrite', 'bus', 'contactHashes'],
    writes: ['MEMBER#', 'CAMPAIGN#', 'SUPPRESSED#'],
  },
  {
    name: 'unsubscribe',
    description: 'Unsubscribe link: page and RFC 8058 one-click',
    capabilities: ['tableWrite', 'tokens'],
    writes: ['MEMBER#', 'CAMPAIGN#'],
  },
  {
    name: 'admin-sending',
    description: 'Admin: the kill switch of all sending (pause, resume)',
    capabilities: ['tableWrite'],
    writes: ['CONFIG', 'AUDIT#'],
  },
  {
    name: 'admin-imports',
    description: 'Admin: imports of existing members and purchase history, chunk by chunk, and their reports',
    capabilities: ['tableWrite', 'bus', 'programme', 'contactHashes'],
    writes: [
      'IMPORT#',
      'MEMBER#',
      'EMAIL#',
      'PHONE#',
      'EXTERNAL#',
      'ZONES',
      'IDENT#',
      'CANDIDATES',
      'ORDER#',
      'PROSPECT#',
      'COUPON#',
      'CAMPAIGN#',
      'MERGE#',
      'AUDIT#',
    ],
    // API Gateway waits 30 s at most for an HTTP API integration; a chunk of 500 takes a few seconds.
    timeoutSeconds: 29,
    memoryMb: 1024,
  },
  {
    name: 'admin-merges',
    description: 'Admin: merges one member into another, and undoes a merge within 30 days',
    capabilities: ['tableWrite', 'bus', 'programme'],
    // ORDER#: undo gives orders that came through the merged member back to it.
    writes: ['MERGE#', 'MEMBER#', 'EMAIL#', 'PHONE#', 'COUPON#', 'ORDER#', 'AUDIT#'],
    timeoutSeconds: 29,
    memoryMb: 512,
  },
  {
    name: 'admin-identity-candidates',
    description: 'Admin: pairs of members that may be one person, for review',
    capabilities: ['tableRead', 'auditWrite', 'programme'],
  },
  {
    name: 'admin-webhooks',
    description: 'Admin: webhook subscriptions (list, add, remove) and their EventBridge delivery routes',
    capabilities: ['tableWrite', 'webhooks'],
    writes: ['WEBHOOKS', 'AUDIT#'],
    timeoutSeconds: 29,
  },
  {
    name: 'sign-webhook',
    description: "Webhook pipes' enrichment: signs each delivery with its subscription's secret (Standard Webhooks)",
    capabilities: ['tableRead'],
  },
  {
    name: 'admin-coupons',
    description: "Admin: a member's coupons and their state",
    capabilities: ['tableRead', 'programme'],
  },
  {
    name: 'partner-validate-coupon',
    description: 'Partner: whether a coupon applies to a member and basket, and its discount',
    capabilities: ['tableRead', 'programme'],
  },
  {
    name: 'member-page',
    description: "Members' own page: sign-in links, sessions, tier and progress, consents, their data",
    capabilities: ['tableWrite', 'bus', 'tokens', 'programme', 'contactHashes'],
    writes: [
      'MEMBER#',
      'SESSION#',
      'SIGNIN#',
      'AUDIT#',
      'EMAIL#',
      'PHONE#',
      'PROSPECT#',
      'ZONES',
      'IDENT#',
      'CANDIDATES',
    ],
  },
  {
    name: 'partner-member-status',
    description: "Partner: a member's tier, progress and active coupons (no contact data)",
    capabilities: ['tableRead', 'programme'],
  },
  {
    name: 'admin-test-send',
    description: 'Admin: queues a test send of a calendar entry',
    capabilities: ['tableWrite', 'programme', 'waves', 'queue:email-sends', 'queue:message-sends'],
    writes: ['CAMPAIGN#'],
  },
];

export const routes: readonly RouteSpec[] = [
  { method: 'GET', path: '/join', handler: 'join-form', auth: 'public' },
  { method: 'POST', path: '/members', handler: 'enroll-member', auth: 'public' },
  { method: 'GET', path: '/members/confirm', handler: 'confirm-email', auth: 'public' },
  { method: 'POST', path: '/members/confirm', handler: 'confirm-email', auth: 'public' },
  { method: 'GET', path: '/admin/tiers', handler: 'admin-get-tiers', auth: 'admin' },
  { method: 'PUT', path: '/admin/tiers', handler: 'admin-put-tiers', auth: 'admin' },
  { method: 'GET', path: '/admin/audit', handler: 'admin-get-audit', auth: 'admin' },
  { method: 'GET', path: '/admin/members/{id}/export', handler: 'admin-export-member', auth: 'admin' },
  { method: 'DELETE', path: '/admin/members/{id}', handler: 'admin-erase-member', auth: 'admin' },
  { method: 'GET', path: '/admin/calendar', handler: 'admin-calendar', auth: 'admin' },
  { method: 'POST', path: '/admin/calendar', handler: 'admin-calendar', auth: 'admin' },
  { method: 'GET', path: '/admin/calendar/{id}', handler: 'admin-calendar', auth: 'admin' },
  { method: 'PUT', path: '/admin/calendar/{id}', handler: 'admin-calendar', auth: 'admin' },
  { method: 'DELETE', path: '/admin/calendar/{id}', handler: 'admin-calendar', auth: 'admin' },
  { method: 'POST', path: '/admin/calendar/{id}/preview', handler: 'admin-calendar', auth: 'admin' },
  { method: 'POST', path: '/admin/calendar/{id}/test-send', handler: 'admin-test-send', auth: 'admin' },
  { method: 'GET', path: '/admin/sending', handler: 'admin-sending', auth: 'admin' },
  { method: 'PUT', path: '/admin/sending', handler: 'admin-sending', auth: 'admin' },
  { method: 'GET', path: '/unsubscribe', handler: 'unsubscribe', auth: 'public' },
  { method: 'POST', path: '/unsubscribe', handler: 'unsubscribe', auth: 'public' },
  { method: 'GET', path: '/admin/reports/tiers', handler: 'admin-report-tiers', auth: 'admin' },
  { method: 'GET', path: '/admin/reports/campaigns/{id}', handler: 'admin-report-campaign', auth: 'admin' },
  { method: 'GET', path: '/admin/members', handler: 'admin-find-members', auth: 'admin' },
  { method: 'GET', path: '/admin/members/{id}', handler: 'admin-get-member', auth: 'admin' },
  { method: 'GET', path: '/admin/coupons', handler: 'admin-coupons', auth: 'admin' },
  { method: 'POST', path: '/admin/imports', handler: 'admin-imports', auth: 'admin' },
  { method: 'GET', path: '/admin/identity/candidates', handler: 'admin-identity-candidates', auth: 'admin' },
  { method: 'POST', path: '/admin/members/{id}/merge', handler: 'admin-merges', auth: 'admin' },
  { method: 'POST', path: '/admin/merges/{mergeId}/undo', handler: 'admin-merges', auth: 'admin' },
  { method: 'GET', path: '/admin/imports/{id}', handler: 'admin-imports', auth: 'admin' },
  { method: 'GET', path: '/admin/webhooks', handler: 'admin-webhooks', auth: 'admin' },
  { method: 'POST', path: '/admin/webhooks', handler: 'admin-webhooks', auth: 'admin' },
  { method: 'DELETE', path: '/admin/webhooks/{id}', handler: 'admin-webhooks', auth: 'admin' },
  { method: 'DELETE', path: '/admin/webhooks', handler: 'admin-webhooks', auth: 'admin' },
  { method: 'GET', path: '/me/sign-in', handler: 'member-page', auth: 'public' },
  { method: 'POST', path: '/me/sign-in', handler: 'member-page', auth: 'public' },
  { method: 'POST', path: '/me/session', handler: 'member-page', auth: 'public' },
  { method: 'GET', path: '/me', handler: 'member-page', auth: 'public' },
  { method: 'GET', path: '/me/data', handler: 'member-page', auth: 'public' },
  { method: 'PUT', path: '/me/consents', handler: 'member-page', auth: 'public' },
  { method: 'POST', path: '/me/consents', handler: 'member-page', auth: 'public' },
  { method: 'POST', path: '/me/sign-out', handler: 'member-page', auth: 'public' },
  { method: 'DELETE', path: '/me', handler: 'member-page', auth: 'public' },
  { method: 'PUT', path: '/me/profile', handler: 'member-page', auth: 'public' },
  { method: 'POST', path: '/me/profile', handler: 'member-page', auth: 'public' },
  { method: 'POST', path: '/me/contacts', handler: 'member-page', auth: 'public' },
  { method: 'GET', path: '/me/contacts/confirm', handler: 'member-page', auth: 'public' },
  { method: 'POST', path: '/me/contacts/confirm', handler: 'member-page', auth: 'public' },
  { method: 'POST', path: '/me/erasure', handler: 'member-page', auth: 'public' },
  { method: 'GET', path: '/me/erase', handler: 'member-page', auth: 'public' },
  { method: 'POST', path: '/me/erase', handler: 'member-page', auth: 'public' },
  { method: 'POST', path: '/partner/coupons/validate', handler: 'partner-validate-coupon', auth: 'partner' },
  { method: 'GET', path: '/partner/members/{memberId}/status', handler: 'partner-member-status', auth: 'partner' },
];

export const queues: readonly QueueSpec[] = [
  {
    name: 'enrollment-mail',
    consumer: 'send-enrollment-mail',
    batchSize: 10,
    visibilityTimeoutSeconds: 60,
    maxReceiveCount: 5,
  },
  {
    name: 'purchases',
    consumer: 'ingest-purchases',
    batchSize: 10,
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: PURCHASES_MAX_RECEIVES,
  },
  { name: 'tier-review', consumer: 'review-tiers', batchSize: 1, visibilityTimeoutSeconds: 720, maxReceiveCount: 3 },
  { name: 'rfm-scoring', consumer: 'score-rfm', batchSize: 1, visibilityTimeoutSeconds: 720, maxReceiveCount: 3 },
  { name: 'dispatch', consumer: 'build-audience', batchSize: 1, visibilityTimeoutSeconds: 720, maxReceiveCount: 5 },
  // Senders: limited concurrency so that the rate limit of each instance adds up to the account's SES rate. The five
  // jobs of a batch run at once, so one job's claims overlap another's call to SES (docs/scale.md).
  {
    name: 'email-sends',
    consumer: 'send-email',
    batchSize: 5,
    visibilityTimeoutSeconds: 720,
    maxReceiveCount: 8,
    maxConcurrency: 2,
  },
  {
    name: 'message-sends',
    consumer: 'send-message',
    batchSize: 5,
    visibilityTimeoutSeconds: 720,
    maxReceiveCount: 8,
    maxConcurrency: 2,
  },
  {
    name: 'ses-events',
    consumer: 'record-engagement',
    batchSize: 10,
    visibilityTimeoutSeconds: 60,
    maxReceiveCount: 5,
    subscribesTo: 'ses-events',
  },
];

export const eventRules: readonly EventRuleSpec[] = [
  {
    name: 'enrollment-mail',
    description: 'Enrollment events that need a transactional mail',
    detailTypes: ENROLLMENT_MAIL_EVENTS,
    sources: { only: [EVENT_SOURCE] },
    targetQueue: 'enrollment-mail',
  },
  {
    name: 'purchases',
    description: 'Purchases and refunds from every sales channel',
    detailTypes: ['Purchase Completed', 'Purchase Refunded'],
    // Sales channels put purchases; dangol never does, so a purchase claiming to be dangol's is not one.
    sources: { except: [EVENT_SOURCE] },
    targetQueue: 'purchases',
  },
];

export const schedules: readonly ScheduleSpec[] = [
  {
    name: 'tier-review',
    description: 'Monthly tier review: notices, renewals and downgrades after the grace period (10:00 KST on the 1st)',
    cron: { minute: '0', hour: '1', day: '1' },
    handler: 'start-tier-review',
  },
  {
    name: 'rfm-scoring',
    description: 'Monthly RFM scores and LTV of every member (11:00 KST on the 1st)',
    cron: { minute: '0', hour: '2', day: '1' },
    handler: 'start-rfm-scoring',
  },
  {
    name: 'dispatcher',
    description:
      'Hourly: every calendar entry due this hour, birthdays and anniversaries at the member\u2019s local hour',
    cron: { minute: '0', hour: '*' },
    handler: 'dispatch-touchpoints',
  },
  {
    name: 'consent-renewal',
    description: 'Monthly: the two-yearly notice of each member\u2019s consents (09:00 KST on the 1st)',
    cron: { minute: '0', hour: '0', day: '1' },
    handler: 'start-consent-renewal',
  },
];

export const topology = { handlers, routes, queues, eventRules, schedules } as const;
export type Topology = typeof topology;

export function handlerSpec(name: string): HandlerSpec {
  const spec = handlers.find((candidate) => candidate.name === name);
  if (!spec) throw new Error(`unknown handler ${name}`);
  return spec;
}
