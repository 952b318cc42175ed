// AWS X-Ray through Powertools Tracer, wherever the function runs with active tracing (Lambda then sets
// AWS_XRAY_DAEMON_ADDRESS): each SDK call is a subsegment, each invocation a `## <handler>` subsegment annotated
// with ColdStart and Service. Responses are never captured (they hold members' data). The tracer and the X-Ray SDK
// (≈ 125 KB minified) come from the Powertools Lambda layer of the same version as package.json's, not from the
// bundle: loaded by `require`, which follows NODE_PATH to the layers' node_modules and which esbuild leaves alone.
// Locally, with no daemon, nothing is loaded.
import { createRequire } from 'node:module';
import type { Tracer } from '@aws-lambda-powertools/tracer';

function load(): Tracer | undefined {
  if (!process.env['AWS_XRAY_DAEMON_ADDRESS'] || process.env['POWERTOOLS_TRACE_ENABLED'] === 'false') return undefined;
  const module = createRequire(import.meta.url)('@aws-lambda-powertools/tracer') as {
    Tracer: typeof import('@aws-lambda-powertools/tracer').Tracer;
  };
  return new module.Tracer({ serviceName: process.env['POWERTOOLS_SERVICE_NAME'] ?? 'dangol' });
}

export const tracer: Tracer | undefined = load();

/** The client, its calls traced when tracing is on. */
export function traced<C>(client: C): C {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}

/** One invocation as a `## name` subsegment (ColdStart and Service annotations, an error as metadata). */
export async function traceInvocation<T>(name: string, run: () => Promise<T>): Promise<T> {
  const segment = tracer?.getSegment();
  if (!tracer || !segment) return run();
  const subsegment = segment.addNewSubsegment(`## ${name}`);
  tracer.setSegment(subsegment);
  tracer.annotateColdStart();
  tracer.addServiceNameAnnotation();
  try {
    return await run();
  } catch (error) {
    tracer.addErrorAsMetadata(error as Error);
    throw error;
  } finally {
    subsegment.close();
    tracer.setSegment(segment);
  }
}
