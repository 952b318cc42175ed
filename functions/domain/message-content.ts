// What a touchpoint says to one member: the template of an e-mail (subject with the ad prefix, variant or
// follow-up subject), the variables of its placeholders, the sender's name, the SES campaign tag. Pure: the clock,
// the link-signing secret and the unsubscribe link come in as arguments.
import { createHash } from 'node:crypto';
import type { CalendarEntry } from '#schema/calendar';
import type { TierLadder } from '#schema/tier-ladder';
import { adSubject } from './ad-rules.ts';
import { localDay } from './local-time.ts';
import { type CouponOffer, issuedCoupon } from './coupons.ts';
import type { OfferGroup } from './offers.ts';

/** An e-mail's stored SES template: named by a hash of its content, so an edit makes a new one. */
export interface MailTemplate {
  readonly name: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

/** The address part of `Name <address>`. */
export function addressPart(from: string): string {
  const match = /<([^>]+)>/.exec(from);
  return match?.[1] ?? from;
}

/** SES tag values allow letters, digits, `_` and `-`. */
export const campaignTag = (entry: CalendarEntry) => entry.id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 200);

/** The display name of `Name <address>` (`dangol` when there is none). */
export function senderNameOf(from: string): string {
  const match = /^\s*"?([^"<]+?)"?\s*</.exec(from);
  return match?.[1] ?? 'dangol';
}

/** The template of an entry's e-mail in a locale, for a pre-test variant or a follow-up. */
export function templateFor(
  entry: CalendarEntry,
  locale: 'ko' | 'en',
  variant: string | undefined,
  followUp: number | undefined,
): MailTemplate {
  const content = entry.content.email?.[locale] ?? entry.content.email?.ko ?? entry.content.email?.en;
  if (!content) throw new Error(`entry ${entry.id} has no e-mail content`);
  const alternate = followUp ? entry.followUp?.alternates[followUp - 1] : undefined;
  const variantSubject = variant
    ? entry.preTest?.variants.find((candidate) => candidate.name === variant)?.subject
    : undefined;
  const subject = adSubject(alternate?.subject ?? variantSubject ?? content.subject, locale, entry.advertising);
  // Every mail names the member's page, where tier, benefits and consents are (sign-in by a link, no password).
  const footer = MEMBER_PAGE_FOOTER[locale];
  const html = `${content.html}<p style="font-size:12px;color:#555">${footer} <a href="{{memberPageUrl}}">{{memberPageUrl}}</a></p>`;
  const text = `${content.text}\n\n${footer} {{memberPageUrl}}`;
  // Named by a hash of what it holds: an edit (or a new footer) is a new template, never a changed one.
  const hash = createHash('sha256')
    .update(JSON.stringify([subject, html, text]))
    .digest('hex')
    .slice(0, 12);
  const name = `dangol-${entry.id.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 36)}-${locale}-${hash}`;
  return { name, subject, html, text };
}

const MEMBER_PAGE_FOOTER = {
  ko: '회원 페이지(등급, 혜택, 수신 동의):',
  en: 'Your member page (tier, benefits, consents):',
};

/** What a coupon takes off, as a member reads it: `6%`, or `5,000원` / `KRW 5,000`. */
export function couponValue(offer: CouponOffer, locale: 'ko' | 'en'): string {
  if (offer.percent) return `${offer.percent}%`;
  const amount = (offer.amount ?? 0).toLocaleString('en-US');
  return locale === 'ko' ? `${amount}원` : `KRW ${amount}`;
}

/** Who a variable set is for: the member's facts the placeholders use. */
export interface MessageRecipient {
  readonly memberId: string;
  readonly name: string;
  readonly locale: 'ko' | 'en';
  readonly timeZone: string;
  readonly tier: string;
  readonly segment?: OfferGroup;
  /** The period of the send (a coupon is unique per member, entry and period). */
  readonly period: string;
  /** Variables the due item brought (keepBy, deltaToRetain, consent details). */
  readonly vars?: Readonly<Record<string, string>>;
}

