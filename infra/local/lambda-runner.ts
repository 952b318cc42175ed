// Loads the same handler modules Lambda runs and invokes them with a Lambda-like context.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { handlerSpec } from '../topology.ts';
import { environmentFor } from '../../functions/shared/capabilities.ts';
import { runningHandler } from './write-guard.ts';

type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

const HANDLER_DIR = join(import.meta.dirname, '..', '..', 'functions', 'handlers');
const loaded = new Map<string, Promise<LambdaHandler>>();

/** The capability values of the local stack; when set, each handler is loaded seeing only its own variables. */
let capabilityValues: Readonly<Record<string, string>> | undefined;
/** Loads run one at a time, so the environment a handler reads at cold start is its own. */
let loading: Promise<unknown> = Promise.resolve();

export function isolateHandlerEnvironments(values: Readonly<Record<string, string>>): void {
  capabilityValues = values;
}

/** Every variable any capability can bring: what a handler must not see unless its capabilities bring it. */
function capabilityVariableNames(values: Readonly<Record<string, string>>): string[] {
  return Object.keys(values).filter((name) => !name.startsWith('AWS_') && !name.startsWith('POWERTOOLS_'));
}

async function importWithOwnEnvironment(name: string): Promise<{ handler?: LambdaHandler }> {
  const url = pathToFileURL(join(HANDLER_DIR, `${name}.ts`)).href;
  const values = capabilityValues;
  if (!values) return import(url);
  const own = environmentFor(name, handlerSpec(name).capabilities, values);
  const saved = new Map<string, string | undefined>();
  for (const variable of capabilityVariableNames(values)) {
    saved.set(variable, process.env[variable]);
    if (own[variable] === undefined) delete process.env[variable];
    else process.env[variable] = own[variable];
  }
  try {
    return await import(url);
  } finally {
    for (const [variable, value] of saved) {
      if (value === undefined) delete process.env[variable];
      else process.env[variable] = value;
    }
  }
}

function loadHandler(name: string): Promise<LambdaHandler> {
  let handler = loaded.get(name);
  if (!handler) {
    const load = loading.then(() => runningHandler.run(name, () => importWithOwnEnvironment(name)));
    loading = load.catch(() => undefined);
    handler = load.then((module) => {
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
  return runningHandler.run(name, () => handler(event, context));
}
