// What both sending consumers do around each SQS batch: the batch's jobs run at once (Powertools' batch
// processor), sharing the reads they all make and their sent counts (written once when the batch ends), each job
// knowing how long the invocation has left.
import type { Context } from 'aws-lambda';
import { type SenderDeps, sendingBatch } from '#app/send-touchpoints';
import { logger } from './logger.ts';
import { count } from './metrics.ts';
import type { SqsHandlerOptions } from './sqs-handler.ts';

export function senderBatches(deps: SenderDeps): {
  /** The deps of one job of the current batch. */
  forJob(context: Context): SenderDeps;
  readonly options: SqsHandlerOptions;
} {
  let batch = sendingBatch(deps);
  return {
    forJob: (context) => ({ ...batch.deps, remainingMs: () => context.getRemainingTimeInMillis() }),
    options: {
      before: async () => {
        batch = sendingBatch(deps);
      },
      after: async () => {
        // The batch's sends stand whatever happens here: a failure loses only these counts, and says so.
        await batch.end().catch((error: unknown) => {
          count('SentCountsLost', 1);
          logger.error('sent counts of the batch not written', {
            error: error instanceof Error ? error.name : 'unknown',
          });
        });
      },
    },
  };
}
