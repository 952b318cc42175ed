// The rate one e-mail sender instance may use: its share of the configured rate, never more than its share of what
// SES allows the account.

/**
 * `configured` is this instance's share of the deployment's rate (MAX_SEND_RATE); `share` the fraction of the
 * account's rate that belongs to it (1 / the sender's concurrency); `account` SES's MaxSendRate, when known.
 */
export function senderRate(configured: number, share: number, account: number | undefined): number {
  if (account === undefined) return configured;
  return Math.min(configured, account * share);
}
