export type ExecutionState = 'running' | 'ended' | 'absent';

export interface Workflow {
  /** Starts the named execution; starting a running one with the same name and input is a no-op. */
  start(name: string, input: unknown): Promise<void>;
  describe(name: string): Promise<ExecutionState>;
  /** Resumes a parked task; 'gone' when the token is no longer valid (already resumed, timed out, execution ended). */
  resume(taskToken: string, output: unknown): Promise<'resumed' | 'gone'>;
  /**
   * Ends a parked task's execution: the lifecycle is over. The task fails with `LIFECYCLE_CLOSED`,
   * which the state machine catches into its Succeed state (a self-looping task has no other way
   * out without a choice state, which would cost a transition per wake-up). 'gone' as for resume.
   */
  finish(taskToken: string): Promise<'finished' | 'gone'>;
}

/** The error a parked task fails with when its lifecycle closed; the state machine ends in success on it. */
export const LIFECYCLE_CLOSED = 'Dunwell.LifecycleClosed';
