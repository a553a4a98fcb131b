import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { DUNNING_STATE_MACHINE_FILE, dunningDefinitionSubstitutions } from '#contracts/functions.ts';

/**
 * Runs the real statemachines/invoice-dunning.asl.json with aws-local-stepfunctions, every
 * Task overridden by state name. Lambda tasks (arn:aws:states:::lambda:invoke) answer
 * { Payload, StatusCode } like the service integration does; the Sleep task
 * (.waitForTaskToken) answers with whatever the callback would send.
 */

const arnOf = (functionName: string) => `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`;
const substitutions: Record<string, string> = Object.fromEntries(
  Object.entries(dunningDefinitionSubstitutions).map(([key, functionName]) => [key, arnOf(functionName)]),
);

const definitionText = readFileSync(new URL(`../../${DUNNING_STATE_MACHINE_FILE}`, import.meta.url), 'utf8');
const definition = JSON.parse(
  definitionText.replace(/\$\{(\w+)\}/g, (_, key: string) => {
    const value = substitutions[key];
    if (!value) throw new Error(`no substitution for \${${key}}`);
    return value;
  }),
) as StateMachineDefinition;

const machine = new StateMachine(definition);

const INVOICE = 'INV-2026-0001';
const TOKEN = 'test-token';

type Payload = Record<string, unknown>;
type Handler = (payload: Payload, call: number) => unknown;

const lambdaStates = ['Plan', 'SendEmail', 'SendSms', 'OpenTask', 'RecordSendFailure', 'Close'] as const;
type LambdaState = (typeof lambdaStates)[number];
type TaskState = LambdaState | 'Sleep';

const expectedFunction: Record<TaskState, string> = {
  Plan: arnOf('plan'),
  SendEmail: arnOf('send-reminder'),
  SendSms: arnOf('send-reminder'),
  OpenTask: arnOf('open-task'),
  RecordSendFailure: arnOf('record-failure'),
  Close: arnOf('close'),
  Sleep: arnOf('arm-timer'),
};

/** An error as the Lambda integration reports it: its name is what Retry/Catch match. */
function taskError(name: string, message = `${name} happened`): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** A handler that answers each call with the next of `results` (an Error is thrown), repeating the last. */
function sequence(...results: unknown[]): Handler {
  return (_payload, call) => {
    const result = results[Math.min(call, results.length - 1)];
    if (result instanceof Error) throw result;
    return result;
  };
}

const always =
  (error: Error): Handler =>
  () => {
    throw error;
  };

const send = (stepId: string, version = 3) => ({ type: 'send_email', stepId, dueAt: '2026-11-28T08:00:00.000Z', version });
const sleep = (until: string | null, version = 4) => ({ type: 'sleep', until, nextStepId: until ? 'post-3' : null, version });
const close = (reason: string, version = 5) => ({ type: 'close', reason, version });

/**
 * The same definition with the Sleep state's TimeoutSeconds at its minimum (1 s), so the
 * library raises its own States.Timeout: a Lambda error merely named "States.Timeout" would
 * also match States.TaskFailed, which a real timeout does not.
 */
const quickTimeoutMachine = new StateMachine({
  ...definition,
  States: { ...definition.States, Sleep: { ...definition.States.Sleep, TimeoutSeconds: 1 } as never },
});

async function run(handlers: Partial<Record<TaskState, Handler>>, stateMachine = machine) {
  const calls: Record<TaskState, Payload[]> = {
    Plan: [],
    SendEmail: [],
    SendSms: [],
    OpenTask: [],
    RecordSendFailure: [],
    Close: [],
    Sleep: [],
  };
  const wrongFunctions: string[] = [];
  const override = (state: TaskState) => async (input: unknown) => {
    const { FunctionName, Payload: payload } = input as { FunctionName: string; Payload: Payload };
    if (FunctionName !== expectedFunction[state]) wrongFunctions.push(`${state} invoked ${FunctionName}`);
    const call = calls[state].push(payload) - 1;
    const handler = handlers[state];
    if (!handler) throw new Error(`test did not expect ${state} to run`);
    const result = await handler(payload, call);
    return (state === 'Sleep' ? result : { Payload: result, StatusCode: 200 }) as never;
  };
  const execution = stateMachine.run(
    { invoiceId: INVOICE },
    {
      overrides: {
        taskResourceLocalHandlers: Object.fromEntries(([...lambdaStates, 'Sleep'] as const).map((state) => [state, override(state)])),
        retryIntervalOverrides: { Plan: 0, SendEmail: 0, SendSms: 0, OpenTask: 0, RecordSendFailure: 0, Sleep: 0, Close: 0 },
      },
      context: { Task: { Token: TOKEN } },
    },
  );
  let output: unknown;
  let failure: unknown;
  try {
    output = await execution.result;
  } catch (error) {
    failure = error;
  }
  assert.deepEqual(wrongFunctions, [], 'each task invokes its own function');
  const events = [];
  for await (const event of execution.eventLogs) events.push(event);
  const path = events.flatMap((event) => (event.type === 'StateEntered' ? [event.state.name] : []));
  const retries = events.filter((event) => event.type === 'StateRetried').map((event) => event.state.name);
  const failed = events.find((event) => event.type === 'ExecutionFailed');
  return {
    output: output as Payload | undefined,
    failure,
    calls,
    path,
    retries,
    failedWith: failed && 'Error' in failed ? failed.Error : undefined,
  };
}

