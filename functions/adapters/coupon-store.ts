// Coupons on DynamoDB: one item per code (`COUPON#<code>`), in GSI1 under the member (`COUPONS#<memberId>`). Issued
// once (a retried send finds its coupon stored and leaves it as it is); redeemed and given back by the purchase
// writer's transactions (purchase-writes.ts), never here.
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CouponStore } from '#app/coupons';
import type { Coupon } from '#domain/coupons';
import { couponIndex, keys, memberCouponsPartition, withoutKeys } from './keys.ts';
import { queryAll } from './query-all.ts';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

export const couponItem = (coupon: Coupon) => ({
  ...keys.coupon(coupon.code),
  ...couponIndex(coupon.memberId, coupon.validFrom, coupon.code),
  entity: 'coupon',
  ...coupon,
});

/** What a purchase needs of coupons: read the codes it names, note the announcement of a redemption. */
export class DynamoCouponRedemptions implements Pick<CouponStore, 'find' | 'markAnnounced'> {
  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  async find(codes: readonly string[]): Promise<Map<string, Coupon>> {
    const unique = [...new Set(codes)];
    if (unique.length === 0) return new Map();
    // An order names a few codes (at most 10): one consistent GetItem each, at once.
    const items = await Promise.all(
      unique.map(
        async (code) =>
          (
            await this.db.send(
              new GetCommand({ TableName: this.tableName, Key: keys.coupon(code), ConsistentRead: true }),
            )
          ).Item,
      ),
    );
    return new Map(items.flatMap((item) => (item ? [[String(item['code']), withoutKeys<Coupon>(item)] as const] : [])));
  }

  async markAnnounced(code: string, orderId: string): Promise<void> {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.coupon(code),
          UpdateExpression: 'SET announcedAt = :at',
          ConditionExpression: 'redeemedBy.orderId = :order',
          ExpressionAttributeValues: { ':at': new Date().toISOString(), ':order': orderId },
        }),
      )
      .catch((error: unknown) => {
        // Given back by a refund since: nothing to mark.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }
}

/** Coupons as the senders issue them and the admin route lists them, besides what a purchase needs. */
export class DynamoCouponStore extends DynamoCouponRedemptions implements CouponStore {
  async issue(coupons: readonly Coupon[]): Promise<void> {
    await Promise.all(
      coupons.map((coupon) =>
        this.db
          .send(
            new PutCommand({
              TableName: this.tableName,
              Item: couponItem(coupon),
              // Issued once: a redeemed coupon is never put back to active by a retried send.
              ConditionExpression: 'attribute_not_exists(PK)',
            }),
          )
          .catch((error: unknown) => {
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
          }),
      ),
    );
  }

  async ofMember(memberId: string): Promise<Coupon[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': memberCouponsPartition(memberId) },
    });
    return items.map((item) => withoutKeys<Coupon>(item));
  }
}
