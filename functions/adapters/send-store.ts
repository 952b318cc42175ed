// The senders' and dispatcher's store: the audience reader, the send ledger and the campaign store composed into
// the one object the use cases take (each part in its own module).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EngagementStore, SendStore } from '#app/sending-ports';
import { DynamoAudienceReader } from './audience-store.ts';
import { DynamoCampaignStore } from './campaign-store.ts';
import { mergePorts } from './merge-ports.ts';
import { DynamoSendLedger } from './send-ledger.ts';

export { counterName, ledgerKey } from './send-items.ts';

export function dynamoSendStore(db: DynamoDBDocumentClient, tableName: string): SendStore & EngagementStore {
  return mergePorts(
    new DynamoAudienceReader(db, tableName),
    new DynamoSendLedger(db, tableName),
    new DynamoCampaignStore(db, tableName),
  );
}
