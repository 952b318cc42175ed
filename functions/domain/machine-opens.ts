// Opens that no person made: Apple Mail Privacy Protection loads every mail's images through Apple's proxies as it
// arrives, and security scanners open (and follow) whatever reaches the companies they guard. Counted as opens,
// they make every campaign look read and stop the reached-not-opened follow-ups of the seeds. Told by the open
// event SES records: where it came from, what fetched it, and how soon after the send.

/** Apple's own network (17.0.0.0/8), where Mail Privacy Protection's prefetches come from. */
const APPLE_NETWORK = /^17\./;

/** Mail Privacy Protection's prefetch sends this bare user agent and nothing else. */
const BARE_USER_AGENT = 'Mozilla/5.0';

/** Security gateways, link scanners and scripts (not the image proxies of webmail, which load on a real open). */
const MACHINE_AGENTS =
  /bot\b|crawler|spider|scanner|proofpoint|mimecast|barracuda|symantec|messagelabs|trendmicro|forcepoint|sophos|fireeye|cisco|python-requests|curl\/|wget\/|headless/i;

/** An open this soon after the send was made by whatever received the mail, not by its reader. */
export const MACHINE_OPEN_WITHIN_MS = 10_000;

export interface OpenFacts {
  readonly ipAddress?: string;
  readonly userAgent?: string;
  /** When the open happened, and when the mail was sent (SES's `open.timestamp` and `mail.timestamp`). */
  readonly openedAt?: string;
  readonly sentAt?: string;
}

/** Why an open is a machine's, or null for a person's. */
export function machineOpenReason(open: OpenFacts): 'apple-privacy' | 'scanner' | 'too-soon' | null {
  if (open.ipAddress && APPLE_NETWORK.test(open.ipAddress)) return 'apple-privacy';
  if (open.userAgent?.trim() === BARE_USER_AGENT) return 'apple-privacy';
  if (open.userAgent && MACHINE_AGENTS.test(open.userAgent)) return 'scanner';
  if (open.openedAt && open.sentAt) {
    const after = Date.parse(open.openedAt) - Date.parse(open.sentAt);
    if (Number.isFinite(after) && after >= 0 && after < MACHINE_OPEN_WITHIN_MS) return 'too-soon';
  }
  return null;
}
