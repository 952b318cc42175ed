// The purchase store the use cases take: account reads, the transactional writes and the review pages, composed
// from their own modules.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PurchaseStore } from '#app/purchase-ports';
import type { ReviewStore } from '#app/tier-review';
import { mergePorts } from './merge-ports.ts';
import { DynamoAccountReader } from './purchase-accounts.ts';
import { DynamoPurchaseWriter } from './purchase-writes.ts';
import { DynamoReviewPages } from './review-store.ts';

export function dynamoPurchaseStore(db: DynamoDBDocumentClient, tableName: string): PurchaseStore & ReviewStore {
  return mergePorts(
    new DynamoAccountReader(db, tableName),
    new DynamoPurchaseWriter(db, tableName),
    new DynamoReviewPages(db, tableName),
  );
}
