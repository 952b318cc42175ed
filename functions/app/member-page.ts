// Use cases of the members' own page: a sign-in link to a verified contact (no password), a session bound to the
// member, the page's facts (tier and progress, history, benefits from the calendar, coupons, consents), consent
// changes the member makes, and the member's own data export (PIPA's right of access).
import { followMerges } from '#domain/member-merge';
import type { IdentityIndex } from './identity-candidates.ts';
import { emailVerified, phoneVerified } from '#domain/enrollment-rules';
import { normaliseEmail, normalisePhone } from '#domain/identity';
import { bindingOf, verifyToken } from '#domain/signed-token';
import { isActive } from '#domain/calendar-due';
import type { TierState } from '#domain/tier-engine';
import { type TierProgress, tierProgress } from '#domain/tier-progress';
import type { CalendarEntry } from '#schema/calendar';
import type {
  ConsentChanged,
  ContactChanged,
  EmailConfirmationRequested,
  ErasureRequested,
  MemberErased,
  ProfileChanged,
  SignInRequested,
} from '#schema/events';
import { consentChangeRequest, profileChangeRequest, signInRequest } from '#schema/member-page';
import type { Member } from '#schema/member';
import { type CouponStore, couponView } from './coupons.ts';
import { NotFound } from './errors.ts';
import type { MemberDirectory } from './member-lookup.ts';
import { aggregatesOf } from './member-status.ts';
import { eraseMember, exportMember, type PrivacyDeps } from './member-privacy.ts';
import type { AuditEntry, Clock, EventPublisher, MemberStore, TokenSecret } from './ports.ts';
import type { LadderSource } from './purchase-ports.ts';
import { fieldErrors, ValidationError } from './validation.ts';

/** A session ends after this long without a request. */
export const SESSION_IDLE_MS = 30 * 60_000;

export interface MemberSession {
  readonly id: string;
  readonly memberId: string;
  /** The token every change must carry (a form field or the `x-csrf-token` header). */
  readonly csrf: string;
  readonly idleUntil: string;
}

export interface SessionStore {
  /** A new session, and the link marked used in the same write; `used` when the link signed in before. */
  open(memberId: string, linkId: string, linkExpires: Date, now: Date, idleMs: number): Promise<MemberSession | 'used'>;
  /** The session if it is still alive, its idle expiry moved on; null when ended, expired or unknown. */
  touch(id: string, now: Date, idleMs: number): Promise<MemberSession | null>;
  end(id: string): Promise<void>;
}

export interface ConsentWriter {
  /** Sets one channel's consent, with a consent record; false when it already was so (or the member is not active). */
  setConsent(memberId: string, channel: ConsentChannel, value: boolean, source: string, at: string): Promise<boolean>;
}

export type ConsentChannel = 'email' | 'sms' | 'post' | 'nightTime';

export interface MemberPageDeps {
  /** The privacy group's erasure, which a member's confirmed request runs too. */
  readonly erasure: Omit<PrivacyDeps, 'clock'>;
  readonly members: Pick<MemberStore, 'getMember'> & {
    /** The member's own profile change, date audiences with it; false when no longer active. */
    updateProfile(before: Member, after: Member, at: string): Promise<boolean>;
    requestContact(memberId: string, pending: NonNullable<Member['pendingContact']>): Promise<boolean>;
    replaceContact(before: Member, at: string): Promise<boolean>;
  };
  readonly directory: MemberDirectory & { audit(entry: AuditEntry): Promise<void> };
  readonly sessions: SessionStore;
  readonly consents: ConsentWriter;
  /** A new name, birthday or contact is new identity evidence: near misses with others become candidates. */
  readonly identity?: Pick<IdentityIndex, 'note'>;
  readonly coupons: Pick<CouponStore, 'ofMember'>;
  readonly calendar: { list(): Promise<CalendarEntry[]> };
  readonly ladders: LadderSource;
  readonly events: EventPublisher;
  readonly secret: TokenSecret;
  readonly clock: Clock;
  readonly programme: { readonly timeZone: string };
}

/** The one e-mail address or phone a body names, normalised (E.164 for a phone), or the field errors. */
function contactOf(body: unknown): { email: string | null; phone: string | null } {
  const parsed = signInRequest.safeParse(body);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error.issues));
  const email = parsed.data.email ? normaliseEmail(parsed.data.email) : null;
  const phone = parsed.data.phone ? normalisePhone(parsed.data.phone) : null;
  if (parsed.data.email && !email) throw new ValidationError([{ path: 'email', message: 'Not an e-mail address' }]);
  if (parsed.data.phone && !phone) throw new ValidationError([{ path: 'phone', message: 'Not a phone number' }]);
  return { email, phone };
}

