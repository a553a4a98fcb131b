/** One-time timers that invoke the wake function at an instant. */
export interface Timers {
  /** Creates or replaces the timer called `name`. */
  arm(name: string, at: Date, payload: unknown): Promise<void>;
  /** Deletes the timer; no error if it does not exist. */
  cancel(name: string): Promise<void>;
}
