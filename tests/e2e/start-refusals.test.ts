// `npm start` refuses clearly when a port is taken or Java is missing, instead of half-starting.
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portsEnv, spawnStart } from './local-stack.ts';

describe('npm start refuses to start', () => {
  it('when a port is taken, naming the port and its variable', async () => {
    const env = await portsEnv();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(Number(env['SES_PORT']), '127.0.0.1', resolve));
    try {
      const { output, exited } = spawnStart(env);
      expect(await exited).toBe(1);
      expect(output()).toContain(`Port already in use: ${env['SES_PORT']} (ses; set SES_PORT to use another)`);
    } finally {
      blocker.close();
    }
  });

  it('when Java is missing', async () => {
    const env = await portsEnv();
    const emptyPath = mkdtempSync(join(tmpdir(), 'no-java-'));
    const { output, exited } = spawnStart(env, { PATH: emptyPath });
    expect(await exited).toBe(1);
    expect(output()).toContain('Java is not installed');
  });
});