/**
 * `POST /me/sign-in`: a link goes to the contact if it is a member's verified one (the message is sent by the
 * enrollment mail sender, within its daily limit per contact); the answer is the same for everyone.
 */
export async function requestSignIn(body: unknown, deps: MemberPageDeps): Promise<void> {
  const { email, phone } = contactOf(body);
  const channel = email ? 'email' : 'sms';
  const memberId = email
    ? await deps.directory.ownerOf('email', email)
    : phone
      ? await deps.directory.ownerOf('phone', phone)
      : null;
  if (!memberId) return;
  const member = await deps.members.getMember(memberId);
  const verified =
    member?.status === 'active' &&
    (email ? member.email === email && emailVerified(member) : member.phone === phone && phoneVerified(member));
  if (!verified) return;
  const detail: SignInRequested = { memberId, channel, requestedAt: deps.clock().toISOString() };
  await deps.events.publish('Sign-in Requested', detail);
}

export type LinkProblem = 'invalid' | 'expired' | 'used';

/** What a sign-in link is: the member it signs in (for the page's language), or why it cannot. */
async function linkOf(
  token: string | undefined,
  deps: MemberPageDeps,
  purpose: 'sign-in' | 'erase' = 'sign-in',
): Promise<{ member: Member; linkId: string; expires: Date } | { problem: LinkProblem }> {
  const now = deps.clock();
  const check = verifyToken(token ?? '', purpose, deps.secret.current(), now);
  if (!check.ok) return { problem: check.reason === 'expired' ? 'expired' : 'invalid' };
  const { sub, bind, jti, exp } = check.claims;
  // A link in an old mail of a member merged since signs in the survivor, if the contact it went to is the survivor's.
  const { item: member } = await followMerges(sub, (id) => deps.members.getMember(id));
  if (member?.status !== 'active' || !jti || !bind) return { problem: 'invalid' };
  // Bound to the contact it went to: a link to an address or phone the member no longer has signs in nobody.
  const secret = deps.secret.current();
  const stillTheirs =
    (member.email !== undefined && emailVerified(member) && bindingOf(member.email, secret) === bind) ||
    (member.phone !== undefined && phoneVerified(member) && bindingOf(member.phone, secret) === bind);
  if (!stillTheirs) return { problem: 'invalid' };
  return { member, linkId: jti, expires: new Date(exp * 1000) };
}

/** `GET /me/sign-in?token=`: the page with the button (opening the link signs nobody in: mail scanners open links). */
export async function checkSignInLink(
  token: string | undefined,
  deps: MemberPageDeps,
): Promise<{ locale: 'ko' | 'en' } | { problem: LinkProblem }> {
  const link = await linkOf(token, deps);
  return 'problem' in link ? link : { locale: link.member.locale };
}

/** The button's POST: a new session (a new id at each sign-in), the link used up. */
export async function openSession(
  token: string | undefined,
  deps: MemberPageDeps,
): Promise<{ session: MemberSession } | { problem: LinkProblem }> {
  const link = await linkOf(token, deps);
  if ('problem' in link) return link;
  const now = deps.clock();
  const session = await deps.sessions.open(link.member.memberId, link.linkId, link.expires, now, SESSION_IDLE_MS);
  if (session === 'used') return { problem: 'used' };
  await deps.directory.audit(selfAudit(link.member.memberId, 'member.sign-in', now.toISOString()));
  return { session };
}

export async function currentSession(cookie: string | undefined, deps: MemberPageDeps): Promise<MemberSession | null> {
  return cookie ? deps.sessions.touch(cookie, deps.clock(), SESSION_IDLE_MS) : null;
}

export interface ConsentLine {
  readonly channel: ConsentChannel;
  readonly value: boolean;
  readonly source: string;
  readonly at: string;
  /** E-mail consent given but its double opt-in not yet confirmed. */
  readonly pending?: boolean;
}

export interface MemberPageView {
  readonly memberId: string;
  readonly name: string;
  readonly locale: 'ko' | 'en';
  readonly progress: TierProgress;
  readonly history: readonly { at: string; from: string; to: string; reason: string }[];
  readonly benefits: readonly { id: string; name: string; kind: string; channels: readonly string[] }[];
  readonly coupons: ReturnType<typeof couponView>[];
  readonly consents: readonly ConsentLine[];
  readonly contacts: { readonly email?: string; readonly phone?: string };
  readonly profile: {
    readonly birthday?: string;
    readonly anniversary?: string;
    readonly postalAddress?: NonNullable<Member['postalAddress']>;
    readonly timeZone: string;
  };
  /** A new e-mail or phone waiting for its link (the page says where the link went). */
  readonly pendingContact?: { readonly channel: 'email' | 'sms'; readonly value: string };
}

