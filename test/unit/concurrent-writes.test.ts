import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { type HttpEvent, httpHandler, json } from '#adapters/http.ts';
import { type CustomerProfile, defaultConsent } from '#domain/customers.ts';
import { type Invoice, recordPayment } from '#domain/invoice.ts';
import { defaultPolicy, type Policy } from '#domain/policy.ts';
import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from '#ports/idempotency-store.ts';
import { StaleWriteError } from '#ports/invoice-store.ts';
import type { PolicyStore } from '#ports/policy-store.ts';
import {
  ConcurrentChangeError,
  MAX_WRITE_ATTEMPTS,
  pauseBound,
  retryOnFreshRead,
  type WriteRetries,
} from '#use-cases/concurrent-writes.ts';
import { putCustomer } from '#use-cases/customers.ts';
import { ingestInvoice } from '#use-cases/ingest-invoice.ts';
import { publishPolicy } from '#use-cases/publish-policy.ts';
import { receivePayment } from '#use-cases/receive-payment.ts';
import { InMemoryCustomerStore, InMemoryInvoiceStore, RecordingEvents, RecordingLog, SettableClock } from '../support/fakes.ts';
import { invoiceInput, newInvoice } from '../support/invoices.ts';

const INVOICE = 'INV-2026-0001';
const NOW = '2026-11-20T09:00:00Z';

/** Retries that do not wait, recording the waits they were asked for. */
function instantRetries(attempts = MAX_WRITE_ATTEMPTS): WriteRetries & { pauses: [number, number][] } {
  const pauses: [number, number][] = [];
  return {
    attempts,
    pauses,
    pause: async (attempt, lostMs) => {
      pauses.push([attempt, lostMs]);
    },
  };
}

function paidBy(invoice: Invoice, paymentId: string, amountMinor = 100): Invoice {
  const outcome = recordPayment(invoice, { paymentId, amountMinor, paidAt: '2026-11-19T09:00:00.000Z' }, new Date(NOW));
  assert.equal(outcome.kind, 'recorded');
  return outcome.invoice;
}

/**
 * An invoice store whose first `losses` writes lose: right before each, another writer gets in
 * with a payment of its own (`OTHER-1`, `OTHER-2`…), so a write decided on a stale read would
 * erase it. A create loses to another create of the same invoice (`rival`, when set).
 */
class ContendedInvoiceStore extends InMemoryInvoiceStore {
  private losses: number;
  private others = 0;
  rival: Invoice | undefined;

  constructor(losses: number) {
    super();
    this.losses = losses;
  }

  override async save(invoice: Invoice): Promise<Invoice> {
    if (this.losses > 0) {
      this.losses--;
      const paymentId = `OTHER-${++this.others}`;
      this.interfereBeforeNextSave((stored) => paidBy(stored, paymentId));
    }
    return super.save(invoice);
  }

  override async create(invoice: Invoice): Promise<Invoice> {
    if (this.losses > 0 && this.rival) {
      this.losses--;
      await super.create(this.rival);
    }
    return super.create(invoice);
  }
}

describe('retryOnFreshRead', () => {
  test('a write that wins at once: one attempt, no wait', async () => {
    const retries = instantRetries();
    let attempts = 0;
    assert.equal(await retryOnFreshRead('Invoice X', async () => ++attempts, retries), 1);
    assert.equal(attempts, 1);
    assert.deepEqual(retries.pauses, []);
  });

  test('the first three writes lose: each attempt reads afresh, the fourth lands on top of the other writers', async () => {
    const store = new ContendedInvoiceStore(3);
    store.seed(newInvoice());
    const retries = instantRetries();
    const seen: number[] = [];
    const stored = await retryOnFreshRead(
      `Invoice ${INVOICE}`,
      async () => {
        const current = await store.get(INVOICE);
        assert.ok(current);
        seen.push(current.version);
        return store.save(paidBy(current, 'PAY-MINE'));
      },
      retries,
    );
    assert.deepEqual(seen, [1, 2, 3, 4], 'every attempt saw the version the other writer left');
    assert.equal(store.staleWrites, 3);
    assert.deepEqual(Object.keys(stored.payments).sort(), ['OTHER-1', 'OTHER-2', 'OTHER-3', 'PAY-MINE']);
    assert.deepEqual(
      retries.pauses.map(([attempt]) => attempt),
      [2, 3, 4],
    );
  });

  test('losing every attempt: ConcurrentChangeError after exactly `attempts` tries, nothing of ours written', async () => {
    const store = new ContendedInvoiceStore(4);
    store.seed(newInvoice());
    let attempts = 0;
    const failure = await retryOnFreshRead(
      `Invoice ${INVOICE}`,
      async () => {
        attempts++;
        const current = await store.get(INVOICE);
        assert.ok(current);
        return store.save(paidBy(current, 'PAY-MINE'));
      },
      instantRetries(4),
    ).then(
      () => assert.fail('expected the retries to run out'),
      (error: unknown) => error,
    );
    assert.ok(failure instanceof ConcurrentChangeError);
    assert.ok(!(failure instanceof StaleWriteError), 'an enclosing retry must not retry it again');
    assert.ok(failure.cause instanceof StaleWriteError);
    assert.match(failure.message, /Invoice INV-2026-0001 was changed concurrently 4 times in a row/);
    assert.equal(attempts, 4);
    assert.deepEqual(Object.keys(store.current(INVOICE).payments).sort(), ['OTHER-1', 'OTHER-2', 'OTHER-3', 'OTHER-4']);
  });

  test('any other error ends it at once', async () => {
    const retries = instantRetries();
    let attempts = 0;
    await assert.rejects(
      retryOnFreshRead(
        'Invoice X',
        async () => {
          attempts++;
          throw new Error('table unavailable');
        },
        retries,
      ),
      /table unavailable/,
    );
    assert.equal(attempts, 1);
    assert.deepEqual(retries.pauses, []);
  });

  test('the waits: under a bound that starts at the lost attempt’s duration (10 ms at least), doubles, and stops at 1 s', async () => {
    assert.deepEqual(
      [2, 3, 4, 5].map((attempt) => pauseBound(attempt, 0)),
      [10, 20, 40, 80],
    );
    assert.deepEqual(
      [2, 3, 4, 5, 10].map((attempt) => pauseBound(attempt, 150)),
      [150, 300, 600, 1000, 1000],
    );
    const retries = instantRetries();
    let attempts = 0;
    await retryOnFreshRead(
      'Invoice X',
      async () => {
        if (++attempts < 3) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          throw new StaleWriteError('lost');
        }
      },
      retries,
    );
    assert.equal(retries.pauses.length, 2);
    for (const [, lostMs] of retries.pauses) assert.ok(lostMs >= 15, `the lost attempt's duration is measured (${lostMs} ms)`);
  });
});

