import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { withEvent } from '#domain/invoice.ts';
import { defaultPolicy } from '#domain/policy.ts';
import { parseArguments, UsageError } from '../../simulator/arguments.ts';
import { policyKpis } from '../../simulator/kpis.ts';
import { defaultSendPrices } from '../../simulator/response-model.ts';
import { portfolioInvoice as invoice } from '../support/invoices.ts';

describe('simulator: KPI arithmetic on a hand-checked portfolio', () => {
  // Period 2027-03-01 … 2027-04-30: N = 61 days.
  const period = { from: '2027-03-01', to: '2027-04-30', currency: 'EUR' };
  const a = withEvent(invoice('A', 100_000, '2027-03-01', '2027-03-05', '2027-03-04T10:00:00Z'), {
    at: '2027-03-02T08:00:00Z',
    type: 'reminder.sent',
    channel: 'sms',
    stepId: 's',
  });
  const portfolio = [
    a, // 1000.00 paid 03-04
    invoice('B', 50_000, '2027-03-02', '2027-03-20'), // 500.00 open, overdue at `to`
    invoice('C', 30_000, '2027-03-01', '2027-03-03'), // 300.00 open, overdue
    invoice('D', 20_000, '2027-02-01', '2027-02-15'), // 200.00 issued before the period: AR at the start
    invoice('E', 40_000, '2027-04-20', '2027-05-20'), // 400.00 open, current at `to`
  ];
  const counts = { email: 10, sms: 3, letter: 0, thankYouEmail: 1, thankYouSms: 0, tasks: 2 };
  const kpis = policyKpis(portfolio, counts, period, defaultSendPrices);

  test('dso = arEnd ÷ sales × N', () => {
    // sales 2200, arEnd 500 + 300 + 200 + 400 = 1400: 1400 / 2200 × 61 = 38.818…
    assert.equal(kpis.dso, 38.82);
  });

  test('cei = (arBegin + sales − arEnd) ÷ (arBegin + sales − arEndCurrent) × 100', () => {
    // (200 + 2200 − 1400) / (200 + 2200 − 400) = 1000 / 2000
    assert.equal(kpis.cei, 50);
  });

  test('collected share by day N after due, over invoices whose day N is in the period', () => {
    // Day 30: A, B, C, D eligible (2000.00), A paid (1000.00). Day 60: D alone, unpaid. Day 90: none.
    assert.deepEqual(kpis.collectedShare, { '30': 50, '60': 0, '90': null });
  });

  test('messages from the timeline, tasks and the send cost from the run', () => {
    assert.deepEqual(kpis.messages, { email: 0, sms: 1 });
    assert.equal(kpis.tasks, 2);
    // 11 emails × $0.0001 + 3 SMS × $0.05
    assert.equal(kpis.sendCostUsd, 0.1511);
  });
});

const goodPolicy = {
  name: 'SMS early',
  tiers: [{ tier: 1, steps: [{ stepId: 'sms-1', offsetDays: 1, channel: 'sms', tone: 'firm' }] }],
};

describe('simulator: command line', () => {
  const files: Record<string, string> = {
    'policies/sms-early.json': JSON.stringify(goodPolicy),
    'policies/bad.json': JSON.stringify({
      ...goodPolicy,
      tiers: [{ tier: 1, steps: [{ ...goodPolicy.tiers[0]?.steps[0], channel: 'fax' }] }],
    }),
    'policies/no-tier-1.json': JSON.stringify({ ...goodPolicy, tiers: [{ tier: 2, steps: goodPolicy.tiers[0]?.steps }] }),
    'policies/broken.json': '{ "name": ',
  };
  const read = (path: string) => {
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    return text;
  };
  const problem = (argv: string[]) => {
    try {
      parseArguments(argv, read);
    } catch (error) {
      assert.ok(error instanceof UsageError, String(error));
      return error.message;
    }
    assert.fail(`accepted ${argv.join(' ')}`);
  };

  test('defaults, and a policy file built by the PUT /v1/policies schema', () => {
    const args = parseArguments(['--policy=default', '--policy=policies/sms-early.json', '--invoices=50', '--seed=2', '--json'], read);
    assert.deepEqual(
      args.policies.map((entry) => entry.label),
      ['default', 'policies/sms-early.json'],
    );
    assert.equal(args.policies[1]?.policy.policyId, 'sms-early');
    assert.equal(args.policies[1]?.policy.version, 0);
    assert.deepEqual(args.policies[1]?.policy.sendRules, defaultPolicy.sendRules);
    assert.deepEqual(
      { invoices: args.invoices, days: args.days, seed: args.seed, json: args.json },
      { invoices: 50, days: 120, seed: 2, json: true },
    );
    assert.deepEqual(
      parseArguments([], read).policies.map((entry) => entry.label),
      ['default'],
    );
  });

  test('a bad policy file is named, with the field', () => {
    const message = problem(['--policy=policies/bad.json']);
    assert.match(message, /policies\/bad\.json/);
    assert.match(message, /tiers\.0\.steps\.0\.channel: must be one of/);
    assert.match(problem(['--policy=policies/no-tier-1.json']), /no-tier-1\.json[\s\S]*tiers: tier 1 is required/);
    assert.match(problem(['--policy=policies/broken.json']), /broken\.json: is not valid JSON/);
    assert.match(problem(['--policy=policies/missing.json']), /missing\.json: cannot be read \(ENOENT\)/);
  });

  test('unknown flags, bad numbers and later features are refused clearly', () => {
    assert.match(problem(['--invoice=10']), /unknown option --invoice/);
    assert.match(problem(['extra']), /unexpected argument "extra"/);
    assert.match(problem(['--days=0']), /--days must be a whole number from 1 to 366/);
    assert.match(problem(['--invoices=1e4']), /--invoices must be a whole number/);
    assert.match(problem(['--history=']), /--history needs the exports folder/);
    assert.match(problem(['--history=exports', '--invoices=10']), /--invoices and --history do not go together/);
    assert.match(problem(['--api=ftp://x']), /--api must be the http\(s\) base URL/);
    assert.match(problem(['--policy=aggressive']), /--policy=aggressive: .*stored in a deployment; give the API .* --api=/);
  });

  test('npm run simulate: exit code 2 and the field on stderr for a bad file; JSON on stdout otherwise', () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulator-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, files['policies/bad.json'] ?? '');
    const main = join(import.meta.dirname, '../../simulator/main.ts');
    const failed = spawnSync(process.execPath, [main, `--policy=${bad}`], { encoding: 'utf8' });
    assert.equal(failed.status, 2);
    assert.match(failed.stderr, /bad\.json: not a valid policy\n {2}tiers\.0\.steps\.0\.channel: must be one of/);
    assert.equal(failed.stdout, '');
    const good = join(dir, 'sms-early.json');
    writeFileSync(good, files['policies/sms-early.json'] ?? '');
    const run = () =>
      spawnSync(process.execPath, [main, `--policy=${good}`, '--policy=default', '--invoices=60', '--days=60', '--json'], {
        encoding: 'utf8',
      });
    const first = run();
    assert.equal(first.status, 0, first.stderr);
    const report = JSON.parse(first.stdout);
    assert.deepEqual(
      report.policies.map((entry: { policy: string }) => entry.policy),
      [good, 'default'],
    );
    assert.ok(report.policies[0].kpis.messages.sms > 0);
    assert.equal(run().stdout, first.stdout);
  });
});
