import {
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { RECONCILE_LIST_PAGE_SIZE } from '#contracts/reconcile-pacing.ts';
import type { Pacer } from '#domain/pacing.ts';
import { LIFECYCLE_CLOSED, type RunningExecutions, type StartResult, type Workflow } from '#ports/workflow.ts';

export class StepFunctionsWorkflow implements Workflow {
  private readonly client: SFNClient;
  private readonly stateMachineArn: string;

  constructor(client: SFNClient, stateMachineArn: string) {
    this.client = client;
    this.stateMachineArn = stateMachineArn;
  }

  /**
   * StartExecution of a Standard workflow is idempotent by name: the same name and input as an
   * open execution succeeds without starting another, and any closed execution of that name
   * answers ExecutionAlreadyExists. So one call tells a live execution from an ended one, and no
   * DescribeExecution (a refill of 15 per second) is needed before it.
   */
  async start(name: string, input: unknown): Promise<StartResult> {
    try {
      await this.client.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }));
      return 'started';
    } catch (error) {
      if ((error as Error).name === 'ExecutionAlreadyExists') return 'ended';
      throw error;
    }
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

/**
 * The machine's running executions, from ListExecutions (RUNNING, a thousand a page), each page
 * paced by `pacer` at the reconciler's share of the account's ListExecutions rate
 * (shared/contracts/reconcile-pacing.ts).
 */
export class StepFunctionsRunningExecutions implements RunningExecutions {
  private readonly client: SFNClient;
  private readonly stateMachineArn: string;
  private readonly pacer: Pacer;

  constructor(client: SFNClient, stateMachineArn: string, pacer: Pacer) {
    this.client = client;
    this.stateMachineArn = stateMachineArn;
    this.pacer = pacer;
  }

  async *pages(): AsyncIterable<readonly string[]> {
    let nextToken: string | undefined;
    do {
      await this.pacer.take();
      const page = await this.client.send(
        new ListExecutionsCommand({
          stateMachineArn: this.stateMachineArn,
          statusFilter: 'RUNNING',
          maxResults: RECONCILE_LIST_PAGE_SIZE,
          nextToken,
        }),
      );
      yield (page.executions ?? []).flatMap((execution) => (execution.name ? [execution.name] : []));
      nextToken = page.nextToken;
    } while (nextToken);
  }
}
