import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { type ExecutionState, LIFECYCLE_CLOSED, type Workflow } from '#ports/workflow.ts';

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
    return (await answered(() => this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }))))
      ? 'resumed'
      : 'gone';
  }

  async finish(taskToken: string): Promise<'finished' | 'gone'> {
    const command = new SendTaskFailureCommand({ taskToken, error: LIFECYCLE_CLOSED, cause: 'The invoice lifecycle closed' });
    return (await answered(() => this.client.send(command))) ? 'finished' : 'gone';
  }
}

/** True when the task answer went through; false when its token is no longer valid. */
async function answered(send: () => Promise<unknown>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TaskTimedOut' || name === 'TaskDoesNotExist' || name === 'InvalidToken') return false;
    throw error;
  }
}
