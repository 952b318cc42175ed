// The enrichment step of every webhook pipe (functions/adapters/webhook-routes.ts): signs each event with its
// subscription's secret; the pipe sends the event as the body and the signature headers to the API destination.
import { type PipeDelivery, signForPipe } from '#app/webhooks';
import { traceHandler } from '#shared/tracing';
import { signerDeps } from '#shared/webhook-wiring';

const deps = signerDeps();

export const handler = traceHandler((batch: PipeDelivery[]) => signForPipe(batch, deps));
