// Use cases: what comes back after a send — SES events (delivery, open, click, bounce, complaint, …) on the ledger
// and the campaign counters, suppression after a permanent bounce or a complaint, and unsubscribe links.
import { machineOpenReason } from '#domain/machine-opens';
import { verifyToken } from '#domain/signed-token';
import type { TouchpointSent } from '#schema/events';
import type { Clock, EventPublisher, TokenSecret } from './ports.ts';
import { decodeRef, type EngagementStore, type LedgerRef } from './sending-ports.ts';

/**
 * Puts `Touchpoint Sent` on the bus once per send: the send is recorded on the ledger first (only the first caller
 * gets the item back), and its `send` event taken back if the bus refuses, so that the retry announces it. For
 * e-mail this is where the ledger turns `sent` and an advertising mail joins the frequency-cap log (`logAdSend`).
 */
export async function announceSent(
  ref: LedgerRef,
  sent: { messageId: string; at: string },
  deps: { store: EngagementStore; events: EventPublisher },
  options: { logAdSend: boolean } = { logAdSend: false },
): Promise<boolean> {
  const entry = await deps.store.recordSend(ref, sent, options);
  if (!entry) return false;
  const [channel = 'email', followUp] = ref.channel.split('-f');
  const detail: TouchpointSent = {
    memberId: ref.memberId,
    entryId: ref.entryId,
    kind: entry.kind ?? 'custom',
    channel: channel as TouchpointSent['channel'],
    ...(followUp && { followUp: Number(followUp) }),
    period: ref.period,
    messageId: sent.messageId,
    sentAt: sent.at,
    ...(entry.tier && { tier: entry.tier }),
    ...(entry.variant && { variant: entry.variant }),
  };
  try {
    await deps.events.publish('Touchpoint Sent', detail);
  } catch (error) {
    await deps.store.forgetEvent(ref, 'send');
    throw error;
  }
  return true;
}

/** SES event type → the ledger's event name and the campaign counter it moves (null: recorded, not counted). */
const EVENT_TYPES: Readonly<Record<string, { name: string; counter: string | null }>> = {
  Send: { name: 'send', counter: null },
  Delivery: { name: 'delivery', counter: 'delivered' },
  Open: { name: 'open', counter: 'opened' },
  Click: { name: 'click', counter: 'clicked' },
  Bounce: { name: 'bounce', counter: 'bounced' },
  Complaint: { name: 'complaint', counter: 'complained' },
  Reject: { name: 'reject', counter: null },
  'Rendering Failure': { name: 'renderingFailure', counter: null },
  RenderingFailure: { name: 'renderingFailure', counter: null },
  DeliveryDelay: { name: 'deliveryDelay', counter: null },
  Subscription: { name: 'subscription', counter: null },
};

export interface SesEvent {
  readonly eventType?: string;
  readonly notificationType?: string;
  readonly mail?: {
    readonly messageId?: string;
    readonly timestamp?: string;
    readonly destination?: readonly string[];
    readonly tags?: Readonly<Record<string, readonly string[]>>;
  };
  readonly bounce?: {
    readonly bounceType?: string;
    readonly timestamp?: string;
    readonly bouncedRecipients?: readonly { emailAddress?: string }[];
  };
  readonly complaint?: {
    readonly timestamp?: string;
    readonly complainedRecipients?: readonly { emailAddress?: string }[];
  };
  readonly open?: { readonly ipAddress?: string; readonly timestamp?: string; readonly userAgent?: string };
}

/** SNS may deliver the SES event raw or wrapped in its envelope; both are accepted. */
export function unwrapSesEvent(body: unknown): SesEvent | null {
  if (typeof body !== 'object' || body === null) return null;
  const record = body as Record<string, unknown>;
  if (record['Type'] === 'Notification' && typeof record['Message'] === 'string')
    return unwrapSesEvent(JSON.parse(record['Message']) as unknown);
  if (typeof record['eventType'] !== 'string' && typeof record['notificationType'] !== 'string') return null;
  if (typeof record['mail'] !== 'object' || record['mail'] === null) return null;
  return record as SesEvent;
}

export type EngagementOutcome = 'recorded' | 'duplicate' | 'unknown-send' | 'ignored';

