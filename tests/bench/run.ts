// `npm run bench`: figures measured in one run on this machine; only the ratios are meant to be compared.
import { benchBundles } from './bundles.ts';
import { benchPurchases } from './purchases.ts';
import { benchSending } from './sending.ts';

console.log(`dangol bench — ${new Date().toISOString()} — node ${process.version}`);
await benchBundles();
await benchPurchases();
await benchSending();
