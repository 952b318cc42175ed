// The monthly AWS bill of a programme, from what it does in a month and what each operation costs in calls and
// request units. The per-operation counts follow the code (cited per line) and what `npm run bench` measures
// (DynamoDB calls per recipient of a send job, reads per member of the review); prices come from prices.ts.
import { prices } from './prices.ts';

export interface Volumes {
  /** Members in the programme. */
  readonly members: number;
  /** Purchases (and refunds) a month, from every channel. */
  readonly purchasesPerMonth: number;
  /** New enrollments a month. */
  readonly enrollmentsPerMonth: number;
  /** Campaign and touchpoint mails a month (newsletter, birthday, quarterly…). */
  readonly mailsPerMonth: number;
  /** SMS a month (touchpoints and verification links). */
  readonly smsPerMonth: number;
  /** Admin and members' page requests a month. */
  readonly apiRequestsPerMonth: number;
}

export interface BillLine {
  readonly service: string;
  readonly usd: number;
  readonly basis: string;
}

/** Request units and calls per operation (transactional writes count twice, as DynamoDB bills them). */
export const PER_OPERATION = {
  purchase: {
    // resolve (GetItem 1) + TransactWriteItems of order + member (2 items × 2 WRU) + tier history now and then.
    rru: 1.5,
    wru: 4.5,
    events: 1, // PutEvents of the purchase
    sqsRequests: 0.3, // one send, a tenth of a receive and of a delete (batches of 10)
    lambdaInvocations: 0.1,
    lambdaMs: 60,
  },
  enrollment: {
    // owner reads, the member transaction (profile, owners, consents, dates ≈ 9 items × 2 WRU), zone, steps;
    // the verification mail/SMS steps and the confirmation (member + owner + consent, transactional).
    rru: 8,
    wru: 34,
    events: 3, // Member Enrolled, Member Email Confirmed / Phone Verified, the welcome
    sqsRequests: 9,
    lambdaInvocations: 5,
    lambdaMs: 120,
    mails: 2, // confirmation and welcome
  },
  mail: {
    // audience page read (≈ 1 RRU per member of the page), ledger claim (2 WRU, in one transaction per job), the
    // Send/Delivery/Open events onto the ledger (≈ 3 × 1 WRU) and campaign counters (≈ 2 WRU per job / 50).
    rru: 1.2,
    wru: 5.2,
    snsPublishes: 3, // SES events to the topic
    sqsRequests: 3.2, // those events through the queue, the job messages
    lambdaInvocations: 3.1, // record-engagement per event (batches of 1–10), one send job per 50
    lambdaMs: 40,
    events: 1, // Touchpoint Sent
  },
  sms: { rru: 2, wru: 3, events: 1, sqsRequests: 0.2, lambdaInvocations: 0.05, lambdaMs: 200 },
  member: {
    // A month of schedules per member: the RFM run (read + write of its scores), the tier review (read when due,
    // about one member in six a month), the hourly dispatcher's date reads.
    rru: 2.5,
    wru: 1.3,
    storageKb: 6, // profile, consents, tier history, a year of ledger entries
  },
} as const;

const LAMBDA_GB = 0.256;
const FIXED = { alarms: 70, keys: 3, secrets: 2, wafRules: 3, logGbPerMillionInvocations: 1.5 };

