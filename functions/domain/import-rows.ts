// One row of an import file, read as a member or a purchase: every wrong cell named with its column and reason, and
// consent kept only with its evidence (a source and a time) — an import never assumes consent.
import { normaliseEmail, normaliseName, normalisePhone } from './identity.ts';
import { canonicalZone, isValidTimeZone } from './local-time.ts';
import { parseMemberDate } from './member-date.ts';
import type { RowError } from '#schema/imports';

/** The member columns (docs/import.md): only `name` and one of `email`/`phone` are required. */
export const MEMBER_COLUMNS = [
  'externalId',
  'name',
  'email',
  'phone',
  'birthday',
  'anniversary',
  'locale',
  'timeZone',
  'postalCode',
  'address',
  'address2',
  'enrolledAt',
  'emailVerified',
  'phoneVerified',
  'emailConsent',
  'emailConsentSource',
  'emailConsentAt',
  'smsConsent',
  'smsConsentSource',
  'smsConsentAt',
  'postConsent',
  'postConsentSource',
  'postConsentAt',
] as const;

/** The purchase columns: the member by `externalId`, else by `email` or `phone`. */
export const PURCHASE_COLUMNS = [
  'orderId',
  'channel',
  'occurredAt',
  'amount',
  'currency',
  'externalId',
  'email',
  'phone',
] as const;

type Cell = string | number | boolean | null | undefined;
type Row = Readonly<Record<string, Cell>>;

export type ImportedConsent = { readonly value: boolean; readonly source: string; readonly at: string };

export interface ImportedMember {
  readonly row: number;
  readonly externalId?: string;
  readonly name: string;
  readonly email?: string;
  readonly phone?: string;
  readonly birthday?: string;
  readonly anniversary?: string;
  readonly locale: 'ko' | 'en';
  readonly timeZone: string;
  readonly postalAddress?: { postalCode: string; address1: string; address2?: string; country: string };
  readonly enrolledAt: string;
  readonly emailVerified: boolean;
  readonly phoneVerified: boolean;
  readonly consents: { readonly email: ImportedConsent; readonly sms: ImportedConsent; readonly post: ImportedConsent };
  /** A consent said yes without its source or time: imported as no. */
  readonly consentWithoutEvidence: boolean;
}

export interface ImportedPurchase {
  readonly row: number;
  readonly orderId: string;
  readonly channel: string;
  readonly occurredAt: string;
  readonly amount: number;
  readonly currency: string;
  readonly externalId?: string;
  readonly email?: string;
  readonly phone?: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: RowError[] };

/** The source of consents imported without evidence (value false): what the consent history says. */
export const NO_EVIDENCE_SOURCE = 'import-without-evidence';

const text = (cell: Cell) => (cell === null || cell === undefined ? '' : String(cell).trim());

const YES = new Set(['true', '1', 'y', 'yes', 'o', '예', '동의', 'agree', 'agreed']);
const NO = new Set(['', 'false', '0', 'n', 'no', 'x', '아니오', '미동의', 'disagree']);

/** An instant: ISO 8601 with an offset, or a plain date or date-time taken in the given zone's offset (+09:00 for Seoul). */
function instantOf(raw: string): string | null {
  const value = raw.replace(' ', 'T');
  const withOffset = /([Zz]|[+-]\d\d:?\d\d)$/.test(value)
    ? value
    : /^\d{4}-\d{2}-\d{2}$/.test(value)
      ? `${value}T00:00:00+09:00`
      : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)
        ? `${value}+09:00`
        : null;
  if (!withOffset || !/^\d{4}-\d{2}-\d{2}T/.test(withOffset)) return null;
  const time = Date.parse(withOffset);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** A row's e-mail and phone as typed and normalised; a cell that is neither is named. */
