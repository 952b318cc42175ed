// Starts `npm start`'s entry point as a child process on free ports, as a person would, and stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '#infra/local/ports';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface RunningStack {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly env: Record<string, string>;
  readonly base: string;
  readonly ses: string;
  readonly exited: Promise<number | null>;
}

export async function portsEnv(): Promise<Record<string, string>> {
  return {
    PORT: String(await freePort()),
    DYNAMODB_PORT: String(await freePort()),
    SES_PORT: String(await freePort()),
    SQS_SNS_PORT: String(await freePort()),
    SMS_PORT: String(await freePort()),
    EVENTS_PORT: String(await freePort()),
    SES_API_PORT: String(await freePort()),
  };
}

export function spawnStart(
  env: Record<string, string>,
  extra: NodeJS.ProcessEnv = {},
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  // tsx as a loader, not its CLI: the CLI relays SIGTERM to a child process and kills it outright if the child does not
  // answer within 60 ms, which a loaded machine misses; here the signal reaches start.ts itself, as it does in AWS-less
  // plain use of `node`.
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...extra, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

export async function startStack(): Promise<RunningStack> {
  const env = await portsEnv();
  const { child, output, exited } = spawnStart(env);
  const deadline = Date.now() + 90_000;
  while (!output().includes('Press Ctrl-C to stop.')) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`npm start was not ready in 90 s:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    child,
    output,
    env,
    exited,
    base: `http://127.0.0.1:${env['PORT']}`,
    ses: `http://127.0.0.1:${env['SES_PORT']}`,
  };
}
