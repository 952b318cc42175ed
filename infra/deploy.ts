// `npm run deploy|diff|destroy -- --config <file>`: the deployment's config is checked before CDK runs (a wrong or
// missing field stops here, named); then CDK bootstraps the two regions when needed (us-east-1 carries the edge's
// WAF), deploys or diffs every stack, and prints what the operator must do next (the DNS records of the mail
// domain). `destroy` removes the service and edge stacks and keeps the stateful one: the members' data stays.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type DeployConfig, readDeployConfig } from './config.ts';

export type Action = 'deploy' | 'diff' | 'destroy';

const OUTPUTS_FILE = join('.cache', 'deploy-outputs.json');

/** The CDK commands of an action, in order (pure, so tests can read them). */
export function cdkCommands(action: Action, configFile: string): string[][] {
  const context = ['-c', `config=${configFile}`];
  const cdk = (...args: string[]) => ['npx', 'cdk', ...args, ...context];
  if (action === 'diff') return [cdk('diff', '--all')];
  if (action === 'destroy') return [cdk('destroy', 'DangolEdge', 'DangolService', '--force')];
  return [
    // Every environment the app's stacks use (config.region and us-east-1), for the credentials' account;
    // idempotent: a no-op when they are bootstrapped and current.
    cdk('bootstrap'),
    cdk('deploy', '--all', '--require-approval', 'broadening', '--outputs-file', OUTPUTS_FILE),
  ];
}

/** What to do after a deploy, from the stack outputs: DNS records of the mail domain, the URLs, the next steps. */
export function nextSteps(outputs: Record<string, Record<string, string>>, config: DeployConfig): string[] {
  const all = Object.values(outputs).flatMap((stack) => Object.entries(stack));
  const find = (part: string) => all.filter(([key]) => key.includes(part)).map(([, value]) => value);
  const lines = ['', `dangol ${config.stage} is deployed.`, ''];
  if (!config.mail.hostedZone) {
    lines.push(`Create these DNS records for ${config.mail.domain} (SES verifies the domain once they resolve):`);
    for (const record of [...find('DkimCname'), ...find('MailFromMxRecord'), ...find('MailFromTxtRecord')])
      lines.push(`  ${record}`);
    lines.push('and, to start with, this DMARC record (p=none while you watch the reports):');
    for (const record of find('DmarcSuggestion')) lines.push(`  ${record}`);
    lines.push('');
  }
  for (const [label, part] of [
    ['Join form', 'JoinFormUrl'],
    ['Edge (CloudFront + WAF): set publicBaseUrl to it', 'EdgeUrl'],
    ['Sales channels attach this policy to put purchases', 'SalesChannelProducerPolicyArn'],
  ] as const) {
    for (const value of find(part)) lines.push(`${label}: ${value}`);
  }
  lines.push(
    '',
    `Each address in ops.alarmEmails gets an SNS confirmation mail: confirm it, or alarms reach nobody.`,
    `${config.admin.firstMarketingEmail} gets a temporary password for the admin API (MFA at first sign-in).`,
    'Leave the SES sandbox before mailing members: docs/operations.md.',
  );
  return lines;
}

function run(command: string[]): void {
  console.log(`$ ${command.join(' ')}`);
  const result = spawnSync(command[0] ?? 'npx', command.slice(1), { stdio: 'inherit', env: process.env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const [action, ...args] = process.argv.slice(2);
  const at = args.indexOf('--config');
  const configFile = at >= 0 ? args[at + 1] : undefined;
  if (!['deploy', 'diff', 'destroy'].includes(action ?? '') || !configFile) {
    console.error('usage: npm run deploy|diff|destroy -- --config <file>');
    process.exit(2);
  }
  let config: DeployConfig;
  try {
    config = readDeployConfig(configFile);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  process.env['AWS_REGION'] ??= config.region;
  process.env['CDK_DISABLE_VERSION_CHECK'] ??= '1';
  for (const command of cdkCommands(action as Action, configFile)) run(command);
  if (action === 'deploy' && existsSync(OUTPUTS_FILE)) {
    const outputs = JSON.parse(readFileSync(OUTPUTS_FILE, 'utf8')) as Record<string, Record<string, string>>;
    for (const line of nextSteps(outputs, config)) console.log(line);
  }
}
