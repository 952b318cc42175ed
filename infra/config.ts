// The deployment's settings: one zod-checked object that `cdk synth` reads from the file named by context
// `config` (`npm run synth -- -c config=dangol.config.json`). A missing or wrong value stops synth naming the field;
// nothing falls back to a placeholder address or number. dangol.config.example.json shows every field.
import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import '../schema/zod-locale.ts';

const timeZone = z.string().check(
  z.refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'Not an IANA time zone'),
);

export const deployConfig = z.strictObject({
  /** Names every resource of this deployment (several stages live side by side in one account). */
  stage: z.string().check(z.regex(/^[a-z][a-z0-9-]{1,19}$/, 'Lower-case letters, digits and -, 2 to 20 characters')),
  region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'An AWS region such as ap-northeast-2')),
  mail: z
    .strictObject({
      /** The domain the stack verifies with SES (Easy DKIM); `from` must be an address of it. */
      domain: z
        .string()
        .check(z.regex(/^(?=.{4,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/, 'A domain such as mail.brand.example')),
      /** Route 53 hosted zone of the domain: the stack creates the DKIM and MAIL FROM records there. */
      hostedZone: z.optional(z.strictObject({ id: z.string().check(z.regex(/^Z[A-Z0-9]{4,32}$/)), name: z.string() })),
      /** The From of every mail, an address of the SES-verified domain, e.g. `Brand <members@mail.brand.example>`. */
      from: z
        .string()
        .check(
          z.regex(/^(.+<)?[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+>?$/, 'An e-mail address, optionally with a display name'),
        ),
      /** SES messages per second this account may send (SES's own quota is read at run time; the lower one wins). */
      maxSendRate: z.number().check(z.positive(), z.maximum(5000)),
    })
    .check(
      z.refine((mail) => mail.from.replace(/>$/, '').toLowerCase().endsWith(`@${mail.domain}`), {
        message: 'The From address must be an address of mail.domain',
        path: ['from'],
      }),
    ),
  /** Base of links in mail and SMS (join form, confirmation, unsubscribe); the API's own URL when absent. */
  publicBaseUrl: z.optional(z.url({ protocol: /^https$/ })),
  sms: z.strictObject({
    /** Shown as the sender of SMS (and in the (광고) prefix of advertising SMS). */
    senderName: z.string().check(z.minLength(1), z.maxLength(20)),
    /** The free opt-out number that ends every advertising SMS (an 080 number in Korea). */
    optOutNumber: z.string().check(z.regex(/^[0-9+][0-9-]{5,19}$/, 'A phone number such as 080-123-4567')),
    /** ISO 3166 countries whose phones may enroll (SMS abroad costs more and invites toll fraud). */
    allowedCountries: z._default(
      z.array(z.string().check(z.regex(/^[A-Z]{2}$/, 'An ISO 3166 country code such as KR'))).check(z.minLength(1)),
      ['KR'],
    ),
    /** The account's monthly SMS spend limit in USD (SNS MonthlySpendLimit); an alarm fires at 80 %. */
    monthlySpendLimitUsd: z.number().check(z.positive(), z.maximum(100_000)),
    /**
     * SMS per second the senders may publish, together (SNS's default quota for SMS is 20 per second; raise it with
     * a quota increase first). Each instance of the SMS sender gets its share; SNS throttling is waited out.
     */
    maxSendRate: z._default(z.number().check(z.positive(), z.maximum(1000)), 20),
  }),
  admin: z.strictObject({
    /** The first marketing admin: the stack creates the user (Cognito mails a temporary password) in `marketing`. */
    firstMarketingEmail: z.string().check(z.regex(/^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$/, 'An e-mail address')),
  }),
  /** The marketing console (`/console/` on the edge): its Cognito sign-in. */
  console: z.strictObject({
    /** The Cognito Hosted UI's domain prefix (`<prefix>.auth.<region>.amazoncognito.com`), unique in the region. */
    cognitoDomainPrefix: z
      .string()
      .check(z.regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'Lower-case letters, digits and hyphens (1-63)')),
    /** Where the Hosted UI may send people back: the console's address(es), `https://…/console/`. */
    callbackUrls: z
      .array(z.string().check(z.regex(/^https:\/\/[^\s/]+\/console\/$/, 'https://<host>/console/')))
      .check(z.minLength(1)),
  }),
  ops: z.strictObject({
    /** Who is told when an alarm fires (a dead-letter queue holds something): at least one address. */
    alarmEmails: z
      .array(z.string().check(z.regex(/^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$/, 'An e-mail address')))
      .check(z.minLength(1, 'At least one address: an alarm nobody hears is no alarm')),
  }),
  /** The edge (CloudFront + AWS WAF) in front of the API. */
  edge: z._default(
    z.strictObject({
      /** Requests one client IP may make in any 5 minutes before WAF blocks it (WAF accepts 10 or more). */
      requestsPerIpPer5Minutes: z.int().check(z.minimum(10), z.maximum(2_000_000_000)),
      /** Sign-in link requests (`POST /me/sign-in`) one client IP may make in any 5 minutes: each may cost a mail or an SMS. */
      signInsPerIpPer5Minutes: z._default(z.int().check(z.minimum(10), z.maximum(2_000_000_000)), 20),
    }),
    { requestsPerIpPer5Minutes: 300, signInsPerIpPer5Minutes: 20 },
  ),
  programme: z.strictObject({
    /** ISO 4217; purchases in another currency are rejected. */
    currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'An ISO 4217 code such as KRW')),
    /** The zone of the programme's months, schedules and default member zone. */
    timeZone,
  }),
});

export type DeployConfig = z.infer<typeof deployConfig>;

export class ConfigError extends Error {
  constructor(
    readonly fields: readonly string[],
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The checked config, or a ConfigError naming each wrong field (`sms.optOutNumber: …`). */
export function parseDeployConfig(input: unknown, source = 'config'): DeployConfig {
  const parsed = deployConfig.safeParse(input);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new ConfigError(
    parsed.error.issues.map((issue) => issue.path.join('.')),
    `${source} is not valid:\n  ${lines.join('\n  ')}`,
  );
}

export function readDeployConfig(file: string): DeployConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(['config'], `config file ${file} cannot be read`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(['config'], `config file ${file} is not JSON: ${(error as Error).message}`);
  }
  return parseDeployConfig(json, file);
}
