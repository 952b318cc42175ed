// Field schemas shared by requests, events and stored items.
import * as z from 'zod/mini';
import './zod-locale.ts';

export const locale = z.enum(['ko', 'en']);
export type Locale = z.infer<typeof locale>;

export const channel = z.enum(['email', 'sms', 'post']);
export type Channel = z.infer<typeof channel>;

export const isoInstant = z.iso.datetime({ offset: true });

export const money = z.strictObject({
  value: z.int().check(z.minimum(0)),
  currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
});

export const consents = z.strictObject({
  email: z.boolean(),
  sms: z.boolean(),
  post: z.boolean(),
  nightTime: z.boolean(),
});
export type Consents = z.infer<typeof consents>;