/** The channels a member's consent covers, in the page's order. */
export const CONSENT_CHANNELS: readonly ConsentChannel[] = ['email', 'sms', 'post', 'nightTime'];

/** Touchpoints that inform rather than give: not listed among a tier's benefits. */
const NOT_BENEFITS = new Set(['welcome', 'consent_renewal', 'tier_downgrade_notice']);

/** Everything the page shows, for the signed-in member only. */
export async function memberPage(memberId: string, deps: MemberPageDeps): Promise<MemberPageView> {
  const [member, items, ladder, entries, coupons] = await Promise.all([
    deps.members.getMember(memberId),
    deps.directory.memberItems(memberId),
    deps.ladders.current(),
    deps.calendar.list(),
    deps.coupons.ofMember(memberId),
  ]);
  if (!member || !items || member.status !== 'active') throw new SessionGone();
  const now = deps.clock();
  const progress = tierProgress(
    ladder,
    items.profile['tierState'] as TierState | undefined,
    aggregatesOf(items.profile),
    {
      now,
      timeZone: deps.programme.timeZone,
    },
  );
  return {
    memberId,
    name: member.name,
    locale: member.locale,
    progress,
    history: items.tierHistory.map((entry) => ({
      at: String(entry['at'] ?? ''),
      from: String(entry['from'] ?? ''),
      to: String(entry['to'] ?? ''),
      reason: String(entry['reason'] ?? ''),
    })),
    // This tier's benefits: the calendar's active entries that reach it (notices and the welcome are no benefits).
    benefits: entries
      .filter(
        (entry) => isActive(entry, now) && entry.tiers.includes(progress.tier.code) && !NOT_BENEFITS.has(entry.kind),
      )
      .map((entry) => ({ id: entry.id, name: entry.name, kind: entry.kind, channels: entry.channels })),
    coupons: coupons.map((coupon) => couponView(coupon, now)).filter((coupon) => coupon.state === 'active'),
    consents: CONSENT_CHANNELS.map((channel) => {
      const state = member.consents[channel];
      return {
        channel,
        value: state.value,
        source: state.source,
        at: state.at,
        ...(channel === 'email' && state.value && !state.confirmedAt && { pending: true }),
      };
    }),
    contacts: {
      ...(member.email && { email: member.email }),
      ...(member.phone && { phone: member.phone }),
    },
    profile: {
      ...(member.birthday && { birthday: member.birthday }),
      ...(member.anniversary && { anniversary: member.anniversary }),
      ...(member.postalAddress && { postalAddress: member.postalAddress }),
      timeZone: member.timeZone,
    },
    ...(member.pendingContact && {
      pendingContact: { channel: member.pendingContact.channel, value: member.pendingContact.value },
    }),
  };
}

/** An audit entry of a change the member made to their own membership. */
function selfAudit(memberId: string, action: string, at: string): AuditEntry {
  return {
    who: `member:${memberId}`,
    action,
    target: `member:${memberId}`,
    beforeVersion: null,
    afterVersion: null,
    at,
  };
}

/** The signed-in member's session ended meanwhile (erased, or no longer active). */
export class SessionGone extends NotFound {
  constructor() {
    super('the member of this session is no longer active');
  }
}

/**
 * `PUT /me/consents`: the member's own changes, each recorded with source `member` and announced (`Consent
 * Changed`). A withdrawal takes effect at once; SMS, post and night-time can be given here; e-mail given again
 * waits for the link of a confirmation mail (double opt-in) before anything is mailed.
 */
