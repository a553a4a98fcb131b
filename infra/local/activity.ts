/**
 * Counts the work in flight in the embedded runtime (function invocations, queued messages,
 * executions between two waits) so the clock control can wait until the pipeline is idle
 * instead of sleeping for wall-clock time.
 */
export class Activity {
  private busy = 0;
  private waiters: (() => void)[] = [];
  private failures: unknown[] = [];
  private idleHooks: (() => void)[] = [];

  begin(): () => void {
    this.busy++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.busy--;
      if (this.busy === 0) setImmediate(() => this.settle());
    };
  }

  async track<T>(work: Promise<T>): Promise<T> {
    const end = this.begin();
    try {
      return await work;
    } finally {
      end();
    }
  }

  /**
   * Runs `hook` the next time nothing else is in flight, before anyone waiting for idleness is
   * told; work it starts is waited for too. Models what arrives "a little later" (SES feedback).
   */
  whenIdle(hook: () => void): void {
    this.idleHooks.push(hook);
    if (this.busy === 0) setImmediate(() => this.settle());
  }

  /** Records an error nobody awaited (a background delivery that failed for good). */
  recordFailure(error: unknown): void {
    this.failures.push(error);
  }

  takeFailures(): unknown[] {
    const failures = this.failures;
    this.failures = [];
    return failures;
  }

  /** Resolves once nothing has been in flight for a full turn of the event loop. */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      setImmediate(() => this.settle());
    });
  }

  private settle(): void {
    if (this.busy !== 0) return;
    // Give chained promises one more macrotask to start new work before declaring idle.
    setImmediate(() => {
      if (this.busy !== 0) return;
      const hooks = this.idleHooks;
      this.idleHooks = [];
      for (const hook of hooks) hook();
      if (this.busy !== 0) return;
      const waiters = this.waiters;
      this.waiters = [];
      for (const resolve of waiters) resolve();
    });
  }
}
