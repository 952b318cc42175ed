// Loads the same handler modules Lambda runs and invokes them with a Lambda-like context.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { handlerSpec } from '../topology.ts';

type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

const HANDLER_DIR = join(import.meta.dirname, '..', '..', 'functions', 'handlers');
const loaded = new Map<string, Promise<LambdaHandler>>();

function loadHandler(name: string): Promise<LambdaHandler> {
  let handler = loaded.get(name);
  if (!handler) {
    handler = import(pathToFileURL(join(HANDLER_DIR, `${name}.ts`)).href).then((module: { handler?: LambdaHandler }) => {
      if (typeof module.handler !== 'function') throw new Error(`functions/handlers/${name}.ts has no handler export`);
      return module.handler;
    });
    loaded.set(name, handler);
  }
  return handler;
}

export async function invoke(name: string, event: unknown): Promise<unknown> {
  const spec = handlerSpec(name);
  const timeoutMs = (spec.timeoutSeconds ?? 10) * 1000;
  const started = Date.now();
  const context: Context = {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `dangol-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:ap-northeast-2:000000000000:function:dangol-${name}`,
    memoryLimitInMB: String(spec.memoryMb ?? 256),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/dangol-${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  const handler = await loadHandler(name);
  return handler(event, context);
}
