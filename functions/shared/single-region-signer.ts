// Bundled in place of @aws-sdk/signature-v4-multi-region (an esbuild alias, infra/bundling.ts): EventBridge's client
// signs with a multi-region signer that turns to SigV4a only for a global endpoint (`EndpointId`, signing region
// `*`), and otherwise hands every request to plain SigV4. dangol puts events on one regional bus, so this is that
// plain SigV4 signer (-4 KB); a request for signing region `*` fails loudly here.
import { SignatureV4 } from '@smithy/signature-v4';

export class SignatureV4MultiRegion extends SignatureV4 {
  constructor(options: ConstructorParameters<typeof SignatureV4>[0]) {
    super(options);
    const sign = this.sign.bind(this) as (request: unknown, options?: { signingRegion?: string }) => Promise<unknown>;
    this.sign = (async (request: unknown, signing?: { signingRegion?: string }) => {
      if (signing?.signingRegion === '*')
        throw new Error('SigV4a (global endpoints) is not bundled: remove the alias in infra/bundling.ts to use it');
      return sign(request, signing);
    }) as SignatureV4['sign'];
  }
}
