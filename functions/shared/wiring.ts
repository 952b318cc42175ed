// Builds the adapters a handler's use case needs from its configuration, once per container.
import type { AuditEntry, Clock, EventPublisher, Mailer, MemberStore, TokenSecret } from '#app/ports';
import {
  dynamoDocumentClient,
  eventBridgeClient,
  sesClient,
  sesSendingClient,
  snsClient,
  snsSendingClient,
  sqsClient,
} from '#adapters/aws-clients';
import { SesBulkMailer } from '#adapters/ses-bulk-mailer';
import { SnsMessenger } from '#adapters/sns-messenger';
import { DeadLetters } from '#adapters/dead-letters';
import { DynamoAuditLog } from '#adapters/audit-log';
import { DynamoCampaignStats } from '#adapters/campaign-stats';
import { DynamoCouponRedemptions, DynamoCouponStore } from '#adapters/coupon-store';
import { DynamoSessionStore } from '#adapters/session-store';
import { DynamoImportStore } from '#adapters/import-store';
import { DynamoIdentityIndex } from '#adapters/identity-index';
import { DynamoMergeStore } from '#adapters/merge-store';
import { keys } from '#adapters/keys';
import { DynamoContactLimits } from '#adapters/contact-limits';
import { DynamoMemberStore } from '#adapters/member-store';
import { SesMailer } from '#adapters/ses-mailer';
import { EventBridgePublisher } from '#adapters/event-bus';
import { loadContactHashKeys, loadTokenSecret } from '#adapters/token-secret';
import { dynamoPurchaseStore, dynamoReviewStore } from '#adapters/purchase-store';
import type { PurchaseStore } from '#app/purchase-ports';
import { DynamoLadderSource } from '#adapters/tier-ladder-store';
import { SqsJsonQueue } from '#adapters/json-queue';
import { DynamoRfmStore } from '#adapters/rfm-store';
import { DynamoMemberDirectory } from '#adapters/member-directory';
import { DynamoCalendarStore } from '#adapters/calendar-store';
import { DEFAULT_CALENDAR_RELEASES } from '#adapters/calendar-defaults';
import type { ReviewPageMessage } from '#app/tier-review';
import type { RfmPageMessage } from '#app/rfm-scoring';
import { dynamoSendStore } from '#adapters/send-store';
import { DynamoHandOnMarkers } from '#adapters/hand-on-markers';
import { sesAccountMaxRate } from '#adapters/ses-account';
import { senderRate } from '#domain/send-rate';
import { logger } from './logger.ts';
import { DynamoSendingSwitch } from '#adapters/sending-switch';
import { TokenBucket } from '#adapters/rate-limiter';
import type { DispatchDeps } from '#app/dispatch-touchpoints';
import type { SenderDeps } from '#app/send-touchpoints';
import type { DispatchMessage, SendJob } from '#app/sending-ports';
import { dlqUrl, queueUrl, readConfig } from './config.ts';

export const systemClock: Clock = () => new Date();

export function memberStore(): MemberStore {
  return new DynamoMemberStore(dynamoDocumentClient(), readConfig('table').TABLE_NAME);
}

/** Per-address daily limits of the enrollment mails. */
export function contactLimits(): DynamoContactLimits {
  return new DynamoContactLimits(dynamoDocumentClient(), readConfig('table').TABLE_NAME);
}

/** The countries whose phones may enroll (deployment config). */
export function phoneCountries(): readonly string[] {
  return readConfig('phones').PHONE_COUNTRIES.split(',');
}

export function eventPublisher(): EventPublisher {
  return new EventBridgePublisher(eventBridgeClient(), readConfig('bus').EVENT_BUS_NAME);
}

/** Loads the contact hash keys once per container (handlers with capability contactHashes await it at start). */
export function contactHashing(): Promise<void> {
  return loadContactHashKeys(readConfig('contactHashes'));
}

export function tokenSecret(): Promise<TokenSecret> {
  return loadTokenSecret(readConfig('tokens'));
}

export function mailer(): { mailer: Mailer; publicBaseUrl: string } {
  const config = readConfig('mail');
  return {
    mailer: new SesMailer(sesClient(), config.MAIL_FROM, config.SES_CONFIGURATION_SET),
    publicBaseUrl: config.PUBLIC_BASE_URL.replace(/\/$/, ''),
  };
}

export function purchaseDeps() {
  const { TABLE_NAME } = readConfig('table');
  return purchaseDepsWith(dynamoPurchaseStore(dynamoDocumentClient(), TABLE_NAME));
}

