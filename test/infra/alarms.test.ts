import assert from 'node:assert/strict';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, test } from 'vitest';
import { SignedPayLinks } from '#adapters/pay-links.ts';
import { METRICS_NAMESPACE, MetricName } from '#contracts/metrics.ts';
import { MailRejectedError } from '#ports/mailer.ts';
import { advanceInvoice } from '#use-cases/advance-invoice.ts';
import { emptyReminderTally } from '#use-cases/reminder-tally.ts';
import {
  FakeSecrets,
  FakeTimers,
  FakeWorkflow,
  InMemoryInvoiceStore,
  InMemoryTaskStore,
  RecordingCollectors,
  RecordingLog,
  RecordingMailer,
  RecordingTexter,
  SettableClock,
} from '../support/fakes.ts';
import { berlinSchedule, newInvoice } from '../support/invoices.ts';
import { type CfnResource, resourcesOf, synthDunwell } from './synth.ts';

/**
 * The alarms that need a person read the functions' own EMF metrics (namespace `Dunwell`,
 * dimension `service` = the deployed function name), not log lines: the metric names are the
 * ones the handlers count (shared/contracts/metrics.ts).
 */
describe('operations alarms on the functions’ EMF metrics', () => {
  let stateless: Template;
  let alarms: Record<string, CfnResource>;
  beforeAll(() => {
    stateless = synthDunwell().templates.stateless;
    alarms = resourcesOf(stateless, 'AWS::CloudWatch::Alarm');
  });

  const alarmOn = (metricName: string) => {
    const found = Object.values(alarms).filter((alarm) => alarm.Properties?.MetricName === metricName);
    assert.equal(found.length, 1, `one alarm on ${metricName}`);
    return found[0]?.Properties ?? {};
  };
  const topicRef = () => {
    const topics = Object.entries(resourcesOf(stateless, 'AWS::SNS::Topic')).filter(
      ([, topic]) => topic.Properties?.TopicName === 'dunwell-dev-operations-alarms',
    );
    assert.equal(topics.length, 1);
    return { Ref: topics[0]?.[0] };
  };
  /** The deployed name of a catalogue function, as the template names it (and Lambda sets AWS_LAMBDA_FUNCTION_NAME). */
  const deployedName = (name: string) => {
    const names = Object.values(resourcesOf(stateless, 'AWS::Lambda::Function')).map((fn) => fn.Properties?.FunctionName);
    assert.ok(names.includes(`dunwell-dev-${name}`), `a function named dunwell-dev-${name}`);
    return `dunwell-dev-${name}`;
  };

  test('no metric filters on log phrases are left', () => {
    assert.deepEqual(Object.keys(resourcesOf(stateless, 'AWS::Logs::MetricFilter')), []);
  });

  test('a paid checkout that is not recorded: stripe-webhook’s paymentNotRecorded, alarmed at the first one', () => {
    const alarm = alarmOn(MetricName.paymentNotRecorded);
    assert.equal(alarm.AlarmName, 'dunwell-dev-card-payment-not-recorded');
    assert.equal(alarm.Namespace, METRICS_NAMESPACE);
    assert.equal(alarm.Namespace, 'Dunwell');
    assert.deepEqual(alarm.Dimensions, [{ Name: 'service', Value: deployedName('stripe-webhook') }]);
    assert.equal(alarm.Statistic, 'Sum');
    assert.equal(alarm.Period, 300);
    assert.equal(alarm.Threshold, 1);
    assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
    assert.equal(alarm.EvaluationPeriods, 1);
    assert.equal(alarm.TreatMissingData, 'notBreaching', 'no count is healthy, not missing data');
    assert.deepEqual(alarm.AlarmActions, [topicRef()]);
  });

  test('a reminder whose outcome is unknown: advance’s remindersUnconfirmed, alarmed at the first one', () => {
    const alarm = alarmOn(MetricName.remindersUnconfirmed);
    assert.equal(alarm.AlarmName, 'dunwell-dev-reminder-outcome-unknown');
    assert.equal(alarm.Namespace, 'Dunwell');
    assert.deepEqual(alarm.Dimensions, [{ Name: 'service', Value: deployedName('advance') }]);
    assert.equal(alarm.Statistic, 'Sum');
    assert.equal(alarm.Period, 300);
    assert.equal(alarm.Threshold, 1);
    assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
    assert.equal(alarm.TreatMissingData, 'notBreaching');
    assert.deepEqual(alarm.AlarmActions, [topicRef()]);
  });

  test('what the advance handler counts: a send that may have reached the provider is one unconfirmed reminder (and still logged for a person)', async () => {
    const world = () => {
      const store = new InMemoryInvoiceStore();
      store.seed(newInvoice());
      return {
        store,
        clock: new SettableClock(berlinSchedule['pre-3']),
        mailer: new RecordingMailer(),
        texter: new RecordingTexter(),
        links: new SignedPayLinks(
          new FakeSecrets({ 'link-secret': JSON.stringify({ current: 'k1', k1: 'test-link-key-0123456789abcdef' }) }),
          'link-secret',
          'https://pay.dunwell.example/',
        ),
        tasks: new InMemoryTaskStore(),
        collectors: new RecordingCollectors(),
        timers: new FakeTimers(),
        workflow: new FakeWorkflow(),
        log: new RecordingLog(),
      };
    };
    const lost = world();
    lost.mailer.failNext(new Error('socket hang up'));
    const tally = emptyReminderTally();
    await advanceInvoice(lost, 'INV-2026-0001', 'token-1', tally);
    assert.equal((await lost.store.get('INV-2026-0001'))?.steps['pre-3']?.state, 'unconfirmed');
    assert.deepEqual(tally, { sent: 0, failed: 0, unconfirmed: 1 });
    const logged = lost.log.entries.filter((entry) => entry.level === 'error' && entry.message.startsWith('reminder outcome unknown'));
    assert.equal(logged.length, 1);

    const refused = world();
    refused.mailer.failNext(new MailRejectedError('throttled'));
    const refusedTally = emptyReminderTally();
    await advanceInvoice(refused, 'INV-2026-0001', 'token-1', refusedTally);
    assert.deepEqual(refusedTally, { sent: 0, failed: 1, unconfirmed: 0 }, 'refused by the provider: failed, retried later');

    const sent = world();
    const sentTally = emptyReminderTally();
    await advanceInvoice(sent, 'INV-2026-0001', 'token-1', sentTally);
    assert.deepEqual(sentTally, { sent: 1, failed: 0, unconfirmed: 0 });
  });
});
