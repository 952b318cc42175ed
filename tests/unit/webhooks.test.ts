// Webhooks out, without AWS: the signature verifies with the Standard Webhooks reference library; the pipe's signer
// signs each event with its own subscription's secret; the AWS route builder sends the calls that make a route —
// and finishes a route that a failure left half built, and removes whatever part exists.
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { PipesClient } from '@aws-sdk/client-pipes';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { Webhook as Verifier } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { AwsWebhookRoutes, SIGNED_HEADERS } from '#adapters/webhook-routes';
import { signDelivery } from '#adapters/webhook-signing';
import { createWebhook, signForPipe, type Webhook, type WebhookStore } from '#app/webhooks';
import { webhookUrlProblem } from '#domain/webhooks';

const secret = `whsec_${Buffer.from('k'.repeat(32)).toString('base64')}`;
const event = { id: 'e-1', 'detail-type': 'Tier Changed', source: 'dangol', detail: { memberId: 'm-1', to: 'S' } };

const webhook: Webhook = {
  id: 'wh_abc',
  url: 'https://partner.example/hooks',
  events: ['Tier Changed'],
  rateLimitPerSecond: 5,
  status: 'active',
  createdAt: '2026-12-02T00:00:00.000Z',
  createdBy: 'admin',
  secret,
};

describe('webhook signature', () => {
  it('verifies with the Standard Webhooks library, and fails for another body, secret or an old timestamp', () => {
    const now = new Date();
    const { headers, body } = signDelivery(secret, event, now);
    expect(headers['webhook-id']).toBe('e-1');
    expect(new Verifier(secret).verify(body, headers)).toEqual(event);
    expect(new Verifier(secret).sign('e-1', now, body)).toBe(headers['webhook-signature']);
    expect(() => new Verifier(secret).verify(body.replace('S', 'A'), headers)).toThrow();
    const other = `whsec_${Buffer.from('x'.repeat(32)).toString('base64')}`;
    expect(() => new Verifier(other).verify(body, headers)).toThrow();
    const old = signDelivery(secret, event, new Date(Date.now() - 3_600_000));
    expect(() => new Verifier(secret).verify(old.body, old.headers)).toThrow(/timestamp/i);
  });

  it('signs each event of a pipe batch with its subscription’s secret, reading each subscription once', async () => {
    const otherSecret = `whsec_${Buffer.from('o'.repeat(32)).toString('base64')}`;
    const reads: string[] = [];
    const store = {
      get: async (id: string) => {
        reads.push(id);
        return id === 'wh_abc' ? webhook : id === 'wh_other' ? { ...webhook, id, secret: otherSecret } : null;
      },
    };
    const now = new Date();
    const batch = [
      { webhookId: 'wh_abc', event },
      { webhookId: 'wh_other', event: { ...event, id: 'e-2' } },
      { webhookId: 'wh_abc', event: { ...event, id: 'e-3' } },
    ];
    const signed = await signForPipe(batch, { webhooks: store, sign: signDelivery, clock: () => now });
    expect(reads).toEqual(['wh_abc', 'wh_other']);
    expect(signed.map((one) => one.id)).toEqual(['e-1', 'e-2', 'e-3']);
    for (const [index, one] of signed.entries()) {
      const headers = { 'webhook-id': one.id, 'webhook-timestamp': one.timestamp, 'webhook-signature': one.signature };
      const key = index === 1 ? otherSecret : secret;
      expect(new Verifier(key).verify(JSON.stringify(one.payload), headers)).toEqual(batch[index]?.event);
    }
    await expect(
      signForPipe([{ webhookId: 'wh_gone', event }], { webhooks: store, sign: signDelivery, clock: () => now }),
    ).rejects.toThrow(/wh_gone/);
  });
});

describe('webhook addresses', () => {
  it('takes HTTPS, and plain HTTP to this machine only where allowed', () => {
    expect(webhookUrlProblem('https://partner.example/hooks', false)).toBeNull();
    expect(webhookUrlProblem('http://partner.example/hooks', true)).toMatch(/https/);
    expect(webhookUrlProblem('http://127.0.0.1:8080/hooks', true)).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:8080/hooks', false)).toMatch(/https/);
    expect(webhookUrlProblem('https://user:pw@partner.example/', false)).toMatch(/password/);
  });

  it('stores nothing and builds no route for a bad request', async () => {
    const calls: string[] = [];
    const store = { create: async () => void calls.push('create') } as unknown as WebhookStore;
    const routes = { provision: async () => void calls.push('provision'), remove: async () => undefined };
    const deps = { webhooks: store, routes, clock: () => new Date(), allowLoopbackHttp: false };
    await expect(createWebhook({ url: 'https://x.example', events: [] }, 'a', deps)).rejects.toMatchObject({
      errors: [{ path: 'events' }],
    });
    await expect(
      createWebhook({ url: 'https://x.example', events: ['Tier Changed'], eventTypes: ['Tier Changed'] }, 'a', deps),
    ).rejects.toMatchObject({ errors: [{ path: 'events' }] });
    expect(calls).toEqual([]);
  });
});