function purchaseDepsWith<S extends PurchaseStore>(store: S) {
  const { TABLE_NAME } = readConfig('table');
  const programme = readConfig('programme');
  const db = dynamoDocumentClient();
  return {
    store,
    coupons: new DynamoCouponRedemptions(db, TABLE_NAME),
    ladders: new DynamoLadderSource(db, TABLE_NAME),
    events: eventPublisher(),
    clock: systemClock,
    programme: { currency: programme.PROGRAMME_CURRENCY, timeZone: programme.PROGRAMME_TIME_ZONE },
  };
}

function reviewQueue() {
  return new SqsJsonQueue<ReviewPageMessage>(sqsClient(), queueUrl('tier-review'));
}

/** The monthly start: promotes a pending ladder and hands out one page per shard (no events of its own). */
export function startReviewDeps() {
  const { TABLE_NAME } = readConfig('table');
  const db = dynamoDocumentClient();
  const ladders = new DynamoLadderSource(db, TABLE_NAME);
  return {
    store: dynamoReviewStore(db, TABLE_NAME),
    promoteLadder: (at: Date) => ladders.promotePending(at),
    queue: reviewQueue(),
    handOns: handOnMarkers(),
    clock: systemClock,
  };
}

export function reviewDeps() {
  const purchases = purchaseDepsWith(dynamoReviewStore(dynamoDocumentClient(), readConfig('table').TABLE_NAME));
  return { ...purchases, queue: reviewQueue(), handOns: handOnMarkers() };
}

/** The markers that let a page chain hand on at most once per page (and a run start once per firing). */
export function handOnMarkers(): DynamoHandOnMarkers {
  return new DynamoHandOnMarkers(dynamoDocumentClient(), readConfig('table').TABLE_NAME);
}

export function rfmStore(): DynamoRfmStore {
  return new DynamoRfmStore(dynamoDocumentClient(), readConfig('table').TABLE_NAME);
}

export function rfmDeps() {
  const programme = readConfig('programme');
  return {
    store: rfmStore(),
    queue: new SqsJsonQueue<RfmPageMessage>(sqsClient(), queueUrl('rfm-scoring')),
    handOns: handOnMarkers(),
    clock: systemClock,
    programme: { timeZone: programme.PROGRAMME_TIME_ZONE },
  };
}

export function lookupDeps() {
  const { TABLE_NAME } = readConfig('table');
  const programme = readConfig('programme');
  const db = dynamoDocumentClient();
  const directory = new DynamoMemberDirectory(db, TABLE_NAME);
  return {
    directory,
    recordAccess: (entries: readonly AuditEntry[]) => directory.recordAll(entries),
    ladders: new DynamoLadderSource(db, TABLE_NAME),
    clock: systemClock,
    programme: { timeZone: programme.PROGRAMME_TIME_ZONE },
  };
}

export function ladderDeps() {
  const { TABLE_NAME } = readConfig('table');
  return { ladders: new DynamoLadderSource(dynamoDocumentClient(), TABLE_NAME), clock: systemClock };
}

/** The prospect keys a member's contacts may have (under every contact hash key in use). */
function prospectKeysOf(contacts: { email?: string; phone?: string }): string[] {
  return [
    ...(contacts.email ? keys.prospectKeysByEmail(contacts.email) : []),
    ...(contacts.phone ? keys.prospectKeysByPhone(contacts.phone) : []),
  ];
}

export function privacyDeps() {
  const { TABLE_NAME } = readConfig('table');
  const db = dynamoDocumentClient();
  return {
    directory: new DynamoMemberDirectory(db, TABLE_NAME),
    prospectKeysOf,
    clock: systemClock,
  };
}

/** The benefit calendar, read only (it seeds nothing). */
export function calendarReader(): DynamoCalendarStore {
  return new DynamoCalendarStore(dynamoDocumentClient(), readConfig('table').TABLE_NAME);
}

export function calendarDeps() {
  const { TABLE_NAME } = readConfig('table');
  const db = dynamoDocumentClient();
  return {
    // The calendar's admin seeds the default programme on first use (never over marketing's edits).
    calendar: new DynamoCalendarStore(db, TABLE_NAME, DEFAULT_CALENDAR_RELEASES),
    ladders: new DynamoLadderSource(db, TABLE_NAME),
    rfm: new DynamoRfmStore(db, TABLE_NAME),
    clock: systemClock,
  };
}

function ladderOf(db: ReturnType<typeof dynamoDocumentClient>, tableName: string) {
  const ladders = new DynamoLadderSource(db, tableName);
  return () => ladders.current();
}

