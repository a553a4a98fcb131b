import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { describe, test } from 'vitest';
import { DUNNING_STATE_MACHINE_FILE, dunningDefinitionSubstitutions } from '#contracts/functions.ts';

/**
 * Runs the real statemachines/invoice-dunning.asl.json with aws-local-stepfunctions, its one
 * Task (Advance, lambda:invoke.waitForTaskToken) overridden: it answers with whatever the
 * callback would send (the timer's or a signal's resume, or the function's own when the
 * lifecycle closed), or throws as a failed invocation would.
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
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:dunwell-dev-invoice-dunning:INV-2026-0001';

type Payload = Record<string, unknown>;
/** One invocation of the advance function and what its task then resumes with (or the error it fails with). */
type Handler = (payload: Payload, call: number) => unknown;

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

const timer = { reason: 'timer' };
/** What the advance function's finish() does to its task: it fails with the lifecycle-closed error. */
const closed = taskError('Dunwell.LifecycleClosed', 'The invoice lifecycle closed');

/**
 * The same definition with the Advance state's TimeoutSeconds at its minimum (1 s), so the
 * library raises its own States.Timeout: a Lambda error merely named "States.Timeout" would
 * also match States.TaskFailed, which a real timeout does not.
 */
const quickTimeoutMachine = new StateMachine({
  ...definition,
  States: { ...definition.States, Advance: { ...definition.States.Advance, TimeoutSeconds: 1 } as never },
});

async function run(advance: Handler, stateMachine = machine) {
  const calls: Payload[] = [];
  const wrongFunctions: string[] = [];
  const execution = stateMachine.run(
    { invoiceId: INVOICE },
    {
      overrides: {
        taskResourceLocalHandlers: {
          Advance: async (input: unknown) => {
            const { FunctionName, Payload: payload } = input as { FunctionName: string; Payload: Payload };
            if (FunctionName !== arnOf('advance')) wrongFunctions.push(`Advance invoked ${FunctionName}`);
            const call = calls.push(payload) - 1;
            return (await advance(payload, call)) as never;
          },
        },
        retryIntervalOverrides: { Advance: 0 },
      },
      context: { Task: { Token: TOKEN }, Execution: { Id: EXECUTION } },
    },
  );
  let output: unknown;
  let failure: unknown;
  try {
    output = await execution.result;
  } catch (error) {
    failure = error;
  }
  assert.deepEqual(wrongFunctions, [], 'the task invokes the advance function');
  const events = [];
  for await (const event of execution.eventLogs) events.push(event);
  const path = events.flatMap((event) => (event.type === 'StateEntered' ? [event.state.name] : []));
  const retries = events.filter((event) => event.type === 'StateRetried').map((event) => event.state.name);
  return { output: output as Payload | undefined, failure, calls, path, retries };
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

  test('each wake-up is one transition (Advance loops on itself); a closed lifecycle ends in Succeed, not retried', async () => {
    const result = await run(sequence(timer, { reason: 'payment.received' }, closed));
    assert.equal(result.failure, undefined);
    assert.deepEqual(result.path, ['Advance', 'Advance', 'Advance', 'Closed']);
    assert.deepEqual(result.retries, []);
    assert.deepEqual(result.calls, [
      { invoiceId: INVOICE, taskToken: TOKEN, executionId: EXECUTION },
      { invoiceId: INVOICE, taskToken: TOKEN, executionId: EXECUTION },
      { invoiceId: INVOICE, taskToken: TOKEN, executionId: EXECUTION },
    ]);
    assert.equal(result.output?.invoiceId, INVOICE);
    assert.equal((result.output?.closed as { Error?: string } | undefined)?.Error, 'Dunwell.LifecycleClosed');
  });

  test('any resume (a timer, a signal, "more", a change while planning) advances again', async () => {
    for (const wake of [timer, { reason: 'more' }, { reason: 'changed_while_planning' }, { closed: true }]) {
      const result = await run(sequence(wake, closed));
      assert.equal(result.failure, undefined, JSON.stringify(wake));
      assert.deepEqual(result.path, ['Advance', 'Advance', 'Closed']);
    }
  });

  test('an Advance that times out (lost callback) advances again, without a retry', async () => {
    let call = 0;
    const result = await run(() => {
      call += 1;
      // The first callback never comes.
      if (call === 1) return new Promise(() => {});
      throw closed;
    }, quickTimeoutMachine);
    assert.equal(result.failure, undefined);
    assert.deepEqual(result.path, ['Advance', 'Advance', 'Closed']);
    assert.deepEqual(result.retries, []);
  });

  test('a failed invocation (the table, the scheduler) is retried up to 4 times, then ends in Failed', async () => {
    const recovered = await run(sequence(taskError('StaleWriteError'), taskError('Error', 'socket hang up'), closed));
    assert.equal(recovered.failure, undefined);
    assert.equal(recovered.calls.length, 3);
    assert.deepEqual(recovered.retries, ['Advance', 'Advance']);

    const broken = await run(() => {
      throw taskError('Error', 'table unavailable');
    });
    assert.equal(broken.calls.length, 1 + 4);
    assert.deepEqual(broken.path, ['Advance', 'Failed']);
    assertFailedWith(broken.failure, 'Dunwell.WorkflowFailed');
  });

  test('Lambda service errors and throttling are retried up to 6 times', async () => {
    const throttled = await run(
      sequence(
        taskError('Lambda.TooManyRequestsException'),
        taskError('Lambda.ServiceException'),
        taskError('Lambda.SdkClientException'),
        closed,
      ),
    );
    assert.equal(throttled.failure, undefined);
    assert.equal(throttled.calls.length, 4);
    const persistent = await run(() => {
      throw taskError('Lambda.ServiceException');
    });
    assert.equal(persistent.calls.length, 1 + 6);
    assertFailedWith(persistent.failure, 'Dunwell.WorkflowFailed');
  });
});
