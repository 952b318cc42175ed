// The purchase store the use cases take: account reads, the transactional writes and the review pages, composed
// from their own modules.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PurchaseStore } from '#app/purchase-ports';
import type { ReviewStore } from '#app/tier-review';
import { mergePorts } from './merge-ports.ts';
import { DynamoAccountReader } from './purchase-accounts.ts';
import { WrittenAccounts } from './purchase-items.ts';
import { DynamoPurchaseWriter } from './purchase-writes.ts';
import { DynamoReviewPages } from './review-store.ts';

/** Purchases and refunds: account reads and the transactional writes. */
export function dynamoPurchaseStore(db: DynamoDBDocumentClient, tableName: string): PurchaseStore {
  // What the writer last wrote of a member serves the reader's next read of that member (version-guarded).
  const written = new WrittenAccounts();
  return mergePorts(new DynamoAccountReader(db, tableName, written), new DynamoPurchaseWriter(db, tableName, written));
}

/** The tier review's store: the purchase store and the review's pages of members due. */
export function dynamoReviewStore(db: DynamoDBDocumentClient, tableName: string): PurchaseStore & ReviewStore {
  const written = new WrittenAccounts();
  return mergePorts(
    new DynamoAccountReader(db, tableName, written),
    new DynamoPurchaseWriter(db, tableName, written),
    new DynamoReviewPages(db, tableName),
  );
}
