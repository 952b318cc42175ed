// `npm run deploy|diff|destroy -- --config <file>`: the config is checked before CDK runs, destroy keeps the data,
// and a deploy ends with the operator's next steps (the mail domain's DNS records).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDeployConfig } from '#infra/config';
import { cdkCommands, nextSteps } from '#infra/deploy';

const ROOT = join(import.meta.dirname, '..', '..');
const example = join(ROOT, 'dangol.config.example.json');

describe('deploy command', () => {
  it('stops before CDK runs when the config is wrong, naming the field', () => {
    mkdirSync(join(ROOT, '.cache'), { recursive: true });
    const bad = join(ROOT, '.cache', 'bad.config.json');
    const config = readDeployConfig(example);
    writeFileSync(bad, JSON.stringify({ ...config, sms: { ...config.sms, optOutNumber: undefined } }));
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'infra', 'deploy.ts'), 'deploy', '--config', bad],
      {
        encoding: 'utf8',
        cwd: ROOT,
        env: { ...process.env, PATH: '/nonexistent' },
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('sms.optOutNumber');
    expect(result.stdout).not.toContain('cdk');
  });

  it('bootstraps then deploys every stack; diff diffs them; destroy keeps the stateful stack', () => {
    expect(cdkCommands('deploy', 'c.json').map((command) => command.slice(2, 4))).toEqual([
      ['bootstrap', '-c'],
      ['deploy', '--all'],
    ]);
    expect(cdkCommands('diff', 'c.json')[0]).toEqual(['npx', 'cdk', 'diff', '--all', '-c', 'config=c.json']);
    const destroy = cdkCommands('destroy', 'c.json')[0] ?? [];
    expect(destroy).toContain('DangolService');
    expect(destroy).toContain('DangolEdge');
    expect(destroy).not.toContain('DangolStateful');
    expect(destroy).not.toContain('--all');
  });

  it('prints the DNS records to create and the next steps after a deploy', () => {
    const config = readDeployConfig(example);
    const lines = nextSteps(
      {
        'dangol-prod-service': {
          MessagingDkimCname1A: 'abc._domainkey.mail.brand.example CNAME abc.dkim.amazonses.com',
          MessagingMailFromMxRecordB: 'bounce.mail.brand.example MX 10 feedback-smtp.ap-northeast-2.amazonses.com',
          MessagingDmarcSuggestionC: '_dmarc.mail.brand.example TXT "v=DMARC1; p=none"',
          JoinFormUrl: 'https://api.example/join',
        },
      },
      config,
    ).join('\n');
    expect(lines).toContain('abc._domainkey.mail.brand.example CNAME abc.dkim.amazonses.com');
    expect(lines).toContain('bounce.mail.brand.example MX 10 feedback-smtp');
    expect(lines).toContain('_dmarc.mail.brand.example TXT');
    expect(lines).toContain('Join form: https://api.example/join');
    expect(lines).toContain('confirm it');
  });
});
