import assert from 'node:assert/strict';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { DynamoCustomerLedger } from '#adapters/dynamo-customer-ledger.ts';
import { DynamoCustomerStore } from '#adapters/dynamo-customer-store.ts';
import { DynamoInvoiceStore } from '#adapters/dynamo-invoice-store.ts';
import { fieldErrors } from '#contracts/api.ts';
import { customerRequestSchemaFor, customerView, toCustomerUpdate } from '#contracts/customer-api.ts';
import {
  applyCustomerUpdate,
  applyInvoiceContacts,
  type CustomerProfile,
  type CustomerUpdate,
  customerHistory,
  customerInvoices,
  invoiceHistory,
  openInvoices,
} from '#domain/customers.ts';
import { applyCreditNote, makePromise, openDispute, resolveDispute, voidInvoice } from '#domain/holds.ts';
import { type Invoice, recordPayment, withEvent } from '#domain/invoice.ts';
import { MAX_AMOUNT_MINOR } from '#domain/money.ts';
import { defaultHoldRules, defaultPolicy, type Policy } from '#domain/policy.ts';
import { assessRisk, MAX_POINTS } from '#domain/risk.ts';
import { applyOutcome, newCollectorTask } from '#domain/tasks.ts';
import { StaleWriteError } from '#ports/invoice-store.ts';
import type { PolicyStore } from '#ports/policy-store.ts';
import { describeCustomer, putCustomer, StoredCustomerDirectory } from '#use-cases/customers.ts';
import { testTable } from '../support/dynalite.ts';
import { InMemoryCustomerStore, InMemoryInvoiceStore, SettableClock } from '../support/fakes.ts';
import { customer, newInvoice } from '../support/invoices.ts';

const at = (instant: string) => new Date(instant);

function paid(invoice: Invoice, paidAt: string, recordedAt: string, amountMinor = invoice.amountMinor, paymentId = 'P1'): Invoice {
  const outcome = recordPayment(invoice, { paymentId, amountMinor, paidAt }, at(recordedAt));
  assert.equal(outcome.kind, 'recorded');
  return outcome.invoice;
}

function reminded(invoice: Invoice, sentAt: string, stepId = 'post-3'): Invoice {
  return withEvent(invoice, { at: sentAt, type: 'reminder.sent', stepId, channel: 'email' });
}

function ok(outcome: { kind: string; invoice?: Invoice }): Invoice {
  assert.equal(outcome.kind, 'ok');
  return outcome.invoice as Invoice;
}

/** Finance approves the write-off proposal of the default policy's tier 4 (`t4-write-off-180`). */
function writtenOff(invoice: Invoice, approvedAt: string): Invoice {
  const task = newCollectorTask(invoice, 't4-write-off-180', 'write_off_proposal', at(approvedAt), 30);
  return ok(applyOutcome(invoice, task, { outcome: 'approved' }, at(approvedAt)));
}

/** Words that would call an invoice paid ("unpaid" is not one of them). */
const saysPaid = /\bpaid\b/i;

