import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { dunningDefinitionSubstitutions } from '#contracts/functions.ts';
import type { Activity } from './activity.ts';
import { AwsError } from './aws-error.ts';
import { functionNameFromArn, type LambdaHost, LOCAL_ACCOUNT, LOCAL_REGION, localFunctionArn } from './lambda-host.ts';

/** Stand-in for `$$.Task.Token`, which aws-local-stepfunctions does not provide; replaced per task. */
const TOKEN_PLACEHOLDER = '__dunwell_local_task_token__';

/**
 * One event of an execution's history as GetExecutionHistory answers it, at virtual time. Its
 * details (`taskScheduledEventDetails`…) keep `input`, `output` and `parameters` as values,
 * serialized only when the history is read: recording stays cheap on the pipeline's hot path.
 */
interface HistoryEntry {
  readonly type: string;
  /** Epoch milliseconds of the virtual clock. */
  readonly timestamp: number;
  readonly detailsKey?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** A state's Task resource as history events name it: `arn:aws:states:::lambda:invoke` → lambda, invoke. */
interface TaskResource {
  readonly resourceType: string;
  readonly resource: string;
  readonly timeoutInSeconds?: number;
}

interface Execution {
  readonly name: string;
  readonly arn: string;
  readonly input: string;
  /** Start order: ListExecutions lists the newest first, and its page token names a position in it. */
  readonly sequence: number;
  /** Epoch seconds of the virtual clock, as the JSON protocol carries timestamps. */
  readonly startDate: number;
  stopDate?: number;
  output?: unknown;
  /** How it failed, as its ExecutionFailed event says (DescribeExecution's `error` and `cause`). */
  failure?: { readonly error: string; readonly cause: string };
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  /** Every event since the start, in order (GetExecutionHistory). */
  readonly history: HistoryEntry[];
  /**
   * Task attempts the history has opened (a Task state entered, or retried) and task handler
   * calls made: a handler records its TaskScheduled only once the history has its opening, so
   * events recorded by the handlers and from the library's event log interleave as they happened.
   */
  taskOpenings: number;
  taskCalls: number;
  /** Handler calls waiting for their opening; all released once the event log ended. */
  openingWaiters: { readonly call: number; readonly resolve: () => void }[];
  historyEnded: boolean;
  abort: () => void;
  /** Ends this execution's share of the runtime's activity. */
  release: () => void;
  /** True while parked on a task token: it counts as idle then. */
  parked: boolean;
  /** States entered and retries taken: what Step Functions bills as state transitions. */
  transitions: number;
  error?: string;
}

/** The history event types of a state's entering and leaving, by its ASL type (Task → TaskStateEntered). */
const STATE_EVENT_PREFIX: Readonly<Record<string, string>> = {
  Task: 'Task',
  Pass: 'Pass',
  Wait: 'Wait',
  Choice: 'Choice',
  Succeed: 'Succeed',
  Fail: 'Fail',
  Map: 'Map',
  Parallel: 'Parallel',
};

/** What the library's event log says, as far as the history reads it. */
interface LibraryEvent {
  readonly type: string;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly state?: { readonly name: string; readonly type: string; readonly input?: unknown; readonly output?: unknown };
  readonly Error?: string;
  readonly Cause?: unknown;
}

/** One page of GetExecutionHistory, as the JSON protocol carries it. */
export interface HistoryPage {
  readonly events: Record<string, unknown>[];
  readonly nextToken?: string;
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
  /** The virtual clock: execution dates and history timestamps are its time, as the pipeline's. */
  private readonly now: () => Date;
  /** The definition as deployed (substitutions made), for DescribeStateMachine. */
  private readonly definitionText: string;
  private readonly creationDate: number;
  private readonly taskResources = new Map<string, TaskResource>();

