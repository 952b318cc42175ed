// The capability contract holds: every handler starts with exactly the variables its capabilities bring (as the CDK
// stack and the local stack give them), and a handler that reads config outside its capabilities fails at once.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { handlers } from '#infra/topology';
import { type Capability, environmentFor, variablesOf } from '#shared/capabilities';
import { allValues } from '../support/capability-values.ts';
import { readConfig, SECTION_CAPABILITIES, type ConfigSection } from '#shared/config';

const ROOT = join(import.meta.dirname, '..', '..');

const RUNTIME = {
  AWS_REGION: 'ap-northeast-2',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};
const saved = { ...process.env };

afterEach(() => {
  process.env = { ...saved };
  vi.resetModules();
});

async function importWith(name: string, env: Record<string, string>): Promise<unknown> {
  process.env = { PATH: saved['PATH'] ?? '', ...RUNTIME, ...env };
  vi.resetModules();
  const module = (await import(join(ROOT, 'functions', 'handlers', `${name}.ts`))) as { handler?: unknown };
  return module.handler;
}

describe('capability contract', () => {
  it('lists every handler file in the topology and every topology handler as a file', () => {
    const files = readdirSync(join(ROOT, 'functions', 'handlers')).map((file) => file.replace(/\.ts$/, ''));
    expect(handlers.map((spec) => spec.name).sort()).toEqual(files.sort());
  });

  it.each(handlers.map((spec) => [spec.name, spec.capabilities] as const))(
    '%s starts with only the variables of its capabilities',
    async (name, capabilities) => {
      const env = environmentFor(name, capabilities, allValues());
      expect(typeof (await importWith(name, env))).toBe('function');
    },
    // A cold import of a handler's whole module graph: seconds when the other test projects load the cores.
    30_000,
  );

  it.each(
    handlers.filter((spec) => spec.capabilities.length > 0).map((spec) => [spec.name, spec.capabilities] as const),
  )(
    '%s needs each of its capabilities: withheld, the handler fails at cold start naming the variable',
    async (name, capabilities) => {
      // Withhold each capability in turn; one the handler does not read at cold start is one it should not have.
      const unused: string[] = [];
      for (const withheld of capabilities) {
        const env = environmentFor(name, capabilities, allValues());
        for (const variable of variablesOf(withheld)) delete env[variable];
        // A variable another capability also brings stays (e.g. MAX_SEND_RATE of mail and sms).
        for (const other of capabilities.filter((capability) => capability !== withheld)) {
          for (const variable of variablesOf(other))
            if (allValues()[variable]) env[variable] = allValues()[variable] ?? '';
        }
        const names = variablesOf(withheld).filter((variable) => env[variable] === undefined);
        if (names.length === 0) continue;
        try {
          await importWith(name, env);
          unused.push(withheld);
        } catch (error) {
          expect((error as Error).message).toMatch(new RegExp(names.join('|')));
        }
      }
      expect(unused, `${name} does not read these capabilities at cold start`).toEqual([]);
    },
    60_000,
  );

  it('gives read-only handlers no write capability', () => {
    for (const spec of handlers) {
      expect(spec.capabilities.includes('tableRead') && spec.capabilities.includes('tableWrite'), spec.name).toBe(
        false,
      );
    }
  });

  it('names the missing variable when config is read without its capability', () => {
    process.env = { ...RUNTIME };
    expect(() => readConfig('mail')).toThrow(/MAIL_FROM.*SES_CONFIGURATION_SET.*PUBLIC_BASE_URL.*MAX_SEND_RATE/);
  });

  it('maps every config section to capabilities that bring all of its variables', () => {
    for (const [section, capabilities] of Object.entries(SECTION_CAPABILITIES) as [
      ConfigSection,
      readonly Capability[],
    ][]) {
      for (const capability of capabilities) {
        process.env = { ...RUNTIME, ...environmentFor('probe', [capability], allValues()) };
        expect(() => readConfig(section), `${section} from ${capability}`).not.toThrow();
      }
    }
  });

  it('stops synth or npm start naming the handler and variable that a provider lacks', () => {
    const values = allValues();
    delete values['SMS_OPT_OUT_NUMBER'];
    expect(() => environmentFor('send-message', ['sms'], values)).toThrow(
      'send-message: capability sms needs SMS_OPT_OUT_NUMBER',
    );
  });
});
