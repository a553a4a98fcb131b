/**
 * A token bucket: `take(n)` resolves once n tokens are there, refilled at `ratePerSecond` up to
 * `burst`. Time comes in through `now` and `sleep`, so a model can run it on virtual time.
 */
export class Pacer {
  private readonly ratePerSecond: number;
  private readonly burst: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private tokens: number;
  private refilledAt: number;
  /** Takes wait in line, so a large take is never starved by small ones. */
  private line: Promise<void> = Promise.resolve();

  constructor(options: { ratePerSecond: number; burst: number; now: () => number; sleep: (ms: number) => Promise<void> }) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1))
      throw new RangeError('a pacer needs a positive rate and a burst of at least 1');
    this.ratePerSecond = options.ratePerSecond;
    this.burst = options.burst;
    this.now = options.now;
    this.sleep = options.sleep;
    this.tokens = options.burst;
    this.refilledAt = options.now();
  }

  take(count = 1): Promise<void> {
    if (count > this.burst) throw new RangeError(`cannot take ${count} tokens from a bucket of ${this.burst}`);
    const turn = this.line.then(() => this.wait(count));
    this.line = turn;
    return turn;
  }

  private async wait(count: number): Promise<void> {
    for (;;) {
      const now = this.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.ratePerSecond);
      this.refilledAt = now;
      if (this.tokens >= count) {
        this.tokens -= count;
        return;
      }
      await this.sleep(Math.max(1, Math.ceil(((count - this.tokens) / this.ratePerSecond) * 1000)));
    }
  }
}