function assertFailedWith(failure: unknown, errorName: string): void {
  assert.ok(failure instanceof ExecutionError, `expected an ExecutionError, got ${String(failure)}`);
  assert.equal((failure.cause as Error).name, errorName);
}

describe('invoice-dunning.asl.json', () => {
  test('every placeholder in the definition is one of the function substitutions, and every substitution is used', () => {
    const used = new Set([...definitionText.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]));
    assert.deepEqual([...used].sort(), Object.keys(dunningDefinitionSubstitutions).sort());
  });

  test('Plan → send_email → SendEmail → Plan → close → Close → Succeed', async () => {
    const result = await run({
      Plan: sequence(send('pre-3'), close('paid')),
      SendEmail: () => ({ outcome: 'sent' }),
      Close: () => ({ outcome: 'closed' }),
    });
    assert.equal(result.failure, undefined);
    assert.deepEqual(result.path, ['Plan', 'Route', 'SendEmail', 'Plan', 'Route', 'Close', 'Closed']);
    assert.deepEqual(result.calls.Plan, [{ invoiceId: INVOICE }, { invoiceId: INVOICE }]);
    assert.deepEqual(result.calls.SendEmail, [{ invoiceId: INVOICE, stepId: 'pre-3' }]);
    assert.deepEqual(result.calls.Close, [{ invoiceId: INVOICE, reason: 'paid' }]);
    assert.equal(result.output?.invoiceId, INVOICE);
    assert.deepEqual(result.output?.plan, { action: close('paid') });
  });

  test('sleep → Sleep parks with invoiceId, until, planVersion and the task token, then plans again', async () => {
    const result = await run({
      Plan: sequence(sleep('2026-12-04T08:00:00.000Z', 7), close('nothing_due')),
      Sleep: () => ({ reason: 'timer' }),
      Close: () => ({ outcome: 'closed' }),
    });
    assert.equal(result.failure, undefined);
    assert.deepEqual(result.path, ['Plan', 'Route', 'Sleep', 'Plan', 'Route', 'Close', 'Closed']);
    assert.deepEqual(result.calls.Sleep, [{ invoiceId: INVOICE, until: '2026-12-04T08:00:00.000Z', planVersion: 7, taskToken: TOKEN }]);
    assert.deepEqual(result.output?.wake, { reason: 'timer' });
  });

  test('a sleep with no end (until null) is passed through as null', async () => {
    const result = await run({
      Plan: sequence(sleep(null, 9), close('paid')),
      Sleep: () => ({ reason: 'payment.received' }),
      Close: () => ({ outcome: 'closed' }),
    });
    assert.deepEqual(result.calls.Sleep, [{ invoiceId: INVOICE, until: null, planVersion: 9, taskToken: TOKEN }]);
    assert.deepEqual(result.path.slice(-3), ['Route', 'Close', 'Closed']);
  });

  test('a SendEmail function error is retried twice, then caught into RecordSendFailure with its name and cause, then Plan', async () => {
    const result = await run({
      Plan: sequence(send('post-3'), close('paid')),
      SendEmail: always(taskError('MailRejectedError', 'Message rejected: sandbox')),
      RecordSendFailure: () => ({ recorded: true }),
      Close: () => ({ outcome: 'closed' }),
    });
    assert.equal(result.failure, undefined);
    assert.equal(result.calls.SendEmail.length, 1 + 2);
    assert.deepEqual(result.calls.RecordSendFailure, [
      { invoiceId: INVOICE, stepId: 'post-3', error: 'MailRejectedError', cause: 'Message rejected: sandbox' },
    ]);
    assert.deepEqual(result.path, ['Plan', 'Route', 'SendEmail', 'RecordSendFailure', 'Plan', 'Route', 'Close', 'Closed']);
  });

  test('a SendEmail that succeeds on a retry goes straight back to Plan', async () => {
    const result = await run({
      Plan: sequence(send('pre-3'), close('paid')),
      SendEmail: sequence(taskError('Error', 'socket hang up'), { outcome: 'unconfirmed' }),
      Close: () => ({ outcome: 'closed' }),
    });
    assert.equal(result.calls.SendEmail.length, 2);
    assert.equal(result.calls.RecordSendFailure.length, 0);
    assert.deepEqual(result.path, ['Plan', 'Route', 'SendEmail', 'Plan', 'Route', 'Close', 'Closed']);
  });

  test('Lambda.ServiceException on SendEmail is retried by the Lambda retrier (up to 6 times)', async () => {
    const transient = await run({
      Plan: sequence(send('pre-3'), close('paid')),
      SendEmail: sequence(
        taskError('Lambda.ServiceException'),
        taskError('Lambda.ServiceException'),
        taskError('Lambda.ServiceException'),
        { outcome: 'sent' },
      ),
      Close: () => ({ outcome: 'closed' }),
    });
    assert.equal(transient.calls.SendEmail.length, 4, 'more than the 2 retries a function error gets');
    assert.equal(transient.calls.RecordSendFailure.length, 0);
    assert.deepEqual(transient.retries, ['SendEmail', 'SendEmail', 'SendEmail']);

    const persistent = await run({
      Plan: sequence(send('pre-3'), close('paid')),
      SendEmail: always(taskError('Lambda.ServiceException')),
      RecordSendFailure: () => ({ recorded: true }),
      Close: () => ({ outcome: 'closed' }),
    });
    assert.equal(persistent.calls.SendEmail.length, 1 + 6);
    assert.equal(persistent.calls.RecordSendFailure[0]?.error, 'Lambda.ServiceException');
  });

  test('a Sleep that times out (lost callback) plans again', async () => {
    const result = await run(
      {
        Plan: sequence(sleep('2026-12-04T08:00:00.000Z'), close('nothing_due')),
        // The callback never comes.
        Sleep: () => new Promise(() => {}),
        Close: () => ({ outcome: 'closed' }),
      },
      quickTimeoutMachine,
    );
    assert.equal(result.failure, undefined);
    assert.equal(result.calls.Sleep.length, 1, 'a timeout is not retried');
    assert.deepEqual(result.path, ['Plan', 'Route', 'Sleep', 'Plan', 'Route', 'Close', 'Closed']);
    assert.equal((result.output?.wake as { Error?: string } | undefined)?.Error, 'States.Timeout');
  });

  test('arm-timer failing is retried (States.TaskFailed), then resumes normally', async () => {
    const result = await run({
      Plan: sequence(sleep('2026-12-04T08:00:00.000Z'), close('paid')),
      Sleep: sequence(taskError('StaleWriteError'), { reason: 'timer' }),
      Close: () => ({ outcome: 'closed' }),
    });
    assert.equal(result.calls.Sleep.length, 2);
    assert.deepEqual(result.retries, ['Sleep']);
    assert.deepEqual(result.path, ['Plan', 'Route', 'Sleep', 'Plan', 'Route', 'Close', 'Closed']);
  });

  test('arm-timer hit by Lambda throttling is retried', async () => {
    const result = await run({
      Plan: sequence(sleep('2026-12-04T08:00:00.000Z'), close('paid')),
      Sleep: sequence(taskError('Lambda.TooManyRequestsException'), { reason: 'timer' }),
      Close: () => ({ outcome: 'closed' }),
    });
    assert.equal(result.calls.Sleep.length, 2);
    assert.deepEqual(result.path, ['Plan', 'Route', 'Sleep', 'Plan', 'Route', 'Close', 'Closed']);
  });

  test('Plan failing permanently is retried 3 times, then ends in PlanFailed', async () => {
    const result = await run({ Plan: always(taskError('InvoiceNotFoundError', 'Invoice INV-2026-0001 does not exist')) });
    assert.equal(result.calls.Plan.length, 1 + 3);
    assert.deepEqual(result.path, ['Plan', 'PlanFailed']);
    assertFailedWith(result.failure, 'Dunwell.WorkflowFailed');
    assert.equal(result.failedWith, 'Dunwell.WorkflowFailed');
  });

  test('Plan hitting Lambda service errors is retried 6 times before it fails', async () => {
    const result = await run({ Plan: always(taskError('Lambda.AWSLambdaException')) });
    assert.equal(result.calls.Plan.length, 1 + 6);
    assertFailedWith(result.failure, 'Dunwell.WorkflowFailed');
  });

  test('a RecordSendFailure that keeps failing ends in PlanFailed after 5 retries', async () => {
    const result = await run({
      Plan: sequence(send('pre-3')),
      SendEmail: always(taskError('Error')),
      RecordSendFailure: always(taskError('StaleWriteError')),
    });
    assert.equal(result.calls.RecordSendFailure.length, 1 + 5);
    assert.deepEqual(result.path, ['Plan', 'Route', 'SendEmail', 'RecordSendFailure', 'PlanFailed']);
    assertFailedWith(result.failure, 'Dunwell.WorkflowFailed');
  });

  test('a Close that keeps failing is retried 3 times, then ends in PlanFailed', async () => {
    const result = await run({ Plan: sequence(close('paid')), Close: always(taskError('Error', 'ses down')) });
    assert.equal(result.calls.Close.length, 1 + 3);
    assert.deepEqual(result.path, ['Plan', 'Route', 'Close', 'PlanFailed']);
    assertFailedWith(result.failure, 'Dunwell.WorkflowFailed');
  });

  test('send_sms routes to SendSms (the send-reminder function), then plans again', async () => {
    const result = await run({
      Plan: sequence({ type: 'send_sms', stepId: 't3-sms-65', dueAt: '2027-02-04T08:00:00.000Z', version: 3 }, close('paid')),
      SendSms: () => ({ outcome: 'sent' }),
      Close: () => ({ outcome: 'closed' }),
    });
    assert.deepEqual(result.path, ['Plan', 'Route', 'SendSms', 'Plan', 'Route', 'Close', 'Closed']);
    assert.deepEqual(result.calls.SendSms, [{ invoiceId: INVOICE, stepId: 't3-sms-65' }]);
  });

  test('open_task routes to OpenTask with the reason, then plans again', async () => {
    const result = await run({
      Plan: sequence(
        { type: 'open_task', stepId: 't2-call-38', reason: 'call', dueAt: '2027-01-08T08:00:00.000Z', version: 3 },
        close('paid'),
      ),
      OpenTask: () => ({ outcome: 'opened' }),
      Close: () => ({ outcome: 'closed' }),
    });
    assert.deepEqual(result.path, ['Plan', 'Route', 'OpenTask', 'Plan', 'Route', 'Close', 'Closed']);
    assert.deepEqual(result.calls.OpenTask, [{ invoiceId: INVOICE, stepId: 't2-call-38', reason: 'call' }]);
  });

  test('an OpenTask that keeps failing is caught into RecordSendFailure, and planning goes on', async () => {
    const result = await run({
      Plan: sequence(
        { type: 'open_task', stepId: 't2-call-38', reason: 'call', dueAt: '2027-01-08T08:00:00.000Z', version: 3 },
        close('paid'),
      ),
      OpenTask: always(taskError('Error', 'topic unavailable')),
      RecordSendFailure: () => ({ recorded: true }),
      Close: () => ({ outcome: 'closed' }),
    });
    assert.equal(result.calls.OpenTask.length, 1 + 2);
    assert.deepEqual(result.calls.RecordSendFailure, [
      { invoiceId: INVOICE, stepId: 't2-call-38', error: 'Error', cause: 'topic unavailable' },
    ]);
    assert.deepEqual(result.path.slice(-3), ['Route', 'Close', 'Closed']);
  });

  test('an action type the workflow does not route ends in UnknownAction', async () => {
    const result = await run({ Plan: sequence({ type: 'send_fax', stepId: 'post-10', version: 1 }) });
    assert.deepEqual(result.path, ['Plan', 'Route', 'UnknownAction']);
    assertFailedWith(result.failure, 'Dunwell.UnknownAction');
  });
});
