// The `source` of every event dangol puts on the bus — its own module, so that a handler that publishes events
// does not bundle every event's schema with it.
export const EVENT_SOURCE = 'dangol';

/** The events the enrollment mail sender reads: its rule's detail types and its queue message schema, both. */
export const ENROLLMENT_MAIL_EVENTS = [
  'Member Enrolled',
  'Email Confirmation Requested',
  'Member Email Confirmed',
  'Sign-in Requested',
  'Erasure Requested',
  'Contact Change Requested',
  'Contact Changed',
] as const;

/** The events other systems may subscribe to by webhook (CONTRACT.md's "Out"): each carries ids, never contacts. */
export const WEBHOOK_EVENTS = [
  'Member Enrolled',
  'Tier Changed',
  'Touchpoint Sent',
  'Consent Changed',
  'Coupon Redeemed',
  'Members Merged',
  'Member Erased',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
