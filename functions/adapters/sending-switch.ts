// The kill switch of all sending on DynamoDB: one item, read by the senders once per job (strongly consistent, so a
// pause takes effect at the next job), written with its audit entry in one transaction.
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '#app/ports';
import type { SendingState, SendingSwitch } from '#app/sending-switch';
import { AUDIT_PUT_CONDITION, auditItem } from './audit-log.ts';
import { keys, withoutKeys } from './keys.ts';
import { transactUnlessCancelled } from './transactions.ts';

export class DynamoSendingSwitch implements SendingSwitch {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async state(): Promise<SendingState> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.sendingSwitch(), ConsistentRead: true }),
    );
    if (!Item) return { paused: false };
    const { entity: _entity, ...state } = withoutKeys<SendingState & { entity?: string }>(Item);
    return state;
  }

  async set(state: SendingState, audit: AuditEntry): Promise<void> {
    const written = await transactUnlessCancelled(this.db, [
      { Put: { TableName: this.tableName, Item: { ...keys.sendingSwitch(), entity: 'sending-switch', ...state } } },
      { Put: { TableName: this.tableName, Item: auditItem(audit), ConditionExpression: AUDIT_PUT_CONDITION } },
    ]);
    if (!written) throw new Error('the sending switch was not written');
  }
}
