// Starts the local stack once for all integration tests, on free ports so a running `npm start` is not disturbed.
import type { TestProject } from 'vitest/node';
import { startLocalStack, type LocalPorts } from '#infra/local/stack';
import { freePort } from '#infra/local/ports';

declare module 'vitest' {
  export interface ProvidedContext {
    stackEnv: Record<string, string>;
    stackUrls: Record<keyof LocalPorts, string>;
    queueUrls: Record<string, string>;
  }
}

export default async function setup(project: TestProject) {
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
  return async () => stack.stop();
}
