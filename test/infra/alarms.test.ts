import assert from 'node:assert/strict';
import { before, describe, mock, test } from 'node:test';
import type { Template } from 'aws-cdk-lib/assertions';
import { jsonLogger } from '#adapters/log.ts';
import { SignedPayLinks } from '#adapters/pay-links.ts';
import { advanceInvoice } from '#use-cases/advance-invoice.ts';
import { PAYMENT_NOT_RECORDED_PHRASE, REMINDER_OUTCOME_UNKNOWN_PHRASE } from '../../infra/constructs/operations-alarms.ts';
import {
  FakeSecrets,
  FakeTimers,
  FakeWorkflow,
  InMemoryInvoiceStore,
  InMemoryTaskStore,
  RecordingCollectors,
  RecordingMailer,
  RecordingTexter,
  SettableClock,
} from '../support/fakes.ts';
import { berlinSchedule, newInvoice } from '../support/invoices.ts';
import { type CfnResource, cfnText, resourcesOf, synthDunwell } from './synth.ts';

/**
 * CloudWatch Logs term patterns ("Terms can be words, exact phrases, or numeric values"): every
 * quoted phrase or bare word must appear in the event. Enough for the patterns used here; JSON
 * and space-delimited patterns are refused so a change of style is noticed.
 */
function termPatternMatches(pattern: string, event: string): boolean {
  assert.ok(!/^\s*[{[]/.test(pattern), `not a term pattern: ${pattern}`);
  const terms = [...pattern.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] ?? m[2] ?? '').replace(/\\"/g, '"'));
  assert.ok(terms.length > 0);
  return terms.every((term) => event.includes(term));
}

/** The same JSON line as the Lambda Node runtime writes it in its default text format. */
const asLambdaWritesIt = (line: string) => `2026-11-30T08:00:00.000Z\t2f1c0a4e-0000-4000-8000-000000000000\tERROR\t${line}`;

describe('operations alarms on log lines', () => {
  let stateless: Template;
  let filters: Record<string, CfnResource>;
  let alarms: Record<string, CfnResource>;
  before(() => {
    stateless = synthDunwell().templates.stateless;
    filters = resourcesOf(stateless, 'AWS::Logs::MetricFilter');
    alarms = resourcesOf(stateless, 'AWS::CloudWatch::Alarm');
  });

  const logGroupOf = (functionName: string) => {
    const match = Object.entries(resourcesOf(stateless, 'AWS::Logs::LogGroup')).find(
      ([, group]) => group.Properties?.LogGroupName === `/aws/lambda/dunwell-dev-${functionName}`,
    );
    assert.ok(match, `a log group for ${functionName}`);
    return match[0];
  };
  const filterOn = (functionName: string) => {
    const group = logGroupOf(functionName);
    const found = Object.values(filters).filter((filter) => cfnText(filter.Properties?.LogGroupName) === cfnText({ Ref: group }));
    assert.equal(found.length, 1, `one metric filter on the ${functionName} log group`);
    return found[0] as CfnResource;
  };
  const transformation = (filter: CfnResource) =>
    (filter.Properties?.MetricTransformations as { MetricNamespace: string; MetricName: string; MetricValue: string }[] | undefined)?.[0];
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

  test('a paid checkout that is not recorded: counted on the stripe-webhook log group, alarmed at the first one', () => {
    const filter = filterOn('stripe-webhook');
    assert.equal(filter.Properties?.FilterPattern, `"${PAYMENT_NOT_RECORDED_PHRASE}"`);
    assert.deepEqual(transformation(filter), {
      MetricNamespace: 'Dunwell/dunwell-dev',
      MetricName: 'CardPaymentsNotRecorded',
      MetricValue: '1',
    });
    const alarm = alarmOn('CardPaymentsNotRecorded');
    assert.equal(alarm.AlarmName, 'dunwell-dev-card-payment-not-recorded');
    assert.equal(alarm.Namespace, 'Dunwell/dunwell-dev');
    assert.equal(alarm.Statistic, 'Sum');
    assert.equal(alarm.Period, 300);
    assert.equal(alarm.Threshold, 1);
    assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
    assert.equal(alarm.EvaluationPeriods, 1);
    assert.equal(alarm.TreatMissingData, 'notBreaching', 'no lines is healthy, not missing data');
    assert.deepEqual(alarm.AlarmActions, [topicRef()]);
  });

  test('a reminder whose outcome is unknown: counted on the advance log group, alarmed at the first one', () => {
    const filter = filterOn('advance');
    assert.equal(filter.Properties?.FilterPattern, `"${REMINDER_OUTCOME_UNKNOWN_PHRASE}"`);
    assert.deepEqual(transformation(filter), {
      MetricNamespace: 'Dunwell/dunwell-dev',
      MetricName: 'RemindersOutcomeUnknown',
      MetricValue: '1',
    });
    const alarm = alarmOn('RemindersOutcomeUnknown');
    assert.equal(alarm.AlarmName, 'dunwell-dev-reminder-outcome-unknown');
    assert.equal(alarm.Threshold, 1);
    assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
    assert.equal(alarm.TreatMissingData, 'notBreaching');
    assert.deepEqual(alarm.AlarmActions, [topicRef()]);
  });

  test('the reminder filter matches the line the advance function really logs through the JSON logger', async () => {
    // A send whose provider call failed in a way that may have delivered it: recorded unconfirmed, and said so.
    const store = new InMemoryInvoiceStore();
    store.seed(newInvoice());
    const mailer = new RecordingMailer();
    const deps = {
      store,
      clock: new SettableClock(berlinSchedule['pre-3']),
      mailer,
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
      log: jsonLogger('advance'),
    };
    mailer.failNext(new Error('socket hang up'));
    const written = mock.method(console, 'error', () => undefined);
    try {
      await advanceInvoice(deps, 'INV-2026-0001', 'token-1');
    } finally {
      written.mock.restore();
    }
    assert.equal((await store.get('INV-2026-0001'))?.steps['pre-3']?.state, 'unconfirmed');
    const lines = written.mock.calls.map((call) => String(call.arguments[0]));
    const pattern = filterOn('advance').Properties?.FilterPattern as string;
    const matching = lines.filter((line) => termPatternMatches(pattern, asLambdaWritesIt(line)));
    assert.equal(matching.length, 1, `exactly the one line matches:\n${lines.join('\n')}`);
    const parsed = JSON.parse(matching[0] ?? '{}') as Record<string, unknown>;
    assert.equal(parsed.level, 'error');
    assert.equal(parsed.component, 'advance');
    assert.equal(parsed.stepId, 'pre-3');
    assert.equal(termPatternMatches(pattern, JSON.stringify({ level: 'info', message: 'reminder sent' })), false);
  });
});
