// The local gateway's routing and its API Gateway HTTP API (payload 2.0) events; the local scheduler's cron.
import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { isLoopbackHost, matchRoute, toApiGatewayEvent } from '#infra/local/gateway';
import { cronFieldMatches, isDue } from '#infra/local/scheduler';
import { routes } from '#infra/topology';

describe('local gateway', () => {
  it('serves the local-only routes to a loopback Host only (no DNS rebinding)', () => {
    for (const host of ['127.0.0.1:3000', 'localhost:3000', 'LOCALHOST', '[::1]:3000', '127.0.0.1'])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of [
      undefined,
      '',
      'evil.example:3000',
      '127.0.0.1.evil.example',
      '10.0.0.5:3000',
      'localhost.evil',
    ])
      expect(isLoopbackHost(host), String(host)).toBe(false);
  });

  it('matches every topology route, and tells a wrong method from an unknown path', () => {
    for (const route of routes) {
      const path = route.path.replace(/\{(\w+)\+?\}/g, 'x');
      expect(matchRoute(route.method, path)).toMatchObject({ spec: route });
    }
    expect(matchRoute('DELETE', '/join')).toBe('method-not-allowed');
    expect(matchRoute('GET', '/nowhere')).toBeNull();
  });

  it('builds a payload 2.0 event with lower-case headers, cookies, query and text body', () => {
    const request = {
      headers: { 'content-type': 'application/json', cookie: 'a=1; b=2', 'x-forwarded-for': '10.0.0.1' },
      httpVersion: '1.1',
      socket: { remoteAddress: '127.0.0.1' },
    } as unknown as IncomingMessage;
    const url = new URL('http://127.0.0.1/members?x=1&x=2&y=z');
    const event = toApiGatewayEvent(request, Buffer.from('{"a":1}'), url, {
      spec: { method: 'POST', path: '/members', handler: 'enroll-member', auth: 'public' },
      params: {},
    });
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /members',
      rawPath: '/members',
      rawQueryString: 'x=1&x=2&y=z',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { x: '1,2', y: 'z' },
      body: '{"a":1}',
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST', path: '/members', sourceIp: '127.0.0.1' }, stage: '$default' },
    });
    expect(event.headers['cookie']).toBeUndefined();
  });

  it('base64-encodes a binary body', () => {
    const request = {
      headers: { 'content-type': 'application/octet-stream' },
      httpVersion: '1.1',
      socket: {},
    } as unknown as IncomingMessage;
    const event = toApiGatewayEvent(request, Buffer.from([0xff, 0x00]), new URL('http://h/members'), {
      spec: { method: 'POST', path: '/members', handler: 'enroll-member', auth: 'public' },
      params: {},
    });
    expect(event).toMatchObject({ body: '/wA=', isBase64Encoded: true });
  });
});

describe('local scheduler cron', () => {
  it.each([
    ['*', 5, true],
    ['?', 5, true],
    ['5', 5, true],
    ['5', 6, false],
    ['1,5,9', 9, true],
    ['1-5', 3, true],
    ['1-5', 6, false],
    ['0/15', 30, true],
    ['0/15', 31, false],
  ])('%s matches %i: %s', (field, value, expected) => expect(cronFieldMatches(field, value)).toBe(expected));

  it('is due at the cron minute in UTC', () => {
    const spec = { name: 'x', description: '', handler: 'join-form', cron: { minute: '0', hour: '*' } };
    expect(isDue(spec, new Date('2026-11-22T05:00:00Z'))).toBe(true);
    expect(isDue(spec, new Date('2026-11-22T05:01:00Z'))).toBe(false);
    const monthly = { ...spec, cron: { minute: '0', hour: '15', day: '1' } };
    expect(isDue(monthly, new Date('2026-12-01T15:00:00Z'))).toBe(true);
    expect(isDue(monthly, new Date('2026-12-02T15:00:00Z'))).toBe(false);
  });
});
