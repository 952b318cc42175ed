// A token bucket in the sending function: at most `ratePerSecond` destinations a second, with a burst of one
// second's worth, so bulk calls of 50 are paced instead of hitting SES's maximum send rate.
import type { RateLimiter } from '#app/send-touchpoints';
import { NoTimeLeft } from '#app/sending-ports';

export class TokenBucket implements RateLimiter {
  private tokens: number;
  private last: number;
  private blockedUntil = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.tokens = Math.max(ratePerSecond, 1);
    this.last = now();
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(
      Math.max(this.ratePerSecond, 1),
      this.tokens + ((now - this.last) / 1000) * this.ratePerSecond,
    );
    this.last = now;
  }

  /**
   * SES refused `count` sends for its rate: they are given back (nothing went out), and nobody in this sender takes
   * tokens for as long as they take at the rate (the bucket keeps filling meanwhile, up to one second's worth).
   */
  throttled(count: number): void {
    this.refill();
    this.tokens = Math.min(Math.max(this.ratePerSecond, 1), this.tokens + count);
    this.blockedUntil = Math.max(this.blockedUntil, this.now() + (count / this.ratePerSecond) * 1000);
  }

  async acquire(count: number, withinMs?: number): Promise<void> {
    const deadline = withinMs === undefined ? Number.POSITIVE_INFINITY : this.now() + withinMs;
    const wait = async (ms: number) => {
      // Waiting past the deadline would leave the caller no time for its call: it gives up before, sending nothing.
      if (this.now() + ms > deadline) throw new NoTimeLeft(count, ms);
      await this.sleep(ms);
    };
    for (let blocked = this.blockedUntil - this.now(); blocked > 0; blocked = this.blockedUntil - this.now())
      await wait(blocked);
    // A request larger than the bucket waits for the whole amount and may take the bucket negative once.
    this.refill();
    while (this.tokens < Math.min(count, Math.max(this.ratePerSecond, 1))) {
      await wait(
        Math.ceil(((Math.min(count, Math.max(this.ratePerSecond, 1)) - this.tokens) / this.ratePerSecond) * 1000),
      );
      this.refill();
    }
    this.tokens -= count;
  }
}
