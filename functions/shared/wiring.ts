// Builds the adapters a handler's use case needs from its configuration, once per container.
import type { Clock } from '#app/ports';
import { dynamoDocumentClient } from '#adapters/aws-clients';
import { DynamoMemberStore } from '#adapters/member-store';
import { SesMailer, sesClient } from '#adapters/ses-mailer';
import { EventBridgePublisher, eventBridgeClient } from '#adapters/event-bus';
import { loadTokenSecret } from '#adapters/token-secret';
import { readConfig } from './config.ts';

export const systemClock: Clock = () => new Date();

export async function enrollmentWiring() {
  const { TABLE_NAME } = readConfig('table');
  const { EVENT_BUS_NAME } = readConfig('bus');
  const mail = readConfig('mail');
  return {
    members: new DynamoMemberStore(dynamoDocumentClient(), TABLE_NAME),
    mailer: new SesMailer(sesClient(), mail.MAIL_FROM, mail.SES_CONFIGURATION_SET),
    events: new EventBridgePublisher(eventBridgeClient(), EVENT_BUS_NAME),
    secret: await loadTokenSecret(readConfig('tokens')),
    clock: systemClock,
    publicBaseUrl: mail.PUBLIC_BASE_URL.replace(/\/$/, ''),
  };
}
