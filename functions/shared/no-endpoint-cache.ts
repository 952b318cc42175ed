// Bundled in place of @aws-sdk/endpoint-cache (an esbuild alias, infra/bundling.ts): DynamoDB's client builds an
// endpoint-discovery cache (an LRU from mnemonist, ~7 KB) and asks it for a discovered endpoint on every request,
// but dangol never enables endpoint discovery and none of its operations requires it, so nothing is ever cached:
// the answer is always "none". Should discovery be switched on, storing an endpoint fails loudly here.
const unavailable = (): never => {
  throw new Error('endpoint discovery is not bundled: remove the alias in infra/bundling.ts to enable it');
};

export class EndpointCache {
  getEndpoint(_key: string): string | undefined {
    return undefined;
  }

  get(_key: string): undefined {
    return undefined;
  }

  set(_key: string, _endpoints: unknown): void {
    unavailable();
  }

  delete(_key: string): void {}

  has(_key: string): boolean {
    return false;
  }

  clear(): void {}
}
