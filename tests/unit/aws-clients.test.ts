// The SDK clients dangol makes carry no logger middleware: with its no-op logger it still copies every input and
// output for a log that is never written (see aws-clients.ts).
import { describe, expect, it } from 'vitest';
import {
  dynamoDocumentClient,
  eventBridgeClient,
  sesClient,
  sesSendingClient,
  snsClient,
  snsSendingClient,
  sqsClient,
} from '#adapters/aws-clients';

describe('SDK clients', () => {
  it('have no logger middleware, and keep the rest of their stack', () => {
    process.env['AWS_REGION'] ??= 'ap-northeast-2';
    for (const client of [
      dynamoDocumentClient(),
      eventBridgeClient(),
      sesClient(),
      sesSendingClient(),
      snsClient(),
      snsSendingClient(),
      sqsClient(),
    ]) {
      const stack = client.middlewareStack.identify();
      expect(stack.some((name) => name.startsWith('loggerMiddleware'))).toBe(false);
      expect(stack.length).toBeGreaterThan(3);
    }
  });
});
