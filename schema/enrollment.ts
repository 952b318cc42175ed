// POST /members: the enrollment request and its answer.
import * as z from 'zod/mini';
import './zod-locale.ts';
import { consents, type Consents, locale } from './common.ts';
import { emailAddress, memberDate, phoneNumber, timeZone } from './contact.ts';

const text = (max: number) =>
  z.string().check(
    z.maxLength(max),
    z.refine((value) => value.trim().length > 0, { message: 'Must not be empty' }),
  );

export const postalAddress = z.strictObject({
  postalCode: z.string().check(z.regex(/^[0-9A-Za-z -]{3,10}$/, 'Invalid postal code')),
  address1: text(200),
  address2: z.optional(z.string().check(z.maxLength(200))),
  country: z.optional(z.string().check(z.regex(/^[A-Z]{2}$/, 'Use an ISO 3166-1 alpha-2 code, e.g. KR'))),
});

export const survey = z.strictObject({
  interests: z.optional(z.array(text(40)).check(z.maxLength(10))),
  buyingPower: z.optional(z.enum(['low', 'medium', 'high'])),
  ownProductExperience: z.optional(z.boolean()),
  competitorProductExperience: z.optional(z.boolean()),
});

export { consents, type Consents };

export const enrollmentRequest = z
  .strictObject({
    name: text(100),
    email: z.optional(emailAddress),
    phone: z.optional(phoneNumber),
    birthday: z.optional(memberDate),
    anniversary: z.optional(memberDate),
    postalAddress: z.optional(postalAddress),
    locale,
    timeZone: z.optional(timeZone),
    consents,
    survey: z.optional(survey),
    guardianConsent: z.optional(z.boolean()),
    /** The guardian of a member under 14 (PIPA §22-2): name and phone. */
    guardian: z.optional(z.strictObject({ name: text(100), phone: phoneNumber })),
    /** The required consent to the collection-and-use notice (PIPA §15/§22), apart from the advertising consents. */
    privacyNotice: z.literal(true, { error: 'Agree to the collection and use of personal data to join' }),
  })
  .check(
    z.superRefine((body, ctx) => {
      if (body.email === undefined && body.phone === undefined) {
        for (const path of ['email', 'phone']) {
          ctx.addIssue({
            code: 'custom',
            path: [path],
            message: 'Give an e-mail address or a phone number',
            input: undefined,
          });
        }
      }
      const needs: [keyof Consents, unknown, string][] = [
        ['email', body.email, 'E-mail consent needs an e-mail address'],
        ['sms', body.phone, 'SMS consent needs a phone number'],
        ['post', body.postalAddress, 'Post consent needs a postal address'],
      ];
      for (const [channel, contact, message] of needs) {
        if (body.consents?.[channel] === true && contact === undefined) {
          ctx.addIssue({ code: 'custom', path: ['consents', channel], message, input: true });
        }
      }
    }),
  );
export type EnrollmentRequest = z.infer<typeof enrollmentRequest>;

export const enrollmentStatus = z.enum(['pending_confirmation', 'active']);
export type EnrollmentStatus = z.infer<typeof enrollmentStatus>;

/** The same body for everyone: no member id, nothing that tells whether the person was already a member. */
export const enrollmentResponse = z.strictObject({ status: z.literal('received') });
export type EnrollmentResponse = z.infer<typeof enrollmentResponse>;
