// Builds the adapters a handler's use case needs from its configuration, once per container.
import type { Clock, EventPublisher, Mailer, MemberStore, TokenSecret } from '#app/ports';
import { dynamoDocumentClient } from '#adapters/aws-clients';
import { DynamoMemberStore } from '#adapters/member-store';
import { SesMailer, sesClient } from '#adapters/ses-mailer';
import { EventBridgePublisher, eventBridgeClient } from '#adapters/event-bus';
import { loadTokenSecret } from '#adapters/token-secret';
import { DynamoPurchaseStore } from '#adapters/purchase-store';
import { DynamoLadderSource } from '#adapters/tier-ladder-store';
import { SqsJsonQueue } from '#adapters/json-queue';
import { DynamoRfmStore } from '#adapters/rfm-store';
import { DynamoMemberDirectory } from '#adapters/member-directory';
import { DynamoCalendarStore } from '#adapters/calendar-store';
import type { ReviewPageMessage } from '#app/tier-review';
import type { RfmPageMessage } from '#app/rfm-scoring';
import { sqsClient } from '#adapters/dead-letters';
import { DynamoSendStore } from '#adapters/send-store';
import { TokenBucket } from '#adapters/rate-limiter';
import type { DispatchDeps } from '#app/dispatch-touchpoints';
import type { SenderDeps } from '#app/send-touchpoints';
import type { DispatchMessage, SendJob } from '#app/sending-ports';
import { readConfig } from './config.ts';

export const systemClock: Clock = () => new Date();

export function memberStore(): MemberStore {
  return new DynamoMemberStore(dynamoDocumentClient(), readConfig('table').TABLE_NAME);
}

export function eventPublisher(): EventPublisher {
  return new EventBridgePublisher(eventBridgeClient(), readConfig('bus').EVENT_BUS_NAME);
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
  const programme = readConfig('programme');
  const db = dynamoDocumentClient();
  return {
    store: new DynamoPurchaseStore(db, TABLE_NAME),
    ladders: new DynamoLadderSource(db, TABLE_NAME),
    events: eventPublisher(),
    clock: systemClock,
    programme: { currency: programme.PROGRAMME_CURRENCY, timeZone: programme.PROGRAMME_TIME_ZONE },
  };
}

export function reviewDeps() {
  const purchases = purchaseDeps();
  return {
    ...purchases,
    promoteLadder: (at: Date) => purchases.ladders.promotePending(at),
    queue: new SqsJsonQueue<ReviewPageMessage>(sqsClient(), readConfig('reviewQueue').TIER_REVIEW_QUEUE_URL),
  };
}

export function rfmStore(): DynamoRfmStore {
  return new DynamoRfmStore(dynamoDocumentClient(), readConfig('table').TABLE_NAME);
}

export function rfmDeps() {
  const programme = readConfig('programme');
  return {
    store: rfmStore(),
    queue: new SqsJsonQueue<RfmPageMessage>(sqsClient(), readConfig('rfmQueue').RFM_SCORING_QUEUE_URL),
    clock: systemClock,
    programme: { timeZone: programme.PROGRAMME_TIME_ZONE },
  };
}

export function lookupDeps() {
  const { TABLE_NAME } = readConfig('table');
  const programme = readConfig('programme');
  const db = dynamoDocumentClient();
  return {
    directory: new DynamoMemberDirectory(db, TABLE_NAME),
    ladders: new DynamoLadderSource(db, TABLE_NAME),
    clock: systemClock,
    programme: { timeZone: programme.PROGRAMME_TIME_ZONE },
  };
}

export function ladderDeps() {
  const { TABLE_NAME } = readConfig('table');
  return { ladders: new DynamoLadderSource(dynamoDocumentClient(), TABLE_NAME), clock: systemClock };
}

export function privacyDeps() {
  const { TABLE_NAME } = readConfig('table');
  const db = dynamoDocumentClient();
  const purchases = new DynamoPurchaseStore(db, TABLE_NAME);
  return {
    directory: new DynamoMemberDirectory(db, TABLE_NAME),
    prospectKeysOf: (contacts: { email?: string; phone?: string }) => purchases.prospectKeysOf(contacts),
    clock: systemClock,
  };
}

export function calendarDeps() {
  const { TABLE_NAME } = readConfig('table');
  const db = dynamoDocumentClient();
  return {
    calendar: new DynamoCalendarStore(db, TABLE_NAME),
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
  const unused = { enqueue: async () => { throw new Error('this handler does not send to that queue'); } };
  return {
    calendar: new DynamoCalendarStore(db, TABLE_NAME),
    store: new DynamoSendStore(db, TABLE_NAME),
    pages: queuesNeeded.pages ? new SqsJsonQueue<DispatchMessage>(sqsClient(), readConfig('dispatchQueue').DISPATCH_QUEUE_URL) : unused,
    emailJobs: queuesNeeded.jobs ? new SqsJsonQueue<SendJob>(sqsClient(), readConfig('emailSendsQueue').EMAIL_SENDS_QUEUE_URL) : unused,
    messageJobs: queuesNeeded.jobs ? new SqsJsonQueue<SendJob>(sqsClient(), readConfig('messageSendsQueue').MESSAGE_SENDS_QUEUE_URL) : unused,
    ladder: ladderOf(db, TABLE_NAME),
    clock: systemClock,
    programme: { timeZone: readConfig('programme').PROGRAMME_TIME_ZONE },
    waveIntervalSeconds: readConfig('sending').WAVE_INTERVAL_SECONDS,
  };
}

/** The senders: ledger, calendar, ladder, link secret and the rate limit; the channel adapter is added by the handler. */
export async function senderDeps(): Promise<Omit<SenderDeps, 'mailer' | 'messenger' | 'from' | 'publicBaseUrl'>> {
  const { TABLE_NAME } = readConfig('table');
  const sending = readConfig('sending');
  const db = dynamoDocumentClient();
  return {
    calendar: new DynamoCalendarStore(db, TABLE_NAME),
    store: new DynamoSendStore(db, TABLE_NAME),
    ladder: ladderOf(db, TABLE_NAME),
    secret: await tokenSecret(),
    clock: systemClock,
    limiter: new TokenBucket(sending.MAX_SEND_RATE),
    sms: { name: sending.SMS_SENDER_NAME, optOutNumber: sending.SMS_OPT_OUT_NUMBER },
  };
}

export function engagementStore(): DynamoSendStore {
  return new DynamoSendStore(dynamoDocumentClient(), readConfig('table').TABLE_NAME);
}