describe('invoice history for the risk model', () => {
  test('an open invoice: not settled, no reminders, no reaction', () => {
    assert.deepEqual(invoiceHistory(newInvoice()), {
      invoiceId: 'INV-2026-0001',
      dueDate: '2026-12-01',
      settledOn: null,
      writtenOffOn: null,
      disputed: false,
      promisesMade: 0,
      promisesBroken: 0,
      remindersSent: 0,
      responded: false,
    });
  });

  test('settled on the day the money arrived (paidAt, in the customer time zone), not the day it was recorded', () => {
    // Paid 30 Dec 23:30 Berlin (22:30 UTC), posted by the ERP on 4 Jan.
    const history = invoiceHistory(paid(newInvoice(), '2026-12-30T22:30:00Z', '2027-01-04T09:00:00Z'));
    assert.equal(history?.settledOn, '2026-12-30');
    const tokyo = invoiceHistory(
      paid(newInvoice({ customer: { timeZone: 'Asia/Tokyo' } }), '2026-12-30T16:00:00Z', '2027-01-04T09:00:00Z'),
    );
    assert.equal(tokyo?.settledOn, '2026-12-31', '01:00 on 31 Dec in Tokyo');
  });

  test('a paidAt ahead of the recording never makes a payment later than it was recorded', () => {
    const history = invoiceHistory(paid(newInvoice(), '2026-12-11T20:00:00Z', '2026-12-10T22:00:00Z'));
    assert.equal(history?.settledOn, '2026-12-10');
  });

  test('partial payments: settled when the last of the money arrived', () => {
    let invoice = paid(newInvoice(), '2026-11-20T10:00:00Z', '2026-11-20T10:00:00Z', 25_000, 'P1');
    invoice = paid(invoice, '2027-01-15T10:00:00Z', '2027-01-16T10:00:00Z', 100_000, 'P2');
    assert.equal(invoiceHistory(invoice)?.settledOn, '2027-01-15');
    assert.equal(invoiceHistory(paid(newInvoice(), '2026-11-20T10:00:00Z', '2026-11-20T10:00:00Z', 25_000))?.settledOn, null);
  });

  test('credited to zero: settled on the day of the credit note', () => {
    const credited = ok(applyCreditNote(newInvoice(), 'CN-1', 125_000, 'goodwill', at('2026-12-20T10:00:00Z')));
    assert.equal(invoiceHistory(credited)?.settledOn, '2026-12-20');
    assert.equal(invoiceHistory(credited)?.writtenOffOn, null);
  });

  test('written off: never settled (it was not paid), written off on the day of the write-off in the customer time zone', () => {
    // Approved 1 Jun 2027 23:30 Berlin (21:30 UTC): a June write-off for the customer.
    const history = invoiceHistory(writtenOff(newInvoice(), '2027-06-01T21:30:00Z'));
    assert.equal(history?.settledOn, null);
    assert.equal(history?.writtenOffOn, '2027-06-01');
    const tokyo = invoiceHistory(writtenOff(newInvoice({ customer: { timeZone: 'Asia/Tokyo' } }), '2027-06-01T21:30:00Z'));
    assert.equal(tokyo?.writtenOffOn, '2027-06-02');

    // Part paid, the rest written off: still not settled, whatever was paid on the way.
    const partly = writtenOff(paid(newInvoice(), '2026-12-20T10:00:00Z', '2026-12-20T10:00:00Z', 25_000), '2027-06-01T10:00:00Z');
    assert.deepEqual([invoiceHistory(partly)?.settledOn, invoiceHistory(partly)?.writtenOffOn], [null, '2027-06-01']);

    // Stored without its event: the day it was closed.
    const bare: Invoice = { ...newInvoice(), status: 'written_off', closedAt: '2027-06-03T10:00:00Z' };
    assert.deepEqual([invoiceHistory(bare)?.settledOn, invoiceHistory(bare)?.writtenOffOn], [null, '2027-06-03']);
  });

  test('the risk of a written-off invoice: bad debt, worse than paying it late, and never called paid', () => {
    // Due 1 Dec 2026; one customer pays it on 30 May 2027, the other has it written off that day.
    const today = '2027-06-15';
    const late = assessRisk(customerHistory([paid(newInvoice(), '2027-05-30T10:00:00Z', '2027-05-30T10:00:00Z')]), today);
    const lost = assessRisk(customerHistory([writtenOff(newInvoice(), '2027-05-30T10:00:00Z')]), today);
    assert.ok(lost.score > late.score, `written off ${lost.score} > paid late ${late.score}`);
    assert.ok(lost.tier >= late.tier);
    assert.deepEqual(
      [lost.basis, late.basis],
      [
        { invoices: 1, settled: 0 },
        { invoices: 1, settled: 1 },
      ],
    );
    const drivers = Object.fromEntries(lost.drivers.map((entry) => [entry.driver, entry]));
    assert.deepEqual(
      [drivers.written_off?.points, drivers.written_off?.explanation],
      [MAX_POINTS.written_off, '1 of 1 invoice written off as bad debt'],
    );
    assert.equal(drivers.average_days_late?.value, 196, 'never paid: late by its days past due so far (1 Dec → 15 Jun)');
    assert.equal(drivers.share_paid_late?.explanation, '1 of 1 invoice more than 3 days late (1 of them written off)');
    for (const entry of lost.drivers) assert.doesNotMatch(entry.explanation, saysPaid, `${entry.driver}: ${entry.explanation}`);
  });

  test('a void invoice says nothing about how the customer pays', () => {
    assert.equal(invoiceHistory(ok(voidInvoice(newInvoice(), 'ERP correction', at('2026-12-20T10:00:00Z')))), undefined);
    const invoices = [
      newInvoice({ invoiceId: 'A' }),
      ok(voidInvoice(newInvoice({ invoiceId: 'B' }), undefined, at('2026-12-20T10:00:00Z'))),
    ];
    assert.deepEqual(
      customerHistory(invoices).map((history) => history.invoiceId),
      ['A'],
    );
  });

  test('a voided invoice does not make the customer look late, nor a dispute they won look like a dispute against them', () => {
    const today = '2027-06-15';
    const onTime = paid(newInvoice({ invoiceId: 'A', dueDate: '2027-01-10' }), '2027-01-08T10:00:00Z', '2027-01-08T10:00:00Z');
    // Due 1 Dec 2026, reminded, disputed, and voided months later when the dispute was upheld ...
    const upheld = ok(
      resolveDispute(
        ok(
          openDispute(
            reminded(newInvoice({ invoiceId: 'B' }), '2026-12-04T08:00:00Z'),
            'DSP.B.1',
            'pricing',
            undefined,
            at('2026-12-05T10:00:00Z'),
          ),
        ),
        'DSP.B.1',
        'upheld',
        undefined,
        at('2027-04-20T10:00:00Z'),
        defaultHoldRules,
      ),
    );
    assert.equal(upheld.status, 'void');
    // ... and one voided by the ERP long after its due date.
    const corrected = ok(
      voidInvoice(reminded(newInvoice({ invoiceId: 'C' }), '2026-12-04T08:00:00Z'), 'duplicate', at('2027-05-02T10:00:00Z')),
    );
    const risk = assessRisk(customerHistory([onTime, upheld, corrected]), today);
    assert.deepEqual(risk, assessRisk(customerHistory([onTime]), today), 'as if they had never been issued');
    assert.equal(risk.score, 0);
    assert.deepEqual(risk.basis, { invoices: 1, settled: 1 });
  });

  test('disputes, promises made and broken come from the holds', () => {
    let invoice = ok(openDispute(newInvoice(), 'DSP.INV-2026-0001.1', 'pricing', undefined, at('2026-12-03T10:00:00Z')));
    assert.equal(invoiceHistory(invoice)?.disputed, true);

    invoice = newInvoice();
    invoice = ok(makePromise(invoice, 'PRM.1', '2026-12-10', undefined, at('2026-12-05T10:00:00Z'), defaultHoldRules));
    // Replaced by a second promise: both were made.
    invoice = ok(makePromise(invoice, 'PRM.2', '2026-12-12', undefined, at('2026-12-06T10:00:00Z'), defaultHoldRules));
    // The second one is broken when its grace period ends.
    invoice = {
      ...invoice,
      holds: (invoice.holds ?? []).map((hold) => (hold.holdId === 'PRM.2' ? { ...hold, status: 'released', outcome: 'broken' } : hold)),
    };
    const history = invoiceHistory(invoice);
    assert.equal(history?.promisesMade, 2);
    assert.equal(history?.promisesBroken, 1);
    assert.equal(history?.disputed, false);

    // A payment plan is a promise in instalments.
    const plan = { reason: 'payment_plan' as const, openedAt: '2026-12-05T10:00:00Z', until: null };
    const planned: Invoice = {
      ...newInvoice(),
      holds: [
        { ...plan, holdId: 'PLN.1', status: 'released', outcome: 'broken' },
        { ...plan, holdId: 'PLN.2', status: 'active' },
      ],
    };
    assert.deepEqual([invoiceHistory(planned)?.promisesMade, invoiceHistory(planned)?.promisesBroken], [2, 1]);
  });

  test('reminders are counted; a reaction counts only after the first reminder', () => {
    const paidBefore = reminded(paid(newInvoice(), '2026-11-20T10:00:00Z', '2026-11-20T10:00:00Z', 25_000), '2026-12-04T08:00:00Z');
    assert.deepEqual([invoiceHistory(paidBefore)?.remindersSent, invoiceHistory(paidBefore)?.responded], [1, false]);
    const paidAfter = paid(
      reminded(reminded(newInvoice(), '2026-11-30T08:00:00Z', 'pre-3'), '2026-12-04T08:00:00Z'),
      '2026-12-05T10:00:00Z',
      '2026-12-05T10:00:00Z',
    );
    assert.deepEqual([invoiceHistory(paidAfter)?.remindersSent, invoiceHistory(paidAfter)?.responded], [2, true]);
    const disputedAfter = ok(
      openDispute(reminded(newInvoice(), '2026-12-04T08:00:00Z'), 'DSP.1', 'other', undefined, at('2026-12-05T10:00:00Z')),
    );
    assert.equal(invoiceHistory(disputedAfter)?.responded, true);
    const promisedAfter = ok(
      makePromise(
        reminded(newInvoice(), '2026-12-04T08:00:00Z'),
        'PRM.1',
        '2026-12-10',
        undefined,
        at('2026-12-05T10:00:00Z'),
        defaultHoldRules,
      ),
    );
    assert.equal(invoiceHistory(promisedAfter)?.responded, true);
  });

  test('an invoice moved to another customer no longer counts for the first', () => {
    const moved = newInvoice({ invoiceId: 'B', customer: { customerId: 'C-200' } });
    assert.deepEqual(
      customerInvoices([newInvoice({ invoiceId: 'A' }), moved], 'C-100').map((invoice) => invoice.invoiceId),
      ['A'],
    );
  });

  test('open invoices: count and what is owed per currency; settled and overpaid ones owe nothing', () => {
    const invoices = [
      newInvoice({ invoiceId: 'A' }),
      paid(newInvoice({ invoiceId: 'B' }), '2026-11-20T10:00:00Z', '2026-11-20T10:00:00Z', 25_000),
      newInvoice({ invoiceId: 'C', currency: 'JPY', amountMinor: 5000 }),
      paid(newInvoice({ invoiceId: 'D' }), '2026-11-20T10:00:00Z', '2026-11-20T10:00:00Z'),
    ];
    assert.deepEqual(openInvoices(invoices), { count: 3, balanceMinor: { EUR: 225_000n, JPY: 5000n } });
  });

  test('what is owed across invoices is exact past 2^53 (each invoice up to MAX_AMOUNT_MINOR)', () => {
    const big = (invoiceId: string, amountMinor = MAX_AMOUNT_MINOR) => newInvoice({ invoiceId, amountMinor, lines: [] });
    const twoOfMax = openInvoices([big('A'), big('B')]);
    assert.deepEqual(twoOfMax, { count: 2, balanceMinor: { EUR: 18_014_398_509_481_982n } });
    // Between 2^53 and 2^54 a double holds only even integers: a number sum would round this one.
    const odd = openInvoices([big('A'), big('B', MAX_AMOUNT_MINOR - 1), big('C', 1)]);
    assert.deepEqual(odd.balanceMinor, { EUR: 18_014_398_509_481_982n });
    const oddTotal = openInvoices([big('A'), big('B', MAX_AMOUNT_MINOR - 1)]);
    assert.deepEqual(oddTotal.balanceMinor, { EUR: 18_014_398_509_481_981n });
    const view = customerView({
      customer,
      profile: undefined,
      consent: { email: true, sms: true },
      risk: assessRisk([], '2026-11-20'),
      openInvoices: openInvoices([big('A'), big('B'), big('C', 1)]),
    });
    assert.deepEqual(view.openInvoices, { count: 3, balance: { EUR: '180143985094819.83' } });
  });
});

