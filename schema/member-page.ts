// The members' own page: asking for a sign-in link, and the consent changes a member makes.
import * as z from 'zod/mini';
import './zod-locale.ts';
import { locale } from './common.ts';
import { memberDate, timeZone } from './contact.ts';
import { postalAddress } from './enrollment.ts';

/** `POST /me/sign-in`: the e-mail address or the phone the link should go to (one of them). */
export const signInRequest = z
  .strictObject({
    email: z.optional(z.string().check(z.minLength(3), z.maxLength(254))),
    phone: z.optional(z.string().check(z.minLength(3), z.maxLength(32))),
  })
  .check(
    z.refine((body) => (body.email === undefined) !== (body.phone === undefined), {
      message: 'Give your e-mail address or your phone number',
      path: ['email'],
    }),
  );

/** `PUT /me/consents`: the channels to change (others stay as they are). */
export const consentChangeRequest = z.strictObject({
  email: z.optional(z.boolean()),
  sms: z.optional(z.boolean()),
  post: z.optional(z.boolean()),
  nightTime: z.optional(z.boolean()),
});

/** `PUT /me/profile`: the fields to change (others stay); `null` removes an optional one. */
export const profileChangeRequest = z.strictObject({
  name: z.optional(
    z.string().check(
      z.maxLength(100),
      z.refine((value) => value.trim().length > 0, { message: 'Must not be empty' }),
    ),
  ),
  birthday: z.optional(z.nullable(memberDate)),
  anniversary: z.optional(z.nullable(memberDate)),
  postalAddress: z.optional(z.nullable(postalAddress)),
  locale: z.optional(locale),
  timeZone: z.optional(timeZone),
});
export type ProfileChangeRequest = z.infer<typeof profileChangeRequest>;
