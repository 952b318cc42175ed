// The one way to consume a queue: Powertools' batch processor reports each failed record alone (the rest of the
// batch is not retried), and every body is parsed with its zod schema at the edge, so a malformed message fails
// loudly with the fields that are wrong and, after the queue's receives, rests in its dead-letter queue.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod/mini';
import { logger } from './logger.ts';
import { traceHandler } from './tracing.ts';

export class MalformedMessage extends Error {
  constructor(readonly fields: string) {
    super(`malformed message: ${fields}`);
    this.name = 'MalformedMessage';
  }
}

/** The body as JSON, checked against `schema`; a failure names the wrong fields (never their values). */
export function parseBody<S extends z.ZodMiniType>(schema: S, body: string): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new MalformedMessage('not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new MalformedMessage(parsed.error.issues.map((issue) => issue.path.join('.') || '(body)').join(', '));
  }
  return parsed.data as z.infer<S>;
}

export interface SqsHandlerOptions {
  /** Runs once per batch before its records (e.g. one BatchGetItem for every member the batch names). */
  readonly before?: (event: SQSEvent) => Promise<void>;
  /** Runs once per batch after its records, whatever they did (e.g. writes what the records added up). */
  readonly after?: () => void | Promise<void>;
  /** A message that can never apply (not JSON, wrong fields): handled here (e.g. dead-lettered at once) instead of retried. */
  readonly onMalformed?: (record: SQSRecord, error: MalformedMessage) => Promise<void>;
}

export function sqsHandler<S extends z.ZodMiniType>(
  schema: S,
  handle: (message: z.infer<S>, record: SQSRecord, context: Context) => Promise<void>,
  options: SqsHandlerOptions = {},
) {
  const processor = new BatchProcessor(EventType.SQS);
  const handleRecord = async (record: SQSRecord, context: Context) => {
    let message: z.infer<S>;
    try {
      message = parseBody(schema, record.body);
    } catch (error) {
      if (!(error instanceof MalformedMessage) || !options.onMalformed) throw error;
      return options.onMalformed(record, error);
    }
    return handle(message, record, context);
  };
  return traceHandler(async (event: SQSEvent, context: Context) => {
    logger.addContext(context);
    await options.before?.(event);
    try {
      return await processPartialResponse(event, (record: SQSRecord) => handleRecord(record, context), processor, {
        context,
      });
    } finally {
      await options.after?.();
    }
  });
}
