// How every handler is bundled: one minified ESM file per handler, AWS SDK v3 inside (not the runtime's copy).
// The CDK functions and the benchmark both use these settings, so what is measured is what is deployed.
export const LAMBDA_NODE_TARGET = 'node22';

export const bundlingSettings = {
  format: 'esm',
  minify: true,
  target: LAMBDA_NODE_TARGET,
  mainFields: ['module', 'main'],
  /** ESM bundles have no `require`; some CommonJS dependencies call it for Node built-ins. */
  banner:
    "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);",
  /** Lambda gives credentials in env vars: the default provider chain is replaced by the env provider (-95 KB). */
  alias: {
    '@aws-sdk/credential-provider-node': './functions/shared/lambda-credentials.ts',
    /** No operation dangol calls streams events; the SDK's protocol layer would bundle the codec anyway (-15 KB). */
    '@smithy/core/event-streams': './functions/shared/no-event-streams.ts',
    /** Endpoint discovery is never enabled: its LRU cache would only ever answer "none" (-7 KB). */
    '@aws-sdk/endpoint-cache': './functions/shared/no-endpoint-cache.ts',
    /** EventBridge signs with plain SigV4 unless a global endpoint asks for SigV4a; dangol uses none (-4 KB). */
    '@aws-sdk/signature-v4-multi-region': './functions/shared/single-region-signer.ts',
  },
} as const;

/** Upper bound of a handler bundle, checked by tests/infra (zod classic alone would add ~450 KB: we use zod/mini). */
export const MAX_BUNDLE_BYTES = 390 * 1024;
