// Events on the `loyalty` bus that dangol puts for other systems (out) and accepts from sales channels (in).
import { z } from './zod.ts';
import { isoInstant, locale } from './common.ts';
import { consents } from './enrollment.ts';

export const memberEnrolled = z.strictObject({
  memberId: z.string(),
  enrolledAt: isoInstant,
  locale,
  timeZone: z.string(),
  consents,
  emailConfirmationPending: z.boolean(),
  source: z.string(),
});
export type MemberEnrolled = z.infer<typeof memberEnrolled>;

/** detail-type → detail schema, for every event dangol puts or accepts; `npm run schema` writes one JSON Schema each. */
export const eventCatalogue = {
  out: { 'Member Enrolled': memberEnrolled },
  in: {},
} as const;
