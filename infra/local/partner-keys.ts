// The local stand-in for IAM on the partner routes: an access key pair created at first use (`npm run
// partner-credentials` prints it), and the SigV4 check the gateway makes before a /partner route, as API Gateway's
// IAM authorizer does in AWS — same algorithm, same service name (`execute-api`), so a shop's signing code that works
// here works there.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';

const DEFAULT_DIR = join(import.meta.dirname, '..', '..', '.cache', 'local-partner');
/** API Gateway refuses a signature dated more than this far from its clock. */
const MAX_SKEW_MS = 5 * 60_000;

export interface PartnerCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export function partnerCredentials(dir = DEFAULT_DIR): PartnerCredentials {
  const file = join(dir, 'partner-keys.json');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    const id = [...randomBytes(16)].map((byte) => alphabet[byte % 32]).join('');
    const credentials: PartnerCredentials = {
      accessKeyId: `AKIALOCAL${id.slice(0, 11)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
    };
    writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  }
  return JSON.parse(readFileSync(file, 'utf8')) as PartnerCredentials;
}

/** node:crypto as the signer's SHA-256 (a hash, or an HMAC with a secret). */
export class Sha256 {
  private hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.fresh();
  }
  private fresh() {
    if (this.secret === undefined) return createHash('sha256');
    const key =
      typeof this.secret === 'string'
        ? this.secret
        : ArrayBuffer.isView(this.secret)
          ? Buffer.from(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength)
          : Buffer.from(this.secret);
    return createHmac('sha256', key);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(
      typeof data === 'string'
        ? data
        : ArrayBuffer.isView(data)
          ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
          : Buffer.from(data),
    );
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

export type PartnerVerdict =
  | { readonly ok: true; readonly accessKeyId: string }
  | { readonly ok: false; readonly status: 401 | 403; readonly reason: string };

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

/**
 * Checks a request's SigV4 signature as API Gateway does: no signature → 401; an unknown key, a signature for
 * another service, a date too far off, a body that is not the one signed, or a wrong signature → 403.
 */
export function partnerVerifier(dir = DEFAULT_DIR, clock: () => Date = () => new Date()) {
  const credentials = partnerCredentials(dir);
  return async (request: {
    method: string;
    host: string;
    path: string;
    query: URLSearchParams;
    headers: Readonly<Record<string, string | undefined>>;
    body: Buffer;
  }): Promise<PartnerVerdict> => {
    const authorization = request.headers['authorization'];
    if (!authorization) return { ok: false, status: 401, reason: 'Missing Authentication Token' };
    const match = AUTHORIZATION.exec(authorization);
    if (!match) return { ok: false, status: 403, reason: 'Authorization header is not a SigV4 signature' };
    const [, accessKeyId = '', shortDate = '', region = '', service = '', signedList = '', signature = ''] = match;
    if (accessKeyId !== credentials.accessKeyId)
      return { ok: false, status: 403, reason: 'The security token included in the request is invalid' };
    if (service !== 'execute-api') return { ok: false, status: 403, reason: 'Signed for another service' };
    const amzDate = request.headers['x-amz-date'] ?? '';
    const signed = signedList.split(';');
    if (!signed.includes('host') || !signed.includes('x-amz-date') || !amzDate.startsWith(shortDate))
      return { ok: false, status: 403, reason: 'host and x-amz-date must be signed' };
    const signingDate = new Date(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
    );
    if (Number.isNaN(signingDate.getTime()) || Math.abs(clock().getTime() - signingDate.getTime()) > MAX_SKEW_MS)
      return { ok: false, status: 403, reason: 'Signature expired or not yet valid' };
    const bodyHash = createHash('sha256').update(request.body).digest('hex');
    const claimedHash = request.headers['x-amz-content-sha256'];
    if (claimedHash !== undefined && claimedHash !== 'UNSIGNED-PAYLOAD' && claimedHash !== bodyHash)
      return { ok: false, status: 403, reason: 'The body is not the one signed' };
    const headers: Record<string, string> = {};
    for (const name of signed) {
      const value = name === 'host' ? request.host : request.headers[name];
      if (value === undefined) return { ok: false, status: 403, reason: `Signed header ${name} is missing` };
      headers[name] = value;
    }
    const query: Record<string, string | string[]> = {};
    for (const [name, value] of request.query) {
      const before = query[name];
      query[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
    }
    const signer = new SignatureV4({
      credentials,
      region,
      service: 'execute-api',
      sha256: Sha256,
      applyChecksum: false,
    });
    const expected = await signer.sign(
      {
        method: request.method,
        protocol: 'http:',
        hostname: request.host,
        path: decodeURIComponent(request.path),
        query,
        headers,
        body: request.body.length > 0 ? request.body : undefined,
      },
      { signingDate, signableHeaders: new Set(signed) },
    );
    const recomputed = /Signature=([0-9a-f]{64})$/.exec(String(expected.headers['authorization']))?.[1] ?? '';
    const ok =
      recomputed.length === signature.length && timingSafeEqual(Buffer.from(recomputed), Buffer.from(signature));
    return ok
      ? { ok: true, accessKeyId }
      : {
          ok: false,
          status: 403,
          reason: 'The request signature we calculated does not match the signature you provided',
        };
  };
}

/**
 * The headers that sign a request with SigV4 for `execute-api`, as a partner's AWS SDK or aws4 library would make
 * them (tests and the docs' example use it; nothing in the stack does).
 */
export async function signPartnerRequest(
  url: URL,
  method: string,
  body: string | undefined,
  credentials: PartnerCredentials,
  region = 'ap-northeast-2',
): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials, region, service: 'execute-api', sha256: Sha256 });
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  const signed = await signer.sign({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port && { port: Number(url.port) }),
    path: url.pathname,
    query,
    headers: { host: url.host, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body }),
  });
  return signed.headers as Record<string, string>;
}
