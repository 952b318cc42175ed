// Least privilege, enforced locally as IAM does in AWS: a handler's writes to the table must fall in the partitions
// its topology entry owns (`writes`), and a handler without `tableWrite` writes nothing but its access records. The
// local stack puts this middleware on the functions' DynamoDB client; a write outside is refused with the error
// IAM would give (AccessDeniedException), so a missing grant fails a local test instead of a deployed function.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { handlerSpec } from '../topology.ts';

/** The handler whose invocation (or cold start) is running: set by the local Lambda runner. */
export const runningHandler = new AsyncLocalStorage<string>();

type Item = Record<string, unknown>;

const pk = (item: unknown): string | undefined => {
  const value = (item as Item | undefined)?.['PK'];
  if (typeof value === 'string') return value;
  const marshalled = (value as { S?: string } | undefined)?.S;
  return typeof marshalled === 'string' ? marshalled : undefined;
};

/** The partition keys a write request touches (none for a read). */
export function writtenPartitions(input: Item): string[] {
  const keys: (string | undefined)[] = [];
  if (input['Item']) keys.push(pk(input['Item']));
  if (input['Key'] && (input['UpdateExpression'] !== undefined || input['__write'] === true))
    keys.push(pk(input['Key']));
  for (const requests of Object.values((input['RequestItems'] as Record<string, unknown[]> | undefined) ?? {})) {
    for (const request of requests as Item[]) {
      if (request['PutRequest']) keys.push(pk((request['PutRequest'] as Item)['Item']));
      if (request['DeleteRequest']) keys.push(pk((request['DeleteRequest'] as Item)['Key']));
    }
  }
  for (const action of (input['TransactItems'] as Item[] | undefined) ?? []) {
    if (action['Put']) keys.push(pk((action['Put'] as Item)['Item']));
    for (const kind of ['Update', 'Delete', 'ConditionCheck'])
      if (action[kind]) keys.push(pk((action[kind] as Item)['Key']));
  }
  return keys.filter((key): key is string => key !== undefined);
}

const WRITE_COMMANDS = new Set([
  'PutCommand',
  'UpdateCommand',
  'DeleteCommand',
  'BatchWriteCommand',
  'TransactWriteCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

/** Why a handler may not make this write, or null when it may. */
export function refusal(handler: string, partitions: readonly string[]): string | null {
  const spec = handlerSpec(handler);
  const owned: readonly string[] = spec.capabilities.includes('tableWrite')
    ? (spec.writes ?? [])
    : spec.capabilities.includes('auditWrite')
      ? ['AUDIT#']
      : [];
  const outside = partitions.filter((key) => !owned.some((prefix) => key.startsWith(prefix)));
  return outside.length === 0
    ? null
    : `${handler} may not write ${outside.join(', ')} (owns ${owned.join(', ') || 'nothing'})`;
}

export function guardWrites(client: DynamoDBDocumentClient, onRefusal: (message: string) => void): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const handler = runningHandler.getStore();
      const command = String((context as { commandName?: string }).commandName ?? '');
      if (handler && WRITE_COMMANDS.has(command)) {
        const input = args.input as Item;
        const partitions = writtenPartitions(command.startsWith('Delete') ? { ...input, __write: true } : input);
        const reason = refusal(handler, partitions);
        if (reason) {
          onRefusal(reason);
          const error = new Error(`AccessDeniedException (local least privilege): ${reason}`);
          error.name = 'AccessDeniedException';
          throw error;
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'localLeastPrivilege', override: true },
  );
}
