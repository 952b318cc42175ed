// Weaker evidence that two members are one person: never a merge, a candidate for marketing to review. Exact,
// verified e-mail or phone already joins at enrollment; these are the near misses.
export type EvidenceKind = 'name-birthday' | 'email-variant' | 'same-phone';

export interface Evidence {
  readonly kind: EvidenceKind;
  /** The value two members share when the evidence holds (kept as a hash by the adapter, never in clear). */
  readonly value: string;
}

/** Mail providers that ignore dots in the local part. */
const DOTLESS = new Set(['gmail.com', 'googlemail.com']);

/**
 * The address a mailbox receives at: the `+tag` dropped, and for Gmail the dots too (googlemail.com is gmail.com).
 * Two different addresses with one canonical form are one mailbox, almost surely one person.
 */
export function canonicalEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1).toLowerCase();
  let local = email.slice(0, at).toLowerCase().replace(/\+.*$/, '');
  if (DOTLESS.has(domain)) local = local.replace(/\./g, '');
  return `${local}@${DOTLESS.has(domain) ? 'gmail.com' : domain}`;
}

/** A name as two people would type it: no spaces, lower case, NFC. */
const foldedName = (name: string) => name.normalize('NFC').toLowerCase().replace(/\s+/g, '');

/**
 * The evidence a member leaves: name with birthday (when a full birthday is known), the canonical mailbox, the
 * phone (a phone two members share means one lost it unverified to the other: enrollment's take-over rule).
 */
export function evidenceOf(member: {
  readonly name: string;
  readonly birthday?: string;
  readonly email?: string;
  readonly phone?: string;
}): Evidence[] {
  const found: Evidence[] = [];
  if (member.birthday && /^\d{4}-\d{2}-\d{2}$/.test(member.birthday) && member.name.trim())
    found.push({ kind: 'name-birthday', value: `${foldedName(member.name)}|${member.birthday}` });
  if (member.email) found.push({ kind: 'email-variant', value: canonicalEmail(member.email) });
  if (member.phone) found.push({ kind: 'same-phone', value: member.phone });
  return found;
}
