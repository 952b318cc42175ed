// A token bucket in the sending function: at most `ratePerSecond` destinations a second, with a burst of one
// second's worth, so bulk calls of 50 are paced instead of hitting SES's maximum send rate.
import type { RateLimiter } from '#app/send-touchpoints';

export class TokenBucket implements RateLimiter {
  private tokens: number;
  private last: number;

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
    this.tokens = Math.min(Math.max(this.ratePerSecond, 1), this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
  }

  async acquire(count: number): Promise<void> {
    // A request larger than the bucket waits for the whole amount and may take the bucket negative once.
    this.refill();
    while (this.tokens < Math.min(count, Math.max(this.ratePerSecond, 1))) {
      await this.sleep(Math.ceil(((Math.min(count, Math.max(this.ratePerSecond, 1)) - this.tokens) / this.ratePerSecond) * 1000));
      this.refill();
    }
    this.tokens -= count;
  }
}
