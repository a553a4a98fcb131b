import assert from 'node:assert/strict';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { DynamoShortLinkStore } from '#adapters/dynamo-short-links.ts';
import { SignedPayLinks } from '#adapters/pay-links.ts';
import type { Invoice } from '#domain/invoice.ts';
import { parseKeyring, verifyPayLink } from '#domain/pay-link.ts';
import { defaultPolicy } from '#domain/policy.ts';
import { checkShortCode, mintShortLink, SHORT_CODE_LENGTH, type ShortLink } from '#domain/short-link.ts';
import { smsSegments } from '#presentation/reminder-message.ts';
import { resolveShortLink } from '#use-cases/resolve-short-link.ts';
import { sendReminder } from '#use-cases/send-reminder.ts';
import { testTable } from '../support/dynalite.ts';
import {
  FakeSecrets,
  InMemoryInvoiceStore,
  InMemoryShortLinkStore,
  RecordingLog,
  RecordingMailer,
  RecordingTexter,
  SettableClock,
} from '../support/fakes.ts';
import { berlinSchedule, newInvoice } from '../support/invoices.ts';

const k0 = 'k0-old-secret-0123456789abcdef';
const k1 = 'k1-new-secret-abcdef0123456789';
const keyring = parseKeyring(JSON.stringify({ current: 'k1', k1 }));
const now = new Date('2026-12-01T10:00:00Z');
const expiresAt = new Date('2027-03-31T00:00:00Z');

/** The same code with one character replaced by another valid one. */
function changedAt(code: string, index: number): string {
  const replacement = code[index] === 'A' ? 'B' : 'A';
  return `${code.slice(0, index)}${replacement}${code.slice(index + 1)}`;
}

async function stored(link: ShortLink): Promise<InMemoryShortLinkStore> {
  const store = new InMemoryShortLinkStore();
  assert.ok(await store.create(link));
  return store;
}

