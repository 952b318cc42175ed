// Starts the local stack once for all integration tests, on free ports so a running `npm start` is not disturbed.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalStack, type LocalPorts } from '#infra/local/stack';
import { freePort } from '#infra/local/ports';

declare module 'vitest' {
  export interface ProvidedContext {
    stackEnv: Record<string, string>;
    stackUrls: Record<keyof LocalPorts, string>;
    queueUrls: Record<string, string>;
    /** Everything the local stack and its handlers wrote to stdout and stderr during the run. */
    logFile: string;
  }
}

/**
 * Copies what this process writes (the handlers' logs among it) into a file, for the no-personal-data check; the
 * handlers log at INFO for it, and their INFO lines go to the file only, so the test output stays readable.
 */
function teeOutput(file: string): () => void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, '');
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write.bind(stream));
  streams.forEach((stream, index) => {
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      appendFileSync(file, text);
      if (text.startsWith('{"level":"INFO"') || text.startsWith('{"_aws"')) return true;
      return (originals[index] as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  });
  return () => {
    streams.forEach((stream, index) => {
      stream.write = originals[index] as typeof stream.write;
    });
  };
}

export default async function setup(project: TestProject) {
  const logFile = join(import.meta.dirname, '..', '..', '.cache', 'integration-logs.txt');
  const untee = teeOutput(logFile);
  process.env['POWERTOOLS_LOG_LEVEL'] = 'INFO';
  process.env['POWERTOOLS_METRICS_DISABLED'] = 'false';
  project.provide('logFile', logFile);
  const ports: LocalPorts = {
    http: await freePort(),
    dynamodb: await freePort(),
    ses: await freePort(),
    sqsSns: await freePort(),
    sms: await freePort(),
    events: await freePort(),
    sesApi: await freePort(),
  };
  const stack = await startLocalStack({ ports, clockSchedules: false, log: (line) => console.error(line) });
  project.provide('stackEnv', stack.env);
  project.provide('stackUrls', stack.urls);
  project.provide('queueUrls', Object.fromEntries(stack.queueUrls));
  return async () => {
    await stack.stop();
    untee();
  };
}
