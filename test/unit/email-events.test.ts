import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { emailFeedbackOf, sesEmailEventSchema } from '#contracts/email-events.ts';
import { sesEvent } from '#local/ses-feedback.ts';

/**
 * An SES bounce as EventBridge delivers it, shaped after the examples in the SES developer guide
 * (event publishing record: eventType, bounce, mail with headers and tags), trimmed.
 */
const awsBounce = {
  version: '0',
  id: 'e3a0c5f2-1b4a-4e5e-9a0c-1c2d3e4f5a6b',
  'detail-type': 'Email Bounced',
  source: 'aws.ses',
  account: '123456789012',
  time: '2026-12-04T08:00:05Z',
  region: 'eu-west-1',
  resources: ['arn:aws:ses:eu-west-1:123456789012:configuration-set/dunwell-prod-reminders'],
  detail: {
    eventType: 'Bounce',
    bounce: {
      feedbackId: '0102018c1b2c3d4e-0000',
      bounceType: 'Permanent',
      bounceSubType: 'General',
      bouncedRecipients: [
        { emailAddress: 'ap@acme.example', action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' },
      ],
      timestamp: '2026-12-04T08:00:04.000Z',
      reportingMTA: 'dns; a1-2.smtp-out.eu-west-1.amazonses.com',
    },
    mail: {
      timestamp: '2026-12-04T08:00:01.000Z',
      source: 'billing@dunwell.example',
      sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/dunwell.example',
      sendingAccountId: '123456789012',
      messageId: '0102018c1b2c3d4e-5f6a7b8c-0000',
      destination: ['ap@acme.example'],
      headersTruncated: false,
      headers: [
        { name: 'From', value: 'billing@dunwell.example' },
        { name: 'To', value: 'ap@acme.example' },
        { name: 'x-dunwell-invoice-ids', value: 'INV-2026-0001,INV%2F2026%2F0002' },
        { name: 'X-Dunwell-Step', value: 'post-3' },
      ],
      commonHeaders: { from: ['billing@dunwell.example'], to: ['ap@acme.example'], subject: 'Reminder' },
      tags: { 'ses:configuration-set': ['dunwell-prod-reminders'], 'ses:source-ip': ['10.0.0.1'], step: ['post-3'] },
    },
  },
};

describe('SES email events', () => {
  test('a bounce as AWS publishes it becomes feedback for every invoice the message was about', () => {
    const feedback = emailFeedbackOf(sesEmailEventSchema.parse(awsBounce));
    assert.deepEqual(feedback, {
      kind: 'bounced',
      messageId: '0102018c1b2c3d4e-5f6a7b8c-0000',
      invoiceIds: ['INV-2026-0001', 'INV/2026/0002'],
      stepId: 'post-3',
      occurredAt: '2026-12-04T08:00:04.000Z',
      recipients: ['ap@acme.example'],
      bounceType: 'permanent',
      diagnostic: 'smtp; 550 5.1.1 user unknown',
    });
  });

  test('mail without the invoice headers (another sender, truncated headers) is not ours', () => {
    const foreign = structuredClone(awsBounce);
    foreign.detail.mail.headers = foreign.detail.mail.headers.filter((header) => !header.name.toLowerCase().startsWith('x-dunwell'));
    assert.equal(emailFeedbackOf(sesEmailEventSchema.parse(foreign)), undefined);
  });

  test('an event that names a section it lacks, or an unknown event type, is refused', () => {
    const broken = structuredClone(awsBounce) as { detail: { bounce?: unknown } };
    delete broken.detail.bounce;
    assert.throws(() => emailFeedbackOf(sesEmailEventSchema.parse(broken)), /without its bounce section/);
    assert.equal(sesEmailEventSchema.safeParse({ ...awsBounce, 'detail-type': 'Email Opened' }).success, false);
  });

  test('the local SES simulation publishes what the contract reads, for each kind', () => {
    const message = {
      channel: 'email' as const,
      to: 'ap@acme.example',
      subject: 'Reminder',
      text: 'Please pay',
      sentAt: '2026-12-04T08:00:00.000Z',
      invoiceIds: ['INV-1', 'INV-2'],
      step: 'post-3',
      messageId: 'ses-1',
    };
    for (const kind of ['delivery', 'bounce', 'complaint'] as const) {
      const { event } = sesEvent(message, kind, 'dunwell-local', new Date('2026-12-04T08:00:02Z'));
      const feedback = emailFeedbackOf(sesEmailEventSchema.parse(event));
      assert.deepEqual(feedback?.invoiceIds, ['INV-1', 'INV-2'], kind);
      assert.equal(feedback?.stepId, 'post-3');
      assert.deepEqual(feedback?.recipients, ['ap@acme.example']);
    }
  });
});
