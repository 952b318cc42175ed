// Opens no person made are told apart from a reader's: Apple's privacy prefetch, scanners, opens seconds after the send.
import { describe, expect, it } from 'vitest';
import { machineOpenReason } from '#domain/machine-opens';

const SENT = '2027-03-02T01:00:00.000Z';

describe('machine opens', () => {
  it.each([
    [
      { ipAddress: '17.58.100.4', userAgent: 'Mozilla/5.0 (iPhone) AppleWebKit', openedAt: '2027-03-02T09:00:00Z' },
      'apple-privacy',
    ],
    [{ ipAddress: '203.0.113.9', userAgent: 'Mozilla/5.0' }, 'apple-privacy'],
    [{ ipAddress: '203.0.113.9', userAgent: 'Mozilla/5.0 (compatible; Proofpoint URL Defense)' }, 'scanner'],
    [{ ipAddress: '198.51.100.7', userAgent: 'python-requests/2.31' }, 'scanner'],
    [
      {
        ipAddress: '198.51.100.7',
        userAgent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/126',
        openedAt: '2027-03-02T01:00:04Z',
      },
      'too-soon',
    ],
  ] as const)('%o is a machine’s (%s)', (open, reason) => {
    expect(machineOpenReason({ sentAt: SENT, ...open })).toBe(reason);
  });

  it.each([
    {
      ipAddress: '198.51.100.7',
      userAgent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/126',
      openedAt: '2027-03-02T01:05:00Z',
    },
    // Gmail's image proxy fetches when the reader opens the mail.
    {
      ipAddress: '66.249.84.1',
      userAgent: 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)',
    },
    // Nothing to go by: counted as the reader's.
    {},
  ])('%o is a person’s', (open) => {
    expect(machineOpenReason({ sentAt: SENT, ...open })).toBeNull();
  });
});
