// `npm run bench`: figures measured in one run on this machine; only the ratios are meant to be compared.
import { benchBundles } from './bundles.ts';

console.log(`dangol bench — ${new Date().toISOString()} — node ${process.version}`);
await benchBundles();