/** Dispatcher and audience pages: calendar, audiences and the queues they hand work to. */
export function dispatchDeps(queuesNeeded: { pages: boolean; jobs: boolean }): DispatchDeps {
  const { TABLE_NAME } = readConfig('table');
  const db = dynamoDocumentClient();
  const unused = {
    enqueue: async () => {
      throw new Error('this handler does not send to that queue');
    },
  };
  return {
    calendar: new DynamoCalendarStore(db, TABLE_NAME),
    store: dynamoSendStore(db, TABLE_NAME),
    pages: queuesNeeded.pages ? new SqsJsonQueue<DispatchMessage>(sqsClient(), queueUrl('dispatch')) : unused,
    emailJobs: queuesNeeded.jobs ? new SqsJsonQueue<SendJob>(sqsClient(), queueUrl('email-sends')) : unused,
    messageJobs: queuesNeeded.jobs ? new SqsJsonQueue<SendJob>(sqsClient(), queueUrl('message-sends')) : unused,
    ladder: ladderOf(db, TABLE_NAME),
    handOns: handOnMarkers(),
    clock: systemClock,
    programme: { timeZone: readConfig('programme').PROGRAMME_TIME_ZONE },
    waveIntervalSeconds: readConfig('waves').WAVE_INTERVAL_SECONDS,
  };
}

type ChannelDeps = 'mailer' | 'messenger' | 'from' | 'publicBaseUrl' | 'limiter' | 'sms';

/** The senders: ledger, calendar, ladder and link secret; the channel's adapter and rate come from the handler. */
export async function senderDeps(): Promise<Omit<SenderDeps, ChannelDeps | 'hold'>> {
  const { TABLE_NAME } = readConfig('table');
  const db = dynamoDocumentClient();
  return {
    calendar: new DynamoCalendarStore(db, TABLE_NAME),
    store: dynamoSendStore(db, TABLE_NAME),
    coupons: new DynamoCouponStore(db, TABLE_NAME),
    ladder: ladderOf(db, TABLE_NAME),
    secret: await tokenSecret(),
    clock: systemClock,
  };
}

/** The kill switch as the admin route uses it. */
export function sendingSwitchDeps() {
  return {
    switch: new DynamoSendingSwitch(dynamoDocumentClient(), readConfig('table').TABLE_NAME),
    clock: systemClock,
  };
}

/** The sender's hold: while all sending is paused, a job goes back on its own queue, delayed. */
export function sendingHold(queue: 'email-sends' | 'message-sends'): NonNullable<SenderDeps['hold']> {
  const switchState = new DynamoSendingSwitch(dynamoDocumentClient(), readConfig('table').TABLE_NAME);
  const jobs = new SqsJsonQueue<SendJob>(sqsClient(), queueUrl(queue));
  const delay = readConfig('waves').SENDING_HOLD_SECONDS;
  return {
    paused: async () => (await switchState.state()).paused,
    later: (job, delaySeconds) => jobs.enqueue([job], () => delaySeconds ?? delay),
  };
}

/**
 * The e-mail sender's channel: bulk SES with the configuration set, at its share of the configured rate and never
 * above its share of the rate SES gives the account (GetAccount, read once at cold start).
 */
export async function emailChannel() {
  const mail = readConfig('mail');
  const account = await sesAccountMaxRate(sesClient()).catch((error: unknown) => {
    logger.warn('SES GetAccount failed: the configured send rate stands', { error: (error as Error).name });
    return undefined;
  });
  const rate = senderRate(mail.MAX_SEND_RATE, mail.SEND_RATE_SHARE, account);
  logger.info('e-mail send rate', { configured: mail.MAX_SEND_RATE, account, rate });
  return {
    mailer: new SesBulkMailer(sesSendingClient(), mail.SES_CONFIGURATION_SET),
    from: mail.MAIL_FROM,
    publicBaseUrl: mail.PUBLIC_BASE_URL.replace(/\/$/, ''),
    limiter: new TokenBucket(rate),
  };
}

/** Transactional SMS (phone verification, already-a-member) with the deployment's sender name. */
export function textMessages() {
  const sms = readConfig('sms');
  return { messenger: new SnsMessenger(snsClient(), undefined, sms.SMS_SENDER_NAME), sender: sms.SMS_SENDER_NAME };
}