const contacts = { name: 'Acme GmbH', email: 'ap@acme.example', timeZone: 'Europe/Berlin', locale: 'de-DE' };
const now = at('2026-11-05T10:00:00Z');

describe('profile changes', () => {
  test('a new profile consents to both channels unless told otherwise', () => {
    const change = applyCustomerUpdate(undefined, 'C-1', { contacts }, now);
    assert.equal(change.kind, 'created');
    assert.ok(change.kind === 'created');
    assert.deepEqual(change.profile, {
      customerId: 'C-1',
      ...contacts,
      consent: { email: true, sms: true },
      contactsAsOf: now.toISOString(),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      version: 0,
    });
  });

  test('a PUT replaces contacts and settings, but consent only when it is sent', () => {
    const first = applyCustomerUpdate(
      undefined,
      'C-1',
      {
        contacts: { ...contacts, phone: '+4915100000000' },
        policyId: 'gentle',
        consent: { email: true, sms: false },
        preferredChannel: 'email',
      },
      now,
    );
    assert.ok(first.kind === 'created');
    const stored = { ...first.profile, version: 1 };
    const later = at('2026-11-06T10:00:00Z');
    const second = applyCustomerUpdate(stored, 'C-1', { contacts }, later);
    assert.ok(second.kind === 'updated');
    assert.equal(second.profile.phone, undefined, 'an omitted phone is removed');
    assert.equal(second.profile.policyId, undefined);
    assert.equal(second.profile.preferredChannel, undefined);
    assert.deepEqual(second.profile.consent, { email: true, sms: false }, 'consent kept');
    assert.equal(second.profile.contactsAsOf, later.toISOString());
    assert.equal(second.profile.createdAt, now.toISOString());
    assert.equal(second.profile.version, 1, 'written at the version it was read at');
  });

  test('the same content again changes nothing', () => {
    const update: CustomerUpdate = { contacts, policyId: 'gentle', consent: { email: true, sms: true } };
    const first = applyCustomerUpdate(undefined, 'C-1', update, now);
    assert.ok(first.kind === 'created');
    assert.equal(applyCustomerUpdate({ ...first.profile, version: 1 }, 'C-1', update, at('2026-11-07T00:00:00Z')).kind, 'unchanged');
  });

  test('a preferred channel needs consent, as sent or as recorded', () => {
    assert.deepEqual(
      applyCustomerUpdate(undefined, 'C-1', { contacts, consent: { email: true, sms: false }, preferredChannel: 'sms' }, now),
      {
        kind: 'invalid',
        errors: [{ path: 'preferredChannel', message: 'the customer has not consented to SMS' }],
      },
    );
    const created = applyCustomerUpdate(undefined, 'C-1', { contacts, consent: { email: false, sms: true } }, now);
    assert.ok(created.kind === 'created');
    assert.equal(
      applyCustomerUpdate({ ...created.profile, version: 1 }, 'C-1', { contacts, preferredChannel: 'email' }, now).kind,
      'invalid',
    );
  });

  test('contacts from an invoice: a new profile, then only changed and newer contacts; settings never touched', () => {
    const invoice = newInvoice({}, '2026-11-05T10:00:00Z');
    const created = applyInvoiceContacts(undefined, invoice, now);
    assert.deepEqual(created && { ...created }, {
      ...customer,
      consent: { email: true, sms: true },
      contactsAsOf: invoice.createdAt,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      version: 0,
    });
    const profile: CustomerProfile = {
      ...customer,
      policyId: 'gentle',
      consent: { email: true, sms: false },
      preferredChannel: 'email',
      contactsAsOf: '2026-11-01T00:00:00.000Z',
      createdAt: '2026-11-01T00:00:00.000Z',
      updatedAt: '2026-11-01T00:00:00.000Z',
      version: 3,
    };
    assert.equal(applyInvoiceContacts(profile, invoice, now), null, 'same contacts');
    const moved = newInvoice({ customer: { email: 'billing@acme.example', segment: undefined } }, '2026-11-05T10:00:00Z');
    const { segment: _segment, ...unsegmented } = profile;
    assert.deepEqual(
      applyInvoiceContacts(profile, moved, now),
      { ...unsegmented, email: 'billing@acme.example', contactsAsOf: moved.createdAt, updatedAt: now.toISOString() },
      'a contact the invoice does not carry is removed',
    );
    const older = newInvoice({ customer: { email: 'old@acme.example' } }, '2026-10-01T10:00:00Z');
    assert.equal(applyInvoiceContacts(profile, older, now), null, 'contacts older than the recorded ones');
  });
});

