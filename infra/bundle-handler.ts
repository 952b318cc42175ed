// Bundles one handler with esbuild's JS API — the same call for the CDK assets and for `npm run bench`, so what is
// measured is what is deployed. Run as a script (`tsx infra/bundle-handler.ts <entry> <outfile>`) by the CDK's local
// bundling, which must be synchronous.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { bundlingSettings } from './bundling.ts';

const ROOT = join(import.meta.dirname, '..');

/**
 * The AWS SDK's schema modules declare every shape of a service; esbuild drops the ones a handler never uses only
 * if their declarations look pure. Two constructs in them do not: computed keys (`{ [_h]: … }`, where `_h` is a
 * string constant of the same module) and `64 | 0` trait masks. This rewrites both to the literals they are —
 * nothing else changes — so tree shaking can keep just the operations the handler calls (SES v2: 47 → 5 KB).
 */
export const foldSdkSchemas: Plugin = {
  name: 'fold-sdk-schemas',
  setup(pluginBuild) {
    pluginBuild.onLoad(
      { filter: /@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ },
      async (args) => {
        const source = await readFile(args.path, 'utf8');
        const constants = new Map(
          [...source.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm)].map((match) => [match[1], match[2]]),
        );
        const contents = source
          .replace(/\b(\d+) \| (\d+)\b/g, (_, left: string, right: string) => String(Number(left) | Number(right)))
          .replace(/\[(_\w+)\]:/g, (whole, name: string) => {
            const literal = constants.get(name);
            return literal ? `${literal}:` : whole;
          });
        return { contents, loader: 'js' };
      },
    );
  },
};

export async function bundleHandler(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: bundlingSettings.format,
    minify: bundlingSettings.minify,
    target: bundlingSettings.target,
    mainFields: [...bundlingSettings.mainFields],
    banner: { js: bundlingSettings.banner },
    alias: bundlingSettings.alias,
    plugins: [foldSdkSchemas],
    absWorkingDir: ROOT,
    logLevel: 'error',
  });
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const [entry, outfile] = process.argv.slice(2);
  if (!entry || !outfile) throw new Error('usage: bundle-handler.ts <entry> <outfile>');
  await bundleHandler(entry, outfile);
}
