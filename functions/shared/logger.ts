// The one Powertools logger. Never pass member data (e-mail, phone, name, birthday, address) to it.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'dangol' });

/**
 * Runs one queued job; a failure is logged with the job's facts and its error's name only (a provider's message
 * may quote an address) and thrown on, so that the queue retries the job.
 */
export async function logFailure<T>(
  message: string,
  facts: Readonly<Record<string, unknown>>,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    logger.warn(message, { ...facts, error: error instanceof Error ? error.name : 'unknown' });
    throw error;
  }
}
