// `npm run bench`: figures measured in one run on this machine; only the ratios are meant to be compared.
import { benchBundles } from './bundles.ts';
import { benchPurchases } from './purchases.ts';
import { spawnSync } from 'node:child_process';

console.log(`dangol bench — ${new Date().toISOString()} — node ${process.version}`);
await benchBundles();
await benchPurchases();
// Sending runs in its own process: it needs the whole local stack, and the SDK clients of this process already
// point at the purchases bench's DynamoDB Local.
const sending = spawnSync(
  process.execPath,
  [...process.execArgv, new URL('./sending-main.ts', import.meta.url).pathname],
  { stdio: 'inherit' },
);
if (sending.status !== 0) process.exit(sending.status ?? 1);
// Imports too: a DynamoDB Local of their own, 100,000 rows streamed from a file.
const imports = spawnSync(
  process.execPath,
  [...process.execArgv, '--expose-gc', new URL('./imports-main.ts', import.meta.url).pathname],
  { stdio: 'inherit' },
);
if (imports.status !== 0) process.exit(imports.status ?? 1);
