// Polls each topology queue in fauxqs and invokes its consumer with SQS batches, as Lambda's event source mapping
// does (several batches at once, up to the queue's maximum concurrency): successful records are deleted, those named
// in batchItemFailures (or all, if the handler throws) return after the visibility timeout, and fauxqs moves them to
// the DLQ after maxReceiveCount receives.
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { QueueSpec } from '../topology.ts';
import { invoke } from './lambda-runner.ts';

export interface QueuePoller {
  /** Stops taking messages (after the batch in hand); they wait in the queue until `resume`. */
  pause(): Promise<void>;
  resume(): void;
  stop(): Promise<void>;
}

function toSqsEvent(messages: Message[], queueArn: string, region: string): SQSEvent {
  return {
    Records: messages.map((message) => ({
      messageId: message.MessageId ?? '',
      receiptHandle: message.ReceiptHandle ?? '',
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: message.Attributes?.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp: message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: region,
    })),
  };
}

/**
 * Consumers a queue gets at once locally: Lambda scales an SQS source out. The senders (queues with a maximum
 * concurrency in AWS) run one at a time here: the SES emulator answers two concurrent CreateEmailTemplate calls of
 * the same new template with an unknown error instead of AlreadyExists, which failed a job now and then.
 */
export const LOCAL_CONCURRENCY = 4;

export function startQueuePoller(options: {
  sqs: SQSClient;
  spec: QueueSpec;
  queueUrl: string;
  queueArn: string;
  region: string;
  /** The queue's (short) local visibility timeout, renewed while a batch is being handled. */
  visibilityTimeoutSeconds?: number;
  onError?: (error: unknown) => void;
}): QueuePoller {
  let running = true;
  let paused = false;
  const idle: Promise<void>[] = [];
  const worker = async (slot: number) => {
    while (running) {
      if (paused) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      let batchDone: () => void = () => undefined;
      idle[slot] = new Promise<void>((resolve) => (batchDone = resolve));
      try {
        const { Messages = [] } = await options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: Math.min(10, options.spec.batchSize),
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
          }),
        );
        if (Messages.length === 0 || !running) continue;
        let failed: Set<string>;
        // The local visibility timeout is short, so that a failed message comes back in seconds; while the consumer
        // still works on a batch it is kept invisible, as Lambda's own timeout-long visibility does in AWS, so no
        // other poller takes the same messages meanwhile.
        const keepInvisible = setInterval(() => {
          options.sqs
            .send(
              new ChangeMessageVisibilityBatchCommand({
                QueueUrl: options.queueUrl,
                Entries: Messages.map((message, index) => ({
                  Id: String(index),
                  ReceiptHandle: message.ReceiptHandle ?? '',
                  VisibilityTimeout: options.visibilityTimeoutSeconds ?? 1,
                })),
              }),
            )
            .catch(() => undefined);
        }, 300);
        try {
          const response = (await invoke(
            options.spec.consumer,
            toSqsEvent(Messages, options.queueArn, options.region),
          )) as SQSBatchResponse | undefined;
          failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
        } catch (error) {
          options.onError?.(error);
          failed = new Set(Messages.map((message) => message.MessageId ?? ''));
        } finally {
          clearInterval(keepInvisible);
        }
        const done = Messages.filter((message) => !failed.has(message.MessageId ?? ''));
        if (done.length > 0) {
          await options.sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: options.queueUrl,
              Entries: done.map((message, index) => ({
                Id: String(index),
                ReceiptHandle: message.ReceiptHandle ?? '',
              })),
            }),
          );
        }
      } catch (error) {
        if (running) {
          options.onError?.(error);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      } finally {
        batchDone();
      }
    }
  };
  const concurrency = options.spec.maxConcurrency ? 1 : LOCAL_CONCURRENCY;
  const loops = Array.from({ length: concurrency }, (_, slot) => worker(slot));
  return {
    pause: async () => {
      paused = true;
      await Promise.all(idle);
    },
    resume: () => {
      paused = false;
    },
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}
