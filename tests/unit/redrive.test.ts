// `npm run redrive`: SQS's message-move task from a dead-letter queue back to its queue, with counts before and after.
import { describe, expect, it } from 'vitest';
import { arnsOf, type RedriveClient, redrive } from '#infra/redrive';

const arns = {
  queueArn: 'arn:aws:sqs:ap-northeast-2:111111111111:dangol-prod-purchases',
  dlqArn: 'arn:aws:sqs:ap-northeast-2:111111111111:dangol-prod-purchases-dlq',
};

/** An SQS stand-in: a DLQ of `resting` messages that a move task empties after two looks. */
function sqsWith(resting: number) {
  const calls: string[] = [];
  let looks = 0;
  let moved = false;
  const client: RedriveClient = {
    send: async (command) => {
      const name = (command as { constructor: { name: string } }).constructor.name;
      calls.push(name);
      if (name === 'GetQueueUrlCommand') return { QueueUrl: 'https://sqs/dlq' };
      if (name === 'GetQueueAttributesCommand')
        return { Attributes: { ApproximateNumberOfMessages: String(moved ? 0 : resting) } };
      if (name === 'StartMessageMoveTaskCommand') return { TaskHandle: 't' };
      looks += 1;
      if (looks < 2) return { Results: [{ Status: 'RUNNING' }] };
      moved = true;
      return { Results: [{ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: resting }] };
    },
  };
  return { client, calls };
}

describe('redrive', () => {
  it('moves the dead-letter queue back with a message-move task and counts before and after', async () => {
    const { client, calls } = sqsWith(3);
    expect(await redrive(client, arns, async () => undefined)).toEqual({ before: 3, after: 0, moved: 3 });
    expect(calls.filter((call) => call === 'StartMessageMoveTaskCommand')).toHaveLength(1);
  });

  it('starts nothing when the dead-letter queue is empty', async () => {
    const { client, calls } = sqsWith(0);
    expect(await redrive(client, arns, async () => undefined)).toEqual({ before: 0, after: 0, moved: 0 });
    expect(calls).not.toContain('StartMessageMoveTaskCommand');
  });

  it('finds the ARNs in the deploy outputs and refuses an unknown queue', () => {
    const outputs = {
      'dangol-prod-service': { PurchasesQueueArnAB12: arns.queueArn, PurchasesDlqArnCD34: arns.dlqArn },
    };
    expect(arnsOf('purchases', outputs)).toEqual(arns);
    expect(() => arnsOf('nope', outputs)).toThrow(/no queue nope/);
    expect(() => arnsOf('dispatch', outputs)).toThrow(/npm run deploy/);
  });
});
