/**
 * What a start by name found: 'started' when the execution runs now (started by this call, or
 * already running with the same input: Step Functions treats that start as a no-op), 'ended'
 * when an execution of that name has ended (its name cannot be used again for 90 days).
 */
export type StartResult = 'started' | 'ended';

export interface Workflow {
  /** Starts the named execution; starting a running one with the same name and input is a no-op. */
  start(name: string, input: unknown): Promise<StartResult>;
  /** Resumes a parked task; 'gone' when the token is no longer valid (already resumed, timed out, execution ended). */
  resume(taskToken: string, output: unknown): Promise<'resumed' | 'gone'>;
  /**
   * Ends a parked task's execution: the lifecycle is over. The task fails with `LIFECYCLE_CLOSED`,
   * which the state machine catches into its Succeed state (a self-looping task has no other way
   * out without a choice state, which would cost a transition per wake-up). 'gone' as for resume.
   */
  finish(taskToken: string): Promise<'finished' | 'gone'>;
}

/** The executions of the dunning state machine that are running now, for the reconciler. */
export interface RunningExecutions {
  /** Their names, a page at a time; an execution that starts or ends meanwhile may or may not be among them. */
  pages(): AsyncIterable<readonly string[]>;
}

/** The error a parked task fails with when its lifecycle closed; the state machine ends in success on it. */
export const LIFECYCLE_CLOSED = 'Dunwell.LifecycleClosed';
