import assert from 'node:assert/strict';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ThrottlingException,
  UpdateScheduleCommand,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, test } from 'vitest';
import { SchedulerTimers, schedulerClient } from '#adapters/scheduler-timers.ts';
import { answered, commandNames, inputsOf } from '../../support/aws-mocks.ts';

const scheduler = mockClient(SchedulerClient);
beforeEach(() => scheduler.reset());
afterAll(() => scheduler.restore());

const target = { arn: 'arn:aws:lambda:eu-central-1:111122223333:function:advance', roleArn: 'arn:aws:iam::111122223333:role/scheduler' };
const timers = () => new SchedulerTimers(schedulerClient(), { groupName: 'dunwell-timers', target });

/** The one request arm sends, for a timer at 2026-12-04T08:00:00.123Z. */
const expectedSchedule = {
  Name: 'INV-1.post-3',
  GroupName: 'dunwell-timers',
  ScheduleExpression: 'at(2026-12-04T08:00:00)',
  ScheduleExpressionTimezone: 'UTC',
  FlexibleTimeWindow: { Mode: 'OFF' },
  ActionAfterCompletion: 'DELETE',
  Target: {
    Arn: target.arn,
    RoleArn: target.roleArn,
    Input: '{"invoiceId":"INV-1","timer":"post-3"}',
    RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
  },
};
const at = new Date('2026-12-04T08:00:00.123Z');
const payload = { invoiceId: 'INV-1', timer: 'post-3' };

describe('SchedulerTimers.arm', () => {
  test('CreateSchedule: a one-time at() in UTC (to the second), deleted after it fires, with the payload as input', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    await timers().arm('INV-1.post-3', at, payload);
    assert.deepEqual(inputsOf(scheduler.commandCalls(CreateScheduleCommand)), [expectedSchedule]);
    assert.deepEqual(commandNames(scheduler.calls()), ['CreateScheduleCommand']);
  });

  test('ConflictException (the schedule exists) re-arms it with UpdateSchedule and the same request', async () => {
    scheduler.on(CreateScheduleCommand).rejects(new ConflictException({ message: 'exists', Message: 'exists', ...answered(409) }));
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    await timers().arm('INV-1.post-3', at, payload);
    assert.deepEqual(commandNames(scheduler.calls()), ['CreateScheduleCommand', 'UpdateScheduleCommand']);
    assert.deepEqual(inputsOf(scheduler.commandCalls(UpdateScheduleCommand)), [expectedSchedule]);
  });

  test('a conflict recognised by name alone (another copy of the SDK) is handled the same way', async () => {
    scheduler.on(CreateScheduleCommand).rejects(Object.assign(new Error('exists'), { name: 'ConflictException' }));
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    await timers().arm('INV-1.post-3', at, payload);
    assert.equal(scheduler.commandCalls(UpdateScheduleCommand).length, 1);
  });

  test('other errors pass through without an update: throttling, validation; a failed update too', async () => {
    for (const failure of [
      new ThrottlingException({ message: 'Rate exceeded', Message: 'Rate exceeded', ...answered(429) }),
      new ValidationException({ message: 'bad expression', Message: 'bad expression', ...answered(400) }),
    ]) {
      scheduler.reset();
      scheduler.on(CreateScheduleCommand).rejects(failure);
      await assert.rejects(timers().arm('INV-1.post-3', at, payload), (error) => error === failure);
      assert.equal(scheduler.commandCalls(UpdateScheduleCommand).length, 0);
    }
    scheduler.reset();
    const throttled = new ThrottlingException({ message: 'Rate exceeded', Message: 'Rate exceeded', ...answered(429) });
    scheduler.on(CreateScheduleCommand).rejects(new ConflictException({ message: 'exists', Message: 'exists', ...answered(409) }));
    scheduler.on(UpdateScheduleCommand).rejects(throttled);
    await assert.rejects(timers().arm('INV-1.post-3', at, payload), (error) => error === throttled);
  });

  test('timers composed without a target refuse to arm and send nothing', async () => {
    const cancelOnly = new SchedulerTimers(schedulerClient(), { groupName: 'dunwell-timers' });
    await assert.rejects(cancelOnly.arm('INV-1.post-3', at, payload), /without a target/);
    assert.equal(scheduler.calls().length, 0);
  });
});

describe('SchedulerTimers.cancel', () => {
  test('DeleteSchedule by name in the group', async () => {
    scheduler.on(DeleteScheduleCommand).resolves({});
    await new SchedulerTimers(schedulerClient(), { groupName: 'dunwell-timers' }).cancel('INV-1.post-3');
    assert.deepEqual(inputsOf(scheduler.commandCalls(DeleteScheduleCommand)), [{ Name: 'INV-1.post-3', GroupName: 'dunwell-timers' }]);
  });

  test('ResourceNotFoundException (fired and deleted, or never armed) is success', async () => {
    scheduler
      .on(DeleteScheduleCommand)
      .rejects(new ResourceNotFoundException({ message: 'not found', Message: 'not found', ...answered(404) }));
    await timers().cancel('INV-1.post-3');
  });

  test('other errors pass through (throttling, a conflict)', async () => {
    for (const failure of [
      new ThrottlingException({ message: 'Rate exceeded', Message: 'Rate exceeded', ...answered(429) }),
      new ConflictException({ message: 'busy', Message: 'busy', ...answered(409) }),
    ]) {
      scheduler.reset();
      scheduler.on(DeleteScheduleCommand).rejects(failure);
      await assert.rejects(timers().cancel('INV-1.post-3'), (error) => error === failure);
    }
  });
});