export async function changeConsents(
  memberId: string,
  body: unknown,
  deps: MemberPageDeps,
): Promise<{ changed: ConsentChannel[] }> {
  const parsed = consentChangeRequest.safeParse(body);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error.issues));
  const { email, sms, post, nightTime } = parsed.data;
  if (email || sms || post || nightTime) {
    const member = await deps.members.getMember(memberId);
    if (member?.status !== 'active') throw new SessionGone();
    const missing = [
      email &&
        !(member.email && emailVerified(member)) && {
          path: 'email',
          message: 'There is no confirmed e-mail address to send to',
        },
      (sms || nightTime) &&
        !member.phone && { path: sms ? 'sms' : 'nightTime', message: 'There is no phone number to text' },
      post && !member.postalAddress && { path: 'post', message: 'Give a postal address in your details first' },
    ].filter((error): error is { path: string; message: string } => Boolean(error));
    if (missing.length > 0) throw new ValidationError(missing);
  }
  const at = deps.clock().toISOString();
  const changed: ConsentChannel[] = [];
  for (const channel of CONSENT_CHANNELS) {
    const value = parsed.data[channel];
    if (value === undefined) continue;
    if (!(await deps.consents.setConsent(memberId, channel, value, 'member', at))) continue;
    changed.push(channel);
    // E-mail given again: nothing is mailed before the link of a confirmation mail confirms it (double opt-in).
    if (channel === 'email' && value) {
      const requested: EmailConfirmationRequested = { memberId, requestedAt: at };
      await deps.events.publish('Email Confirmation Requested', requested);
    }
    const detail: ConsentChanged = { memberId, channel, value, source: 'member', at };
    await deps.events.publish('Consent Changed', detail);
    await deps.directory.audit(selfAudit(memberId, 'member.consent', at));
  }
  return { changed };
}

/** `GET /me/data`: everything kept about the member, as the privacy group's export (and audited alike). */
export async function ownData(memberId: string, deps: MemberPageDeps) {
  const [data, coupons] = await Promise.all([
    exportMember(memberId, `member:${memberId}`, deps),
    deps.coupons.ofMember(memberId),
  ]);
  const now = deps.clock();
  return { ...data, coupons: coupons.map((coupon) => couponView(coupon, now)) };
}

/**
 * `DELETE /me`: the member asks to delete their membership; a link that confirms it goes to their verified e-mail
 * (else their verified phone). Nothing is deleted before the link's page is confirmed.
 */
export async function requestErasure(memberId: string, deps: MemberPageDeps): Promise<{ locale: 'ko' | 'en' }> {
  const member = await deps.members.getMember(memberId);
  if (member?.status !== 'active') throw new SessionGone();
  const channel = emailVerified(member) ? 'email' : phoneVerified(member) ? 'sms' : null;
  if (channel) {
    const detail: ErasureRequested = { memberId, channel, requestedAt: deps.clock().toISOString() };
    await deps.events.publish('Erasure Requested', detail);
  }
  return { locale: member.locale };
}

/** The erasure link's page: the member it is for (its language), or why it does not work. */
export async function checkErasureLink(
  token: string | undefined,
  deps: MemberPageDeps,
): Promise<{ locale: 'ko' | 'en' } | { problem: LinkProblem }> {
  const link = await linkOf(token, deps, 'erase');
  return 'problem' in link ? link : { locale: link.member.locale };
}

/**
 * The erasure page's button: the same erasure as the privacy group's (personal data gone, anonymous purchase records
 * kept, audited with the member as who), `Member Erased` announced. A second press finds nobody to erase.
 */
export async function confirmErasure(
  token: string | undefined,
  deps: MemberPageDeps,
): Promise<{ locale: 'ko' | 'en' } | { problem: LinkProblem }> {
  const link = await linkOf(token, deps, 'erase');
  if ('problem' in link) return link;
  const { memberId } = link.member;
  await eraseMember(memberId, `member:${memberId}`, { ...deps.erasure, clock: deps.clock });
  const detail: MemberErased = { memberId, erasedAt: deps.clock().toISOString(), by: 'member' };
  await deps.events.publish('Member Erased', detail);
  return { locale: link.member.locale };
}

/** A birthday moves at most once in this many days: nobody moves it to collect a second birthday benefit. */
export const BIRTHDAY_CHANGE_DAYS = 365;

/**
 * `PUT /me/profile`: name, birthday (at most once a year), anniversary, address, locale, time zone; `null` removes
 * an optional field. The date audiences follow at once (a new birthday or zone). A `Profile Changed` event names
 * the fields, never their values; an audit entry records the change.
 */
