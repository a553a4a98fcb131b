import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, MetricName, SERVICE_DIMENSION } from '#contracts/metrics.ts';

export interface OperationsAlarmsProps {
  readonly namePrefix: string;
  /** Subscribed to the alarm topic when set. */
  readonly alarmEmail: string | undefined;
  /** Every dead-letter queue, by what it holds; one message in any of them is an alarm. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  readonly startBuffer: IQueue;
  readonly dunning: StateMachine;
  /** The stripe-webhook function's deployed name: its `paymentNotRecorded` metric counts card payments Stripe took and Dunwell did not record. */
  readonly stripeWebhookFunctionName: string;
  /** The advance function's deployed name (it sends the reminders): its `remindersUnconfirmed` metric counts reminders that may have been missed. */
  readonly advanceFunctionName: string;
  /** The finance lake's stream projector (export-events) and its daily compaction (export-compact). */
  readonly lakeProjector: IFunction;
  readonly lakeCompaction: IFunction;
  /** The daily reconcile: it fails when a listing failed or the start buffer refused requests. */
  readonly reconcile: IFunction;
}

/**
 * The projector is this far behind the table stream → alarm. Stream records live 24 hours; an
 * alarm after one leaves a working day to fix the cause before a batch is given up.
 */
export const LAKE_PROJECTOR_MAX_LAG = Duration.hours(1);

/**
 * The few signals that mean an invoice is not being dunned: something in a dead-letter
 * queue, a failed execution, or a start buffer that stopped draining; and the two facts that
 * mean money or a reminder needs a person, counted by the functions as EMF metrics
 * (shared/contracts/metrics.ts): a paid checkout that was not recorded, and a reminder whose
 * sending is unknown (recorded unconfirmed, never re-sent). And for the finance lake: a
 * projector falling behind the table stream, and a compaction that failed.
 */
export class OperationsAlarms extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    // Own key: CloudWatch must be allowed to publish to the encrypted topic through the key policy.
    const key = new Key(this, 'TopicKey', {
      description: 'Encrypts Dunwell operations alarm notifications',
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      topicName: `${props.namePrefix}-operations-alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    const alarm = (id: string, description: string, metric: IMetric, threshold: number) => {
      const created = new Alarm(this, id, {
        alarmName: `${props.namePrefix}-${id}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new SnsAction(this.topic));
    };

    for (const [holds, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `dead-letters-${holds}`,
        `Messages in the dead-letter queue of ${holds}: an invoice may have missed a start, signal or reconcile.`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        1,
      );
    }
    alarm(
      'dunning-executions-failed',
      'A dunning execution failed after its retries; the daily reconcile restarts it, but the cause needs a look.',
      props.dunning.metricFailed({ period: Duration.minutes(15) }),
      1,
    );
    // The functions' own counts (EMF lines in their logs, one metric set per function: the
    // `service` dimension is its deployed name, so stages sharing an account stay apart); one is worth a look.
    const counted = (metricName: string, functionName: string) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { [SERVICE_DIMENSION]: functionName },
        period: Duration.minutes(5),
        statistic: 'Sum',
      });
    alarm(
      'card-payment-not-recorded',
      'Stripe took a card payment that Dunwell could not record (no matching invoice, currency or amount, or the invoice was already closed). Book or refund it by hand: the stripe-webhook log line "paid checkout not recorded" names the session and the invoice.',
      counted(MetricName.paymentNotRecorded, props.stripeWebhookFunctionName),
      1,
    );
    alarm(
      'reminder-outcome-unknown',
      'A reminder was claimed by an attempt that did not finish; it is recorded unconfirmed and will not be re-sent, so the debtor may have missed it. Check the advance function log line "reminder outcome unknown" and the invoice timeline.',
      counted(MetricName.remindersUnconfirmed, props.advanceFunctionName),
      1,
    );
    alarm(
      'lake-projector-behind',
      `The finance lake projector (export-events) is over ${LAKE_PROJECTOR_MAX_LAG.toHumanString()} behind the table stream, probably failing on a batch it retries. Stream records expire after 24 hours; a batch given up lands in the export-events dead-letter queue, and export-backfill rewrites what was missed.`,
      props.lakeProjector.metric('IteratorAge', { period: Duration.minutes(5), statistic: 'Maximum' }),
      LAKE_PROJECTOR_MAX_LAG.toMilliseconds(),
    );
    alarm(
      'lake-compaction-failed',
      'The daily lake compaction (export-compact) failed. Reports stay correct (they de-duplicate) but read more files; see its log, then invoke it with {"dates": [...]} for the days it missed.',
      props.lakeCompaction.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
      1,
    );
    alarm(
      'reconcile-failed',
      'The daily reconcile failed: listing the running executions or the open invoices failed, or the start buffer refused some start requests (its log says how many). Open invoices without a live execution wait for the next run; see the reconcile log.',
      props.reconcile.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
      1,
    );
    alarm(
      'start-buffer-stalled',
      'The oldest message in the start buffer is over an hour old: invoices are waiting for their first reminder.',
      props.startBuffer.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
      3600,
    );
  }
}