/** The variables of one member's message: name, tier in their language, coupon and its validity, links. */
export function messageVariables(
  entry: CalendarEntry,
  recipient: MessageRecipient,
  context: {
    ladder: TierLadder;
    secret: string;
    now: Date;
    senderName: string;
    unsubscribeUrl: string;
    /** Where the member signs in to their page (tier, benefits, consents). */
    memberPageUrl?: string;
  },
): Record<string, string> {
  const tierDef = context.ladder.tiers.find((tier) => tier.code === recipient.tier);
  const vars: Record<string, string> = {
    name: recipient.name,
    tier: tierDef?.name[recipient.locale] ?? recipient.tier,
    senderName: context.senderName,
    unsubscribeUrl: context.unsubscribeUrl,
    memberPageUrl: context.memberPageUrl ?? '',
    coupon: '',
    couponPercent: '0',
    couponValue: '',
    validUntil: '',
    keepBy: '',
    deltaToRetain: '',
    ...recipient.vars,
  };
  const coupon = issuedCoupon(
    entry,
    {
      memberId: recipient.memberId,
      tier: recipient.tier,
      ...(recipient.segment && { segment: recipient.segment }),
      period: recipient.period,
    },
    { secret: context.secret, now: context.now },
  );
  if (coupon) {
    vars['coupon'] = coupon.code;
    vars['couponPercent'] = String(coupon.offer.percent ?? 0);
    vars['couponValue'] = couponValue(coupon.offer, recipient.locale);
    vars['validUntil'] = localDay(new Date(coupon.validUntil), recipient.timeZone);
  }
  return vars;
}

/** The variables of a test send: sample values, so marketing sees every placeholder filled. */
export function sampleVariables(
  entry: CalendarEntry,
  locale: 'ko' | 'en',
  context: { now: Date; senderName: string; unsubscribeUrl: string; memberPageUrl?: string },
): Record<string, string> {
  const today = context.now.toISOString().slice(0, 10);
  return {
    name: locale === 'ko' ? '홍길동' : 'Test Member',
    tier: entry.tiers[0] ?? '',
    coupon: 'DG-TEST-TEST-TEST',
    couponPercent: String(Object.values(entry.offer?.percents ?? {})[0] ?? 0),
    couponValue: `${Object.values(entry.offer?.percents ?? {})[0] ?? 0}%`,
    validUntil: today,
    unsubscribeUrl: context.unsubscribeUrl,
    memberPageUrl: context.memberPageUrl ?? '',
    keepBy: today,
    deltaToRetain: '0',
    senderName: context.senderName,
  };
}

/** Characters a display name may keep: no line breaks, quotes or angle brackets (header injection, spoofed addresses). */
const UNSAFE_IN_NAME = /[\r\n"<>\\]/g;

/**
 * A From header value SES takes: `Name <address>` with the name RFC 2047-encoded (UTF-8, base64 encoded-words of at
 * most 75 characters) when it is not plain ASCII — SES refuses a raw Korean display name — and quoted when it holds
 * specials. A bare address is returned as it is.
 */
export function encodeFromAddress(from: string): string {
  const match = /^\s*"?([^"<]*?)"?\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(from);
  if (!match) return from.trim();
  const name = (match[1] ?? '').replace(UNSAFE_IN_NAME, '').trim();
  const address = match[2] ?? '';
  if (!name) return address;
  if (/^[\x20-\x7e]*$/.test(name))
    return /[()<>@,;:\\".[\]]/.test(name) ? `"${name}" <${address}>` : `${name} <${address}>`;
  const words: string[] = [];
  let chunk = '';
  for (const char of name) {
    // 12 characters of `=?UTF-8?B?` + `?=`; base64 of n bytes is 4·⌈n/3⌉: keep each word within 75.
    const next = chunk + char;
    if (Math.ceil(Buffer.byteLength(next, 'utf8') / 3) * 4 + 12 > 75) {
      words.push(chunk);
      chunk = char;
    } else chunk = next;
  }
  if (chunk) words.push(chunk);
  const encoded = words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join(' ');
  return `${encoded} <${address}>`;
}
