import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledgeNag } from './nag.ts';

/**
 * An SQS queue with SSE-SQS and a policy that denies non-TLS access. SSE-SQS rather than the
 * data key: EventBridge and Scheduler can deliver to it without a key policy per sender.
 */
export function encryptedQueue(scope: Construct, id: string, props: Omit<QueueProps, 'encryption' | 'enforceSSL'> = {}): Queue {
  return new Queue(scope, id, { ...props, encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
}

/**
 * A dead-letter queue for a service that redrives on its own (an EventBridge rule target,
 * a Scheduler schedule). It keeps messages for the longest SQS allows.
 */
export function deadLetterQueue(scope: Construct, id: string, deadLettersOf: string): Queue {
  const queue = encryptedQueue(scope, id, { retentionPeriod: Duration.days(14) });
  acknowledgeNag(queue, 'SQS3', `This queue is itself the dead-letter queue of ${deadLettersOf}; a DLQ has no DLQ.`);
  return queue;
}
