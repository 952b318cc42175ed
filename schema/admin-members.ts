// Admin look-up of members: the query, the summaries it answers, and the full member view.
import * as z from 'zod/mini';
import './zod-locale.ts';

export const memberLookupQuery = z
  .strictObject({
    email: z.optional(z.string().check(z.minLength(3), z.maxLength(254))),
    phone: z.optional(z.string().check(z.minLength(3), z.maxLength(32))),
    /** At least two characters: a one-letter prefix would list a good part of the members. */
    name: z.optional(z.string().check(z.minLength(2, 'Give at least two characters of the name'), z.maxLength(100))),
    limit: z.optional(z.string().check(z.regex(/^([1-9]|[1-4][0-9]|50)$/, 'A number from 1 to 50'))),
    cursor: z.optional(z.string().check(z.maxLength(2000))),
  })
  .check(
    z.refine((query) => [query.email, query.phone, query.name].filter((value) => value !== undefined).length === 1, {
      message: 'Give exactly one of email, phone or name',
      path: ['email'],
    }),
  );
export type MemberLookupQuery = z.infer<typeof memberLookupQuery>;

export const memberSummary = z.object({
  memberId: z.string(),
  name: z.string(),
  email: z.optional(z.string()),
  phone: z.optional(z.string()),
  tier: z.string(),
  status: z.string(),
  enrolledAt: z.string(),
});
export type MemberSummary = z.infer<typeof memberSummary>;

export const memberLookupResponse = z.object({ items: z.array(memberSummary), next: z.optional(z.string()) });

export const memberView = z.object({
  profile: z.record(z.string(), z.unknown()),
  consents: z.record(z.string(), z.unknown()),
  consentHistory: z.array(z.record(z.string(), z.unknown())),
  tier: z.object({
    code: z.string(),
    name: z.object({ ko: z.string(), en: z.string() }),
    reachedAt: z.optional(z.string()),
    keptUntil: z.optional(z.string()),
  }),
  tierHistory: z.array(z.record(z.string(), z.unknown())),
  spend: z.object({
    rolling12Months: z.int(),
    purchaseCount: z.int(),
    byMonth: z.record(z.string(), z.int()),
    firstPurchaseAt: z.optional(z.string()),
    lastPurchaseAt: z.optional(z.string()),
  }),
  rfm: z.optional(z.record(z.string(), z.unknown())),
  ltv: z.optional(z.int()),
  dueTouchpoints: z.array(z.record(z.string(), z.unknown())),
  contactHistory: z.array(z.record(z.string(), z.unknown())),
});
export type MemberView = z.infer<typeof memberView>;

/** `GET /admin/identity/candidates`: pairs of members that may be one person, and why. */
export const identityCandidates = z.object({
  items: z.array(
    z.object({
      reasons: z.array(z.enum(['name-birthday', 'email-variant', 'same-phone'])),
      since: z.string(),
      members: z.tuple([memberSummary, memberSummary]),
    }),
  ),
  next: z.optional(z.string()),
});

/** `POST /admin/members/{id}/merge`. */
export const mergeRequest = z.strictObject({ into: z.string().check(z.minLength(1), z.maxLength(64)) });
export const mergeAnswer = z.object({
  mergeId: z.string(),
  memberId: z.string(),
  into: z.string(),
  undoUntil: z.string(),
});
export const undoAnswer = z.object({ mergeId: z.string(), status: z.literal('undone') });
