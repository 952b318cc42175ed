// The house rules of DESIGN.md, held by tests over the source: keys built in one module, imports one way.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return name === 'generated' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
/** The code without its comments, so a key named in a comment is not a key literal. */
const code = (file: string) =>
  read(file)
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

/** The layer of a file under functions/, schema/ or infra/. */
function layerOf(file: string): string {
  const [top, second] = file.split('/');
  if (top === 'functions') return second ?? '';
  return top ?? '';
}

/** Where each import of a file points: a layer name (or a package). */
function importsOf(file: string): { target: string; line: string }[] {
  const found: { target: string; line: string }[] = [];
  for (const match of read(file).matchAll(
    /^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'|import\('([^']+)'\)/gm,
  )) {
    const specifier = match[1] ?? match[2] ?? match[3] ?? '';
    let target: string;
    if (specifier.startsWith('#')) target = specifier.slice(1).split('/')[0] ?? '';
    else if (specifier.startsWith('.')) {
      const resolved = relative(ROOT, join(ROOT, file, '..', specifier));
      target = layerOf(resolved);
    } else target = `package:${specifier}`;
    found.push({ target, line: match[0].trim() });
  }
  return found;
}

const ALLOWED: Record<string, (target: string) => boolean> = {
  // Pure rules: schema types at most (checked below), no AWS, no other layer.
  domain: (target) =>
    ['domain', 'schema'].includes(target) ||
    ['package:libphonenumber-js/core', 'package:node:crypto', 'package:node:zlib'].includes(target),
  // Use cases: domain, schema, their own ports; never adapters, HTTP, handlers or infra.
  app: (target) => ['app', 'domain', 'schema'].includes(target) || target === 'package:node:crypto',
  // Adapters: the AWS SDK, app ports, domain and schema; never infra, handlers or shared HTTP.
  adapters: (target) => ['adapters', 'app', 'domain', 'schema'].includes(target) || target.startsWith('package:'),
  // Schemas check with domain's pure normalisers (one rule for parsing and storing a phone); never the reverse.
  schema: (target) => ['schema', 'domain'].includes(target) || target.startsWith('package:zod'),
};

/** Build scripts that run at development time, not in the product: outside the layers. */
const BUILD_SCRIPTS = ['schema/generate.ts'];

describe('layers', () => {
  for (const layer of Object.keys(ALLOWED)) {
    it(`${layer} imports only what its layer may`, () => {
      const dir = layer === 'schema' ? 'schema' : `functions/${layer}`;
      const wrong = sourceFiles(dir)
        .filter((file) => !BUILD_SCRIPTS.includes(file))
        .flatMap((file) =>
          importsOf(file)
            .filter(({ target }) => !ALLOWED[layer]?.(target))
            .map(({ line }) => `${file}: ${line}`),
        );
      expect(wrong).toEqual([]);
    });
  }

  it('domain imports of schema are types only (or generated data), so the two never form a cycle', () => {
    const wrong = sourceFiles('functions/domain').flatMap((file) =>
      [...read(file).matchAll(/^import\s+(type\s+)?\{[^}]*\}\s+from\s+'(#schema\/[^']+)'/gm)]
        .filter((match) => !match[1] && !match[2]?.startsWith('#schema/generated/'))
        .map((match) => `${file}: ${match[0]}`),
    );
    expect(wrong).toEqual([]);
  });

  it('only handlers and shared/wiring.ts compose adapters', () => {
    // The stack's IAM conditions name key prefixes (the append-only audit log): it may read them from keys.ts.
    const keysOnly = (file: string) =>
      file === 'infra/constructs/capability-grants.ts' &&
      /from '\.\.\/\.\.\/functions\/adapters\/keys\.ts'/.test(readFileSync(join(ROOT, file), 'utf8')) &&
      !/functions\/adapters\/(?!keys\.ts)/.test(readFileSync(join(ROOT, file), 'utf8'));
    const composing = [...sourceFiles('functions'), ...sourceFiles('infra')].filter(
      (file) =>
        !file.startsWith('functions/adapters/') &&
        !keysOnly(file) &&
        importsOf(file).some(({ target }) => target === 'adapters'),
    );
    const allowed = (file: string) =>
      file === 'functions/shared/wiring.ts' ||
      // The webhook functions' own wiring (its SDK commands would ride in every bundle that imports wiring.ts).
      file === 'functions/shared/webhook-wiring.ts' ||
      file.startsWith('infra/local/') ||
      file === 'functions/shared/lambda-credentials.ts' ||
      // Every handler wrapper traces the invocation with the X-Ray adapter's tracer.
      file === 'functions/shared/tracing.ts';
    expect(composing.filter((file) => !allowed(file))).toEqual([]);
  });

  it('handlers never import infra (the topology is for the stacks)', () => {
    const wrong = sourceFiles('functions').filter((file) => importsOf(file).some(({ target }) => target === 'infra'));
    expect(wrong).toEqual([]);
  });

  it('catches a forbidden import (the check itself can fail)', () => {
    expect(ALLOWED['app']?.('adapters')).toBe(false);
    expect(ALLOWED['domain']?.('package:@aws-sdk/client-dynamodb')).toBe(false);
    expect(ALLOWED['adapters']?.('infra')).toBe(false);
  });
});

describe('DynamoDB keys', () => {
  const KEY_LITERAL = /['"`][A-Z][A-Z_]*#/;

  it('are written only in functions/adapters/keys.ts', () => {
    const files = [...sourceFiles('functions'), ...sourceFiles('schema')].filter(
      (file) => file !== 'functions/adapters/keys.ts',
    );
    const wrong = files.flatMap((file) =>
      code(file)
        .split('\n')
        .map((line, index) => ({ line, index }))
        .filter(({ line }) => KEY_LITERAL.test(line))
        .map(({ line, index }) => `${file}:${index + 1}: ${line.trim()}`),
    );
    expect(wrong).toEqual([]);
  });

  it('of every prefix in keys.ts are listed in the README access-pattern table', () => {
    const prefixes = new Set(
      [...code('functions/adapters/keys.ts').matchAll(/[`'"]([A-Z][A-Z_]*)#/g)].map((match) => match[1]),
    );
    const readme = read('README.md');
    const table = readme.slice(
      readme.indexOf('## Access patterns'),
      readme.indexOf('\n## ', readme.indexOf('## Access patterns') + 5),
    );
    const missing = [...prefixes].filter((prefix) => !table.includes(`${prefix}#`));
    expect(prefixes.size).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });
});