function contactsOf(row: Row, err: (column: string, reason: string) => void) {
  const rawEmail = text(row['email']);
  const email = rawEmail ? normaliseEmail(rawEmail) : null;
  if (rawEmail && !email) err('email', 'Not an e-mail address');
  const rawPhone = text(row['phone']);
  const phone = rawPhone ? normalisePhone(rawPhone) : null;
  if (rawPhone && !phone) err('phone', 'Not a phone number (010-1234-5678 or +821012345678)');
  return { rawEmail, email, rawPhone, phone };
}

function unknownColumns(row: Row, columns: readonly string[], rowNumber: number): RowError[] {
  const known = new Set(columns);
  return Object.keys(row)
    .filter((column) => !known.has(column))
    .map((column) => ({ row: rowNumber, column, reason: 'Unknown column (docs/import.md lists the columns)' }));
}

function flag(row: Row, column: string, errors: RowError[], rowNumber: number): boolean {
  const cell = row[column];
  if (typeof cell === 'boolean') return cell;
  const value = text(cell).toLowerCase();
  if (YES.has(value)) return true;
  if (NO.has(value)) return false;
  errors.push({ row: rowNumber, column, reason: 'Use true or false (also yes/no, 1/0, Y/N)' });
  return false;
}

/** A member row; `now` dates what has no date of its own (enrolment, consents imported as no). */
export function parseMemberRow(row: Row, rowNumber: number, now: Date, defaultZone: string): Parsed<ImportedMember> {
  const errors = unknownColumns(row, MEMBER_COLUMNS, rowNumber);
  const err = (column: string, reason: string) => errors.push({ row: rowNumber, column, reason });
  const at = now.toISOString();

  const externalId = text(row['externalId']);
  if (externalId && !/^[\w.:/@-]{1,128}$/.test(externalId))
    err('externalId', 'At most 128 letters, digits and . : / @ - _');
  const name = normaliseName(text(row['name']));
  if (!name) err('name', 'Required');
  else if (name.length > 100) err('name', 'At most 100 characters');
  const { rawEmail, email, rawPhone, phone } = contactsOf(row, err);
  if (!rawEmail && !rawPhone) err('email', 'Give an e-mail address or a phone number');

  const date = (column: 'birthday' | 'anniversary') => {
    const value = text(row[column]);
    if (!value) return undefined;
    if (!parseMemberDate(value)) err(column, 'Use YYYY-MM-DD, or --MM-DD without a year');
    return value;
  };
  const birthday = date('birthday');
  const anniversary = date('anniversary');
  const locale = text(row['locale']) || 'ko';
  if (locale !== 'ko' && locale !== 'en') err('locale', 'Use ko or en');
  const zone = text(row['timeZone']) || defaultZone;
  if (!isValidTimeZone(zone)) err('timeZone', 'Unknown IANA time zone, e.g. Asia/Seoul');

  const postalCode = text(row['postalCode']);
  const address1 = text(row['address']);
  const address2 = text(row['address2']);
  if ((postalCode || address2) && !address1) err('address', 'Required with a postal code');
  if (address1 && !/^[0-9A-Za-z -]{3,10}$/.test(postalCode)) err('postalCode', 'A postal code of 3 to 10 characters');
  if (address1.length > 200 || address2.length > 200) err('address', 'At most 200 characters a line');

  const enrolledRaw = text(row['enrolledAt']);
  const enrolledAt = enrolledRaw ? instantOf(enrolledRaw) : at;
  if (!enrolledAt) err('enrolledAt', 'Use a date (YYYY-MM-DD) or an ISO 8601 time');
  else if (enrolledAt > at) err('enrolledAt', 'Lies in the future');

  const emailVerified = flag(row, 'emailVerified', errors, rowNumber);
  const phoneVerified = flag(row, 'phoneVerified', errors, rowNumber);
  if (emailVerified && !rawEmail) err('emailVerified', 'No e-mail address to be verified');
  if (phoneVerified && !rawPhone) err('phoneVerified', 'No phone to be verified');

  let withoutEvidence = false;
  const consent = (channel: 'email' | 'sms' | 'post', has: boolean): ImportedConsent => {
    const given = flag(row, `${channel}Consent`, errors, rowNumber);
    const source = text(row[`${channel}ConsentSource`]);
    const when = text(row[`${channel}ConsentAt`]);
    const instant = when ? instantOf(when) : null;
    if (when && !instant) err(`${channel}ConsentAt`, 'Use a date (YYYY-MM-DD) or an ISO 8601 time');
    else if (instant && instant > at) err(`${channel}ConsentAt`, 'Lies in the future');
    if (source.length > 64) err(`${channel}ConsentSource`, 'At most 64 characters');
    if (given && !has)
      err(`${channel}Consent`, channel === 'post' ? 'No postal address to send to' : `No ${channel} to send to`);
    // Yes counts only with its evidence: where it was given and when. Otherwise the member is imported without it.
    if (given && source && instant) return { value: true, source: `import:${source}`, at: instant };
    if (given) withoutEvidence = true;
    return { value: false, source: NO_EVIDENCE_SOURCE, at };
  };
  const consents = {
    email: consent('email', Boolean(rawEmail)),
    sms: consent('sms', Boolean(rawPhone)),
    post: consent('post', Boolean(address1)),
  };
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      row: rowNumber,
      ...(externalId && { externalId }),
      name,
      ...(email && { email }),
      ...(phone && { phone }),
      ...(birthday && { birthday }),
      ...(anniversary && { anniversary }),
      locale: locale as 'ko' | 'en',
      timeZone: canonicalZone(zone),
      ...(address1 && {
        postalAddress: { postalCode, address1, ...(address2 && { address2 }), country: 'KR' },
      }),
      enrolledAt: enrolledAt ?? at,
      emailVerified,
      phoneVerified,
      consents,
      consentWithoutEvidence: withoutEvidence,
    },
  };
}

