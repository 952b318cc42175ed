// Webhooks out on the local stack: a subscriber's receiver gets each chosen event once, signed the Standard Webhooks
// way, with ids and no contact data; a failing receiver is retried with the same webhook-id, one that never answers
// well ends in the dead-letter queue; a removed subscriber gets nothing more.
import { createServer, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCaller, enroll, eventually, newPerson, putEvents, retire, takeDeadLetters, urls } from './helpers.ts';

interface Received {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** An HTTP receiver on a free port; it answers `failures` requests with 503 first (all of them when Infinity). */
async function receiver(failures = 0): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  let failed = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      got.push({ headers: request.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
      if (failed < failures) {
        failed += 1;
        response.writeHead(503).end();
      } else response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/hooks`, got, server };
}

let token = '';
let viewerToken = '';
const call = adminCaller(() => token);
const asViewer = adminCaller(() => viewerToken);
const servers: Server[] = [];
const members: string[] = [];
const subscribed: string[] = [];

beforeAll(async () => {
  const { signAdminToken } = await import('#infra/local/admin-keys');
  token = await signAdminToken({ group: 'marketing', subject: 'webhook-test' });
  viewerToken = await signAdminToken({ group: 'viewer', subject: 'webhook-viewer' });
});
afterAll(async () => {
  for (const id of subscribed) await call('DELETE', `/admin/webhooks/${id}`);
  for (const server of servers) server.close();
  await retire(members);
});

async function subscribe(url: string, events: string[]) {
  const reply = await call('POST', '/admin/webhooks', { url, events, description: 'test' });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  subscribed.push(reply.body['id']);
  return reply.body as { id: string; secret: string; status: string };
}

const enrolledEvents = (got: readonly Received[], memberId: string) =>
  got.filter((request) => {
    const event = JSON.parse(request.body) as { 'detail-type': string; detail: { memberId?: string } };
    return event['detail-type'] === 'Member Enrolled' && event.detail.memberId === memberId;
  });

async function deliveries(): Promise<{ webhookId: string; eventId: string; attempts: number; state: string }[]> {
  const response = await fetch(`${urls().events}/webhooks/deliveries`);
  return ((await response.json()) as { deliveries: [] }).deliveries;
}

describe('webhooks out', () => {
  it('refuses a bad subscription, naming each wrong field, and viewers may only list', async () => {
    const bad = await call('POST', '/admin/webhooks', { url: 'ftp://example.com/x', events: ['Purchase Completed'] });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const paths = (bad.body['errors'] as { path: string }[]).map((error) => error.path);
    expect(paths).toEqual(expect.arrayContaining(['events.0']));
    const plainHttp = await call('POST', '/admin/webhooks', { url: 'http://example.com/x', events: ['Tier Changed'] });
    expect(plainHttp.status).toBe(400);
    expect(plainHttp.body['errors']).toEqual([{ path: 'url', message: expect.stringContaining('https') }]);
    const none = await call('POST', '/admin/webhooks', { url: 'https://example.com/x' });
    expect(none.status).toBe(400);
    expect((none.body['errors'] as { path: string }[]).map((error) => error.path)).toContain('events');
    const viewer = await asViewer('POST', '/admin/webhooks', {
      url: 'https://example.com/x',
      events: ['Tier Changed'],
    });
    expect(viewer.status).toBe(403);
    expect((await asViewer('GET', '/admin/webhooks')).status).toBe(200);
    expect((await call('DELETE', '/admin/webhooks/wh_nothere')).status).toBe(404);
  });

  it('delivers each chosen event once, signed, with ids and no contact data', async () => {
    const hook = await receiver();
    servers.push(hook.server);
    const subscription = await subscribe(hook.url, ['Member Enrolled', 'Tier Changed']);
    expect(subscription.status).toBe('active');
    expect(subscription.secret).toMatch(/^whsec_/);
    const listed = await call('GET', '/admin/webhooks');
    const shown = (listed.body['items'] as Record<string, unknown>[]).find((item) => item['id'] === subscription.id);
    expect(shown).toMatchObject({ url: hook.url, events: ['Member Enrolled', 'Tier Changed'], status: 'active' });
    expect(shown).not.toHaveProperty('secret');

    const people = [newPerson(), newPerson(), newPerson()];
    const enrolled = await Promise.all(people.map((person) => enroll(person)));
    members.push(...enrolled.map(({ memberId }) => memberId));
    // A purchase that lifts the first member a tier: its Tier Changed comes too.
    await putEvents([
      {
        detailType: 'Purchase Completed',
        detail: {
          orderId: `wh-${Date.now()}`,
          channel: 'online',
          occurredAt: new Date().toISOString(),
          amount: { value: 2_000_000, currency: 'KRW' },
          member: { memberId: enrolled[0]?.memberId },
        },
      },
    ]);
    await eventually(
      async () => hook.got,
      (got) =>
        enrolled.every(({ memberId }) => enrolledEvents(got, memberId).length >= 1) &&
        got.some((request) => JSON.parse(request.body)['detail-type'] === 'Tier Changed'),
      20_000,
    );
    const tierChanged = hook.got.filter((request) => JSON.parse(request.body)['detail-type'] === 'Tier Changed');
    expect(tierChanged.map((request) => JSON.parse(request.body).detail.memberId)).toEqual([enrolled[0]?.memberId]);
    // A moment for anything that would come twice.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const { memberId } of enrolled) expect(enrolledEvents(hook.got, memberId)).toHaveLength(1);
    const ids = hook.got.map((request) => request.headers['webhook-id']);
    expect(new Set(ids).size).toBe(ids.length);

    const verifier = new Webhook(subscription.secret);
    for (const request of hook.got) {
      const event = verifier.verify(request.body, request.headers) as { id: string; 'detail-type': string };
      expect(event.id).toBe(request.headers['webhook-id']);
      expect(['Member Enrolled', 'Tier Changed']).toContain(event['detail-type']);
      for (const person of people) {
        expect(request.body).not.toContain(person.email);
        expect(request.body).not.toContain(person.phone.replace(/-/g, '').slice(3));
        expect(request.body).not.toContain(person.name);
      }
    }
    // A body changed on the way fails verification.
    const [first] = hook.got;
    if (!first) throw new Error('no delivery');
    expect(() => verifier.verify(first.body.replace('Member', 'Membr'), first.headers)).toThrow();
  });

  it('retries a failing receiver with the same webhook-id, and dead-letters one that never answers well', async () => {
    const flaky = await receiver(2);
    const broken = await receiver(Number.POSITIVE_INFINITY);
    servers.push(flaky.server, broken.server);
    const flakySubscription = await subscribe(flaky.url, ['Member Enrolled']);
    const brokenSubscription = await subscribe(broken.url, ['Member Enrolled']);
    await takeDeadLetters('webhooks');
    const { memberId } = await enroll(newPerson());
    members.push(memberId);
    await eventually(
      deliveries,
      (list) =>
        list.some((d) => d.webhookId === flakySubscription.id && d.state === 'delivered') &&
        list.some((d) => d.webhookId === brokenSubscription.id && d.state === 'dead-lettered'),
      30_000,
    );
    const mine = enrolledEvents(flaky.got, memberId);
    expect(mine).toHaveLength(3);
    expect(new Set(mine.map((request) => request.headers['webhook-id'])).size).toBe(1);
    const verifier = new Webhook(flakySubscription.secret);
    for (const request of mine) expect(() => verifier.verify(request.body, request.headers)).not.toThrow();
    const flakyDelivery = (await deliveries()).find((d) => d.webhookId === flakySubscription.id);
    expect(flakyDelivery).toMatchObject({ attempts: 3, state: 'delivered' });

    expect(enrolledEvents(broken.got, memberId)).toHaveLength(5);
    const dead = await takeDeadLetters('webhooks');
    const letter = dead.find((message) => JSON.parse(message.body).detail?.memberId === memberId);
    expect(letter?.reason).toMatch(/after 5 attempts: 503/);
  });

  it('delivers nothing to a subscriber after it is removed', async () => {
    const hook = await receiver();
    servers.push(hook.server);
    const subscription = await subscribe(hook.url, ['Member Enrolled']);
    const removed = await call('DELETE', `/admin/webhooks/${subscription.id}`);
    expect(removed.status).toBe(204);
    expect((await call('DELETE', `/admin/webhooks/${subscription.id}`)).status).toBe(404);
    // The collection's DELETE takes the id as a query parameter too; without one it names the field.
    const other = await subscribe(hook.url, ['Tier Changed']);
    expect((await call('DELETE', `/admin/webhooks?id=${other.id}`)).status).toBe(204);
    const unnamed = await call('DELETE', '/admin/webhooks');
    expect(unnamed.status).toBe(400);
    expect(unnamed.body['errors']).toEqual([{ path: 'id', message: expect.any(String) }]);
    const listed = await call('GET', '/admin/webhooks');
    expect((listed.body['items'] as { id: string }[]).map((item) => item.id)).not.toContain(subscription.id);
    const { memberId } = await enroll(newPerson());
    members.push(memberId);
    // The enrollment's event reached the bus (and any subscriber still there) before this looks.
    await eventually(
      async () => (await (await fetch(`${urls().events}/events`)).json()) as { events: { detail: unknown }[] },
      (log) => log.events.some((event) => (event.detail as { memberId?: string }).memberId === memberId),
      10_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(hook.got).toHaveLength(0);
    const audit = await call('GET', `/admin/audit?month=${new Date().toISOString().slice(0, 7)}&limit=100`);
    const actions = (audit.body['items'] as { action: string; target: string }[])
      .filter((entry) => entry.target === subscription.id)
      .map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['webhook.create', 'webhook.delete']));
  });
});
