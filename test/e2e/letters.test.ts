import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { consolePaths } from '#presentation/console/context.ts';
import { ConsoleClient } from '../support/console-client.ts';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * The letter channel end to end on the local pipeline: a policy step asks for a letter, the
 * invoice's customer has a postal address, and at the step's time the printable letter and its
 * envelope land in the local letters bucket (`<DUNWELL_DATA_DIR>/letters/<date>/`), the
 * timeline records `reminder.sent` by letter, and the next action said so beforehand.
 */
describe('letters', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await LocalServer.start({ clockStart: '2026-11-02T00:00:00Z' });
  });
  afterAll(() => server.stop());

  const policy = {
    name: 'Letter at 10 days',
    tiers: [
      {
        tier: 1,
        steps: [
          { stepId: 'mail-3', offsetDays: 3, channel: 'email', tone: 'firm' },
          { stepId: 'letter-10', offsetDays: 10, channel: 'letter', tone: 'final' },
        ],
      },
    ],
  };
  const postalAddress = 'Acme GmbH\nBuchhaltung\nHauptstraße 1\n10115 Berlin';

  const letterFiles = () => {
    const root = join(server.dataDir, 'letters');
    if (!existsSync(root)) return [];
    return readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.json') || name.endsWith('.html'))
      .map((name) => join(root, name))
      .sort();
  };

  test('a letter step posts a printable letter to the customer address, recorded on the timeline', async () => {
    assert.equal((await server.api('PUT', '/v1/policies/with-letter', policy)).status, 201);
    const body = invoiceBody({
      invoiceId: 'INV-LETTER-1',
      policyId: 'with-letter',
      customer: { ...invoiceBody().customer, customerId: 'C-LETTER', postalAddress },
    });
    assert.equal((await server.api('POST', '/v1/invoices', body)).status, 201);

    await server.advance({ to: '2026-12-05T00:00:00Z' });
    const before = await server.api('GET', '/v1/invoices/INV-LETTER-1');
    assert.deepEqual(before.body.nextAction, { type: 'letter', at: '2026-12-11T08:00:00.000Z', stepId: 'letter-10' });
    assert.deepEqual(letterFiles(), [], 'nothing posted before its day');

    await server.advance({ to: '2026-12-12T00:00:00Z' });
    const files = letterFiles();
    assert.equal(files.length, 2, `one envelope and one page: ${files.join(', ')}`);
    const envelope = JSON.parse(readFileSync(files.find((file) => file.endsWith('.json')) ?? '', 'utf8'));
    assert.equal(envelope.to, postalAddress);
    assert.deepEqual(envelope.invoiceIds, ['INV-LETTER-1']);
    assert.equal(envelope.step, 'letter-10');
    const page = readFileSync(files.find((file) => file.endsWith('.html')) ?? '', 'utf8');
    assert.match(page, /<address class="window">Acme GmbH<br>Acme GmbH<br>Buchhaltung<br>Hauptstraße 1<br>10115 Berlin<\/address>/);
    assert.match(page, /INV-LETTER-1/);

    const invoice = await server.api('GET', '/v1/invoices/INV-LETTER-1');
    const sent = invoice.body.timeline.filter((event: { type: string }) => event.type === 'reminder.sent');
    assert.deepEqual(
      sent.map((event: { stepId: string; channel: string; at: string }) => [event.stepId, event.channel, event.at]),
      [
        ['mail-3', 'email', '2026-12-04T08:00:00.000Z'],
        ['letter-10', 'letter', '2026-12-11T08:00:00.000Z'],
      ],
    );
    assert.equal(sent[1].to, postalAddress);
    assert.equal((await server.outbox('INV-LETTER-1')).length, 1, 'the letter is not an email');
  });

  test('the console shows the letter as posted: its page exactly as put in the letters bucket, under its dated id', async () => {
    const invoice = await server.api('GET', '/v1/invoices/INV-LETTER-1');
    const letter = invoice.body.timeline.find((event: { type: string; channel?: string }) => event.channel === 'letter');
    assert.match(letter?.messageId ?? '', /^2026-12-11\//, 'a letter id has a slash');
    const finance = await ConsoleClient.signIn(server.url, 'finance');
    const page = await finance.get(consolePaths.message('INV-LETTER-1', letter.messageId));
    assert.equal(page.status, 200, page.html);
    assert.match(
      page.html,
      /<iframe class="message-frame" sandbox src="\/console\/invoices\/INV-LETTER-1\/messages\/2026-12-11%2F[^"]+\/body"/,
    );
    const posted = readFileSync(join(server.dataDir, 'letters', `${letter.messageId}.html`), 'utf8');
    const body = await finance.get(consolePaths.messageBody('INV-LETTER-1', letter.messageId));
    assert.equal(body.status, 200);
    assert.equal(body.html, posted);
  });

  test('no postal address: the letter step is skipped as such, and dunning goes on', async () => {
    const body = invoiceBody({
      invoiceId: 'INV-LETTER-2',
      policyId: 'with-letter',
      customer: { ...invoiceBody().customer, customerId: 'C-NO-ADDRESS' },
    });
    assert.equal((await server.api('POST', '/v1/invoices', body)).status, 201);
    await server.advance({ to: '2026-12-20T00:00:00Z' });
    const invoice = await server.api('GET', '/v1/invoices/INV-LETTER-2');
    const skipped = invoice.body.timeline.find(
      (event: { type: string; stepId?: string }) => event.type === 'reminder.skipped' && event.stepId === 'letter-10',
    );
    assert.equal(skipped?.reason, 'no_postal_address');
  });
});
