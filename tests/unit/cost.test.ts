// The cost model: lines per service from volumes × per-operation counts × prices; `npm run cost` prints a bill.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { monthlyBill, type Volumes } from '#infra/cost/model';
import { prices } from '#infra/cost/prices';

const base: Volumes = {
  members: 100_000,
  purchasesPerMonth: 50_000,
  enrollmentsPerMonth: 2_000,
  mailsPerMonth: 400_000,
  smsPerMonth: 10_000,
  apiRequestsPerMonth: 200_000,
};
const line = (volumes: Volumes, service: string) => monthlyBill(volumes).find((l) => l.service === service)?.usd ?? NaN;

describe('cost model', () => {
  it('prices mail by the thousand and SMS by the message', () => {
    expect(line(base, 'SES')).toBeCloseTo(((400_000 + 2 * 2_000) / 1000) * prices.sesPer1000, 2);
    expect(line(base, 'SNS SMS')).toBeCloseTo(10_000 * prices.smsKoreaPerMessage, 2);
    expect(line({ ...base, mailsPerMonth: 800_000 }, 'SES')).toBeGreaterThan(1.9 * line(base, 'SES'));
  });

  it('grows DynamoDB with purchases and members, and keeps fixed costs fixed', () => {
    expect(line({ ...base, purchasesPerMonth: 5_000_000 }, 'DynamoDB')).toBeGreaterThan(line(base, 'DynamoDB') + 10);
    expect(line({ ...base, members: 0 }, 'KMS + Secrets Manager')).toBe(line(base, 'KMS + Secrets Manager'));
  });

  it('refuses a negative or missing volume', () => {
    expect(() => monthlyBill({ ...base, purchasesPerMonth: -1 })).toThrow(/purchasesPerMonth/);
    expect(() => monthlyBill({ ...base, members: Number.NaN })).toThrow(/members/);
  });

  it('prints a bill with a total from the command line', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, '..', '..', 'infra', 'cost', 'cli.ts'), '--members', '100000'],
      { encoding: 'utf8' },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^total\s+\$\d+\.\d\d$/m);
    expect(result.stdout).toContain('DynamoDB');
  });
});
