// Signed, expiring tokens for links in mail (double opt-in, unsubscribe): HMAC-SHA256 over a small JSON payload.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenPurpose =
  | 'confirm-email'
  | 'verify-phone'
  | 'guardian-consent'
  | 'unsubscribe'
  | 'sign-in'
  | 'erase'
  | 'change-contact';

export interface TokenClaims {
  readonly purpose: TokenPurpose;
  /** Member id. */
  readonly sub: string;
  /** Expiry, seconds since the epoch. */
  readonly exp: number;
  /** Purpose-specific binding, e.g. a keyed hash of the e-mail address or phone being verified. */
  readonly bind?: string;
  /** Unsubscribe: the channel it withdraws. */
  readonly ch?: 'email' | 'sms' | 'post';
  /** Unsubscribe: the send it came from (ledger reference), to count it in the campaign. */
  readonly ref?: string;
  /** Unsubscribe: the locale of the page. */
  readonly lc?: 'ko' | 'en';
  /** Sign-in: the link's own id, so that it signs in once. */
  readonly jti?: string;
}

export type TokenCheck =
  | { ok: true; claims: TokenClaims }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' | 'wrong-purpose' };

function mac(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

export function signToken(claims: TokenClaims, secret: string): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

export function verifyToken(token: string, purpose: TokenPurpose, secret: string, now: Date): TokenCheck {
  if (token.length > 1024) return { ok: false, reason: 'malformed' };
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  const expected = mac(secret, body);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad-signature' };
  let claims: TokenClaims;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return { ok: false, reason: 'malformed' };
  if (claims.purpose !== purpose) return { ok: false, reason: 'wrong-purpose' };
  if (claims.exp * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

/** Short, stable binding of a value (an e-mail address) into a token without putting the value in it. */
export function bindingOf(value: string, secret: string): string {
  return mac(secret, `bind:${value}`).subarray(0, 12).toString('base64url');
}
