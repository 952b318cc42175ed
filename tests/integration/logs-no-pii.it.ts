// No personal data in logs: everything the local stack and its handlers logged while the whole integration suite
// ran (this part runs last) holds no e-mail address, phone number, fixture name or street of the members it made;
// and the business metrics went out as EMF lines.
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';

// One part of the integration suite (tests/integration/all.test.ts): its hooks stay inside this describe.
describe('logs-no-pii', () => {
  const PATTERNS: [string, RegExp][] = [
    // Addresses of members the suite made (the programme's own From address is not a member's).
    ['e-mail', /[A-Za-z0-9._%+-]+@(?!dangol\.example)[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/],
    ['phone', /(\+82\s?|\b0)10[-\s]?\d{3,4}[-\s]?\d{4}\b/],
    ['name', /김민지|남궁별하|제갈보호|이서연|기록열람|낯선이|남의이름|김보호|Jane Doe/],
    ['address', /세종대로|(?<![\w-])04524(?![\w-])/],
  ];

  it('finds no e-mail, phone, name or address of a member in the run’s logs', () => {
    const lines = readFileSync(inject('logFile'), 'utf8').split('\n');
    expect(lines.length).toBeGreaterThan(10);
    const found = lines.flatMap((line) =>
      PATTERNS.filter(([, pattern]) => pattern.test(line)).map(([kind]) => `${kind}: ${line.slice(0, 300)}`),
    );
    expect(found).toEqual([]);
  });

  it('wrote the business metrics as EMF: purchases, touchpoints by channel, SES events, tier reviews', () => {
    const emf = readFileSync(inject('logFile'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{"_aws"'))
      .map((line) => JSON.parse(line) as { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } });
    const names = new Set(
      emf.flatMap((line) => line._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((x) => x.Name))),
    );
    for (const name of ['PurchasesApplied', 'PurchasesRejected', 'TouchpointsSent', 'SesEvents', 'AudiencePages'])
      expect(names, name).toContain(name);
    const sent = emf.find((line) => JSON.stringify(line).includes('TouchpointsSent')) as Record<string, unknown>;
    expect(sent['channel']).toMatch(/^(email|sms|post)$/);
  });
});