/** The SMS and post sender's channel: SNS with the sender name and opt-out number of the deployment. */
export function messageChannel() {
  const sms = readConfig('sms');
  return {
    messenger: new SnsMessenger(snsSendingClient(), readConfig('fulfilment').FULFILMENT_TOPIC_ARN, sms.SMS_SENDER_NAME),
    from: sms.SMS_SENDER_NAME,
    publicBaseUrl: sms.PUBLIC_BASE_URL.replace(/\/$/, ''),
    limiter: new TokenBucket(sms.MAX_SEND_RATE),
    sms: { name: sms.SMS_SENDER_NAME, optOutNumber: sms.SMS_OPT_OUT_NUMBER },
  };
}

/** An event that can never apply goes to the purchases dead-letter queue at once, with its reason. */
export function purchaseDeadLetters(): DeadLetters {
  return new DeadLetters(sqsClient(), dlqUrl('purchases'));
}

export function auditReader() {
  const { TABLE_NAME } = readConfig('table');
  return new DynamoAuditLog(dynamoDocumentClient(), TABLE_NAME);
}

export function campaignReportDeps() {
  const { TABLE_NAME } = readConfig('table');
  const db = dynamoDocumentClient();
  return { calendar: new DynamoCalendarStore(db, TABLE_NAME), stats: new DynamoCampaignStats(db, TABLE_NAME) };
}

/** Coupons as the partner and admin routes read them. */
/** Identity evidence and candidate pairs (needs the contact hash keys: capability contactHashes). */
export function identityIndex(): DynamoIdentityIndex {
  return new DynamoIdentityIndex(dynamoDocumentClient(), readConfig('table').TABLE_NAME);
}

/** The review list of possible duplicates: the index, and what a member look-up needs to show them. */
export function candidatesDeps() {
  return { ...lookupDeps(), identity: identityIndex() };
}

/** Merges and their undo: the members' items, the ladder (the survivor's tier), the bus. */
export function mergeDeps() {
  const { TABLE_NAME } = readConfig('table');
  const db = dynamoDocumentClient();
  return {
    merges: new DynamoMergeStore(db, TABLE_NAME),
    ladders: new DynamoLadderSource(db, TABLE_NAME),
    events: eventPublisher(),
    clock: systemClock,
    programme: { timeZone: readConfig('programme').PROGRAMME_TIME_ZONE },
  };
}

/** Imports: their reports and identity keys, and the purchase events' own path for purchase history. */
export function importDeps() {
  const { TABLE_NAME } = readConfig('table');
  const programme = readConfig('programme');
  return {
    imports: new DynamoImportStore(dynamoDocumentClient(), TABLE_NAME),
    identity: identityIndex(),
    ingest: purchaseDeps(),
    clock: systemClock,
    programme: { timeZone: programme.PROGRAMME_TIME_ZONE, currency: programme.PROGRAMME_CURRENCY },
  };
}

export function couponDeps() {
  const { TABLE_NAME } = readConfig('table');
  return {
    coupons: new DynamoCouponStore(dynamoDocumentClient(), TABLE_NAME),
    clock: systemClock,
    currency: readConfig('programme').PROGRAMME_CURRENCY,
  };
}

/** The members' own page: their member, sessions, consents, coupons, the calendar and ladder, the bus. */
export function memberPageDeps(secret: TokenSecret) {
  const { TABLE_NAME } = readConfig('table');
  const db = dynamoDocumentClient();
  const directory = new DynamoMemberDirectory(db, TABLE_NAME);
  return {
    members: new DynamoMemberStore(db, TABLE_NAME),
    directory,
    erasure: { directory, prospectKeysOf: prospectKeysOf },
    sessions: new DynamoSessionStore(db, TABLE_NAME),
    consents: directory,
    identity: identityIndex(),
    coupons: new DynamoCouponStore(db, TABLE_NAME),
    calendar: new DynamoCalendarStore(db, TABLE_NAME),
    ladders: new DynamoLadderSource(db, TABLE_NAME),
    events: eventPublisher(),
    secret,
    clock: systemClock,
    programme: { timeZone: readConfig('programme').PROGRAMME_TIME_ZONE },
  };
}

/** A member's standing as partners read it: the profile, coupons, the ladder. */
export function memberStatusDeps() {
  const { TABLE_NAME } = readConfig('table');
  const db = dynamoDocumentClient();
  return {
    profiles: new DynamoMemberDirectory(db, TABLE_NAME),
    coupons: new DynamoCouponStore(db, TABLE_NAME),
    ladders: new DynamoLadderSource(db, TABLE_NAME),
    clock: systemClock,
    programme: { timeZone: readConfig('programme').PROGRAMME_TIME_ZONE },
  };
}

export function engagementStore() {
  return dynamoSendStore(dynamoDocumentClient(), readConfig('table').TABLE_NAME);
}
