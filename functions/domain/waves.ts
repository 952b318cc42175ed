// Waves of a campaign: receiving servers see at most a few recipients of one domain per wave, and a wave is a small
// part of the audience; bulk calls hold at most 50 destinations.
import { emailDomain } from './identity.ts';

/** SES `SendBulkEmail` takes at most 50 destinations a call (the emulator does not enforce it; we do). */
export const BULK_LIMIT = 50;
/** Receiving servers' patience: at most this many recipients of one domain per wave. */
export const PER_DOMAIN_PER_WAVE = 3;
/** A wave is at most 1/100 of the audience… */
export const WAVE_DIVISOR = 100;
/** …but never below one bulk call. */
export const MIN_WAVE = BULK_LIMIT;
/**
 * Splits recipients into waves: each at most max(50, audience/100) recipients and at most 3 per receiving
 * domain, domains taken in turn so that no server gets a run of the same campaign. Recipients without a
 * domain (SMS, post) are not limited per domain.
 */
export function planWaves<T extends { readonly domain?: string | undefined }>(
  recipients: readonly T[],
  audienceSize: number,
): T[][] {
  const capacity = Math.max(MIN_WAVE, Math.floor(audienceSize / WAVE_DIVISOR));
  const byDomain = new Map<string, T[]>();
  recipients.forEach((recipient, index) => {
    const key = recipient.domain ? `@${recipient.domain.toLowerCase()}` : `#${index}`;
    const list = byDomain.get(key);
    if (list) list.push(recipient);
    else byDomain.set(key, [recipient]);
  });
  const lanes = [...byDomain.values()].map((list) => ({ list, next: 0 }));
  const waves: T[][] = [];
  let remaining = recipients.length;
  while (remaining > 0) {
    const wave: T[] = [];
    const taken = new Map<(typeof lanes)[number], number>();
    let progressed = true;
    while (progressed && wave.length < capacity) {
      progressed = false;
      for (const lane of lanes) {
        if (wave.length >= capacity) break;
        if (lane.next >= lane.list.length || (taken.get(lane) ?? 0) >= PER_DOMAIN_PER_WAVE) continue;
        wave.push(lane.list[lane.next] as T);
        lane.next += 1;
        taken.set(lane, (taken.get(lane) ?? 0) + 1);
        progressed = true;
      }
    }
    remaining -= wave.length;
    waves.push(wave);
    for (let i = lanes.length - 1; i >= 0; i--)
      if ((lanes[i]?.next ?? 0) >= (lanes[i]?.list.length ?? 0)) lanes.splice(i, 1);
  }
  return waves;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** E-mail domain of an address (the only part of an address the dispatcher keeps). */
export const domainOf = (email: string | undefined) =>
  email?.includes('@') ? emailDomain(email).toLowerCase() : undefined;

/** SQS holds a message back 900 s at most. */
export const MAX_QUEUE_DELAY_SECONDS = 900;

/**
 * When a wave's job may go: its delay on the queue now (capped at SQS's 900 s) and, for a wave later than that, the
 * time it must not be sent before (the sender puts it back until then), so waves stay spaced however many there are.
 */
export function waveTiming(
  wave: number,
  intervalSeconds: number,
  now: Date,
): { delaySeconds: number; notBefore?: string } {
  const seconds = Math.max(0, wave * intervalSeconds);
  if (seconds <= MAX_QUEUE_DELAY_SECONDS) return { delaySeconds: seconds };
  return { delaySeconds: MAX_QUEUE_DELAY_SECONDS, notBefore: new Date(now.getTime() + seconds * 1000).toISOString() };
}
