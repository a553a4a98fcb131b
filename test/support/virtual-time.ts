/**
 * Timers on a virtual clock, for models that run hours of quotas in seconds: `sleep` parks on the
 * virtual clock, and `run` advances it straight to the next timer once everything else has run.
 */
export class VirtualTime {
  now = 0;
  private readonly timers: { at: number; order: number; resolve: () => void }[] = [];
  private order = 0;

  readonly sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = { at: this.now + ms, order: this.order++, resolve };
      let index = this.timers.length;
      while (index > 0 && (this.timers[index - 1]?.at ?? 0) > timer.at) index--;
      this.timers.splice(index, 0, timer);
    });

  async run(done: () => boolean): Promise<void> {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (done()) return;
      const next = this.timers.shift();
      if (!next) return;
      this.now = next.at;
      next.resolve();
    }
  }
}
