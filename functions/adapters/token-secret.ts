// The HMAC secret for links in mail: from Secrets Manager in AWS (fetched once per container), from env locally.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { TokenSecret } from '#app/ports';

export async function loadTokenSecret(config: { TOKEN_SECRET?: string; TOKEN_SECRET_ARN?: string }): Promise<TokenSecret> {
  if (config.TOKEN_SECRET) {
    const value = config.TOKEN_SECRET;
    return { current: () => value };
  }
  if (!config.TOKEN_SECRET_ARN) throw new Error('configuration: TOKEN_SECRET or TOKEN_SECRET_ARN is required');
  const result = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: config.TOKEN_SECRET_ARN }));
  const value = result.SecretString;
  if (!value || value.length < 32) throw new Error('token secret is missing or shorter than 32 characters');
  return { current: () => value };
}
