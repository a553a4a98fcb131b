import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, test } from 'vitest';
import { formTokenOf, payLinkOf, postForm } from '../support/hosted-page.ts';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * Restarts on the same data folder: open invoices carry on where they were (the reconciler
 * restarts their executions), with no duplicate and no lost reminder.
 */
describe('restart in the middle of a lifecycle', () => {
  test('a stop and start between steps: the remaining steps arrive once each, on time', async () => {
    const first = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    const dataDir = first.dataDir;
    try {
      await first.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-RS-1' }));
      await first.advance({ to: '2026-12-01T00:00:00Z' });
      assert.deepEqual(
        (await first.outbox('INV-RS-1')).map((m) => m.step),
        ['pre-3'],
      );
      const tokenBefore = await first.token();
      await first.stop({ keepData: true });

      const second = await LocalServer.start({ dataDir });
      try {
        const health = await (await fetch(`${second.url}/_local/health`)).json();
        assert.equal((health as { now: string }).now, '2026-12-01T00:00:00.000Z', 'the virtual clock resumes where it stopped');
        // The dev token from before the restart still opens the API (the signing key is kept).
        const withOldToken = await fetch(`${second.url}/v1/invoices/INV-RS-1`, { headers: { authorization: `Bearer ${tokenBefore}` } });
        assert.equal(withOldToken.status, 200);
        // To 21 December: before the follow-up that fills the wait for tier 2.
        await second.advance({ days: 20 });
        const sent = await second.outbox('INV-RS-1');
        assert.deepEqual(
          sent.map((m) => [m.step, m.sentAt]),
          [
            ['pre-3', '2026-11-30T08:00:00.000Z'],
            ['post-3', '2026-12-04T08:00:00.000Z'],
            ['post-14', '2026-12-15T08:00:00.000Z'],
          ],
        );
        const invoice = await second.api('GET', '/v1/invoices/INV-RS-1');
        assert.equal(invoice.body.timeline.filter((e: { type: string }) => e.type === 'reminder.sent').length, 3);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a crash right after SES accepted a reminder, before it was recorded: never sent twice, and the rest still goes out', async () => {
    const crashing = await LocalServer.start({
      clockStart: '2026-11-01T00:00:00Z',
      env: { DUNWELL_FAULT_CRASH_AFTER_EMAIL_STEP: 'post-3' },
    });
    const dataDir = crashing.dataDir;
    try {
      await crashing.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-CRASH-1' }));
      await assert.rejects(crashing.advance({ days: 40 }), 'the process dies mid-step');
      assert.notEqual(await crashing.waitForExit(), 0);

      const restarted = await LocalServer.start({ dataDir });
      try {
        await restarted.advance({ to: '2026-12-20T00:00:00Z' });
        const sent = await restarted.outbox('INV-CRASH-1');
        assert.deepEqual(
          sent.map((m) => m.step),
          ['pre-3', 'post-3', 'post-14'],
          'post-3 exactly once, post-14 not lost',
        );
        const invoice = await restarted.api('GET', '/v1/invoices/INV-CRASH-1');
        const events = invoice.body.timeline.map((e: { type: string; stepId?: string }) => `${e.type}${e.stepId ? `:${e.stepId}` : ''}`);
        assert.ok(events.includes('reminder.unconfirmed:post-3'), `the unknown outcome is on the timeline: ${events.join(', ')}`);
        assert.ok(!events.includes('reminder.sent:post-3'));
        assert.ok(events.includes('reminder.sent:post-14'));
      } finally {
        await restarted.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a kill -9 right after SES accepted a reminder: its delivery event is not lost, the restart delivers it and confirms the step', async () => {
    const crashing = await LocalServer.start({
      clockStart: '2026-11-01T00:00:00Z',
      env: { DUNWELL_FAULT_CRASH_AFTER_EMAIL_STEP: 'post-3' },
    });
    const dataDir = crashing.dataDir;
    const steps = (events: string[], stepId: string) => events.filter((event) => event.endsWith(`:${stepId}`));
    const timelineOf = async (server: LocalServer) =>
      (await server.api('GET', '/v1/invoices/INV-CRASH-2')).body.timeline.map(
        (e: { type: string; stepId?: string }) => `${e.type}${e.stepId ? `:${e.stepId}` : ''}`,
      ) as string[];
    try {
      await crashing.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-CRASH-2' }));
      // SES accepted post-3 (to an address its simulator delivers to), then the process died
      // before the handler recorded the send and before SES's delivery event was published.
      await assert.rejects(crashing.advance({ days: 40 }), 'the process dies mid-step');
      assert.notEqual(await crashing.waitForExit(), 0);

      const restarted = await LocalServer.start({ dataDir });
      try {
        // The start-up alone settles it: the open claim is recorded unknown, then the delivery
        // event SES owed since it accepted the email arrives and proves the email left.
        const events = await timelineOf(restarted);
        assert.deepEqual(
          steps(events, 'post-3'),
          ['reminder.unconfirmed:post-3', 'email.delivered:post-3', 'reminder.confirmed:post-3'],
          events.join(', '),
        );
        assert.deepEqual(await restarted.deadLetters(), []);
      } finally {
        await restarted.stop({ keepData: true });
      }

      // Delivered once: a later start does not deliver it again, and the cadence goes on.
      const again = await LocalServer.start({ dataDir });
      try {
        await again.advance({ to: '2026-12-20T00:00:00Z' });
        assert.deepEqual(
          (await again.outbox('INV-CRASH-2')).map((m) => m.step),
          ['pre-3', 'post-3', 'post-14'],
          'post-3 sent exactly once',
        );
        const events = await timelineOf(again);
        assert.deepEqual(steps(events, 'post-3'), ['reminder.unconfirmed:post-3', 'email.delivered:post-3', 'reminder.confirmed:post-3']);
        assert.deepEqual(steps(events, 'post-14'), ['reminder.sent:post-14', 'email.delivered:post-14']);
        assert.deepEqual(await again.deadLetters(), []);
      } finally {
        await again.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a payment right after a restart reaches the re-started execution and closes the invoice', async () => {
    const first = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    const dataDir = first.dataDir;
    try {
      await first.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-RS-PAY' }));
      await first.advance({ to: '2026-12-01T00:00:00Z' });
      await first.stop({ keepData: true });
      const second = await LocalServer.start({ dataDir });
      try {
        const paid = await second.api('POST', '/v1/invoices/INV-RS-PAY/payments', {
          paymentId: 'P-1',
          amount: '1250.00',
          paidAt: '2026-12-01T00:00:00Z',
        });
        assert.equal(paid.status, 201);
        // To 21 December: before the follow-up that fills the wait for tier 2.
        await second.advance({ days: 20 });
        assert.deepEqual(
          (await second.outbox('INV-RS-PAY')).map((m) => m.step),
          ['pre-3', 'thank-you'],
        );
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a lost SES response makes the workflow retry the task: the retry sends nothing and records the step unconfirmed', async () => {
    const server = await LocalServer.start({
      clockStart: '2026-11-01T00:00:00Z',
      env: { DUNWELL_FAULT_LOSE_EMAIL_RESPONSE_STEP: 'post-3' },
    });
    try {
      await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-RETRY-1' }));
      await server.advance({ days: 50 });
      assert.deepEqual(
        (await server.outbox('INV-RETRY-1')).map((m) => m.step),
        ['pre-3', 'post-3', 'post-14'],
      );
      const invoice = await server.api('GET', '/v1/invoices/INV-RETRY-1');
      const events = invoice.body.timeline.map((e: { type: string; stepId?: string }) => `${e.type}${e.stepId ? `:${e.stepId}` : ''}`);
      assert.ok(events.includes('reminder.unconfirmed:post-3'), events.join(', '));
      // Never sent twice; SES did accept it, and its delivery event confirms the step after all.
      assert.deepEqual(
        events.filter((e: string) => e.startsWith('reminder.') && e.endsWith(':post-3')),
        ['reminder.unconfirmed:post-3', 'reminder.confirmed:post-3'],
      );
      assert.ok(events.includes('email.delivered:post-3'), events.join(', '));
    } finally {
      await server.stop();
    }
  });

  test('a checkout opened before a restart can be paid after it: the invoice is paid once', async () => {
    const first = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    const dataDir = first.dataDir;
    try {
      await first.api('POST', '/v1/invoices', invoiceBody({ invoiceId: 'INV-RS-CHK' }));
      await first.advance({ to: '2026-11-30T09:00:00Z' });
      const link = payLinkOf((await first.outbox('INV-RS-CHK'))[0]);
      assert.ok(link, 'the reminder carries a pay link');
      const html = await (await fetch(link)).text();
      const opened = await postForm(`${link}/checkout`, { formToken: formTokenOf(html) });
      assert.equal(opened.status, 303);
      const sessionId = /\/_sandbox\/checkout\/(cs_test_[0-9a-f]+)$/.exec(opened.headers.get('location') ?? '')?.[1];
      assert.ok(sessionId, 'redirected to the sandbox checkout');
      await first.stop({ keepData: true });

      const second = await LocalServer.start({ dataDir });
      try {
        const checkoutUrl = `${second.url}/_sandbox/checkout/${sessionId}`;
        const page = await fetch(checkoutUrl);
        assert.equal(page.status, 200, 'the sandbox still knows the open checkout');
        assert.match(await page.text(), /<button type="submit">Pay<\/button>/);
        const paid = await fetch(`${checkoutUrl}/pay`, { method: 'POST', redirect: 'manual' });
        assert.equal(paid.status, 303);
        await second.advance({ hours: 0 });
        const again = await fetch(`${checkoutUrl}/pay`, { method: 'POST', redirect: 'manual' });
        assert.equal(again.status, 303, 'a completed checkout only redirects');
        // To 21 December: before the follow-up that fills the wait for tier 2.
        await second.advance({ days: 20 });

        const invoice = (await second.api('GET', '/v1/invoices/INV-RS-CHK')).body;
        assert.equal(invoice.status, 'paid');
        assert.equal(invoice.payments.length, 1);
        assert.equal(invoice.payments[0].amount, '1250.00');
        assert.match(invoice.payments[0].paymentId, /^pi_test_/);
        assert.deepEqual(
          (await second.outbox('INV-RS-CHK')).map((m) => m.step),
          ['pre-3', 'thank-you'],
        );
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
