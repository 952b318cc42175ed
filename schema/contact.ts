// Contact fields of a person, checked with the same rules that normalise them (libphonenumber for phones).
// Kept apart from common.ts so that bundles which never parse contact data do not carry the phone metadata.
import * as z from 'zod/mini';
import './zod-locale.ts';
import { normaliseEmail, normalisePhone } from '#domain/identity';
import { isValidTimeZone, parseMemberDate } from '#domain/member-date';

export const emailAddress = z.string().check(
  z.maxLength(254),
  z.refine((value) => normaliseEmail(value) !== null, { message: 'Invalid e-mail address' }),
);

export const phoneNumber = z.string().check(
  z.maxLength(32),
  z.refine((value) => normalisePhone(value) !== null, {
    message: 'Invalid phone number: use a Korean number (010-1234-5678) or E.164 (+821012345678)',
  }),
);

export const memberDate = z.string().check(
  z.maxLength(10),
  z.refine((value) => parseMemberDate(value) !== null, {
    message: 'Invalid date: use YYYY-MM-DD, or --MM-DD when the year is not given',
  }),
);

export const timeZone = z
  .string()
  .check(z.maxLength(64), z.refine(isValidTimeZone, { message: 'Unknown IANA time zone, e.g. Asia/Seoul' }));