describe('short link codes', () => {
  test('a code is 20 URL-safe characters, random, and carries a tag of the current key', () => {
    const codes = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const link = mintShortLink(keyring, 'INV-2026-0001', expiresAt);
      assert.match(link.code, /^[A-Za-z0-9_-]{20}$/);
      assert.equal(link.keyId, 'k1');
      assert.deepEqual(checkShortCode(keyring, link.code), { ok: true, keyId: 'k1' });
      codes.add(link.code);
    }
    assert.equal(SHORT_CODE_LENGTH, 20);
    assert.equal(codes.size, 200, 'no two codes alike');
    // The invoice is nowhere in the code: the code only names a stored item.
    const fixed = Buffer.alloc(9, 7);
    assert.equal(
      mintShortLink(keyring, 'INV-A', expiresAt, fixed).code,
      mintShortLink(keyring, 'INV-B', new Date('2030-01-01T00:00:00Z'), fixed).code,
    );
  });

  test('round trip: a stored code resolves to its invoice and expiry (to the second)', async () => {
    const link = mintShortLink(keyring, 'INV-2026-0001', new Date(expiresAt.getTime() + 999));
    const store = await stored(link);
    assert.deepEqual(await resolveShortLink(store, keyring, link.code, now), { ok: true, invoiceId: 'INV-2026-0001', expiresAt });
  });

  test('a code with any one character changed is refused by its tag, before any table read', async () => {
    const link = mintShortLink(keyring, 'INV-2026-0001', expiresAt);
    const store = await stored(link);
    for (let index = 0; index < link.code.length; index++) {
      const tampered = changedAt(link.code, index);
      // A changed random part may name another stored item: store it too, it must not help.
      await store.create({ ...link, code: tampered });
      assert.deepEqual(await resolveShortLink(store, keyring, tampered, now), { ok: false, reason: 'bad_signature' }, `position ${index}`);
    }
    assert.equal(store.getCount, 0, 'the table was never read');
  });

  test('malformed codes are refused without a table read', async () => {
    const link = mintShortLink(keyring, 'INV-2026-0001', expiresAt);
    const store = await stored(link);
    for (const code of ['', link.code.slice(1), `${link.code}A`, `${link.code.slice(0, 19)}=`, `${link.code.slice(0, 19)}.`, '../pay/x']) {
      assert.deepEqual(await resolveShortLink(store, keyring, code, now), { ok: false, reason: 'malformed' }, code);
    }
    assert.equal(store.getCount, 0);
  });

  test('a code under a key that is not in the keyring (removed, or another keyring with the same id) is refused unread', async () => {
    const old = parseKeyring(JSON.stringify({ current: 'k0', k0 }));
    const link = mintShortLink(old, 'INV-2026-0001', expiresAt);
    const store = await stored(link);
    assert.deepEqual(await resolveShortLink(store, keyring, link.code, now), { ok: false, reason: 'bad_signature' });
    const impostor = parseKeyring(JSON.stringify({ current: 'k1', k1: 'another-key-with-the-same-id-0000' }));
    const foreign = mintShortLink(impostor, 'INV-2026-0001', expiresAt);
    await store.create(foreign);
    assert.deepEqual(await resolveShortLink(store, keyring, foreign.code, now), { ok: false, reason: 'bad_signature' });
    assert.equal(store.getCount, 0);
    // Rotation: while k0 is still in the keyring, its codes keep working.
    const rotated = parseKeyring(JSON.stringify({ current: 'k1', k1, k0 }));
    assert.equal((await resolveShortLink(store, rotated, link.code, now)).ok, true);
  });

  test('a stored item naming another key id than the one whose tag the code carries is refused', async () => {
    const both = parseKeyring(JSON.stringify({ current: 'k0', k0, k1 }));
    const link = mintShortLink(both, 'INV-2026-0001', expiresAt);
    const store = await stored({ ...link, keyId: 'k1' });
    assert.deepEqual(await resolveShortLink(store, both, link.code, now), { ok: false, reason: 'bad_signature' });
  });

  test('an item changed in the table (another invoice, a later expiry) is refused by its seal', async () => {
    const link = mintShortLink(keyring, 'INV-2026-0001', expiresAt);
    for (const altered of [
      { ...link, invoiceId: 'INV-OTHER' },
      { ...link, expiresAt: new Date('2099-01-01T00:00:00Z') },
      { ...link, seal: '' },
    ]) {
      const store = await stored(altered);
      assert.deepEqual(await resolveShortLink(store, keyring, link.code, now), { ok: false, reason: 'bad_signature' });
    }
  });

  test('a well-tagged code that was never stored is unknown', async () => {
    const link = mintShortLink(keyring, 'INV-2026-0001', expiresAt);
    const store = new InMemoryShortLinkStore();
    assert.deepEqual(await resolveShortLink(store, keyring, link.code, now), { ok: false, reason: 'unknown' });
  });

  test('a code expires at its expiry instant', async () => {
    const link = mintShortLink(keyring, 'INV-2026-0001', expiresAt);
    const store = await stored(link);
    assert.equal((await resolveShortLink(store, keyring, link.code, new Date(expiresAt.getTime() - 1000))).ok, true);
    assert.deepEqual(await resolveShortLink(store, keyring, link.code, expiresAt), { ok: false, reason: 'expired' });
    assert.deepEqual(await resolveShortLink(store, keyring, link.code, new Date('2027-06-01T00:00:00Z')), { ok: false, reason: 'expired' });
  });
});

