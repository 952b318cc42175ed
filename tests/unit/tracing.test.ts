// X-Ray tracing where Lambda runs the function with active tracing: SDK calls and the invocation reach the X-Ray
// daemon as subsegments (here a UDP socket standing in for it), no response is captured; with no daemon address
// (locally) nothing is loaded. Every handler is built by a wrapper that traces it.
import { createSocket } from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const saved = { ...process.env };

afterEach(() => {
  process.env = { ...saved };
  vi.resetModules();
});

interface Subsegment {
  name: string;
  annotations?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  namespace?: string;
}

describe('tracing', () => {
  it('sends each SDK call and the invocation to the X-Ray daemon, annotated, without responses', async () => {
    const daemon = createSocket('udp4');
    const received: Subsegment[] = [];
    daemon.on('message', (message) => {
      const [, body] = message.toString('utf8').split('\n');
      if (body) received.push(JSON.parse(body) as Subsegment);
    });
    await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
    try {
      process.env = {
        PATH: saved['PATH'] ?? '',
        AWS_REGION: 'ap-northeast-2',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        // What Lambda sets for a function with active tracing.
        AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
        AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
        LAMBDA_TASK_ROOT: '/var/task',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        AWS_LAMBDA_FUNCTION_NAME: 'dangol-test',
        _HANDLER: 'index.handler',
        _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
        POWERTOOLS_SERVICE_NAME: 'dangol',
        // Nobody listens there: the call fails at once, and is traced all the same.
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
      };
      vi.resetModules();
      const { tracer } = await import('#adapters/tracing');
      expect(tracer).toBeDefined();
      const { dynamoDocumentClient } = await import('#adapters/aws-clients');
      const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
      const { traceHandler } = await import('#shared/tracing');
      const handler = traceHandler(async () => {
        await dynamoDocumentClient()
          .send(new GetCommand({ TableName: 'dangol', Key: { PK: 'MEMBER#m1', SK: 'PROFILE' } }))
          .catch(() => undefined);
        return { secret: 'a member’s data' };
      });
      expect(await handler()).toEqual({ secret: 'a member’s data' });
      await vi.waitFor(() => expect(received.map((s) => s.name)).toContain('## index.handler'), { timeout: 3000 });
      const invocation = received.find((s) => s.name === '## index.handler');
      expect(invocation?.annotations).toMatchObject({ ColdStart: true, Service: 'dangol' });
      expect(JSON.stringify(received)).not.toContain('a member’s data');
      expect(received.some((s) => s.name === 'DynamoDB' && s.namespace === 'aws')).toBe(true);
      // The next invocation of the same instance is warm.
      received.length = 0;
      await handler();
      await vi.waitFor(() => expect(received.map((s) => s.name)).toContain('## index.handler'), { timeout: 3000 });
      expect(received.find((s) => s.name === '## index.handler')?.annotations).toMatchObject({ ColdStart: false });
    } finally {
      daemon.close();
    }
  });

  it('loads nothing where there is no X-Ray daemon (locally, in tests)', async () => {
    process.env = { PATH: saved['PATH'] ?? '', AWS_REGION: 'ap-northeast-2' };
    vi.resetModules();
    const { tracer, traceInvocation } = await import('#adapters/tracing');
    expect(tracer).toBeUndefined();
    expect(await traceInvocation('h', async () => 42)).toBe(42);
  });

  it('wraps every handler: HTTP, queue and schedule handlers alike', () => {
    const dir = join(ROOT, 'functions', 'handlers');
    const untraced = readdirSync(dir).filter(
      (file) =>
        !/^export const handler = (httpHandler|sqsHandler|traceHandler)\(/m.test(readFileSync(join(dir, file), 'utf8')),
    );
    expect(untraced).toEqual([]);
  });
});
