// Normalises the contact data that identifies one person across channels: e-mail, phone, name.
import { brotliDecompressSync } from 'node:zlib';
import { parsePhoneNumberFromString, type MetadataJson } from 'libphonenumber-js/core';
import { PHONE_METADATA_BROTLI_BASE64 } from '#schema/generated/phone-metadata';

const EMAIL_SHAPE = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;

let phoneMetadata: MetadataJson | undefined;
/** libphonenumber's own metadata, unpacked once per container (see schema/generate.ts). */
function metadata(): MetadataJson {
  phoneMetadata ??= JSON.parse(
    brotliDecompressSync(Buffer.from(PHONE_METADATA_BROTLI_BASE64, 'base64')).toString('utf8'),
  ) as MetadataJson;
  return phoneMetadata;
}

/** Lower-cased, trimmed e-mail, or null when it is not a plausible address. */
export function normaliseEmail(raw: string): string | null {
  const email = raw.normalize('NFC').trim().toLowerCase();
  if (email.length > 254 || !EMAIL_SHAPE.test(email)) return null;
  const [local = '', domain = ''] = email.split('@');
  if (local.length > 64 || domain.startsWith('.') || domain.includes('..') || local.includes('..')) return null;
  return email;
}

/** E.164 form of a phone given in any common Korean (010-1234-5678) or international form, or null. */
export function normalisePhone(raw: string, defaultCountry: 'KR' = 'KR'): string | null {
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed.length > 32 || /[a-z]/i.test(trimmed)) return null;
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry, metadata());
  if (!parsed?.isValid()) return null;
  return parsed.number;
}

/** The ISO 3166 country of a phone number (any form normalisePhone takes), or undefined when it has none. */
export function phoneCountry(raw: string): string | undefined {
  const e164 = normalisePhone(raw);
  return e164 ? parsePhoneNumberFromString(e164, metadata())?.country : undefined;
}

/** Name in NFC with inner whitespace collapsed, so 홍길동 typed on any keyboard compares equal. */
export function normaliseName(raw: string): string {
  return raw.normalize('NFC').trim().replace(/\s+/g, ' ');
}

/** The receiving domain of an address (for per-domain waves and reports). */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

/** An e-mail address as a viewer sees it: the first character of the local part, then `***`, and the domain. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** A phone as a viewer sees it: Korean mobiles as `010-****-5678`, others with all but the last four digits hidden. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  const last = digits.slice(-4);
  if (phone.startsWith('+82') && digits.length >= 11) return `0${digits.slice(2, 4)}-****-${last}`;
  return `${'*'.repeat(Math.max(0, digits.length - 4))}${last}`;
}