describe('commands retry on a fresh read', () => {
  const clock = () => new SettableClock(NOW);
  const policies: PolicyStore = {
    get: async (policyId) => (policyId === defaultPolicy.policyId ? defaultPolicy : undefined),
    publish: async () => assert.fail('not used'),
    list: async () => [defaultPolicy],
  };
  const ingestDeps = (store: InMemoryInvoiceStore) => ({
    store,
    policies,
    clock: clock(),
    starts: { request: async () => {} },
    events: new RecordingEvents(),
    log: new RecordingLog(),
  });

  test('a payment whose first writes lose: recorded once, on top of every payment that got in first', async () => {
    const store = new ContendedInvoiceStore(3);
    store.seed(newInvoice());
    const events = new RecordingEvents();
    const outcome = await receivePayment({ store, clock: clock(), events, log: new RecordingLog() }, INVOICE, {
      paymentId: 'PAY-MINE',
      amountMinor: 50_000,
      paidAt: '2026-11-19T09:00:00.000Z',
    });
    assert.equal(outcome.kind, 'recorded');
    const stored = store.current(INVOICE);
    assert.deepEqual(Object.keys(stored.payments).sort(), ['OTHER-1', 'OTHER-2', 'OTHER-3', 'PAY-MINE']);
    assert.equal(stored.paidMinor, 50_300);
    assert.equal(stored.timeline.filter((event) => event.type === 'payment.received').length, 4);
    assert.equal(events.published.length, 1, 'signalled once, for the write that landed');
  });

  test('two creates of one invoice: the loser re-reads and finds it unchanged (no second invoice.received)', async () => {
    const store = new ContendedInvoiceStore(1);
    store.rival = newInvoice({}, NOW);
    const outcome = await ingestInvoice(ingestDeps(store), invoiceInput());
    assert.equal(outcome.kind, 'unchanged');
    const stored = store.current(INVOICE);
    assert.equal(stored.version, 1);
    assert.deepEqual(
      stored.timeline.map((event) => event.type),
      ['invoice.received'],
    );
  });

  test('two creates of one invoice with other terms: the loser re-reads and updates the winner’s invoice', async () => {
    const store = new ContendedInvoiceStore(1);
    store.rival = newInvoice({ poNumber: 'PO-RIVAL' }, NOW);
    const outcome = await ingestInvoice(ingestDeps(store), invoiceInput({ poNumber: 'PO-MINE' }));
    assert.equal(outcome.kind, 'updated');
    const stored = store.current(INVOICE);
    assert.equal(stored.poNumber, 'PO-MINE');
    assert.deepEqual(
      stored.timeline.map((event) => event.type),
      ['invoice.received', 'invoice.updated'],
    );
  });

  test('a customer PUT whose first writes lose: decided again on each fresh read, and the last word is ours', async () => {
    const customers = new InMemoryCustomerStore(new InMemoryInvoiceStore());
    const profile: CustomerProfile = {
      customerId: 'C-100',
      name: 'Acme GmbH',
      email: 'ap@acme.example',
      timeZone: 'Europe/Berlin',
      locale: 'de-DE',
      consent: defaultConsent,
      contactsAsOf: NOW,
      createdAt: NOW,
      updatedAt: NOW,
      version: 1,
    };
    customers.seed(profile);
    // Another writer gets in before each of our first three writes.
    let others = 0;
    const otherWriter = () => {
      if (others === 3) return;
      others++;
      customers.seed({ ...profile, name: `Other ${others}`, version: profile.version + others });
      customers.beforeNextSave = otherWriter;
    };
    customers.beforeNextSave = otherWriter;
    const change = await putCustomer({ customers, policies, clock: clock() }, 'C-100', {
      contacts: { name: 'Acme AG', email: 'ap@acme.example', timeZone: 'Europe/Berlin', locale: 'de-DE' },
    });
    assert.equal(change.kind, 'updated');
    assert.equal(customers.staleWrites, 3);
    assert.equal((await customers.getProfile('C-100'))?.name, 'Acme AG');
  });

  describe('publishPolicy', () => {
    /** Policy versions in memory; `rival` is published by another PUT right before the next publish. */
    class RacingPolicies implements PolicyStore {
      readonly versions: Policy[] = [];
      rival: Omit<Policy, 'version'> | undefined;

      async get(_policyId: string, version?: number): Promise<Policy | undefined> {
        return version === undefined ? this.versions.at(-1) : this.versions[version - 1];
      }

      async publish(policy: Policy): Promise<Policy> {
        const rival = this.rival;
        this.rival = undefined;
        if (rival) this.versions.push({ ...rival, version: this.versions.length + 1 });
        if (this.versions.length >= policy.version) throw new StaleWriteError(`version ${policy.version} taken`);
        this.versions.push(policy);
        return policy;
      }

      async list(): Promise<Policy[]> {
        return this.versions.slice(-1);
      }
    }
    const content = (name: string): Omit<Policy, 'version'> => {
      const { version: _version, ...rest } = { ...defaultPolicy, policyId: 'race', name };
      return rest;
    };

    test('the same content published at once by another PUT: mints nothing more, answers that version', async () => {
      const store = new RacingPolicies();
      store.rival = content('Race');
      const outcome = await publishPolicy(store, content('Race'), new Date(NOW));
      assert.equal(outcome.kind, 'unchanged');
      assert.equal(outcome.policy.version, 1);
      assert.equal(store.versions.length, 1);
    });

    test('other content published at once: ours becomes the next version', async () => {
      const store = new RacingPolicies();
      store.rival = content('Theirs');
      const outcome = await publishPolicy(store, content('Ours'), new Date(NOW));
      assert.equal(outcome.kind, 'published');
      assert.deepEqual(
        store.versions.map((policy) => [policy.version, policy.name]),
        [
          [1, 'Theirs'],
          [2, 'Ours'],
        ],
      );
    });
  });
});

