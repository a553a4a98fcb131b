import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { defaultPolicy } from '#domain/policy.ts';
import { simulatePolicy } from '../../simulator/engine.ts';
import { type History, readHistory } from '../../simulator/history.ts';
import { defaultHoldModel } from '../../simulator/response-model.ts';
import { historyPortfolio } from '../../simulator/simulation.ts';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * The proof that the simulator is faithful: a portfolio runs through the real local pipeline
 * (API, workflows, timers, frequency cap, combined emails) with payments, a partial payment,
 * a dispute, a broken promise, a manual hold, a credit note, a void, a changed due date and a
 * collector's outcome; its lake is then replayed by `--history` under the policy the invoices
 * ran, and every reminder, task and message must come out at the same step, channel and instant.
 */

const run = promisify(execFile);

type Customer = { customerId: string; name: string; email?: string; phone?: string; timeZone: string; locale: string; country?: string };

const customers = {
  berlin: {
    customerId: 'C-BT-BER',
    name: 'Acme GmbH',
    email: 'ap@acme.example',
    phone: '+4915123456789',
    timeZone: 'Europe/Berlin',
    locale: 'de-DE',
  },
  newYork: {
    customerId: 'C-BT-NYC',
    name: 'Hudson Inc',
    email: 'ap@hudson.example',
    phone: '+12125550100',
    timeZone: 'America/New_York',
    locale: 'en-US',
  },
  london: { customerId: 'C-BT-LON', name: 'Thames Ltd', email: 'ap@thames.example', timeZone: 'Europe/London', locale: 'en-GB' },
  paris: {
    customerId: 'C-BT-PAR',
    name: 'Seine SARL',
    email: 'ap@seine.example',
    phone: '+33612345678',
    timeZone: 'Europe/Paris',
    locale: 'fr-FR',
  },
  vienna: {
    customerId: 'C-BT-VIE',
    name: 'Donau GmbH',
    email: 'ap@donau.example',
    timeZone: 'Europe/Vienna',
    locale: 'de-AT',
    country: 'AT',
  },
};

const invoice = (invoiceId: string, customer: Customer, amount: string, issueDate: string, dueDate: string) =>
  invoiceBody({ invoiceId, customer, amount, issueDate, dueDate, lines: [{ description: 'Services', quantity: '1', unitPrice: amount }] });

type Row = readonly [string, string, string, string];