/** A client that records each command by name and answers from `answer` (an Error is thrown). */
function recorder(log: string[], answer: (name: string, input: any) => unknown) {
  return {
    send: async (command: { constructor: { name: string }; input: unknown }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      log.push(name);
      const result = answer(name, command.input);
      if (result instanceof Error) throw result;
      return result;
    },
  };
}

const named = (name: string) => Object.assign(new Error(name), { name });

const routing = {
  kind: 'aws' as const,
  prefix: 'dangol-prod-',
  busName: 'loyalty-prod',
  pipeRoleArn: 'arn:aws:iam::1:role/pipes',
  signerArn: 'arn:aws:lambda:ap-northeast-2:1:function:signer',
  deadLetterArn: 'arn:aws:sqs:ap-northeast-2:1:webhook-dlq',
  maxReceiveCount: 8,
};

function awsRoutes(existing: ReadonlySet<string>, log: string[], inputs: Map<string, any>) {
  const answer = (name: string, input: any) => {
    inputs.set(name, input);
    if (existing.has(name))
      return named(
        name.startsWith('Create') && name !== 'CreatePipe'
          ? 'ResourceAlreadyExistsException'
          : name === 'CreatePipe'
            ? 'ConflictException'
            : 'ResourceNotFoundException',
      );
    if (name === 'CreateConnection' || name === 'DescribeConnection') return { ConnectionArn: 'arn:connection' };
    if (name === 'CreateApiDestination' || name === 'DescribeApiDestination')
      return { ApiDestinationArn: 'arn:destination' };
    if (name === 'CreateQueue') return { QueueUrl: 'https://sqs/q' };
    if (name === 'GetQueueAttributes') return { Attributes: { QueueArn: 'arn:queue' } };
    if (name === 'PutRule') return { RuleArn: 'arn:rule' };
    return {};
  };
  const client = recorder(log, answer);
  return new AwsWebhookRoutes(
    {
      events: client as unknown as EventBridgeClient,
      sqs: client as unknown as SQSClient,
      pipes: client as unknown as PipesClient,
    },
    routing,
  );
}

describe('webhook routes in AWS', () => {
  it('builds connection, API destination, queue, rule, target and pipe under the prefix', async () => {
    const log: string[] = [];
    const inputs = new Map<string, any>();
    await awsRoutes(new Set(), log, inputs).provision(webhook);
    expect(log).toEqual([
      'CreateConnection',
      'CreateApiDestination',
      'CreateQueue',
      'GetQueueAttributes',
      'PutRule',
      'SetQueueAttributes',
      'PutTargets',
      'CreatePipe',
    ]);
    expect(inputs.get('CreateApiDestination')).toMatchObject({
      Name: 'dangol-prod-wh_abc',
      InvocationEndpoint: 'https://partner.example/hooks',
      InvocationRateLimitPerSecond: 5,
      ConnectionArn: 'arn:connection',
    });
    expect(JSON.parse(inputs.get('PutRule').EventPattern)).toEqual({
      source: ['dangol'],
      'detail-type': ['Tier Changed'],
    });
    expect(inputs.get('PutRule').EventBusName).toBe('loyalty-prod');
    expect(JSON.parse(inputs.get('CreateQueue').Attributes.RedrivePolicy)).toEqual({
      deadLetterTargetArn: routing.deadLetterArn,
      maxReceiveCount: 8,
    });
    const policy = JSON.parse(inputs.get('SetQueueAttributes').Attributes.Policy);
    expect(policy.Statement[0].Condition).toEqual({ ArnEquals: { 'aws:SourceArn': 'arn:rule' } });
    expect(inputs.get('CreatePipe')).toMatchObject({
      Source: 'arn:queue',
      Enrichment: routing.signerArn,
      Target: 'arn:destination',
      RoleArn: routing.pipeRoleArn,
      TargetParameters: { InputTemplate: '<$.payload>', HttpParameters: { HeaderParameters: SIGNED_HEADERS } },
    });
    expect(inputs.get('CreatePipe').EnrichmentParameters.InputTemplate).toContain('"webhookId": "wh_abc"');
  });

  it('finishes a route that a failure left half built (what exists is looked up, not made again)', async () => {
    const log: string[] = [];
    await awsRoutes(new Set(['CreateConnection', 'CreateApiDestination', 'CreatePipe']), log, new Map()).provision(
      webhook,
    );
    expect(log).toContain('DescribeConnection');
    expect(log).toContain('DescribeApiDestination');
    expect(log.at(-1)).toBe('CreatePipe');
  });

  it('removes every part, and what is already gone is no error', async () => {
    const log: string[] = [];
    const steps = [
      'DeletePipe',
      'RemoveTargets',
      'DeleteRule',
      'GetQueueUrl',
      'DeleteApiDestination',
      'DeleteConnection',
    ];
    await awsRoutes(new Set(steps), log, new Map()).remove('wh_abc');
    expect(log).toEqual(steps);
    const all: string[] = [];
    await awsRoutes(new Set(), all, new Map()).remove('wh_abc');
    expect(all).toContain('DeleteQueue');
  });
});
