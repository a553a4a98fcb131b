import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { policyView } from '#contracts/policy-api.ts';
import { defaultPolicy } from '#domain/policy.ts';
import { policyFormValues } from '#presentation/console/pages/policy-edit.ts';
import { ConsoleClient } from '../support/console-client.ts';
import { invoiceBody, LocalServer } from '../support/local-server.ts';

/**
 * The policy editor on the running local pipeline: only finance edits; the form is checked by
 * the API's schema; "simulate" compares the published version with the draft on the open
 * invoices and saves nothing; "publish" makes the draft the next version.
 */
describe('the console policy editor', () => {
  let server: LocalServer;
  const customers = ['C-PE-1', 'C-PE-2', 'C-PE-3', 'C-PE-4'];

  beforeAll(async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    for (const [index, customerId] of customers.entries()) {
      for (const n of [1, 2]) {
        const body = invoiceBody({
          invoiceId: `INV-PE-${index + 1}-${n}`,
          customer: {
            customerId,
            name: `Customer ${customerId}`,
            email: `ap@${customerId.toLowerCase()}.example`,
            timeZone: 'Europe/Berlin',
            locale: 'de-DE',
          },
          amount: `${(index + 1) * 500 + n * 100}.00`,
          lines: [{ description: 'Services', quantity: '1', unitPrice: `${(index + 1) * 500 + n * 100}.00` }],
          dueDate: n === 1 ? '2026-12-01' : '2026-12-15',
        });
        const created = await server.api('POST', '/v1/invoices', body);
        assert.equal(created.status, 201, JSON.stringify(created.body));
      }
    }
  });
  afterAll(() => server.stop());

  /** The editor's form for the default policy as a browser would post it (ticked days comma-joined: one field per name here). */
  const defaultForm = (): Record<string, string> => policyFormValues(policyView(defaultPolicy));

  /** The default policy with a reminder 20 days before the due date in tier 1, in the row left empty for a new step. */
  const withEarlyReminder = (): Record<string, string> => {
    const row = `tiers.0.steps.${defaultPolicy.tiers[0]?.steps.length}`;
    return {
      ...defaultForm(),
      [`${row}.stepId`]: 'pre-20',
      [`${row}.offsetDays`]: '-20',
      [`${row}.channel`]: 'email',
      [`${row}.tone`]: 'friendly',
    };
  };

  /** The simulation table's row for a measure: its label, then published, draft and change. */
  const simulationRow = (html: string, label: string): string[] => {
    const row = new RegExp(`<tr><th scope="row">${label}</th>(.*?)</tr>`).exec(html)?.[1] ?? '';
    return [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((match) => match[1] ?? '');
  };

  test('a collector can neither open the editor nor post to it', async () => {
    const collector = await ConsoleClient.signIn(server.url, 'collector');
    assert.equal((await collector.get('/console/policies/default')).status, 403);
    await collector.get('/console');
    const posted = await collector.post('/console/policies/default', { ...withEarlyReminder(), intent: 'publish' });
    assert.equal(posted.status, 403);
    assert.equal((await server.api('GET', '/v1/policies/default')).body.version, 1);
  });

  test('finance opens the default policy filled in from the stored version', async () => {
    const finance = await ConsoleClient.signIn(server.url, 'finance');
    const page = await finance.get('/console/policies/default');
    assert.equal(page.status, 200, page.html);
    assert.ok(page.html.includes(`value="${defaultPolicy.name}"`), 'the name');
    assert.match(page.html, /name="tiers\.0\.steps\.0\.stepId" required[^>]* value="pre-3"/);
    assert.match(
      page.html,
      new RegExp(`name="frequencyCap\\.perDay" required[^>]* value="${defaultPolicy.sendRules.frequencyCap.perDay}"`),
    );
    assert.match(page.html, /name="businessHours\.days" value="1" checked/);
    assert.match(page.html, /<form method="post" action="\/console\/policies\/default">/);
    assert.equal((await finance.get('/console/policies/nope')).status, 404);
  });

  test('a draft the API would refuse comes back with the error next to its field, and nothing is stored', async () => {
    const finance = await ConsoleClient.signIn(server.url, 'finance');
    await finance.get('/console/policies/default');
    const answer = await finance.post('/console/policies/default', {
      ...defaultForm(),
      'tiers.0.steps.1.offsetDays': '999',
      'frequencyCap.perDay': 'often',
      intent: 'simulate',
    });
    assert.equal(answer.status, 400, answer.html);
    assert.match(answer.html, /<p class="field-error" id="policy-tiers-0-steps-1-offsetDays-error">[^<]+<\/p>/);
    assert.match(
      answer.html,
      /name="tiers\.0\.steps\.1\.offsetDays" required aria-describedby="[^"]*policy-tiers-0-steps-1-offsetDays-error"/,
    );
    assert.match(answer.html, /id="policy-frequencyCap-perDay-error">must be a whole number</);
    assert.match(answer.html, /value="999"/, 'what was typed is shown again');
    assert.doesNotMatch(answer.html, /simulation-heading/);
    assert.equal((await server.api('GET', '/v1/policies/default')).body.version, 1);
  });

  test('simulate shows the published version and the draft side by side on the open invoices, and saves nothing', async () => {
    const finance = await ConsoleClient.signIn(server.url, 'finance');
    await finance.get('/console/policies/default');
    const answer = await finance.post('/console/policies/default', { ...withEarlyReminder(), intent: 'simulate' });
    assert.equal(answer.status, 200, answer.html);
    assert.match(answer.html, /<section aria-labelledby="simulation-heading">/);
    assert.match(answer.html, /Simulated on the 8 open invoice\(s\) of your customers in EUR/);
    assert.match(answer.html, /<th scope="col" class="num">Current: Standard B2B \(4-tier\)<\/th><th scope="col" class="num">Draft<\/th>/);
    const [current, draft, change] = simulationRow(answer.html, 'Emails sent');
    assert.ok(Number(draft) > Number(current), `an extra reminder sends more emails: ${current} → ${draft}`);
    assert.match(change ?? '', /^\+\d/);
    assert.equal(simulationRow(answer.html, 'Days sales outstanding').length, 3);
    // The draft stays in the form, its new step now a step of its own, with an empty row after it.
    assert.match(answer.html, /name="tiers\.0\.steps\.3\.stepId" required[^>]* value="pre-20"/);
    assert.match(answer.html, /name="tiers\.0\.steps\.4\.stepId"/);
    const stored = await server.api('GET', '/v1/policies/default');
    assert.equal(stored.body.version, 1);
    assert.equal(stored.body.tiers[0].steps.length, 3);

    const again = await finance.post('/console/policies/default', { ...withEarlyReminder(), intent: 'simulate' });
    assert.deepEqual(
      simulationRow(again.html, 'Emails sent'),
      simulationRow(answer.html, 'Emails sent'),
      'the same draft, the same figures',
    );
  });

  test('publish makes the draft the next version and goes back to the policy with a notice', async () => {
    const finance = await ConsoleClient.signIn(server.url, 'finance');
    await finance.get('/console/policies/default');
    const form = { ...withEarlyReminder(), 'tiers.0.steps.2.remove': 'true', intent: 'publish' };
    const answer = await finance.post('/console/policies/default', form);
    assert.equal(answer.status, 303, answer.html);
    assert.equal(answer.location, '/console/policies/default?done=published');
    const stored = await server.api('GET', '/v1/policies/default');
    assert.equal(stored.body.version, 2);
    assert.deepEqual(
      stored.body.tiers[0].steps.map((step: { stepId: string }) => step.stepId),
      ['pre-3', 'post-3', 'pre-20'],
      'the ticked step removed, the new one added',
    );
    assert.deepEqual(stored.body.businessHours.days, defaultPolicy.sendRules.businessHours.days);
    const page = await finance.get(answer.location ?? '');
    assert.equal(page.status, 200);
    assert.match(page.html, /Policy published\./);
    assert.match(page.html, /name="tiers\.0\.steps\.2\.stepId" required[^>]* value="pre-20"/);
  });

  test('a new policy asks for its id, refuses one that is taken, and publishes as version 1', async () => {
    const finance = await ConsoleClient.signIn(server.url, 'finance');
    const blank = await finance.get('/console/policies/new');
    assert.equal(blank.status, 200, blank.html);
    assert.match(blank.html, /name="policyId" required/);
    const taken = await finance.post('/console/policies/new', { ...defaultForm(), policyId: 'default', intent: 'publish' });
    assert.equal(taken.status, 400, taken.html);
    assert.match(taken.html, /id="policy-policyId-error">is taken/);
    const created = await finance.post('/console/policies/new', { ...defaultForm(), policyId: 'lean', name: 'Lean', intent: 'publish' });
    assert.equal(created.status, 303, created.html);
    assert.equal(created.location, '/console/policies/lean?done=published');
    const stored = await server.api('GET', '/v1/policies/lean');
    assert.equal(stored.body.version, 1);
    assert.equal(stored.body.name, 'Lean');
  });
});
