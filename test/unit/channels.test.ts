import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { messageChannelIds, messageChannels } from '#domain/channels.ts';
import { chooseChannel, chooseMessageChannel, openReachability, type Reachability } from '#domain/customers.ts';
import { upsertInvoice } from '#domain/invoice.ts';
import { defaultPolicy } from '#domain/policy.ts';
import { nextAllowedInstant } from '#domain/send-window.ts';
import { renderLetter } from '#presentation/letter.ts';
import { customer, invoiceInput } from '../support/invoices.ts';

/** The message channels as one registry: choosing iterates it; a letter is sent only when a step asks for one. */
describe('the channel registry', () => {
  const withAddress = { ...customer, postalAddress: 'Acme GmbH\nHauptstraße 1\n10115 Berlin' };

  test('every channel names its address, how addresses compare, its hours and its skip reasons', () => {
    assert.deepEqual([...messageChannelIds], ['email', 'sms', 'letter']);
    assert.equal(messageChannels.email.address(customer), 'ap@acme.example');
    assert.equal(messageChannels.sms.address(customer), '+4915123456789');
    assert.equal(messageChannels.letter.address(withAddress), withAddress.postalAddress);
    assert.equal(messageChannels.letter.address(customer), undefined);
    assert.ok(messageChannels.email.sameAddress(' AP@acme.example', 'ap@acme.example'));
    assert.ok(messageChannels.letter.sameAddress('Acme GmbH\n Hauptstraße 1', 'acme gmbh hauptstraße 1'));
    assert.equal(messageChannels.letter.missingAddress, 'no_postal_address');
    assert.equal(messageChannels.letter.consentKey, undefined, 'a letter needs no opt-in');
  });

  test('a letter step goes by letter; it needs no consent; without an address it is still a letter (then skipped as such)', () => {
    const noConsent: Reachability = { consent: { email: false, sms: false }, suppressions: [] };
    assert.deepEqual(chooseMessageChannel('letter', withAddress, noConsent), { kind: 'channel', channel: 'letter' });
    assert.deepEqual(chooseMessageChannel('letter', customer, openReachability), { kind: 'channel', channel: 'letter' });
  });

  test('an email or a text never falls back to a letter (postage is only spent when a step asks)', () => {
    const noConsent: Reachability = { consent: { email: false, sms: false }, suppressions: [] };
    assert.equal(chooseChannel('email', withAddress, noConsent).kind, 'none');
    const smsOnly: Reachability = { consent: { email: false, sms: true }, suppressions: [] };
    assert.deepEqual(chooseChannel('email', withAddress, smsOnly), { kind: 'channel', channel: 'sms' });
  });

  test('letters keep business hours, like email (not the SMS window)', () => {
    const friday18 = new Date('2026-12-04T17:00:00Z'); // 18:00 in Berlin, after business hours
    const next = nextAllowedInstant(friday18, 'letter', 'Europe/Berlin', defaultPolicy.sendRules);
    assert.equal(next.toISOString(), nextAllowedInstant(friday18, 'email', 'Europe/Berlin', defaultPolicy.sendRules).toISOString());
  });

  test('the letter is a printable page: the address in the window, the date in the customer zone, escaped, nothing fetched', () => {
    const input = invoiceInput({ customer: { ...withAddress, name: 'Acme <GmbH>', locale: 'de-DE' } });
    const { invoice } = upsertInvoice(undefined, input, new Date('2026-11-01T10:00:00Z'), defaultPolicy);
    const letter = renderLetter(invoice, 'final', 'https://pay.example/p/x', { now: new Date('2026-12-31T23:30:00Z') });
    assert.match(letter.html, /<address class="window">Acme &lt;GmbH&gt;<br>Acme GmbH<br>Hauptstraße 1<br>10115 Berlin<\/address>/);
    assert.match(letter.html, /<p class="date">1\. Januar 2027<\/p>/, 'already 1 January in Berlin');
    assert.match(letter.html, /@page\{size:A4/);
    assert.doesNotMatch(letter.html, /<script|https?:\/\/(?!pay\.example)/);
    assert.match(letter.subject, /INV-2026-0001/);
  });
});
