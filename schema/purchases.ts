// Purchase events from sales channels (in), as they arrive in `detail` on the `loyalty` bus. Fields beyond the
// contract's are ignored rather than rejected: a channel adding a field must not send its sales to the DLQ.
import * as z from 'zod/mini';
import './zod-locale.ts';
import { isoInstant, money } from './common.ts';
import { emailAddress, phoneNumber } from './contact.ts';

const id = z
  .string()
  .check(z.minLength(1), z.maxLength(128), z.regex(/^[\w.:/@-]+$/, 'Use letters, digits and . : / @ - _'));
const channelName = z
  .string()
  .check(z.minLength(1), z.maxLength(64), z.regex(/^[a-z0-9][a-z0-9-]*$/, 'Use lower-case letters, digits and -'));

export const purchaseItem = z.object({
  sku: z.string().check(z.minLength(1), z.maxLength(64)),
  name: z.optional(z.string().check(z.maxLength(200))),
  quantity: z.int().check(z.minimum(1), z.maximum(100_000)),
  /** Line amount: money, or a bare integer in the programme currency's minor units. */
  amount: z.union([money, z.int().check(z.minimum(0))]),
});

export const purchaseCompleted = z
  .object({
    orderId: id,
    channel: channelName,
    occurredAt: isoInstant,
    amount: money,
    member: z.optional(z.object({ memberId: z.string().check(z.minLength(1), z.maxLength(64)) })),
    customer: z.optional(
      z.object({
        email: z.optional(emailAddress),
        phone: z.optional(phoneNumber),
        name: z.optional(z.string().check(z.maxLength(100))),
      }),
    ),
    items: z.optional(z.array(purchaseItem).check(z.maxLength(500))),
    /** Coupon codes the order used: each redeemed once, by the first order that names it. */
    coupons: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(40))).check(z.maxLength(10))),
  })
  .check(
    z.refine(
      (purchase) =>
        purchase.member !== undefined ||
        purchase.customer?.email !== undefined ||
        purchase.customer?.phone !== undefined,
      {
        message: 'A purchase names member.memberId, or customer.email or customer.phone',
        path: ['member'],
      },
    ),
    z.refine((purchase) => purchase.amount.value > 0, {
      message: 'A purchase amount is positive',
      path: ['amount', 'value'],
    }),
  );
export type PurchaseCompleted = z.infer<typeof purchaseCompleted>;

export const purchaseRefunded = z
  .object({
    orderId: id,
    refundId: id,
    channel: channelName,
    occurredAt: isoInstant,
    amount: money,
  })
  .check(
    z.refine((refund) => refund.amount.value > 0, {
      message: 'A refund amount is positive',
      path: ['amount', 'value'],
    }),
  );
export type PurchaseRefunded = z.infer<typeof purchaseRefunded>;
