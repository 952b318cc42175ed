// Stands in for @aws-sdk/credential-provider-node in Lambda bundles only (an esbuild alias in infra/bundling.ts).
// Lambda always hands a function its role's credentials in environment variables, so the default chain's SSO,
// STS, web-identity, ini-file and instance-metadata providers are ~95 KB of dead code in every bundle.
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