  constructor(definitionFile: string, host: LambdaHost, activity: Activity, now: () => Date = () => new Date()) {
    this.host = host;
    this.activity = activity;
    this.now = now;
    this.creationDate = now().getTime() / 1000;
    let text = readFileSync(definitionFile, 'utf8');
    for (const [key, fn] of Object.entries(dunningDefinitionSubstitutions)) {
      text = text.replaceAll(`\${${key}}`, localFunctionArn(fn));
    }
    this.definitionText = text;
    this.definition = JSON.parse(text) as StateMachineDefinition;
    for (const [stateName, state] of Object.entries(this.definition.States)) {
      if (state.Type !== 'Task') continue;
      const { Resource, TimeoutSeconds } = state as { Resource: string; TimeoutSeconds?: number };
      // `arn:aws:states:::lambda:invoke.waitForTaskToken`: the service, then the action and its pattern.
      const [resourceType = '', resource = ''] = Resource.replace(/^arn:aws:states:::/, '').split(':');
      this.taskResources.set(stateName, { resourceType, resource, ...(TimeoutSeconds ? { timeoutInSeconds: TimeoutSeconds } : {}) });
    }
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
      startDate: this.now().getTime() / 1000,
      status: 'RUNNING',
      history: [],
      taskOpenings: 0,
      taskCalls: 0,
      openingWaiters: [],
      historyEnded: false,
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
      // As on AWS, the context object names the execution (the advance function logs it as executionId).
      context: { Task: { Token: TOKEN_PLACEHOLDER }, Execution: { Id: arn, Name: name } },
      noThrowOnAbort: true,
    });
    execution.abort = run.abort;
    const recorded = this.recordHistory(execution, run.eventLogs);
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
      // The execution is done once its last event is in the history too (the log always closes).
      .finally(() => recorded)
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
    executions: { executionArn: string; stateMachineArn: string; name: string; status: string; startDate: number; stopDate?: number }[];
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
      executions: page.map(({ arn, name, status, startDate, stopDate }) => ({
        executionArn: arn,
        stateMachineArn: this.stateMachineArn,
        name,
        status,
        startDate,
        ...(stopDate === undefined ? {} : { stopDate }),
      })),
      ...(matching.length > limit && last ? { nextToken: Buffer.from(`after:${last.sequence}`).toString('base64url') } : {}),
    };
  }

  /** Every execution since start, with the state transitions it has taken. */
  summaries(): ExecutionSummary[] {
    return [...this.executions.values()].map(({ name, status, transitions }) => ({ name, status, transitions }));
  }

  /** ListStateMachines: the one machine the local runtime runs. */
  listStateMachines(): { stateMachines: { stateMachineArn: string; name: string; type: 'STANDARD'; creationDate: number }[] } {
    return {
      stateMachines: [
        { stateMachineArn: this.stateMachineArn, name: this.stateMachineName, type: 'STANDARD', creationDate: this.creationDate },
      ],
    };
  }

  /** DescribeStateMachine: the definition as it runs here, its substitutions made. */
  describeStateMachine(arn: string): Record<string, unknown> {
    if (arn !== this.stateMachineArn) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return {
      stateMachineArn: arn,
      name: this.stateMachineName,
      status: 'ACTIVE',
      definition: this.definitionText,
      roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${this.stateMachineName}`,
      type: 'STANDARD',
      creationDate: this.creationDate,
    };
  }

  describeExecution(arn: string): Record<string, unknown> & { executionArn: string; status: string; name: string } {
    const execution = this.execution(arn);
    return {
      executionArn: arn,
      stateMachineArn: this.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate,
      input: execution.input,
      inputDetails: { included: true },
      ...(execution.stopDate === undefined ? {} : { stopDate: execution.stopDate }),
      ...(execution.status === 'SUCCEEDED' ? { output: JSON.stringify(execution.output ?? null), outputDetails: { included: true } } : {}),
      ...(execution.failure ?? {}),
    };
  }

  /**
   * GetExecutionHistory: every event since the start, oldest first (newest first with
   * `reverseOrder`), `maxResults` a page (0 or absent: 100, at most 1,000); ids count from 1 and
   * each event's `previousEventId` is the one before it, as in a run without branches on AWS.
   */
  getExecutionHistory(request: {
    executionArn: string;
    maxResults?: number;
    reverseOrder?: boolean;
    nextToken?: string;
    includeExecutionData?: boolean;
  }): HistoryPage {
    const execution = this.execution(request.executionArn);
    const limit = request.maxResults || 100;
    if (!Number.isInteger(limit) || limit < 0 || limit > 1000) {
      throw new AwsError('ValidationException', 'maxResults must be between 0 and 1000');
    }
    let offset = 0;
    if (request.nextToken !== undefined) {
      offset = Number(
        Buffer.from(request.nextToken, 'base64url')
          .toString('utf8')
          .replace(/^from:/, ''),
      );
      if (!Number.isInteger(offset) || offset < 0) throw new AwsError('InvalidToken', 'Invalid Token');
    }
    const count = execution.history.length;
    const ids = Array.from({ length: Math.max(0, Math.min(limit, count - offset)) }, (_, index) =>
      request.reverseOrder ? count - offset - index : offset + index + 1,
    );
    const includeData = request.includeExecutionData ?? true;
    return {
      events: ids.map((id) => historyEvent(id, execution.history[id - 1] as HistoryEntry, includeData)),
      ...(offset + limit < count ? { nextToken: Buffer.from(`from:${offset + limit}`).toString('base64url') } : {}),
    };
  }

  private get stateMachineName(): string {
    return this.stateMachineArn.split(':').at(-1) ?? '';
  }

  private execution(arn: string): Execution {
    const name = arn.split(':').at(-1) ?? '';
    const execution = this.executions.get(name);
    if (!execution || execution.arn !== arn) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
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

  /**
   * The library's event log, as it happens, into the execution's history (states entered and
   * exited, a task's failure, the execution's end), counting state transitions as Step Functions
   * bills them: each state entered, and each retry of a state. A Task's own events (scheduled,
   * started, submitted, succeeded) are recorded by its handler in between.
   */
  private async recordHistory(execution: Execution, events: AsyncGenerator<LibraryEvent>): Promise<void> {
    try {
      for await (const event of events) this.recordLibraryEvent(execution, event);
    } catch {
      // An aborted execution ends its log early; what was recorded stands.
    } finally {
      execution.historyEnded = true;
      for (const waiter of execution.openingWaiters.splice(0)) waiter.resolve();
    }
  }

  private recordLibraryEvent(execution: Execution, event: LibraryEvent): void {
    const state = event.state;
    const prefix = state ? (STATE_EVENT_PREFIX[state.type] ?? state.type) : '';
    const task = state ? this.taskResources.get(state.name) : undefined;
    const stopped = () => {
      execution.stopDate = this.now().getTime() / 1000;
    };
    switch (event.type) {
      case 'ExecutionStarted':
        this.record(execution, 'ExecutionStarted', 'executionStartedEventDetails', {
          input: event.input,
          roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${this.stateMachineName}`,
        });
        break;
      case 'StateEntered':
        execution.transitions += 1;
        this.record(execution, `${prefix}StateEntered`, 'stateEnteredEventDetails', { name: state?.name, input: state?.input });
        if (task) this.openTask(execution);
        break;
      case 'StateExited':
        this.record(execution, `${prefix}StateExited`, 'stateExitedEventDetails', { name: state?.name, output: state?.output });
        break;
      case 'StateFailed': {
        // A Task's failure is the task's event; a Fail state's is the execution's, which follows.
        if (!task) break;
        const timedOut = event.Error === 'States.Timeout';
        this.record(execution, timedOut ? 'TaskTimedOut' : 'TaskFailed', timedOut ? 'taskTimedOutEventDetails' : 'taskFailedEventDetails', {
          ...taskNames(task),
          error: event.Error,
          cause: causeText(event.Cause),
        });
        break;
      }
      case 'StateRetried':
        execution.transitions += 1;
        if (task) this.openTask(execution);
        break;
      case 'ExecutionSucceeded':
        stopped();
        execution.output = event.output;
        this.record(execution, 'ExecutionSucceeded', 'executionSucceededEventDetails', { output: event.output });
        break;
      case 'ExecutionFailed':
        stopped();
        execution.failure = { error: event.Error ?? 'States.Runtime', cause: causeText(event.Cause) };
        this.record(execution, 'ExecutionFailed', 'executionFailedEventDetails', execution.failure);
        break;
      case 'ExecutionAborted':
        stopped();
        this.record(execution, 'ExecutionAborted', 'executionAbortedEventDetails', {});
        break;
      case 'ExecutionTimeout':
        stopped();
        this.record(execution, 'ExecutionTimedOut', 'executionTimedOutEventDetails', {});
        break;
      default:
      // StateCaught (the state's exit follows), and Map and Parallel events the machine has no use for.
    }
  }

  private record(execution: Execution, type: string, detailsKey?: string, details?: Record<string, unknown>): void {
    execution.history.push({
      type,
      timestamp: this.now().getTime(),
      ...(detailsKey ? { detailsKey } : {}),
      ...(details ? { details } : {}),
    });
  }

  /** The history has a Task attempt's opening (the state entered, or retried): its handler call may record. */
  private openTask(execution: Execution): void {
    execution.taskOpenings += 1;
    const ready = execution.openingWaiters.filter((waiter) => waiter.call <= execution.taskOpenings);
    execution.openingWaiters = execution.openingWaiters.filter((waiter) => waiter.call > execution.taskOpenings);
    for (const waiter of ready) waiter.resolve();
  }

  /** Resolves once the history holds the opening of this handler call's attempt (at once, mostly). */
  private taskOpened(execution: Execution): Promise<void> {
    const call = ++execution.taskCalls;
    if (execution.taskOpenings >= call || execution.historyEnded) return Promise.resolve();
    return new Promise((resolve) => execution.openingWaiters.push({ call, resolve }));
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
      const task = this.taskResources.get(stateName) as TaskResource;
      if (resource === 'arn:aws:states:::lambda:invoke') {
        handlers[stateName] = async (parameters) => {
          await this.taskStarted(execution, task, parameters);
          const output = {
            Payload: await this.host.invoke(functionNameFromArn(parameters.FunctionName), parameters.Payload),
            StatusCode: 200,
            ExecutedVersion: '$LATEST',
          };
          this.record(execution, 'TaskSucceeded', 'taskSucceededEventDetails', { ...taskNames(task), output });
          return output;
        };
      } else if (resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken') {
        handlers[stateName] = (parameters) => this.waitForTaskToken(execution, task, parameters);
      } else {
        throw new Error(`State ${stateName} uses ${resource}, which the local runtime does not emulate`);
      }
    }
    return handlers;
  }

  /** A task attempt's TaskScheduled and TaskStarted, once the history holds the state's opening. */
  private async taskStarted(execution: Execution, task: TaskResource, parameters: unknown): Promise<void> {
    await this.taskOpened(execution);
    this.record(execution, 'TaskScheduled', 'taskScheduledEventDetails', {
      ...taskNames(task),
      region: LOCAL_REGION,
      parameters,
      ...(task.timeoutInSeconds ? { timeoutInSeconds: task.timeoutInSeconds } : {}),
    });
    this.record(execution, 'TaskStarted', 'taskStartedEventDetails', taskNames(task));
  }

  private async waitForTaskToken(
    execution: Execution,
    task: TaskResource,
    parameters: { FunctionName: string; Payload: unknown },
  ): Promise<unknown> {
    const token = `local-${randomUUID()}`;
    const callback = new Promise<unknown>((resolve, reject) => {
      this.tasks.set(token, { execution, resolve, reject });
    });
    // The function may fail its own task before it returns (a lifecycle that closed): that
    // rejection is awaited below, and must not count as unhandled meanwhile.
    callback.catch(() => {});
    try {
      const withToken = JSON.parse(JSON.stringify(parameters).replaceAll(TOKEN_PLACEHOLDER, token)) as typeof parameters;
      await this.taskStarted(execution, task, withToken);
      const payload = await this.host.invoke(functionNameFromArn(withToken.FunctionName), withToken.Payload);
      // The invocation's answer; the task's own result is what the callback brings.
      this.record(execution, 'TaskSubmitted', 'taskSubmittedEventDetails', {
        ...taskNames(task),
        output: { Payload: payload ?? null, StatusCode: 200, ExecutedVersion: '$LATEST' },
      });
      // The function may already have answered (a resume right away); otherwise park.
      if (this.tasks.has(token)) {
        execution.parked = true;
        execution.release();
      }
      const output = await callback;
      this.record(execution, 'TaskSucceeded', 'taskSucceededEventDetails', { ...taskNames(task), output });
      return output;
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

function taskNames(task: TaskResource): { resourceType: string; resource: string } {
  return { resourceType: task.resourceType, resource: task.resource };
}

function causeText(cause: unknown): string {
  return typeof cause === 'string' ? cause : JSON.stringify(cause ?? '');
}

/** The fields whose values are execution data: serialized as JSON text, and left out without `includeExecutionData`. */
const DATA_FIELDS = ['input', 'output', 'parameters'] as const;

/** One history entry as the JSON protocol carries it: epoch seconds, data as JSON text with its `…Details`. */
function historyEvent(id: number, entry: HistoryEntry, includeData: boolean): Record<string, unknown> {
  const event: Record<string, unknown> = { timestamp: entry.timestamp / 1000, type: entry.type, id, previousEventId: id - 1 };
  if (!entry.detailsKey || !entry.details) return event;
  const details: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(entry.details)) {
    if (value === undefined) continue;
    if (!(DATA_FIELDS as readonly string[]).includes(field)) details[field] = value;
    else if (field === 'parameters') details[field] = JSON.stringify(value);
    else if (includeData) {
      details[field] = JSON.stringify(value);
      details[`${field}Details`] = { truncated: false };
    }
  }
  event[entry.detailsKey] = details;
  return event;
}
