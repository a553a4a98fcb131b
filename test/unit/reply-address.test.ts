import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { parseKeyring } from '#domain/pay-link.ts';
import { checkReplyCode, mintReplyRoute, REPLY_CODE_LENGTH, replyAddress, replyCodeOf, routeIsSealed } from '#domain/reply-address.ts';

const keyring = parseKeyring(JSON.stringify({ current: 'k2', k1: 'an-older-key-0123456789', k2: 'the-current-key-0123456789' }));
const message = { invoiceIds: ['INV-1', 'INV-2'], customerId: 'C-1', step: 'post-7', sentAt: '2026-12-07T09:00:00.000Z' };
const random = Buffer.from('00112233445566778899', 'hex');

describe('reply addresses', () => {
  test('r+<30 hex>@<reply domain>: lower case, well under the 64-character local part', () => {
    const route = mintReplyRoute(keyring, message, random);
    assert.equal(route.code.length, REPLY_CODE_LENGTH);
    assert.match(route.code, /^00112233445566778899[0-9a-f]{10}$/);
    const address = replyAddress(route.code, 'replies.example.com');
    assert.equal(address, `r+${route.code}@replies.example.com`);
    assert.ok(address.split('@')[0]!.length <= 64);
  });

  test('the code is found among the recipients, whatever the case, only on the reply domain', () => {
    const { code } = mintReplyRoute(keyring, message, random);
    assert.equal(replyCodeOf(['ar@acme.example', ` R+${code.toUpperCase()}@Replies.Example.com `], 'replies.example.com'), code);
    assert.equal(replyCodeOf([`r+${code}@elsewhere.example`], 'replies.example.com'), undefined);
    assert.equal(replyCodeOf(['ar@replies.example.com'], 'replies.example.com'), undefined);
  });

  test('a code minted with any key of the keyring checks; an altered or made-up one does not', () => {
    const current = mintReplyRoute(keyring, message);
    assert.deepEqual(checkReplyCode(keyring, current.code), { ok: true, keyId: 'k2' });
    const older = mintReplyRoute({ ...keyring, current: 'k1' }, message);
    assert.deepEqual(checkReplyCode(keyring, older.code), { ok: true, keyId: 'k1' });
    const flipped = `${current.code.slice(0, -1)}${current.code.endsWith('0') ? '1' : '0'}`;
    assert.deepEqual(checkReplyCode(keyring, flipped), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(checkReplyCode(keyring, 'not-a-code'), { ok: false, reason: 'malformed' });
    assert.deepEqual(checkReplyCode(keyring, current.code.toUpperCase()), { ok: false, reason: 'malformed' });
    const revoked = parseKeyring(JSON.stringify({ current: 'k2', k2: 'the-current-key-0123456789' }));
    assert.deepEqual(checkReplyCode(revoked, older.code), { ok: false, reason: 'bad_signature' });
  });

  test('the stored route is sealed: pointing the code at other invoices or another customer breaks the seal', () => {
    const route = mintReplyRoute(keyring, message);
    assert.equal(routeIsSealed(keyring, route, 'k2'), true);
    assert.equal(routeIsSealed(keyring, { ...route, invoiceIds: ['INV-9'] }, 'k2'), false);
    assert.equal(routeIsSealed(keyring, { ...route, customerId: 'C-2' }, 'k2'), false);
    assert.equal(routeIsSealed(keyring, route, 'k1'), false, 'the key the code verified with');
  });
});