describe('the simulator replays a real run of the local pipeline', () => {
  let server: LocalServer;
  let history: History;
  let exportsDir: string;

  beforeAll(async () => {
    server = await LocalServer.start({ clockStart: '2026-11-02T07:00:00Z' });
    const api = async (method: string, path: string, body?: unknown) => {
      const answer = await server.api(method, path, body);
      assert.ok(answer.status < 300, `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    };
    // Three invoices of one customer due together (combined emails, one cap), others elsewhere.
    await api('POST', '/v1/invoices', invoice('INV-BT-1', customers.berlin, '1250.00', '2026-11-01', '2026-12-01'));
    await api('POST', '/v1/invoices', invoice('INV-BT-2', customers.berlin, '480.00', '2026-11-01', '2026-12-01'));
    await api('POST', '/v1/invoices', invoice('INV-BT-3', customers.berlin, '2300.00', '2026-11-02', '2026-12-09'));
    await api('POST', '/v1/invoices', invoice('INV-BT-4', customers.newYork, '990.00', '2026-10-21', '2026-11-20'));
    await api('POST', '/v1/invoices', invoice('INV-BT-5', customers.newYork, '4100.00', '2026-11-02', '2026-12-04'));
    await api('POST', '/v1/invoices', invoice('INV-BT-6', customers.london, '760.00', '2026-10-26', '2026-11-25'));
    await api('POST', '/v1/invoices', invoice('INV-BT-7', customers.paris, '3150.00', '2026-10-16', '2026-11-16'));

    await server.advance({ to: '2026-11-10T09:15:00Z' });
    await api('POST', '/v1/invoices', invoice('INV-BT-8', customers.vienna, '640.00', '2026-11-10', '2026-11-24'));
    await server.advance({ to: '2026-11-12T13:00:00Z' });
    // The ERP moves a due date before dunning started.
    await api('POST', '/v1/invoices', invoice('INV-BT-8', customers.vienna, '640.00', '2026-11-10', '2026-11-30'));

    await server.advance({ to: '2026-12-02T10:00:00Z' });
    await api('POST', '/v1/invoices/INV-BT-5/holds', { note: 'Waiting for the customer controller' });
    await server.advance({ to: '2026-12-03T12:00:00Z' });
    await api('POST', '/v1/invoices/INV-BT-1/payments', { paymentId: 'P-BT-1', amount: '500.00', paidAt: '2026-12-02T16:00:00Z' });
    await server.advance({ to: '2026-12-06T09:30:00Z' });
    const dispute = await api('POST', '/v1/invoices/INV-BT-4/disputes', { reason: 'pricing', note: 'Rate' });
    await server.advance({ to: '2026-12-08T15:00:00Z' });
    await api('POST', '/v1/invoices/INV-BT-6/promises', { promisedDate: '2026-12-14' });
    await server.advance({ to: '2026-12-09T11:00:00Z' });
    await api('POST', '/v1/invoices/INV-BT-3/credit-notes', { creditNoteId: 'CN-BT-3', amount: '300.00', reason: 'Returned goods' });
    await server.advance({ to: '2026-12-12T08:00:00Z' });
    await api('POST', '/v1/invoices/INV-BT-5/holds/HLD.INV-BT-5.1/release');
    await server.advance({ to: '2026-12-16T11:00:00Z' });
    await api('POST', `/v1/disputes/${dispute.disputeId}/resolution`, { outcome: 'rejected' });
    await server.advance({ to: '2026-12-18T14:00:00Z' });
    await api('POST', '/v1/invoices/INV-BT-7/void', { reason: 'Issued to the wrong entity' });
    await server.advance({ to: '2026-12-21T10:00:00Z' });
    await api('POST', '/v1/invoices/INV-BT-2/payments', { paymentId: 'P-BT-2', amount: '480.00', paidAt: '2026-12-19T09:00:00Z' });
    // Collectors work what the pipeline handed them: one call not answered, one promise obtained.
    await server.advance({ to: '2027-01-05T10:00:00Z' });
    const open = (await api('GET', '/v1/tasks?status=open')) as { taskId: string; invoiceId: string }[];
    const [first, second] = [...open].sort((a, b) => a.taskId.localeCompare(b.taskId));
    assert.ok(first && second, `two open tasks to work: ${JSON.stringify(open)}`);
    await api('POST', `/v1/tasks/${first.taskId}/complete`, { outcome: 'no_answer' });
    await server.advance({ to: '2027-01-06T10:00:00Z' });
    await api('POST', `/v1/tasks/${second.taskId}/complete`, { outcome: 'promise_obtained', promisedDate: '2027-01-15' });
    await server.advance({ to: '2027-02-28T00:00:00Z' });
    assert.deepEqual(await server.deadLetters(), []);

    const flushed = await server.local('POST', '/_local/exports/flush');
    assert.equal(flushed.status, 200);
    exportsDir = join(server.dataDir, 'exports');
    history = await readHistory(exportsDir);
  });
  afterAll(() => server.stop());

  /** What the real run did, from its own lake: reminders, tasks and messages. */
  const lakeRows = async () => {
    const { decodeParquet } = await import('#adapters/lake-parquet.ts');
    const { invoiceEventColumns } = await import('#contracts/lake.ts');
    const { readdir, readFile } = await import('node:fs/promises');
    const table = join(exportsDir, 'invoice_events');
    const rows: Record<string, unknown>[] = [];
    for (const partition of await readdir(table)) {
      for (const file of await readdir(join(table, partition))) {
        rows.push(...(await decodeParquet(invoiceEventColumns, new Uint8Array(await readFile(join(table, partition, file))))));
      }
    }
    return rows;
  };

  const simulated = () => {
    const days = history.days;
    return simulatePolicy(historyPortfolio(history), defaultPolicy, { seed: 1, start: history.from, days, holds: defaultHoldModel });
  };

  test('the lake holds every invoice with nothing left out', () => {
    assert.equal(history.invoices.length, 8);
    assert.deepEqual(history.warnings, []);
    const types = history.invoices.flatMap((invoice) => invoice.events.map((event) => event.event.type)).sort();
    for (const type of ['payment.received', 'dispute.opened', 'dispute.resolved', 'promise.made', 'hold.placed', 'hold.released']) {
      assert.ok(types.includes(type), `${type} is replayed: ${types.join(', ')}`);
    }
    for (const type of ['credit_note.applied', 'invoice.voided', 'invoice.updated', 'task.completed']) {
      assert.ok(types.includes(type), `${type} is replayed: ${types.join(', ')}`);
    }
  });

  test('every reminder and task of the real run, at the same step, channel and instant', async () => {
    const rows = await lakeRows();
    const of = (types: readonly string[]) =>
      rows
        .filter((row) => types.includes(String(row.type)))
        .map((row): Row => [String(row.invoice_id), String(row.type), `${String(row.step_id)}/${String(row.channel)}`, String(row.at)])
        .sort((a, b) => a.join().localeCompare(b.join()));
    const real = of(['reminder.sent', 'task.opened', 'thank_you.sent', 'invoice.closed', 'promise.broken', 'promise.kept']);
    const replay = simulated();
    const sim = replay.invoices
      .flatMap((invoice) =>
        invoice.timeline
          .filter((event) =>
            ['reminder.sent', 'task.opened', 'thank_you.sent', 'invoice.closed', 'promise.broken', 'promise.kept'].includes(event.type),
          )
          .map(
            (event): Row => [invoice.invoiceId, event.type, `${String(event.stepId ?? null)}/${String(event.channel ?? null)}`, event.at],
          ),
      )
      .sort((a, b) => a.join().localeCompare(b.join()));
    assert.ok(real.filter((row) => row[1] === 'reminder.sent').length >= 15, `a real run with reminders: ${real.length}`);
    assert.deepEqual(sim, real);
    assert.deepEqual(replay.notApplied, {});
  });

  test('the same messages: reminders combined into one email in the real run are one message in the replay', async () => {
    const rows = await lakeRows();
    const groups = (pairs: readonly (readonly [string, string])[]) => {
      const byMessage = new Map<string, string[]>();
      for (const [message, invoiceId] of pairs) byMessage.set(message, [...(byMessage.get(message) ?? []), invoiceId]);
      return [...byMessage.values()].map((ids) => ids.sort().join('+')).sort();
    };
    const real = groups(
      rows.filter((row) => row.type === 'reminder.sent').map((row) => [String(row.message_id), String(row.invoice_id)] as const),
    );
    const sim = groups(
      simulated().invoices.flatMap((invoice) =>
        invoice.timeline
          .filter((event) => event.type === 'reminder.sent')
          .map((event) => [String(event.messageId), invoice.invoiceId] as const),
      ),
    );
    assert.ok(
      real.some((group) => group.includes('+')),
      `the real run combined some reminders: ${real.join(', ')}`,
    );
    assert.deepEqual(sim, real);
  });

  test('npm run simulate -- --history=<exports> counts the messages the real run sent', async () => {
    const rows = await lakeRows();
    const sent = rows.filter((row) => row.type === 'reminder.sent');
    const messages = (channels: readonly string[]) =>
      new Set(sent.filter((row) => channels.includes(String(row.channel))).map((row) => row.message_id)).size;
    const out = join(server.dataDir, 'backtest.html');
    const { stdout } = await run(process.execPath, ['simulator/main.ts', `--history=${exportsDir}`, '--json', `--out=${out}`], {
      cwd: process.cwd(),
    });
    const report = JSON.parse(stdout);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /8 invoices, replayed from history: 115 days from 2026-11-02 to 2027-02-24/);
    assert.match(html, /Replayed from the lake/);
    assert.doesNotMatch(html, /response model is a lever/, 'no response model in a replay');
    assert.equal(report.invoices, 8);
    assert.equal(report.policies[0].policy, 'default');
    assert.equal(report.policies[0].kpis.messages.email, messages(['email', 'notice']));
    assert.equal(report.policies[0].kpis.messages.sms, messages(['sms']));
  });
});