class TestPolicies implements PolicyStore {
  async get(policyId: string): Promise<Policy | undefined> {
    return policyId === 'default'
      ? defaultPolicy
      : policyId === 'gentle'
        ? { ...defaultPolicy, policyId: 'gentle', version: 2 }
        : undefined;
  }
  async publish(): Promise<Policy> {
    throw new Error('not used');
  }
  async list(): Promise<Policy[]> {
    return [defaultPolicy];
  }
}

/** A customer who paid `count` invoices `daysLate` days late, one a month, as stored invoices. */
function lateHistory(invoices: InMemoryInvoiceStore, customerId: string, count: number, daysLate: number): Invoice[] {
  return Array.from({ length: count }, (_, index) => {
    const month = String(index + 1).padStart(2, '0');
    const dueDate = `2026-${month}-10`;
    const paidOn = new Date(Date.parse(`${dueDate}T10:00:00Z`) + daysLate * 86_400_000).toISOString();
    const invoice = newInvoice(
      { invoiceId: `${customerId}-${month}`, customer: { customerId }, issueDate: `2026-${month}-01`, dueDate },
      `2026-${month}-01T10:00:00Z`,
    );
    return invoices.seed(paid(invoice, paidOn, paidOn));
  });
}

describe('customers use cases', () => {
  function setup() {
    const invoices = new InMemoryInvoiceStore();
    const customers = new InMemoryCustomerStore(invoices);
    const clock = new SettableClock('2026-11-05T10:00:00Z');
    return { invoices, customers, clock, deps: { customers, policies: new TestPolicies(), clock } };
  }

  test('PUT: created at version 1, then updated, then unchanged; an unknown policy is refused', async () => {
    const { deps } = setup();
    const created = await putCustomer(deps, 'C-1', { contacts, policyId: 'gentle' });
    assert.equal(created.kind, 'created');
    assert.equal(created.kind === 'created' && created.profile.version, 1);
    const updated = await putCustomer(deps, 'C-1', { contacts: { ...contacts, name: 'Acme AG' }, policyId: 'gentle' });
    assert.equal(updated.kind === 'updated' && updated.profile.version, 2);
    assert.equal((await putCustomer(deps, 'C-1', { contacts: { ...contacts, name: 'Acme AG' }, policyId: 'gentle' })).kind, 'unchanged');
    assert.deepEqual(await putCustomer(deps, 'C-1', { contacts, policyId: 'nope' }), {
      kind: 'invalid',
      errors: [{ path: 'policyId', message: 'there is no policy nope' }],
    });
  });

  test('an invoice racing a PUT re-reads: the consent just set stays, and older contacts do not overwrite newer ones', async () => {
    const { deps, customers, clock } = setup();
    const directory = new StoredCustomerDirectory(customers, clock);
    await putCustomer(deps, 'C-100', { contacts: { ...customer, name: 'Acme (old)' } });
    const read = (await customers.getProfile('C-100')) as CustomerProfile;
    // Between the directory's read and its write, a PUT turns SMS off and renames the customer.
    customers.beforeNextSave = () =>
      customers.seed({
        ...read,
        name: 'Acme (PUT)',
        consent: { email: true, sms: false },
        contactsAsOf: '2026-11-05T10:30:00.000Z',
        version: 2,
      });
    await directory.invoiceCreated(newInvoice({}, '2026-11-05T10:15:00Z'));
    assert.equal(customers.staleWrites, 1);
    const profile = await customers.getProfile('C-100');
    assert.deepEqual(profile?.consent, { email: true, sms: false });
    assert.equal(profile?.name, 'Acme (PUT)', 'the invoice was created before the PUT');
  });

  test('stale writes are retried on a fresh read', async () => {
    const { deps, customers } = setup();
    await putCustomer(deps, 'C-1', { contacts });
    const stored = (await customers.getProfile('C-1')) as CustomerProfile;
    customers.beforeNextSave = () => customers.seed({ ...stored, segment: 'smb', version: stored.version + 1 });
    const outcome = await putCustomer(deps, 'C-1', { contacts, consent: { email: false, sms: true } });
    assert.equal(customers.staleWrites, 1);
    assert.equal(outcome.kind === 'updated' && outcome.profile.version, 3);
    assert.equal((await customers.getProfile('C-1'))?.segment, undefined, 'the PUT replaced the contacts it re-read');
  });

  test('country and subdivision round-trip through the profile; a PUT without them removes them', async () => {
    const { deps, customers } = setup();
    const placed = { ...contacts, country: 'DE', subdivision: 'BY' };
    assert.equal((await putCustomer(deps, 'C-1', { contacts: placed })).kind, 'created');
    assert.equal((await putCustomer(deps, 'C-1', { contacts: placed })).kind, 'unchanged');
    const view = customerView((await describeCustomer(deps, 'C-1'))!);
    assert.deepEqual([view.country, view.subdivision, view.source], ['DE', 'BY', 'profile']);
    assert.equal((await putCustomer(deps, 'C-1', { contacts: { ...placed, subdivision: 'BE' } })).kind, 'updated');
    assert.equal((await customers.getProfile('C-1'))?.subdivision, 'BE');
    assert.equal((await putCustomer(deps, 'C-1', { contacts })).kind, 'updated');
    const stored = await customers.getProfile('C-1');
    assert.deepEqual([stored?.country, stored?.subdivision], [undefined, undefined]);
    assert.equal('country' in customerView((await describeCustomer(deps, 'C-1'))!), false);
  });

  test('a profile stored before countries existed still reads, and takes a country from a newer invoice', async () => {
    const { deps, customers } = setup();
    await customers.saveProfile({
      ...customer,
      consent: { email: true, sms: true },
      contactsAsOf: '2026-10-01T00:00:00.000Z',
      createdAt: '2026-10-01T00:00:00.000Z',
      updatedAt: '2026-10-01T00:00:00.000Z',
      version: 0,
    });
    assert.equal((await describeCustomer(deps, 'C-100'))?.customer.country, undefined);
    const placed = newInvoice({ customer: { country: 'DE', subdivision: 'HH' } }, '2026-11-05T10:00:00Z');
    const stored = await customers.getProfile('C-100');
    const next = applyInvoiceContacts(stored, placed, now);
    assert.deepEqual([next?.country, next?.subdivision, next?.contactsAsOf], ['DE', 'HH', placed.createdAt]);
  });

  test('GET: undefined for an unknown customer; from the latest invoice when there is no profile', async () => {
    const { deps, invoices, customers } = setup();
    assert.equal(await describeCustomer(deps, 'C-100'), undefined);
    invoices.seed(newInvoice({ invoiceId: 'A', customer: { email: 'old@acme.example' } }, '2026-11-01T10:00:00Z'));
    invoices.seed(newInvoice({ invoiceId: 'B', customer: { email: 'new@acme.example' } }, '2026-11-03T10:00:00Z'));
    await customers.linkInvoice('C-100', 'A');
    await customers.linkInvoice('C-100', 'B');
    const standing = await describeCustomer(deps, 'C-100');
    assert.equal(standing?.customer.email, 'new@acme.example');
    assert.equal(standing?.profile, undefined);
    assert.deepEqual(standing?.consent, { email: true, sms: true });
    assert.deepEqual(standing?.openInvoices, { count: 2, balanceMinor: { EUR: 250_000n } });
    const view = customerView(standing!);
    assert.equal(view.source, 'invoices');
    assert.deepEqual(view.openInvoices, { count: 2, balance: { EUR: '2500.00' } });
    assert.deepEqual(
      [view.risk.score, view.risk.tier, view.risk.drivers.map((driver) => driver.driver), view.risk.basis],
      [0, 1, ['dispute_rate', 'open_overdue', 'written_off'], { invoices: 2, settled: 0 }],
    );
  });

  test('the directory: a late payer starts at a firmer tier; policy and consent from the profile', async () => {
    const { deps, invoices, customers, clock } = setup();
    const directory = new StoredCustomerDirectory(customers, clock);
    assert.equal(await directory.startingTier('C-LATE', '2026-11-05'), 1, 'unknown customer');
    assert.equal(await directory.policyId('C-LATE'), undefined);
    assert.deepEqual(await directory.consent('C-LATE'), { email: true, sms: true });

    for (const invoice of lateHistory(invoices, 'C-LATE', 6, 75)) await directory.invoiceCreated(invoice);
    for (const invoice of lateHistory(invoices, 'C-OK', 6, 0)) await directory.invoiceCreated(invoice);
    const lateTier = await directory.startingTier('C-LATE', '2026-11-05');
    assert.ok(lateTier >= 2, `late payer tier ${lateTier}`);
    assert.equal(await directory.startingTier('C-OK', '2026-11-05'), 1);

    await putCustomer(deps, 'C-LATE', { contacts, policyId: 'gentle', consent: { email: true, sms: false } });
    assert.equal(await directory.policyId('C-LATE'), 'gentle');
    assert.deepEqual(await directory.consent('C-LATE'), { email: true, sms: false });
    const standing = await describeCustomer(deps, 'C-LATE');
    assert.equal(standing?.risk.tier, lateTier);
    assert.equal(standing?.risk.drivers[0]?.driver, 'average_days_late');
    assert.deepEqual(standing?.risk.basis, { invoices: 6, settled: 6 });
  });

  test('invoiceCreated links the invoice and records its contacts once; consent and policy stay', async () => {
    const { deps, invoices, customers, clock } = setup();
    const directory = new StoredCustomerDirectory(customers, clock);
    await putCustomer(deps, 'C-100', {
      contacts: { ...contacts, name: 'Old name' },
      policyId: 'gentle',
      consent: { email: true, sms: false },
    });
    const invoice = invoices.seed(newInvoice({}, '2026-11-05T11:00:00Z'));
    await directory.invoiceCreated(invoice);
    await directory.invoiceCreated(invoice);
    assert.deepEqual(customers.linked('C-100'), ['INV-2026-0001']);
    const profile = await customers.getProfile('C-100');
    assert.equal(profile?.name, 'Acme GmbH');
    assert.equal(profile?.policyId, 'gentle');
    assert.deepEqual(profile?.consent, { email: true, sms: false });
    assert.equal(profile?.version, 2, 'the repeat wrote nothing');
  });
});

