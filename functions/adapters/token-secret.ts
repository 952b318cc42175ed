// The secrets of the functions: the HMAC secret for links in mail, and the keys of the contact hash. In AWS each is
// read once per container through the Parameters and Secrets Lambda extension (plain HTTP on localhost, so no
// Secrets Manager client in the bundle); locally from TOKEN_SECRET and CONTACT_HASH_KEYS.
import type { TokenSecret } from '#app/ports';
import { useContactHashKeys } from './keys.ts';

const EXTENSION_PORT = process.env['PARAMETERS_SECRETS_EXTENSION_HTTP_PORT'] ?? '2773';

export async function loadTokenSecret(config: {
  TOKEN_SECRET?: string;
  TOKEN_SECRET_ARN?: string;
}): Promise<TokenSecret> {
  if (config.TOKEN_SECRET) {
    const value = config.TOKEN_SECRET;
    return { current: () => value };
  }
  if (!config.TOKEN_SECRET_ARN) throw new Error('configuration: TOKEN_SECRET or TOKEN_SECRET_ARN is required');
  const value = await secretString(config.TOKEN_SECRET_ARN, 'token secret');
  if (value.length < 32) throw new Error('token secret is shorter than 32 characters');
  return { current: () => value };
}

async function secretString(arn: string, what: string): Promise<string> {
  const response = await fetch(
    `http://localhost:${EXTENSION_PORT}/secretsmanager/get?secretId=${encodeURIComponent(arn)}`,
    { headers: { 'X-Aws-Parameters-Secrets-Token': process.env['AWS_SESSION_TOKEN'] ?? '' } },
  );
  if (!response.ok) throw new Error(`${what}: the secrets extension answered ${response.status}`);
  const value = ((await response.json()) as { SecretString?: string }).SecretString;
  if (!value) throw new Error(`${what} is missing`);
  return value;
}

/**
 * Loads the keys of the contact hash: locally `CONTACT_HASH_KEYS` (current,previous), in AWS the secret's JSON
 * `{"current": "…", "previous": "…"}`. To rotate, put a new current and the old one as previous: reads look under
 * both, new items take the current; drop previous once the items keyed by it are gone or re-keyed.
 */
export async function loadContactHashKeys(config: {
  CONTACT_HASH_KEYS?: string;
  CONTACT_HASH_SECRET_ARN?: string;
}): Promise<void> {
  if (config.CONTACT_HASH_KEYS) return useContactHashKeys(config.CONTACT_HASH_KEYS.split(','));
  if (!config.CONTACT_HASH_SECRET_ARN)
    throw new Error('configuration: CONTACT_HASH_KEYS or CONTACT_HASH_SECRET_ARN is required');
  const value = JSON.parse(await secretString(config.CONTACT_HASH_SECRET_ARN, 'contact hash keys')) as {
    current?: string;
    previous?: string;
  };
  useContactHashKeys([value.current ?? '', ...(value.previous ? [value.previous] : [])]);
}
