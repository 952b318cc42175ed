// The EventBridge client's signer as bundled (functions/shared/single-region-signer.ts): the very signature plain
// SigV4 makes, checked by the local partner verifier as API Gateway would; SigV4a refused loudly.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { SignatureV4MultiRegion } from '#shared/single-region-signer';
import { partnerCredentials, partnerVerifier, Sha256 } from '#infra/local/partner-keys';

describe('single-region signer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'signer-'));
  const credentials = partnerCredentials(dir);
  const options = { credentials, region: 'ap-northeast-2', service: 'execute-api', sha256: Sha256 };
  const request = () => ({
    method: 'POST',
    protocol: 'https:',
    hostname: 'api.example',
    path: '/partner/coupons/validate',
    headers: { host: 'api.example', 'content-type': 'application/json' },
    body: '{"code":"DG-AAAA-BBBB-CCCC","amount":1}',
  });
  const signingDate = new Date('2026-12-02T12:00:00Z');

  it('signs exactly as SigV4 does, and the partner verifier accepts it', async () => {
    const ours = await new SignatureV4MultiRegion(options).sign(request(), { signingDate });
    const plain = await new SignatureV4(options).sign(request(), { signingDate });
    expect(ours.headers['authorization']).toBe(plain.headers['authorization']);
    const verify = partnerVerifier(dir, () => signingDate);
    const check = (body: string) =>
      verify({
        method: 'POST',
        host: 'api.example',
        path: '/partner/coupons/validate',
        query: new URLSearchParams(),
        headers: ours.headers as Record<string, string>,
        body: Buffer.from(body),
      });
    expect(await check(request().body)).toMatchObject({ ok: true, accessKeyId: credentials.accessKeyId });
    expect(await check('{"code":"DG-AAAA-BBBB-CCCC","amount":2}')).toMatchObject({ ok: false, status: 403 });
    const late = partnerVerifier(dir, () => new Date(signingDate.getTime() + 6 * 60_000));
    expect(
      await late({
        method: 'POST',
        host: 'api.example',
        path: '/partner/coupons/validate',
        query: new URLSearchParams(),
        headers: ours.headers as Record<string, string>,
        body: Buffer.from(request().body),
      }),
    ).toMatchObject({ ok: false, status: 403, reason: 'Signature expired or not yet valid' });
  });

  it('refuses SigV4a (a global endpoint) rather than sign it wrongly', async () => {
    await expect(
      new SignatureV4MultiRegion(options).sign(request(), { signingDate, signingRegion: '*' }),
    ).rejects.toThrow(/SigV4a/);
  });
});
