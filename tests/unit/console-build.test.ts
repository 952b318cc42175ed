// The console's build: one ES module within its gzip budget (issue 17: ≤ 150 KB), and no address of another host it
// could load from (a CDN, fonts, analytics) — only the sample links of the previews and XML namespaces.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConsole, CONSOLE_JS_GZIP_BUDGET } from '#infra/web/build';

describe('console build', () => {
  const out = mkdtempSync(join(tmpdir(), 'console-'));
  const { jsGzipBytes } = buildConsole(out);

  it('stays within 150 KB of JavaScript, gzipped', () => {
    expect(jsGzipBytes).toBeGreaterThan(10_000);
    expect(jsGzipBytes).toBeLessThanOrEqual(CONSOLE_JS_GZIP_BUDGET);
  });

  it('names no other host to load from', () => {
    const js = readFileSync(join(out, 'app.js'), 'utf8');
    const hosts = new Set([...js.matchAll(/https?:\/\/([a-zA-Z0-9.-]+)/g)].map((match) => match[1]));
    expect([...hosts].filter((host) => !['www.w3.org', 'example.com'].includes(host ?? ''))).toEqual([]);
    const page = readFileSync(join(out, 'index.html'), 'utf8');
    expect(page).not.toMatch(/https?:\/\//);
  });
});
