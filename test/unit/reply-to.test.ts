import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { SignedPayLinks } from '#adapters/pay-links.ts';
import { SignedReplyAddresses } from '#adapters/reply-addresses.ts';
import { type Invoice, recordPayment } from '#domain/invoice.ts';
import { parseKeyring } from '#domain/pay-link.ts';
import { checkReplyCode, replyCodeOf, routeIsSealed } from '#domain/reply-address.ts';
import { closeInvoice } from '#use-cases/close-invoice.ts';
import { sendReminder } from '#use-cases/send-reminder.ts';
import {
  FakeSecrets,
  InMemoryInvoiceStore,
  InMemoryReplyRoutes,
  RecordingLog,
  RecordingMailer,
  RecordingTexter,
  SettableClock,
} from '../support/fakes.ts';
import { berlinSchedule, newInvoice } from '../support/invoices.ts';

/** Every email carries a signed Reply-To on the reply domain, its route stored before the message leaves. */

const INVOICE = 'INV-2026-0001';
const keys = { current: 'k1', k1: 'test-link-key-0123456789abcdef' };
const DOMAIN = 'replies.acme.example';

function world(invoice: Invoice = newInvoice(), now: string = berlinSchedule['pre-3']) {
  const store = new InMemoryInvoiceStore();
  store.seed(invoice);
  const clock = new SettableClock(now);
  const mailer = new RecordingMailer();
  const secrets = new FakeSecrets({ 'link-secret': JSON.stringify(keys) });
  const links = new SignedPayLinks(secrets, 'link-secret', 'https://pay.dunwell.example/');
  const routes = new InMemoryReplyRoutes();
  const replyAddresses = new SignedReplyAddresses(secrets, 'link-secret', DOMAIN, routes);
  const log = new RecordingLog();
  return { store, clock, mailer, routes, deps: { store, clock, mailer, texter: new RecordingTexter(), links, replyAddresses, log } };
}

/** The route behind a Reply-To, checked as the reply function checks it. */
async function routeOf(routes: InMemoryReplyRoutes, replyTo: string | undefined) {
  const code = replyCodeOf([replyTo ?? ''], DOMAIN);
  assert.ok(code, `${replyTo} is a reply address on ${DOMAIN}`);
  const check = checkReplyCode(parseKeyring(JSON.stringify(keys)), code);
  assert.ok(check.ok, 'signed with the link keyring');
  const route = await routes.get(code);
  assert.ok(route && routeIsSealed(parseKeyring(JSON.stringify(keys)), route, check.keyId), 'stored and sealed');
  return route;
}

describe('Reply-To on every email', () => {
  test('a reminder: r+<code>@<reply domain> naming its invoice, customer, step and send instant', async () => {
    const w = world();
    assert.equal(await sendReminder(w.deps, INVOICE, 'pre-3'), 'sent');
    const [email] = w.mailer.sent;
    const route = await routeOf(w.routes, email?.replyTo);
    assert.deepEqual(
      [route.invoiceIds, route.customerId, route.step, route.sentAt],
      [[INVOICE], 'C-100', 'pre-3', berlinSchedule['pre-3']],
    );
  });

  test('a route that cannot be stored stops the send before the provider, and a retry sends', async () => {
    const w = world();
    const create = w.routes.create.bind(w.routes);
    w.routes.create = async () => {
      throw new Error('table throttled');
    };
    await assert.rejects(sendReminder(w.deps, INVOICE, 'pre-3'), /table throttled/);
    assert.equal(w.mailer.sent.length, 0);
    assert.equal(w.store.current(INVOICE).steps['pre-3'], undefined, 'the claim is released');
    w.routes.create = create;
    assert.equal(await sendReminder(w.deps, INVOICE, 'pre-3'), 'sent');
    assert.equal(w.mailer.sent.length, 1);
  });

  test('without a reply domain, no Reply-To', async () => {
    const w = world();
    await sendReminder({ ...w.deps, replyAddresses: undefined }, INVOICE, 'pre-3');
    assert.equal(w.mailer.sent[0]?.replyTo, undefined);
  });

  test('the thank-you email too, as the thank-you step', async () => {
    const paid = recordPayment(
      newInvoice(),
      { paymentId: 'PAY-1', amountMinor: 125_000, paidAt: '2026-11-20T09:00:00.000Z' },
      new Date('2026-11-20T09:00:00Z'),
    );
    assert.equal(paid.kind, 'recorded');
    const w = world(paid.invoice, '2026-11-20T10:00:00Z');
    assert.equal(await closeInvoice(w.deps, INVOICE, 'paid'), 'closed');
    const [email] = w.mailer.sent;
    assert.equal(email?.step, 'thank-you');
    const route = await routeOf(w.routes, email?.replyTo);
    assert.deepEqual([route.invoiceIds, route.step], [[INVOICE], 'thank-you']);
  });

  test('a thank-you whose route cannot be stored is not sent and not lost: the claim is released for the retry', async () => {
    const paid = recordPayment(
      newInvoice(),
      { paymentId: 'PAY-1', amountMinor: 125_000, paidAt: '2026-11-20T09:00:00.000Z' },
      new Date('2026-11-20T09:00:00Z'),
    );
    assert.equal(paid.kind, 'recorded');
    const w = world(paid.invoice, '2026-11-20T10:00:00Z');
    const create = w.routes.create.bind(w.routes);
    w.routes.create = async () => {
      throw new Error('table throttled');
    };
    await assert.rejects(closeInvoice(w.deps, INVOICE, 'paid'), /table throttled/);
    assert.equal(w.store.current(INVOICE).steps['thank-you'], undefined);
    w.routes.create = create;
    assert.equal(await closeInvoice(w.deps, INVOICE, 'paid'), 'closed');
    assert.equal(w.mailer.sent.length, 1);
  });
});
