export type ExecutionState = 'running' | 'ended' | 'absent';

export interface Workflow {
  /** Starts the named execution; starting a running one with the same name and input is a no-op. */
  start(name: string, input: unknown): Promise<void>;
  describe(name: string): Promise<ExecutionState>;
  /** Resumes a parked task; 'gone' when the token is no longer valid (already resumed, timed out, execution ended). */
  resume(taskToken: string, output: unknown): Promise<'resumed' | 'gone'>;
}