/** A purchase row, in the programme's currency unless it names one. */
export function parsePurchaseRow(row: Row, rowNumber: number, now: Date, currency: string): Parsed<ImportedPurchase> {
  const errors = unknownColumns(row, PURCHASE_COLUMNS, rowNumber);
  const err = (column: string, reason: string) => errors.push({ row: rowNumber, column, reason });
  const orderId = text(row['orderId']);
  if (!/^[\w.:/@-]{1,128}$/.test(orderId)) err('orderId', 'Required: at most 128 letters, digits and . : / @ - _');
  const channel = text(row['channel']);
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(channel)) err('channel', 'Required: lower-case letters, digits and -');
  const occurredRaw = text(row['occurredAt']);
  const occurredAt = occurredRaw ? instantOf(occurredRaw) : null;
  if (!occurredAt) err('occurredAt', 'Required: a date (YYYY-MM-DD) or an ISO 8601 time');
  else if (occurredAt > now.toISOString()) err('occurredAt', 'Lies in the future');
  const amountRaw = typeof row['amount'] === 'number' ? row['amount'] : Number(text(row['amount']).replace(/,/g, ''));
  if (!Number.isInteger(amountRaw) || amountRaw <= 0 || !text(row['amount']))
    err('amount', 'Required: a positive whole amount in minor units (KRW has none: 35000)');
  const rowCurrency = text(row['currency']).toUpperCase() || currency;
  if (rowCurrency !== currency) err('currency', `Only the programme's currency ${currency}`);
  const externalId = text(row['externalId']);
  const { rawEmail, email, rawPhone, phone } = contactsOf(row, err);
  if (!externalId && !rawEmail && !rawPhone) err('externalId', 'Name the member: externalId, email or phone');
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      row: rowNumber,
      orderId,
      channel,
      occurredAt: occurredAt ?? '',
      amount: amountRaw,
      currency,
      ...(externalId && { externalId }),
      ...(email && { email }),
      ...(phone && { phone }),
    },
  };
}