describe('PUT body', () => {
  const parse = (body: unknown) => {
    const result = customerRequestSchemaFor('C-1').safeParse(body);
    return result.success ? result.data : fieldErrors(result.error);
  };

  test('names every bad field, a customerId other than the path included', () => {
    assert.deepEqual(
      (
        parse({
          customerId: 'C-2',
          name: '',
          email: 'nope',
          timeZone: 'Mars/Base',
          consent: { email: 'yes', sms: true },
          preferredChannel: 'fax',
          extra: 1,
        }) as { path: string }[]
      ).map((error) => error.path),
      ['customerId', 'name', 'email', 'timeZone', 'consent.email', 'preferredChannel', 'extra'],
    );
    assert.deepEqual(parse({ name: 'A', preferredChannel: 'sms' }), [{ path: 'preferredChannel', message: 'sms needs a phone number' }]);
  });

  test('customerId may be left out or repeated; defaults as in an invoice', () => {
    const parsed = parse({ customerId: 'C-1', name: 'A', timeZone: 'europe/berlin', consent: { email: true, sms: false } });
    assert.ok(!Array.isArray(parsed));
    assert.deepEqual(toCustomerUpdate(parsed as never), {
      contacts: { name: 'A', timeZone: 'Europe/Berlin', locale: 'en-US' },
      policyId: undefined,
      consent: { email: true, sms: false },
      preferredChannel: undefined,
    });
    assert.ok(!Array.isArray(parse({ name: 'A' })));
  });

  test('country and subdivision: upper-cased into the contacts, checked together, errors named by field', () => {
    const parsed = parse({ name: 'A', timeZone: 'Europe/Berlin', country: 'de', subdivision: 'by' });
    assert.ok(!Array.isArray(parsed));
    assert.deepEqual(toCustomerUpdate(parsed as never).contacts, {
      name: 'A',
      timeZone: 'Europe/Berlin',
      locale: 'en-US',
      country: 'DE',
      subdivision: 'BY',
    });
    const pathsOf = (body: object) => (parse(body) as { path: string }[]).map((error) => error.path);
    assert.deepEqual(pathsOf({ name: 'A', country: 'Germany' }), ['country']);
    assert.deepEqual(pathsOf({ name: 'A', country: 'ZZ' }), ['country']);
    assert.deepEqual(pathsOf({ name: 'A', subdivision: 'BY' }), ['subdivision']);
    assert.deepEqual(pathsOf({ name: 'A', country: 'US', subdivision: 'BY' }), ['subdivision']);
    assert.deepEqual(pathsOf({ name: 'A', country: 'DE', subdivision: 'DE-BY' }), ['subdivision']);
    // Both checks at once: the holiday place and the preferred channel's address.
    assert.deepEqual(pathsOf({ name: 'A', subdivision: 'BY', preferredChannel: 'sms' }), ['subdivision', 'preferredChannel']);
  });
});

