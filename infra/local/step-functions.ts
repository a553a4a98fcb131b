import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { dunningDefinitionSubstitutions } from '#contracts/functions.ts';
import type { Activity } from './activity.ts';
import { AwsError } from './aws-error.ts';
import { functionNameFromArn, type LambdaHost, LOCAL_ACCOUNT, LOCAL_REGION, localFunctionArn } from './lambda-host.ts';

/** Stand-in for `$$.Task.Token`, which aws-local-stepfunctions does not provide; replaced per task. */
const TOKEN_PLACEHOLDER = '__dunwell_local_task_token__';

interface Execution {
  readonly name: string;
  readonly arn: string;
  readonly input: string;
  /** Start order: ListExecutions lists the newest first, and its page token names a position in it. */
  readonly sequence: number;
  readonly startDate: number;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  abort: () => void;
  /** Ends this execution's share of the runtime's activity. */
  release: () => void;
  /** True while parked on a task token: it counts as idle then. */
  parked: boolean;
  /** States entered and retries taken: what Step Functions bills as state transitions. */
  transitions: number;
  error?: string;
}

/** One execution as `/_local/executions` shows it. */
export interface ExecutionSummary {
  readonly name: string;
  readonly status: Execution['status'];
  readonly transitions: number;
}

interface PendingTask {
  readonly execution: Execution;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * The state machine file, run by aws-local-stepfunctions, with every Task bound to the local
 * handler of the function named in its Parameters, and `.waitForTaskToken` emulated: the task
 * parks until SendTaskSuccess/SendTaskFailure arrives for its token.
 */
export class LocalStepFunctions {
  readonly stateMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:dunwell-invoice-dunning`;
  private readonly definition: StateMachineDefinition;
  /** Validated once: building a StateMachine re-validates the whole ASL, which dominated local start-up of executions. */
  private readonly machine: StateMachine;
  private readonly executions = new Map<string, Execution>();
  private started = 0;
  private readonly tasks = new Map<string, PendingTask>();
  private readonly host: LambdaHost;
  private readonly activity: Activity;

  constructor(definitionFile: string, host: LambdaHost, activity: Activity) {
    this.host = host;
    this.activity = activity;
    let text = readFileSync(definitionFile, 'utf8');
    for (const [key, fn] of Object.entries(dunningDefinitionSubstitutions)) {
      text = text.replaceAll(`\${${key}}`, localFunctionArn(fn));
    }
    this.definition = JSON.parse(text) as StateMachineDefinition;
    this.machine = new StateMachine(this.definition, {
      validationOptions: { checkArn: true, checkPaths: true },
    });
  }

  startExecution(name: string, input: string): { executionArn: string; startDate: number } {
    const arn = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.get(name);
    if (existing) {
      // As Step Functions answers a repeated start: the original start, if it is still running with this input.
      if (existing.status === 'RUNNING' && existing.input === input) return { executionArn: arn, startDate: existing.startDate };
      throw new AwsError('ExecutionAlreadyExists', `Execution ${name} already exists`);
    }
    const execution: Execution = {
      name,
      arn,
      input,
      sequence: ++this.started,
      startDate: Date.now() / 1000,
      status: 'RUNNING',
      abort: () => {},
      release: this.activity.begin(),
      parked: false,
      transitions: 0,
    };
    this.executions.set(name, execution);
    const run = this.machine.run(JSON.parse(input), {
      overrides: {
        // The handlers take and return JSON; the library's JSONValue type is narrower than our payload types.
        taskResourceLocalHandlers: this.taskHandlers(execution) as unknown as Record<string, (input: unknown) => Promise<never>>,
        retryIntervalOverrides: this.noRetryWaits(),
      },
      context: { Task: { Token: TOKEN_PLACEHOLDER } },
      noThrowOnAbort: true,
    });
    execution.abort = run.abort;
    void this.countTransitions(execution, run.eventLogs);
    run.result
      .then(
        () => {
          if (execution.status === 'RUNNING') execution.status = 'SUCCEEDED';
        },
        (error: Error) => {
          execution.status = 'FAILED';
          execution.error = `${error.name}: ${error.message}`;
          console.error(
            JSON.stringify({ level: 'error', component: 'local-sfn', message: 'execution failed', name, error: execution.error }),
          );
        },
      )
      .finally(() => {
        if (!execution.parked) execution.release();
      });
    return { executionArn: arn, startDate: execution.startDate };
  }

  /**
   * ListExecutions of this machine: the newest first, `maxResults` a page (0 or absent: 100, at
   * most 1,000), optionally of one status; `nextToken` resumes after the last one listed, so
   * executions started meanwhile do not shift the pages.
   */
  listExecutions(request: { stateMachineArn: string; statusFilter?: string; maxResults?: number; nextToken?: string }): {
    executions: { executionArn: string; stateMachineArn: string; name: string; status: string; startDate: number }[];
    nextToken?: string;
  } {
    if (request.stateMachineArn !== this.stateMachineArn) {
      throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${request.stateMachineArn}'`);
    }
    const limit = request.maxResults || 100;
    if (!Number.isInteger(limit) || limit < 0 || limit > 1000) {
      throw new AwsError('ValidationException', 'maxResults must be between 0 and 1000');
    }
    let before = Number.POSITIVE_INFINITY;
    if (request.nextToken !== undefined) {
      before = Number(
        Buffer.from(request.nextToken, 'base64url')
          .toString('utf8')
          .replace(/^after:/, ''),
      );
      if (!Number.isInteger(before)) throw new AwsError('InvalidToken', 'Invalid Token');
    }
    const matching = [...this.executions.values()]
      .filter((execution) => execution.sequence < before && (!request.statusFilter || execution.status === request.statusFilter))
      .sort((a, b) => b.sequence - a.sequence);
    const page = matching.slice(0, limit);
    const last = page.at(-1);
    return {
      executions: page.map(({ arn, name, status, startDate }) => ({
        executionArn: arn,
        stateMachineArn: this.stateMachineArn,
        name,
        status,
        startDate,
      })),
      ...(matching.length > limit && last ? { nextToken: Buffer.from(`after:${last.sequence}`).toString('base64url') } : {}),
    };
  }

  /** Every execution since start, with the state transitions it has taken. */
  summaries(): ExecutionSummary[] {
    return [...this.executions.values()].map(({ name, status, transitions }) => ({ name, status, transitions }));
  }

  describeExecution(arn: string): { executionArn: string; status: string; name: string } {
    const name = arn.split(':').at(-1) ?? '';
    const execution = this.executions.get(name);
    if (!execution || execution.arn !== arn) throw new AwsError('ExecutionDoesNotExist', `Execution ${arn} does not exist`);
    return { executionArn: arn, status: execution.status, name };
  }

  sendTaskSuccess(token: string, output: string): void {
    const task = this.takeTask(token);
    this.unpark(task.execution);
    task.resolve(JSON.parse(output));
  }

  sendTaskFailure(token: string, error: string | undefined, cause: string | undefined): void {
    const task = this.takeTask(token);
    this.unpark(task.execution);
    const failure = new Error(cause ?? '');
    failure.name = error ?? 'States.TaskFailed';
    task.reject(failure);
  }

  /** Stops every execution (process shutdown); their invoices are restarted by the reconciler. */
  stopAll(): void {
    // Settle parked tasks so the library clears their timeout timers.
    for (const [token, task] of this.tasks) {
      this.tasks.delete(token);
      task.reject(Object.assign(new Error('runtime stopped'), { name: 'Dunwell.Stopped' }));
    }
    for (const execution of this.executions.values()) {
      if (execution.status === 'RUNNING') {
        execution.status = 'ABORTED';
        execution.abort();
      }
    }
  }

  /** Counts as Step Functions bills: each state entered, and each retry of a state. */
  private async countTransitions(execution: Execution, events: AsyncGenerator<{ type: string }>): Promise<void> {
    try {
      for await (const event of events) {
        if (event.type === 'StateEntered' || event.type === 'StateRetried') execution.transitions += 1;
      }
    } catch {
      // An aborted execution ends its log early; what was counted stands.
    }
  }

  private unpark(execution: Execution): void {
    if (!execution.parked) return;
    execution.parked = false;
    execution.release = this.activity.begin();
  }

  private takeTask(token: string): PendingTask {
    const task = this.tasks.get(token);
    if (!task) throw new AwsError('TaskDoesNotExist', 'Task token is not (or no longer) valid');
    this.tasks.delete(token);
    return task;
  }

  private taskHandlers(execution: Execution) {
    const handlers: Record<string, (input: { FunctionName: string; Payload: unknown }) => Promise<unknown>> = {};
    for (const [stateName, state] of Object.entries(this.definition.States)) {
      if (state.Type !== 'Task') continue;
      const resource = (state as { Resource: string }).Resource;
      if (resource === 'arn:aws:states:::lambda:invoke') {
        handlers[stateName] = async ({ FunctionName, Payload }) => ({
          Payload: await this.host.invoke(functionNameFromArn(FunctionName), Payload),
          StatusCode: 200,
          ExecutedVersion: '$LATEST',
        });
      } else if (resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken') {
        handlers[stateName] = ({ FunctionName, Payload }) => this.waitForTaskToken(execution, FunctionName, Payload);
      } else {
        throw new Error(`State ${stateName} uses ${resource}, which the local runtime does not emulate`);
      }
    }
    return handlers;
  }

  private async waitForTaskToken(execution: Execution, functionArn: string, payload: unknown): Promise<unknown> {
    const token = `local-${randomUUID()}`;
    const callback = new Promise<unknown>((resolve, reject) => {
      this.tasks.set(token, { execution, resolve, reject });
    });
    // The function may fail its own task before it returns (a lifecycle that closed): that
    // rejection is awaited below, and must not count as unhandled meanwhile.
    callback.catch(() => {});
    try {
      const withToken = JSON.parse(JSON.stringify(payload).replaceAll(TOKEN_PLACEHOLDER, token));
      await this.host.invoke(functionNameFromArn(functionArn), withToken);
      // The function may already have answered (a resume right away); otherwise park.
      if (this.tasks.has(token)) {
        execution.parked = true;
        execution.release();
      }
      return await callback;
    } finally {
      this.tasks.delete(token);
    }
  }

  private noRetryWaits(): Record<string, number> {
    return Object.fromEntries(
      Object.entries(this.definition.States)
        .filter(([, state]) => 'Retry' in state)
        .map(([name]) => [name, 0]),
    );
  }
}
