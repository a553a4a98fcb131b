import { DescribeExecutionCommand, SendTaskSuccessCommand, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { ExecutionState, Workflow } from '#ports/workflow.ts';

export class StepFunctionsWorkflow implements Workflow {
  private readonly client: SFNClient;
  private readonly stateMachineArn: string;

  constructor(client: SFNClient, stateMachineArn: string) {
    this.client = client;
    this.stateMachineArn = stateMachineArn;
  }

  async start(name: string, input: unknown): Promise<void> {
    await this.client.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }));
  }

  async describe(name: string): Promise<ExecutionState> {
    try {
      const result = await this.client.send(new DescribeExecutionCommand({ executionArn: this.executionArn(name) }));
      return result.status === 'RUNNING' || result.status === 'PENDING_REDRIVE' ? 'running' : 'ended';
    } catch (error) {
      if ((error as Error).name === 'ExecutionDoesNotExist') return 'absent';
      throw error;
    }
  }

  /** arn:aws:states:R:A:stateMachine:M → arn:aws:states:R:A:execution:M:name */
  private executionArn(name: string): string {
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  async resume(taskToken: string, output: unknown): Promise<'resumed' | 'gone'> {
    try {
      await this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
      return 'resumed';
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TaskTimedOut' || name === 'TaskDoesNotExist' || name === 'InvalidToken') return 'gone';
      throw error;
    }
  }
}
