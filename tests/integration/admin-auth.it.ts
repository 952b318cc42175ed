// Every /admin route: 401 without a valid token, 403 with a valid token of the wrong group (walks the route table).
import { describe, expect, it } from 'vitest';
import { SignJWT, generateKeyPair } from 'jose';
import { routes } from '#infra/topology';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, signAdminToken } from '#infra/local/admin-keys';
import { urls } from './helpers.ts';

// One part of the integration suite (tests/integration/all.test.ts): its hooks stay inside this describe.
describe('admin-auth', () => {
  const adminRoutes = routes.filter((route) => route.auth === 'admin');
  const EDIT_METHODS = new Set(['POST', 'PUT', 'DELETE']);

  async function call(method: string, path: string, token?: string) {
    const response = await fetch(`${urls().http}${path.replace(/\{(\w+)\}/g, 'x')}`, {
      method,
      headers: { ...(token && { authorization: `Bearer ${token}` }), 'content-type': 'application/json' },
      ...(method !== 'GET' && { body: '{}' }),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: await response.text(),
      etag: response.headers.get('etag'),
    };
  }

  describe('admin authentication and roles', () => {
    it('has admin routes to check', () => expect(adminRoutes.length).toBeGreaterThan(0));

    it.each(adminRoutes.map((route) => [route.method, route.path] as const))(
      '%s %s: 401 without or with a bad token',
      async (method, path) => {
        const { privateKey } = await generateKeyPair('ES256');
        const foreign = await new SignJWT({ 'cognito:groups': ['marketing'] })
          .setProtectedHeader({ alg: 'ES256' })
          .setIssuer(LOCAL_ISSUER)
          .setAudience(LOCAL_AUDIENCE)
          .setSubject('x')
          .setExpirationTime('1h')
          .sign(privateKey);
        const expired = await signAdminToken({ group: 'marketing', expiresIn: '-1m' });
        for (const token of [undefined, 'garbage', foreign, expired]) {
          const reply = await call(method, path, token);
          expect(reply.status, String(token).slice(0, 12)).toBe(401);
          expect(reply.type).toBe('application/problem+json');
        }
      },
    );

    it.each(adminRoutes.map((route) => [route.method, route.path] as const))(
      '%s %s: 403 for a group that may not',
      async (method, path) => {
        const wrongGroup = await signAdminToken({ group: EDIT_METHODS.has(method) ? 'viewer' : 'guest' });
        const reply = await call(method, path, wrongGroup);
        expect(reply.status).toBe(403);
        expect(JSON.parse(reply.body)).toMatchObject({ status: 403, title: 'Forbidden' });
      },
    );

    it('reads the groups claim as a list: a group named `x,marketing` grants nothing, nor does "[viewer]" edit', async () => {
      for (const groups of ['x,marketing', 'viewer,marketing', '[viewer]', ['x,marketing']]) {
        const token = await signAdminToken({ group: 'guest', claims: { 'cognito:groups': groups } });
        expect((await call('PUT', '/admin/tiers', token)).status, JSON.stringify(groups)).toBe(403);
      }
      const listed = await signAdminToken({ group: 'guest', claims: { 'cognito:groups': '[viewer marketing]' } });
      expect((await call('PUT', '/admin/tiers', listed)).status).toBe(428);
    });

    it('accepts access tokens only: an ID token of the same pool is refused', async () => {
      const idToken = await signAdminToken({ group: 'marketing', claims: { token_use: 'id' } });
      expect((await call('GET', '/admin/tiers', idToken)).status).toBe(401);
    });

    it('keeps export and erasure to the privacy group', async () => {
      for (const group of ['marketing', 'viewer']) {
        const token = await signAdminToken({ group });
        expect((await call('GET', '/admin/members/x/export', token)).status, group).toBe(403);
        expect((await call('DELETE', '/admin/members/x', token)).status, group).toBe(403);
      }
      const privacy = await signAdminToken({ group: 'privacy' });
      expect((await call('GET', '/admin/members/x/export', privacy)).status).toBe(404);
    });

    it('lets a viewer read the tier ladder, with its version as ETag', async () => {
      const reply = await call('GET', '/admin/tiers', await signAdminToken({ group: 'viewer' }));
      expect(reply.status).toBe(200);
      const ladder = JSON.parse(reply.body) as { version: number; currency: string; tiers: { code: string }[] };
      expect(ladder.currency).toBe('KRW');
      expect(ladder.tiers.map((tier) => tier.code)).toEqual(['D', 'C', 'B', 'A', 'S']);
      expect(reply.etag).toBe(`"${ladder.version}"`);
    });
  });
});
