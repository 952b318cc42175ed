// SQS consumer (rule `enrollment-mail`): sends the verification mail and SMS, the already-a-member answers and the
// welcome mail; failed records are reported one by one so the rest of the batch is not retried, and a record that
// keeps failing ends in the DLQ.
import {
  sendContactReplacedNotice,
  sendMemberLink,
  sendRequestedMail,
  sendVerifications,
  sendWelcomeMail,
} from '#app/send-enrollment-mail';
import { enrollmentMailEvent } from '#schema/events';
import { logger } from '#shared/logger';
import { sqsHandler } from '#shared/sqs-handler';
import {
  calendarReader,
  contactHashing,
  contactLimits,
  mailer,
  memberStore,
  systemClock,
  textMessages,
  tokenSecret,
} from '#shared/wiring';

// Prospects, suppression and per-contact limits are keyed by the contact hash: its keys first.
await contactHashing();
const deps = {
  members: memberStore(),
  limits: contactLimits(),
  ...mailer(),
  texts: textMessages(),
  secret: await tokenSecret(),
  clock: systemClock,
  // The welcome mail is the calendar's welcome entry.
  calendar: calendarReader(),
};

export const handler = sqsHandler(enrollmentMailEvent, async (event) => {
  if (event['detail-type'] === 'Contact Changed') {
    const outcome = await sendContactReplacedNotice(event.detail.memberId, deps);
    logger.info('replaced contact notice', { memberId: event.detail.memberId, outcome });
    return;
  }
  const linkPurpose = {
    'Sign-in Requested': 'sign-in',
    'Erasure Requested': 'erase',
    'Contact Change Requested': 'change-contact',
  } as const;
  if (
    event['detail-type'] === 'Sign-in Requested' ||
    event['detail-type'] === 'Erasure Requested' ||
    event['detail-type'] === 'Contact Change Requested'
  ) {
    const purpose = linkPurpose[event['detail-type']];
    const outcome = await sendMemberLink(event.detail.memberId, event.detail.channel ?? 'email', purpose, deps);
    logger.info('member link', { memberId: event.detail.memberId, channel: event.detail.channel, purpose, outcome });
    return;
  }
  const send = {
    'Member Enrolled': sendVerifications,
    'Email Confirmation Requested': sendRequestedMail,
    'Member Email Confirmed': sendWelcomeMail,
  }[event['detail-type']];
  const outcome = await send(event.detail.memberId, deps);
  logger.info('enrollment messages', { detailType: event['detail-type'], memberId: event.detail.memberId, ...outcome });
});