describe('the API answer when the attempts run out', () => {
  class MemoryIdempotency implements IdempotencyStore {
    readonly records = new Map<string, { fingerprint: string; response?: StoredResponse }>();

    async claim(scope: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
      const record = this.records.get(`${scope}#${key}`);
      if (!record) {
        this.records.set(`${scope}#${key}`, { fingerprint });
        return { state: 'new' };
      }
      if (record.fingerprint !== fingerprint) return { state: 'mismatch' };
      return record.response ? { state: 'replay', response: record.response } : { state: 'in_progress' };
    }

    async complete(scope: string, key: string, fingerprint: string, response: StoredResponse): Promise<void> {
      this.records.set(`${scope}#${key}`, { fingerprint, response });
    }

    async release(scope: string, key: string): Promise<void> {
      this.records.delete(`${scope}#${key}`);
    }
  }

  const event = (idempotencyKey: string): HttpEvent =>
    ({
      routeKey: 'POST /v1/invoices/{invoiceId}/payments',
      rawPath: '/v1/invoices/INV-1/payments',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: '{"paymentId":"PAY-1"}',
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST' }, authorizer: { jwt: { claims: { client_id: 'erp' } } } },
    }) as unknown as HttpEvent;

  test('409 concurrent-change problem, and the Idempotency-Key is not kept: the retry runs again', async () => {
    const store = new MemoryIdempotency();
    let calls = 0;
    const handler = httpHandler(
      {
        'POST /v1/invoices/{invoiceId}/payments': async () => {
          calls++;
          if (calls === 1)
            throw new ConcurrentChangeError('Invoice INV-1 was changed concurrently 10 times in a row; nothing was written, retry');
          return json(201, { paymentId: 'PAY-1' });
        },
      },
      { store, clock: new SettableClock(NOW) },
    );
    const first = await handler(event('key-1'), {} as never);
    assert.equal(first.statusCode, 409);
    assert.equal(first.headers['content-type'], 'application/problem+json');
    const problem = JSON.parse(first.body);
    assert.equal(problem.type, 'urn:dunwell:problem:concurrent-change');
    assert.equal(problem.status, 409);
    assert.match(problem.detail, /changed concurrently/);
    assert.equal(store.records.size, 0, 'the claim was released, not completed');

    const retry = await handler(event('key-1'), {} as never);
    assert.equal(retry.statusCode, 201);
    assert.equal(calls, 2, 'the retry ran the command again');
    const replay = await handler(event('key-1'), {} as never);
    assert.equal(replay.statusCode, 201);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.equal(calls, 2);
  });
});
