// The HMAC secret for links in mail: in AWS read once per container through the Parameters and Secrets Lambda
// extension (plain HTTP on localhost, so no Secrets Manager client in the bundle); locally from TOKEN_SECRET.
import type { TokenSecret } from '#app/ports';

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
  const response = await fetch(
    `http://localhost:${EXTENSION_PORT}/secretsmanager/get?secretId=${encodeURIComponent(config.TOKEN_SECRET_ARN)}`,
    { headers: { 'X-Aws-Parameters-Secrets-Token': process.env['AWS_SESSION_TOKEN'] ?? '' } },
  );
  if (!response.ok) throw new Error(`token secret: the secrets extension answered ${response.status}`);
  const value = ((await response.json()) as { SecretString?: string }).SecretString;
  if (!value || value.length < 32) throw new Error('token secret is missing or shorter than 32 characters');
  return { current: () => value };
}
