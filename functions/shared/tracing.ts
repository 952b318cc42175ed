// Every handler's invocation traced (functions/adapters/tracing.ts): the HTTP, queue and schedule wrappers call this.
import { traceInvocation } from '#adapters/tracing';

/** The handler as X-Ray names it: Lambda's `_HANDLER` (e.g. `index.handler`). */
const HANDLER = process.env['_HANDLER'] ?? 'handler';

export function traceHandler<A extends unknown[], R>(handle: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return (...args) => traceInvocation(HANDLER, () => handle(...args));
}
