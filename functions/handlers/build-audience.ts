// SQS consumer (queue `dispatch`): one page of an audience → waves of send jobs, and the next page handed on.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { dispatchPage } from '#app/dispatch-touchpoints';
import type { DispatchMessage } from '#app/sending-ports';
import { logger } from '#shared/logger';
import { dispatchDeps } from '#shared/wiring';

const deps = dispatchDeps({ pages: true, jobs: true });
const processor = new BatchProcessor(EventType.SQS);

function parse(body: string): DispatchMessage {
  const message = JSON.parse(body) as DispatchMessage;
  const type = (message?.source as { type?: string } | undefined)?.type;
  if (!['date', 'population', 'due'].includes(type ?? '') || typeof message.waveBase !== 'number') throw new Error('malformed dispatch message');
  return message;
}

async function handleRecord(record: SQSRecord): Promise<void> {
  const message = parse(record.body);
  const result = await dispatchPage(message, deps);
  logger.info('audience page', { entryId: message.entryId, source: message.source.type, ...result });
}

export const handler = async (event: SQSEvent, context: Context) => {
  logger.addContext(context);
  return processPartialResponse(event, handleRecord, processor, { context });
};
