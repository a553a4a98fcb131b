import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { ConsoleClient } from '../support/console-client.ts';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * A write-off proposal from dunning, approved on the invoice page by finance: the page finds the
 * proposal through the invoice's own timeline, a collector is not offered the form, and the form
 * cannot approve another invoice's proposal.
 */
describe('console: approving a write-off proposal', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await LocalServer.start({ clockStart: '2026-01-05T00:00:00Z' });
    const policy = await server.api('PUT', '/v1/policies/write-off-early', {
      name: 'Write-off proposal early',
      tiers: [{ tier: 1, steps: [{ stepId: 'wo-2', offsetDays: 2, channel: 'write_off', tone: 'final', taskDeadlineDays: 60 }] }],
    });
    assert.equal(policy.status, 201, JSON.stringify(policy.body));
    for (const invoiceId of ['INV-WO-1', 'INV-WO-2']) {
      const created = await server.api(
        'POST',
        '/v1/invoices',
        invoiceBody({ invoiceId, issueDate: '2026-01-05', dueDate: '2026-01-20', policyId: 'write-off-early' }),
      );
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    await server.advance({ to: '2026-01-23T10:00:00Z' });
  });
  afterAll(() => server.stop());

  const proposalOf = async (invoiceId: string): Promise<string> => {
    const listed = await server.api('GET', `/v1/tasks?status=open&invoiceId=${invoiceId}`);
    assert.equal(listed.body.length, 1, JSON.stringify(listed.body));
    return listed.body[0].taskId;
  };

  test('a collector sees the invoice without the write-off form', async () => {
    const collector = await ConsoleClient.signIn(server.url, 'collector');
    const page = await collector.get('/console/invoices/INV-WO-1');
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.html, /action="\/console\/invoices\/INV-WO-1\/write-off"/);
  });

  test("the form names another invoice's proposal: refused, and neither invoice is written off", async () => {
    const finance = await ConsoleClient.signIn(server.url, 'finance');
    const page = await finance.get('/console/invoices/INV-WO-1');
    assert.match(page.html, /action="\/console\/invoices\/INV-WO-1\/write-off"/);
    const other = await proposalOf('INV-WO-2');
    const refused = await finance.post('/console/invoices/INV-WO-1/write-off', { taskId: other, note: 'wrong invoice' });
    assert.equal(refused.status, 400);
    assert.match(refused.html, /has no write-off proposal/);
    for (const invoiceId of ['INV-WO-1', 'INV-WO-2']) {
      assert.equal((await server.api('GET', `/v1/invoices/${invoiceId}`)).body.status, 'open');
    }
  });

  test('finance approves the proposal shown on the invoice page: the invoice is written off and the form is gone', async () => {
    const finance = await ConsoleClient.signIn(server.url, 'finance');
    const page = await finance.get('/console/invoices/INV-WO-1');
    const taskId = /name="taskId" value="([^"]+)"/.exec(page.html)?.[1];
    assert.equal(taskId, await proposalOf('INV-WO-1'));
    const approved = await finance.post('/console/invoices/INV-WO-1/write-off', { taskId: taskId ?? '', note: 'Customer insolvent' });
    assert.equal(approved.status, 303, approved.html);
    await server.advance({ hours: 1 });
    assert.equal((await server.api('GET', '/v1/invoices/INV-WO-1')).body.status, 'written_off');
    const after = await finance.get('/console/invoices/INV-WO-1');
    assert.doesNotMatch(after.html, /name="taskId"/);
  });
});
