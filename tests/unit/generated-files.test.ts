// Generated files must match what `npm run schema` writes now, and the OpenAPI must cover every route.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedFiles } from '#schema/generate';
import { routes } from '#infra/topology';

const ROOT = join(import.meta.dirname, '..', '..');

describe('generated files', () => {
  const files = generatedFiles();

  it.each(Object.keys(files))('%s is up to date (run `npm run schema`)', (path) => {
    expect(readFileSync(join(ROOT, path), 'utf8')).toBe(files[path]);
  });

  it('describes every route of the topology in schema/openapi.json', () => {
    const openapi = JSON.parse(files['schema/openapi.json'] ?? '{}') as {
      paths: Record<string, Record<string, unknown>>;
    };
    for (const route of routes)
      expect(openapi.paths[route.path]?.[route.method.toLowerCase()], `${route.method} ${route.path}`).toBeDefined();
    const enroll = openapi.paths['/members']?.['post'] as {
      requestBody: {
        content: { 'application/json': { schema: { additionalProperties: boolean; required: string[] } } };
      };
    };
    expect(enroll.requestBody.content['application/json'].schema).toMatchObject({
      additionalProperties: false,
      required: expect.arrayContaining(['name', 'locale', 'consents']),
    });
  });
});