/** The DynamoDB adapter against dynalite, the local runtime's DynamoDB. */
describe('DynamoCustomerStore on dynalite', () => {
  const table = testTable();
  const tableName = table.tableName;
  let documents: DynamoDBDocumentClient;
  let invoices: DynamoInvoiceStore;
  let store: DynamoCustomerStore;
  let batchGets = 0;
  let unprocessedRounds = 0;
  const clock = new SettableClock('2026-11-05T10:00:00Z');

  beforeAll(async () => {
    const client = await table.start();
    const plain = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false } });
    // Counts the BatchGetItem rounds and the ones that came back with keys unprocessed.
    documents = new Proxy(plain, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return async (command: { constructor: { name: string } }) => {
          const output = await target.send(command as never);
          if (command.constructor.name === 'BatchGetCommand') {
            batchGets++;
            if (Object.keys((output as { UnprocessedKeys?: object }).UnprocessedKeys ?? {}).length > 0) unprocessedRounds++;
          }
          return output;
        };
      },
    });
    invoices = new DynamoInvoiceStore(documents, tableName, clock);
    store = new DynamoCustomerStore(documents, tableName, clock, { backoffMs: () => 1 });
  });
  afterAll(() => table.stop());

  test('a profile is created once and replaced only at the version it was read at', async () => {
    const change = applyCustomerUpdate(undefined, 'C-1', { contacts, policyId: 'gentle' }, now);
    assert.ok(change.kind === 'created');
    const stored = await store.saveProfile(change.profile);
    assert.equal(stored.version, 1);
    assert.deepEqual(await store.getProfile('C-1'), stored);
    await assert.rejects(store.saveProfile(change.profile), StaleWriteError, 'created twice');
    const next = await store.saveProfile({ ...stored, name: 'Acme AG' });
    assert.equal(next.version, 2);
    await assert.rejects(store.saveProfile({ ...stored, name: 'Stale' }), StaleWriteError);
    assert.equal((await store.getProfile('C-1'))?.name, 'Acme AG');
  });

  test('links are a string set grown with ADD: idempotent, and next to the frequency-cap ledger without touching it', async () => {
    const ledger = new DynamoCustomerLedger(documents, tableName);
    assert.ok(await ledger.reserve('C-2', { at: now.toISOString(), invoiceId: 'X', stepId: 'post-3', entryId: 'e1' }, 0, now));
    for (const id of ['X', 'Y', 'X'])
      await invoices.create(newInvoice({ invoiceId: id, customer: { customerId: 'C-2' } })).catch(() => undefined);
    for (const id of ['X', 'Y', 'X']) await store.linkInvoice('C-2', id);
    assert.deepEqual((await store.linkedInvoices('C-2')).map((invoice) => invoice.invoiceId).sort(), ['X', 'Y']);
    assert.equal((await ledger.read('C-2')).entries.length, 1);
    assert.equal(await store.getProfile('C-2'), undefined);
    assert.deepEqual(await store.linkedInvoices('C-NONE'), []);
  });

  test('250 invoices are read in BatchGetItem chunks of 100; a missing invoice is skipped', async () => {
    const ids = Array.from({ length: 250 }, (_, index) => `CH-${String(index).padStart(3, '0')}`);
    await Promise.all(ids.map((invoiceId) => invoices.create(newInvoice({ invoiceId, customer: { customerId: 'C-3' } }))));
    for (const id of [...ids, 'CH-MISSING']) await store.linkInvoice('C-3', id);
    batchGets = 0;
    const found = await store.linkedInvoices('C-3');
    assert.equal(found.length, 250);
    assert.deepEqual(found.map((invoice) => invoice.invoiceId).sort(), ids);
    assert.equal(batchGets, 3);
    assert.equal(found[0]?.customer.customerId, 'C-3');
    assert.equal('pk' in (found[0] ?? {}), false, 'keys stripped');
  });

  test('unprocessed keys (dynalite stops at about 1 MB a response) are retried until every invoice is read', async () => {
    // 60 invoices of ~50 KB each: about 3 MB, so one request cannot return them all.
    const padding = 'x'.repeat(50_000);
    const ids = Array.from({ length: 60 }, (_, index) => `BIG-${index}`);
    for (const invoiceId of ids) {
      const invoice = withEvent(newInvoice({ invoiceId, customer: { customerId: 'C-4' } }), {
        at: now.toISOString(),
        type: 'note',
        padding,
      });
      await documents.send(new PutCommand({ TableName: tableName, Item: { pk: `INVOICE#${invoiceId}`, sk: 'INVOICE', ...invoice } }));
      await store.linkInvoice('C-4', invoiceId);
    }
    batchGets = 0;
    unprocessedRounds = 0;
    const found = await store.linkedInvoices('C-4');
    assert.equal(found.length, 60);
    assert.ok(unprocessedRounds >= 2, `expected unprocessed keys, got ${unprocessedRounds} rounds of them`);
    assert.equal(batchGets, unprocessedRounds + 1);
  });

  test('the adapter is the lifecycle directory too', async () => {
    const invoice = await invoices.create(newInvoice({ invoiceId: 'DIR-1', customer: { customerId: 'C-5' } }, '2026-11-05T09:00:00Z'));
    await store.invoiceCreated(invoice);
    await store.invoiceCreated(invoice);
    const profile = await store.getProfile('C-5');
    assert.equal(profile?.version, 1);
    assert.equal(profile?.email, customer.email);
    assert.deepEqual(await store.consent('C-5'), { email: true, sms: true });
    assert.equal(await store.policyId('C-5'), undefined);
    assert.equal(await store.startingTier('C-5', '2026-11-05'), 1);
    // Unpaid 186 days past due: 25 (days late) + 15 (share late) + 10 (open overdue) = 50.
    assert.equal(await store.startingTier('C-5', '2027-06-05'), 3, 'an invoice unpaid 6 months past due');
    const standing = await describeCustomer({ customers: store, clock }, 'C-5');
    assert.equal(standing?.openInvoices.count, 1);
  });
});
