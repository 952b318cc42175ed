// A value for every environment variable a capability can bring, as a provider (the CDK stack, the local stack)
// has them: for tests that start handlers with exactly their own variables, and for the bundle benchmark.
import { queues } from '#infra/topology';
import { type Capability, variablesOf } from '#shared/capabilities';

/** A value for every variable any capability can bring (what a provider such as the local stack has). */
export function allValues(): Record<string, string> {
  const values: Record<string, string> = {
    TABLE_NAME: 'table',
    EVENT_BUS_NAME: 'loyalty',
    MAIL_FROM: 'Brand <members@brand.example>',
    SES_CONFIGURATION_SET: 'set',
    PUBLIC_BASE_URL: 'https://members.brand.example',
    MAX_SEND_RATE: '7',
    SEND_RATE_SHARE: '0.5',
    SMS_SENDER_NAME: 'Brand',
    SMS_OPT_OUT_NUMBER: '080-123-4567',
    FULFILMENT_TOPIC_ARN: 'arn:aws:sns:ap-northeast-2:000000000000:fulfilment',
    TOKEN_SECRET: 's'.repeat(64),
    PROGRAMME_CURRENCY: 'KRW',
    PROGRAMME_TIME_ZONE: 'Asia/Seoul',
    WAVE_INTERVAL_SECONDS: '60',
    SENDING_HOLD_SECONDS: '900',
    PHONE_COUNTRIES: 'KR',
    CONTACT_HASH_KEYS: 'h'.repeat(64),
    WEBHOOK_ROUTING: '{"kind":"local"}',
  };
  for (const queue of queues) {
    for (const capability of [`queue:${queue.name}`, `dlq:${queue.name}`] as Capability[]) {
      for (const name of variablesOf(capability)) values[name] = `http://127.0.0.1:9/${queue.name}`;
    }
  }
  return values;
}