export async function changeProfile(
  memberId: string,
  body: unknown,
  deps: MemberPageDeps,
): Promise<{ changed: string[] }> {
  const parsed = profileChangeRequest.safeParse(body);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error.issues));
  const before = await deps.members.getMember(memberId);
  if (before?.status !== 'active') throw new SessionGone();
  const now = deps.clock();
  const changes = parsed.data;
  const after: Member = { ...before };
  const record = after as unknown as Record<string, unknown>;
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (value === null) delete record[field];
    else if (field === 'postalAddress' && typeof value === 'object')
      // As at enrollment: an address without a country is Korean.
      record[field] = { ...value, country: (value as { country?: string }).country ?? 'KR' };
    else record[field] = field === 'name' ? String(value).trim() : value;
  }
  const changed = Object.keys(changes).filter(
    (field) => JSON.stringify(record[field]) !== JSON.stringify((before as unknown as Record<string, unknown>)[field]),
  );
  if (changed.includes('birthday')) {
    const last = (before as { birthdayChangedAt?: string }).birthdayChangedAt;
    const next = last ? new Date(Date.parse(last) + BIRTHDAY_CHANGE_DAYS * 86_400_000) : null;
    if (next && next > now)
      throw new ValidationError([
        {
          path: 'birthday',
          message: `The birthday can change once a year: next from ${next.toISOString().slice(0, 10)}`,
        },
      ]);
    if (after.birthday && after.birthday.slice(0, 4) !== '--' && after.birthday > now.toISOString().slice(0, 10))
      throw new ValidationError([{ path: 'birthday', message: 'Birthday lies in the future' }]);
  }
  if (changed.includes('postalAddress') && !after.postalAddress && before.consents.post.value)
    throw new ValidationError([
      { path: 'postalAddress', message: 'Post is on: turn it off before removing the postal address' },
    ]);
  if (changed.length === 0) return { changed };
  const at = now.toISOString();
  if (!(await deps.members.updateProfile(before, after, at))) throw new SessionGone();
  if (changed.some((field) => field === 'name' || field === 'birthday')) await deps.identity?.note([after], at);
  const detail: ProfileChanged = { memberId, fields: changed, at };
  await deps.events.publish('Profile Changed', detail);
  await deps.directory.audit(selfAudit(memberId, 'member.profile', at));
  return { changed };
}

/**
 * `POST /me/contacts`: a new e-mail address or phone for the membership. It is kept aside and a link goes to it; the
 * old one stays in use until the link is followed (the member must prove the new one theirs).
 */
export async function requestContactChange(memberId: string, body: unknown, deps: MemberPageDeps): Promise<void> {
  const { email, phone } = contactOf(body);
  const member = await deps.members.getMember(memberId);
  if (member?.status !== 'active') throw new SessionGone();
  if ((email && member.email === email) || (phone && member.phone === phone))
    throw new ValidationError([{ path: email ? 'email' : 'phone', message: 'This is already yours' }]);
  const channel = email ? 'email' : 'sms';
  const requestedAt = deps.clock().toISOString();
  if (!(await deps.members.requestContact(memberId, { channel, value: email ?? phone ?? '', requestedAt })))
    throw new SessionGone();
  const detail: SignInRequested = { memberId, channel, requestedAt };
  await deps.events.publish('Contact Change Requested', detail);
}

/** The new contact's link: for the member whose pending contact it was made for, while it still is. */
async function contactLinkOf(
  token: string | undefined,
  deps: MemberPageDeps,
): Promise<{ member: Member } | { problem: LinkProblem }> {
  const check = verifyToken(token ?? '', 'change-contact', deps.secret.current(), deps.clock());
  if (!check.ok) return { problem: check.reason === 'expired' ? 'expired' : 'invalid' };
  const member = await deps.members.getMember(check.claims.sub);
  const pending = member?.pendingContact;
  if (member?.status !== 'active' || !pending || bindingOf(pending.value, deps.secret.current()) !== check.claims.bind)
    return { problem: 'invalid' };
  return { member };
}

export async function checkContactLink(token: string | undefined, deps: MemberPageDeps) {
  const link = await contactLinkOf(token, deps);
  return 'problem' in link ? link : { locale: link.member.locale };
}

/**
 * The new contact's button: it replaces the old one (verified at once, its ownership moved in one transaction), the
 * old contact is told (`Contact Changed`), audited. A contact another member has verified meanwhile stays theirs.
 */
export async function confirmContactChange(
  token: string | undefined,
  deps: MemberPageDeps,
): Promise<{ locale: 'ko' | 'en' } | { problem: LinkProblem }> {
  const link = await contactLinkOf(token, deps);
  if ('problem' in link) return link;
  const { member } = link;
  const at = deps.clock().toISOString();
  if (!(await deps.members.replaceContact(member, at))) return { problem: 'invalid' };
  const pending = member.pendingContact;
  if (pending)
    await deps.identity?.note(
      [{ ...member, ...(pending.channel === 'email' ? { email: pending.value } : { phone: pending.value }) }],
      at,
    );
  const detail: ContactChanged = { memberId: member.memberId, channel: member.pendingContact?.channel ?? 'email', at };
  await deps.events.publish('Contact Changed', detail);
  await deps.directory.audit(selfAudit(member.memberId, 'member.contact', at));
  return { locale: member.locale };
}