export async function recordSesEvent(
  event: SesEvent,
  deps: { store: EngagementStore; events: EventPublisher; clock: Clock },
): Promise<EngagementOutcome> {
  const type = EVENT_TYPES[event.eventType ?? event.notificationType ?? ''];
  if (!type) return 'ignored';
  const at =
    event.bounce?.timestamp ?? event.complaint?.timestamp ?? event.mail?.timestamp ?? deps.clock().toISOString();
  // A hard bounce or a complaint stops all mail to the address before anything else happens.
  if (type.name === 'bounce' && event.bounce?.bounceType === 'Permanent') {
    for (const recipient of event.bounce.bouncedRecipients ?? [])
      if (recipient.emailAddress) await deps.store.suppress(recipient.emailAddress, 'bounce', at);
  }
  if (type.name === 'complaint') {
    const complained =
      event.complaint?.complainedRecipients?.map((recipient) => recipient.emailAddress) ??
      event.mail?.destination ??
      [];
    for (const email of complained) if (email) await deps.store.suppress(email, 'complaint', at);
  }
  const tag = event.mail?.tags?.['l']?.[0];
  const ref = tag ? decodeRef(tag) : null;
  if (!ref) return 'unknown-send';
  // SES accepted the mail: the ledger's e-mail send turns `sent` here (the sender only claimed it), the frequency-cap
  // log learns of an advertising mail, and the touchpoint is announced (the sender cannot carry the bus client).
  if (type.name === 'send')
    return (await announceSent(ref, { messageId: event.mail?.messageId ?? '', at }, deps, { logAdSend: true }))
      ? 'recorded'
      : 'duplicate';
  // An open no person made (Apple's privacy prefetch, a scanner, one within seconds of the send) is kept on the
  // ledger as `machineOpen`: it counts as no open in reports and does not make a member "opened" for the
  // reached-not-opened follow-ups or a pre-test's winner.
  if (type.name === 'open') {
    const machine = machineOpenReason({
      ...(event.open?.ipAddress && { ipAddress: event.open.ipAddress }),
      ...(event.open?.userAgent && { userAgent: event.open.userAgent }),
      ...(event.open?.timestamp && { openedAt: event.open.timestamp }),
      ...(event.mail?.timestamp && { sentAt: event.mail.timestamp }),
    });
    const openedAt = event.open?.timestamp ?? at;
    const recorded = machine
      ? await deps.store.recordEvent(ref, 'machineOpen', openedAt, 'machineOpened')
      : await deps.store.recordEvent(ref, 'open', openedAt, 'opened');
    return recorded ? 'recorded' : 'duplicate';
  }
  // A soft bounce is recorded but does not count as bounced (the address is not suppressed).
  const counter = type.name === 'bounce' && event.bounce?.bounceType !== 'Permanent' ? null : type.counter;
  const name = type.name === 'bounce' && event.bounce?.bounceType !== 'Permanent' ? 'softBounce' : type.name;
  return (await deps.store.recordEvent(ref, name, at, counter)) ? 'recorded' : 'duplicate';
}

export type UnsubscribeResult =
  | { ok: true; channel: 'email' | 'sms' | 'post'; locale: 'ko' | 'en'; changed: boolean }
  | { ok: false; reason: string };

/** An unsubscribe link (page or RFC 8058 one-click POST): withdraws the channel at once; idempotent. */
/** What opening an unsubscribe link (GET) shows: whose channel it is, without withdrawing anything. */
export function checkUnsubscribeLink(
  token: string,
  deps: { secret: TokenSecret; clock: Clock },
): { ok: true; channel: 'email' | 'sms' | 'post'; locale: 'ko' | 'en' } | { ok: false; reason: string } {
  const check = verifyToken(token, 'unsubscribe', deps.secret.current(), deps.clock());
  if (!check.ok) return { ok: false, reason: check.reason };
  return { ok: true, channel: check.claims.ch ?? 'email', locale: check.claims.lc ?? 'ko' };
}

export async function unsubscribe(
  token: string,
  source: 'unsubscribe-page' | 'one-click',
  deps: { store: EngagementStore; secret: TokenSecret; clock: Clock },
): Promise<UnsubscribeResult> {
  const now = deps.clock();
  const check = verifyToken(token, 'unsubscribe', deps.secret.current(), now);
  if (!check.ok) return { ok: false, reason: check.reason };
  const channel = check.claims.ch ?? 'email';
  const at = now.toISOString();
  const changed = await deps.store.withdraw(check.claims.sub, channel, source, at);
  const ref = check.claims.ref ? decodeRef(check.claims.ref) : null;
  if (ref) await deps.store.recordEvent(ref, 'unsubscribe', at, 'unsubscribed');
  return { ok: true, channel, locale: check.claims.lc ?? 'ko', changed };
}