export function monthlyBill(volumes: Volumes): BillLine[] {
  for (const [name, value] of Object.entries(volumes))
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number of 0 or more`);
  const op = PER_OPERATION;
  const sum = (field: 'rru' | 'wru' | 'events' | 'sqsRequests' | 'lambdaInvocations') =>
    volumes.purchasesPerMonth * op.purchase[field] +
    volumes.enrollmentsPerMonth * op.enrollment[field] +
    volumes.mailsPerMonth * op.mail[field] +
    volumes.smsPerMonth * op.sms[field] +
    (field === 'rru' || field === 'wru' ? volumes.members * op.member[field] : 0);
  const invocations = sum('lambdaInvocations') + volumes.apiRequestsPerMonth;
  const gbSeconds =
    ((volumes.purchasesPerMonth * op.purchase.lambdaInvocations * op.purchase.lambdaMs +
      volumes.enrollmentsPerMonth * op.enrollment.lambdaInvocations * op.enrollment.lambdaMs +
      volumes.mailsPerMonth * op.mail.lambdaInvocations * op.mail.lambdaMs +
      volumes.smsPerMonth * op.sms.lambdaInvocations * op.sms.lambdaMs +
      volumes.apiRequestsPerMonth * 80) /
      1000) *
    LAMBDA_GB;
  const storageGb = (volumes.members * op.member.storageKb) / 1024 / 1024;
  const httpRequests = volumes.apiRequestsPerMonth + volumes.enrollmentsPerMonth * 3;
  const million = (n: number) => n / 1_000_000;
  const lines: BillLine[] = [
    {
      service: 'Lambda',
      usd: million(invocations) * prices.lambdaPerMillionRequests + gbSeconds * prices.lambdaPerGbSecondArm,
      basis: `${Math.round(invocations).toLocaleString('en')} invocations, ${Math.round(gbSeconds).toLocaleString('en')} GB-s`,
    },
    {
      service: 'DynamoDB',
      usd:
        million(sum('wru')) * prices.dynamoPerMillionWru +
        million(sum('rru')) * prices.dynamoPerMillionRru +
        storageGb * (prices.dynamoPerGbMonth + prices.dynamoPitrPerGbMonth),
      basis: `${Math.round(sum('wru')).toLocaleString('en')} WRU, ${Math.round(sum('rru')).toLocaleString('en')} RRU, ${storageGb.toFixed(2)} GB (with PITR)`,
    },
    {
      service: 'SES',
      usd: ((volumes.mailsPerMonth + volumes.enrollmentsPerMonth * op.enrollment.mails) / 1000) * prices.sesPer1000,
      basis: `${(volumes.mailsPerMonth + volumes.enrollmentsPerMonth * op.enrollment.mails).toLocaleString('en')} mails`,
    },
    {
      service: 'SNS SMS',
      usd: volumes.smsPerMonth * prices.smsKoreaPerMessage,
      basis: `${volumes.smsPerMonth.toLocaleString('en')} SMS to Korean mobiles`,
    },
    {
      service: 'SNS topics',
      usd: million(volumes.mailsPerMonth * op.mail.snsPublishes) * prices.snsPerMillion,
      basis: 'SES events to the event topic',
    },
    { service: 'EventBridge', usd: million(sum('events')) * prices.eventBridgePerMillion, basis: 'events put' },
    { service: 'SQS', usd: million(sum('sqsRequests')) * prices.sqsPerMillion, basis: 'requests' },
    {
      service: 'API Gateway + CloudFront + WAF',
      usd:
        million(httpRequests) * (prices.httpApiPerMillion + prices.wafPerMillion) +
        (httpRequests / 10_000) * prices.cloudFrontPer10kHttps +
        prices.wafAclPerMonth +
        FIXED.wafRules * prices.wafRulePerMonth,
      basis: `${httpRequests.toLocaleString('en')} requests, one web ACL with ${FIXED.wafRules} rules`,
    },
    {
      service: 'CloudWatch',
      usd:
        million(invocations) * FIXED.logGbPerMillionInvocations * prices.logsPerGb +
        FIXED.alarms * prices.alarmPerMonth +
        prices.dashboardPerMonth,
      basis: `logs, ${FIXED.alarms} alarms, a dashboard`,
    },
    {
      service: 'KMS + Secrets Manager',
      usd: FIXED.keys * prices.kmsKeyPerMonth + FIXED.secrets * prices.secretPerMonth,
      basis: `${FIXED.keys} keys, ${FIXED.secrets} secrets`,
    },
  ];
  return lines.map((line) => ({ ...line, usd: Math.round(line.usd * 100) / 100 }));
}