describe('SignedPayLinks.shortUrl', () => {
  const secret = JSON.stringify({ current: 'k1', k1 });
  const links = (store?: InMemoryShortLinkStore) =>
    new SignedPayLinks(new FakeSecrets({ 'link-secret': secret }), 'link-secret', 'https://pay.dunwell.example/', store);

  test('stores a code with the long link’s expiry and returns <base>/p/<code>', async () => {
    const store = new InMemoryShortLinkStore();
    const url = await links(store).shortUrl('INV-2026-0001', '2026-12-01', now);
    assert.match(url, /^https:\/\/pay\.dunwell\.example\/p\/[A-Za-z0-9_-]{20}$/);
    assert.equal(url.length, 50);
    const code = url.slice(url.lastIndexOf('/') + 1);
    const long = await links(store).payUrl('INV-2026-0001', '2026-12-01', now);
    const token = long.slice(long.lastIndexOf('/') + 1);
    const check = verifyPayLink(keyring, token, now);
    assert.ok(check.ok);
    assert.deepEqual(await resolveShortLink(store, keyring, code, now), {
      ok: true,
      invoiceId: 'INV-2026-0001',
      expiresAt: check.expiresAt,
    });
    assert.ok(long.length > 140, `the long link is ${long.length} characters`);
  });

  test('a taken code is not overwritten: another one is minted', async () => {
    const store = new InMemoryShortLinkStore();
    const refusals: string[] = [];
    const create = store.create.bind(store);
    store.create = async (link) => {
      if (refusals.length < 2) {
        refusals.push(link.code);
        return false;
      }
      return create(link);
    };
    const url = await links(store).shortUrl('INV-2026-0001', '2026-12-01', now);
    assert.equal(refusals.length, 2);
    assert.ok(!refusals.some((code) => url.endsWith(code)));
    assert.equal(store.links.size, 1);
  });

  test('without a store it gives the long link', async () => {
    assert.match(await links().shortUrl('INV-2026-0001', '2026-12-01', now), /\/pay\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });
});

describe('sendReminder: short links in SMS only', () => {
  const smsPolicy = {
    ...defaultPolicy,
    policyId: 'sms-first',
    tiers: [
      {
        tier: 1 as const,
        steps: [
          { stepId: 'sms-pre-3', offsetDays: -3, channel: 'sms' as const, tone: 'friendly' as const },
          { stepId: 'mail-post-3', offsetDays: 3, channel: 'email' as const, tone: 'firm' as const },
        ],
      },
    ],
  };

  for (const locale of ['de-DE', 'en-US']) {
    test(`${locale}: the SMS carries a short link and is one segment, with the creditor's name; the email keeps the long link`, async () => {
      const invoice: Invoice = { ...newInvoice({ customer: { locale } }), policySnapshot: smsPolicy };
      const store = new InMemoryInvoiceStore();
      store.seed(invoice);
      const clock = new SettableClock(berlinSchedule['pre-3']);
      const texter = new RecordingTexter();
      const mailer = new RecordingMailer();
      const shortLinks = new InMemoryShortLinkStore();
      const links = new SignedPayLinks(
        new FakeSecrets({ 'link-secret': JSON.stringify({ current: 'k1', k1 }) }),
        'link-secret',
        'https://pay.dunwell.example',
        shortLinks,
      );
      const deps = { store, clock, mailer, texter, links, log: new RecordingLog(), creditor: { name: 'Acme Ltd' } };
      assert.equal(await sendReminder(deps, invoice.invoiceId, 'sms-pre-3'), 'sent');
      const [sms] = texter.sent;
      assert.ok(sms);
      const url = /(https:\/\/\S+)$/.exec(sms.text)?.[1] ?? '';
      assert.match(url, /^https:\/\/pay\.dunwell\.example\/p\/[A-Za-z0-9_-]{20}$/, sms.text);
      assert.equal(smsSegments(sms.text), 1, `${sms.text.length}: ${sms.text}`);
      assert.ok(sms.text.startsWith('Acme Ltd: '), 'the creditor fits now');
      const resolved = await resolveShortLink(shortLinks, keyring, url.slice(url.lastIndexOf('/') + 1), clock.now());
      assert.ok(resolved.ok && resolved.invoiceId === invoice.invoiceId);

      clock.set('2026-12-04T08:00:00.000Z');
      assert.equal(await sendReminder(deps, invoice.invoiceId, 'mail-post-3'), 'sent');
      assert.match(mailer.sent[0]?.text ?? '', /https:\/\/pay\.dunwell\.example\/pay\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/);
      assert.doesNotMatch(mailer.sent[0]?.text ?? '', /\/p\//);
      assert.equal(shortLinks.links.size, 1, 'only the SMS minted a short link');
    });
  }
});

/** The DynamoDB adapter against dynalite, the local runtime's DynamoDB. */
describe('DynamoShortLinkStore on dynalite', () => {
  const table = testTable();
  const tableName = table.tableName;
  let documents: DynamoDBDocumentClient;
  let store: DynamoShortLinkStore;

  beforeAll(async () => {
    const client = await table.start();
    documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    store = new DynamoShortLinkStore(documents, tableName);
  });
  afterAll(() => table.stop());

  test('a link is written once under SHORTLINK#<code>, with the table TTL a month past its expiry, and read back whole', async () => {
    const link = mintShortLink(keyring, 'INV-2026-0001', expiresAt);
    assert.equal(await store.create(link), true);
    assert.equal(await store.create({ ...link, invoiceId: 'INV-OTHER' }), false, 'never overwritten');
    assert.deepEqual(await store.get(link.code), link);
    const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: { pk: `SHORTLINK#${link.code}`, sk: 'SHORTLINK' } }));
    assert.equal(Item?.invoiceId, 'INV-2026-0001');
    assert.equal(Item?.linkExpiresAt, expiresAt.getTime() / 1000);
    assert.equal(Item?.expiresAt, expiresAt.getTime() / 1000 + 30 * 86_400, 'the TTL attribute of the stateful stack');
    assert.equal(await store.get(mintShortLink(keyring, 'INV-2026-0001', expiresAt).code), undefined);
    assert.deepEqual(await resolveShortLink(store, keyring, link.code, now), { ok: true, invoiceId: 'INV-2026-0001', expiresAt });
  });
});
