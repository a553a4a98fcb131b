import assert from 'node:assert/strict';
import {
  ExecutionAlreadyExists,
  ExecutionLimitExceeded,
  InvalidToken,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { StepFunctionsRunningExecutions, StepFunctionsWorkflow } from '#adapters/sfn-workflow.ts';
import { Pacer } from '#domain/pacing.ts';
import { answered, commandNames, inputsOf } from '../../support/aws-mocks.ts';

const sfn = mockClient(SFNClient);
beforeEach(() => sfn.reset());
afterAll(() => sfn.restore());

const machine = 'arn:aws:states:eu-central-1:111122223333:stateMachine:dunning';
const workflow = () => new StepFunctionsWorkflow(new SFNClient({}), machine);

describe('StepFunctionsWorkflow.start', () => {
  test('StartExecution of the machine, named, with the input as JSON', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${machine}:INV-1`, startDate: new Date() });
    assert.equal(await workflow().start('INV-1', { invoiceId: 'INV-1', version: 3 }), 'started');
    assert.deepEqual(inputsOf(sfn.commandCalls(StartExecutionCommand)), [
      { stateMachineArn: machine, name: 'INV-1', input: '{"invoiceId":"INV-1","version":3}' },
    ]);
    assert.deepEqual(commandNames(sfn.calls()), ['StartExecutionCommand'], 'no DescribeExecution before it');
  });

  test('ExecutionAlreadyExists (a closed execution of that name) means the lifecycle ended', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', ...answered(400) }));
    assert.equal(await workflow().start('INV-1', {}), 'ended');
  });

  test('any other error passes through (a limit, throttling)', async () => {
    const limit = new ExecutionLimitExceeded({ message: 'too many', ...answered(400) });
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', ...answered(400) });
    for (const failure of [limit, throttled]) {
      sfn.reset();
      sfn.on(StartExecutionCommand).rejects(failure);
      await assert.rejects(workflow().start('INV-1', {}), (error) => error === failure);
    }
  });
});

describe('StepFunctionsWorkflow answers task tokens', () => {
  test('resume: SendTaskSuccess with the token and the output as JSON', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    assert.equal(await workflow().resume('token-1', { outcome: 'paid' }), 'resumed');
    assert.deepEqual(inputsOf(sfn.commandCalls(SendTaskSuccessCommand)), [{ taskToken: 'token-1', output: '{"outcome":"paid"}' }]);
  });

  test('finish: SendTaskFailure with the lifecycle-closed error and its cause', async () => {
    sfn.on(SendTaskFailureCommand).resolves({});
    assert.equal(await workflow().finish('token-2'), 'finished');
    assert.deepEqual(inputsOf(sfn.commandCalls(SendTaskFailureCommand)), [
      { taskToken: 'token-2', error: 'Dunwell.LifecycleClosed', cause: 'The invoice lifecycle closed' },
    ]);
  });

  test('TaskTimedOut, TaskDoesNotExist and InvalidToken mean the token is gone', async () => {
    for (const gone of [
      new TaskTimedOut({ message: 'timed out', ...answered(400) }),
      new TaskDoesNotExist({ message: 'no such task', ...answered(400) }),
      new InvalidToken({ message: 'bad token', ...answered(400) }),
    ]) {
      sfn.reset();
      sfn.on(SendTaskSuccessCommand).rejects(gone);
      sfn.on(SendTaskFailureCommand).rejects(gone);
      assert.equal(await workflow().resume('token', {}), 'gone', gone.name);
      assert.equal(await workflow().finish('token'), 'gone', gone.name);
    }
  });

  test('any other error passes through (throttling is not "gone")', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', ...answered(400) });
    sfn.on(SendTaskSuccessCommand).rejects(throttled);
    sfn.on(SendTaskFailureCommand).rejects(throttled);
    await assert.rejects(workflow().resume('token', {}), (error) => error === throttled);
    await assert.rejects(workflow().finish('token'), (error) => error === throttled);
  });
});

describe('StepFunctionsRunningExecutions.pages', () => {
  const instantPacer = () => {
    const pacer = new Pacer({ ratePerSecond: 1, burst: 100, now: () => 0, sleep: async () => undefined });
    let taken = 0;
    const take = pacer.take.bind(pacer);
    pacer.take = (count?: number) => {
      taken++;
      return take(count);
    };
    return { pacer, taken: () => taken };
  };

  test('ListExecutions of RUNNING, 1000 a page, following nextToken; one pacer token per page', async () => {
    sfn
      .on(ListExecutionsCommand)
      .resolvesOnce({ executions: [exec('INV-1'), exec('INV-2')], nextToken: 'page-2' })
      .resolvesOnce({
        executions: [exec('INV-3'), { ...exec('unnamed'), name: undefined as unknown as string }],
      })
      .resolves({ executions: [exec('never')] });
    const { pacer, taken } = instantPacer();
    const pages: (readonly string[])[] = [];
    for await (const page of new StepFunctionsRunningExecutions(new SFNClient({}), machine, pacer).pages()) pages.push(page);
    assert.deepEqual(pages, [['INV-1', 'INV-2'], ['INV-3']], 'an execution without a name is skipped');
    assert.deepEqual(inputsOf(sfn.commandCalls(ListExecutionsCommand)), [
      { stateMachineArn: machine, statusFilter: 'RUNNING', maxResults: 1000, nextToken: undefined },
      { stateMachineArn: machine, statusFilter: 'RUNNING', maxResults: 1000, nextToken: 'page-2' },
    ]);
    assert.equal(taken(), 2);
  });

  test('a failed page fails the listing', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', ...answered(400) });
    sfn.on(ListExecutionsCommand).rejects(throttled);
    const pages = new StepFunctionsRunningExecutions(new SFNClient({}), machine, instantPacer().pacer).pages();
    await assert.rejects(
      (async () => {
        for await (const _ of pages);
      })(),
      (error) => error === throttled,
    );
  });
});

function exec(name: string) {
  return { executionArn: `${machine}:${name}`, stateMachineArn: machine, name, status: 'RUNNING' as const, startDate: new Date() };
}
