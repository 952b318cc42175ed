// Builds the marketing console (web/) with esbuild: one minified ES module, its stylesheet and page, into an ignored
// folder. `npm run build` runs it; `npm start`, the e2e tests and the CDK stack (S3) use the same call.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';

const ROOT = join(import.meta.dirname, '..', '..');
export const CONSOLE_OUT = join(ROOT, '.cache', 'web', 'console');

/** The console's JavaScript may weigh this much, gzipped (issue 17). */
export const CONSOLE_JS_GZIP_BUDGET = 150 * 1024;

/** Builds the console into `outDir`; answers the JavaScript's size gzipped. */
export function buildConsole(outDir = CONSOLE_OUT): { jsGzipBytes: number } {
  mkdirSync(outDir, { recursive: true });
  buildSync({
    absWorkingDir: ROOT,
    entryPoints: [join(ROOT, 'web', 'src', 'main.ts')],
    outfile: join(outDir, 'app.js'),
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    legalComments: 'none',
    // The schema's zod-locale and the domain's modules are shared with the functions; nothing of Node may come in.
    logLevel: 'warning',
  });
  copyFileSync(join(ROOT, 'web', 'index.html'), join(outDir, 'index.html'));
  copyFileSync(join(ROOT, 'web', 'console.css'), join(outDir, 'console.css'));
  return { jsGzipBytes: gzipSync(readFileSync(join(outDir, 'app.js'))).length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { jsGzipBytes } = buildConsole();
  console.log(`console built in ${CONSOLE_OUT}: app.js ${(jsGzipBytes / 1024).toFixed(1)} KB gzip`);
}
