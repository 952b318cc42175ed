// The local stand-in for Cognito: a key pair created at first use, tokens signed with it (`npm run admin-token`),
// and the verification the gateway does before an /admin route, as API Gateway's JWT authorizer does in AWS.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';

export const LOCAL_ISSUER = 'https://dangol.local/admin';
export const LOCAL_AUDIENCE = 'dangol-admin';
const DEFAULT_DIR = join(import.meta.dirname, '..', '..', '.cache', 'local-admin');

interface KeyFiles {
  privateJwk: JWK;
  publicJwk: JWK;
}

async function keyFiles(dir: string): Promise<KeyFiles> {
  const file = join(dir, 'admin-keys.json');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const keys: KeyFiles = { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
    writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  }
  return JSON.parse(readFileSync(file, 'utf8')) as KeyFiles;
}

export async function signAdminToken(options: {
  group: string;
  subject?: string;
  expiresIn?: string;
  dir?: string;
  /** Claims that replace the usual ones (tests: a groups claim as text, an ID token). */
  claims?: Record<string, unknown>;
}): Promise<string> {
  const { privateJwk } = await keyFiles(options.dir ?? DEFAULT_DIR);
  const key = await importJWK(privateJwk, 'ES256');
  return new SignJWT({ 'cognito:groups': [options.group], token_use: 'access', ...options.claims })
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setSubject(options.subject ?? `local-${options.group}`)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h')
    .sign(key);
}

export async function adminVerifier(
  dir = DEFAULT_DIR,
): Promise<(authorization: string | undefined) => Promise<JWTPayload | null>> {
  const { publicJwk } = await keyFiles(dir);
  const key = await importJWK(publicJwk, 'ES256');
  return async (authorization) => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return null;
    try {
      const { payload } = await jwtVerify(token, key, {
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        algorithms: ['ES256'],
      });
      return payload;
    } catch {
      return null;
    }
  };
}
