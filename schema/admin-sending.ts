// The kill switch of all sending (admin API): pause or resume, with an optional reason for the audit log.
import * as z from 'zod/mini';
import './zod-locale.ts';

export const sendingSwitchInput = z.strictObject({
  paused: z.boolean(),
  reason: z.optional(z.string().check(z.maxLength(500))),
});
export type SendingSwitchInput = z.infer<typeof sendingSwitchInput>;
