// `npm run redrive -- --queue purchases [--outputs .cache/deploy-outputs.json]`: moves what rests in a queue's
// dead-letter queue back to the queue with SQS's own message-move task, and prints the count before and after.
// Every handler is safe to run twice, so a redriven message never counts or sends twice.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { queues } from './topology.ts';

export interface RedriveClient {
  send(command: unknown): Promise<Record<string, unknown>>;
}

const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase());

/** The queue's and its DLQ's ARNs from the deploy's outputs (`<Queue>QueueArn`, `<Queue>DlqArn`). */
export function arnsOf(queue: string, outputs: Record<string, Record<string, string>>) {
  if (!queues.some((spec) => spec.name === queue))
    throw new Error(`no queue ${queue}; queues: ${queues.map((spec) => spec.name).join(', ')}`);
  const all = Object.values(outputs).flatMap((stack) => Object.entries(stack));
  const find = (suffix: string) => all.find(([key]) => key.startsWith(`${pascal(queue)}${suffix}`))?.[1];
  const queueArn = find('QueueArn');
  const dlqArn = find('DlqArn');
  if (!queueArn || !dlqArn) throw new Error(`the outputs name no ARNs for ${queue}: deploy with npm run deploy first`);
  return { queueArn, dlqArn };
}

async function depth(sqs: RedriveClient, arn: string): Promise<number> {
  const [, , , , account, name] = arn.split(':');
  const { QueueUrl } = (await sqs.send(
    new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }),
  )) as {
    QueueUrl?: string;
  };
  const { Attributes } = (await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  )) as { Attributes?: Record<string, string> };
  return Number(Attributes?.['ApproximateNumberOfMessages'] ?? 0);
}

/** Starts the move and waits for it to finish; returns the DLQ's message count before and after. */
export async function redrive(
  sqs: RedriveClient,
  arns: { queueArn: string; dlqArn: string },
  wait: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<{ before: number; after: number; moved: number }> {
  const before = await depth(sqs, arns.dlqArn);
  if (before === 0) return { before, after: 0, moved: 0 };
  await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arns.dlqArn, DestinationArn: arns.queueArn }));
  for (let look = 0; look < 120; look++) {
    const { Results = [] } = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: arns.dlqArn }))) as {
      Results?: { Status?: string; ApproximateNumberOfMessagesMoved?: number; FailureReason?: string }[];
    };
    const task = Results[0];
    if (task?.Status === 'FAILED') throw new Error(`the move failed: ${task.FailureReason ?? 'no reason given'}`);
    if (task?.Status === 'COMPLETED' || task?.Status === 'CANCELLED')
      return { before, after: await depth(sqs, arns.dlqArn), moved: task.ApproximateNumberOfMessagesMoved ?? 0 };
    await wait(5000);
  }
  throw new Error('the move did not finish within 10 minutes; see ListMessageMoveTasks');
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const { values } = parseArgs({
    options: { queue: { type: 'string' }, outputs: { type: 'string', default: '.cache/deploy-outputs.json' } },
  });
  if (!values.queue) {
    console.error('usage: npm run redrive -- --queue <name> [--outputs <deploy outputs file>]');
    process.exit(2);
  }
  const outputs = JSON.parse(readFileSync(values.outputs, 'utf8')) as Record<string, Record<string, string>>;
  const arns = arnsOf(values.queue, outputs);
  const result = await redrive(new SQSClient({}) as unknown as RedriveClient, arns);
  console.log(
    `${values.queue}: ${result.before} in the dead-letter queue before, ${result.moved} moved, ${result.after} after`,
  );
}
