import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { withEvent } from '#domain/invoice.ts';
import { parseAmount } from '#domain/money.ts';
import { defaultPolicy } from '#domain/policy.ts';
import { parseArguments, UsageError } from '../../simulator/arguments.ts';
import { reportHtml } from '../../simulator/html-report.ts';
import { isoWeek, policySeries } from '../../simulator/series.ts';
import { reportJson, runSimulation } from '../../simulator/simulation.ts';
import { portfolioInvoice as invoice } from '../support/invoices.ts';

const minor = (amount: string) => {
  const parsed = parseAmount(amount, 'EUR');
  assert.ok(parsed.ok, amount);
  return parsed.minor;
};

describe('simulator: the series behind the HTML report, on a hand-checked portfolio', () => {
  const period = { from: '2027-03-01', to: '2027-04-30', currency: 'EUR' };
  const a = withEvent(invoice('A', 100_000, '2027-03-01', '2027-03-05', '2027-03-04T10:00:00Z'), {
    at: '2027-03-02T08:00:00Z',
    type: 'reminder.sent',
    channel: 'sms',
    stepId: 's',
  });
  const series = policySeries(
    [
      a, // 1000.00 paid 03-04
      invoice('B', 50_000, '2027-03-02', '2027-03-20'), // 41 days past due at 04-30
      invoice('C', 30_000, '2027-03-01', '2027-03-03'), // 58
      invoice('D', 20_000, '2027-02-01', '2027-02-15'), // 74
      invoice('E', 40_000, '2027-04-20', '2027-05-20'), // current
    ],
    period,
  );

  test('collected share: one point per day of the period, of the whole portfolio amount (2400.00)', () => {
    assert.equal(series.collected.length, 61);
    assert.deepEqual(series.collected[0], { day: 1, date: '2027-03-01', share: 0 });
    assert.equal(series.collected[2]?.share, 0);
    assert.deepEqual(series.collected[3], { day: 4, date: '2027-03-04', share: 41.67 });
    assert.deepEqual(series.collected.at(-1), { day: 61, date: '2027-04-30', share: 41.67 });
  });

  test('messages per ISO week: every week of the period, partial ones included', () => {
    assert.equal(series.messagesByWeek.length, 9);
    assert.deepEqual(series.messagesByWeek[0], { week: '2027-W09', from: '2027-03-01', to: '2027-03-07', email: 0, sms: 1 });
    assert.deepEqual(series.messagesByWeek.at(-1), { week: '2027-W17', from: '2027-04-26', to: '2027-04-30', email: 0, sms: 0 });
  });

  test('aging at the end: AR > 0 only, by days past due, as GET /v1/reports/aging', () => {
    assert.deepEqual(
      series.aging.buckets.map((bucket) => [bucket.bucket, bucket.amount, bucket.invoices]),
      [
        ['current', '400.00', 1],
        ['1-30', '0.00', 0],
        ['31-60', '800.00', 2],
        ['61-90', '200.00', 1],
        ['91+', '0.00', 0],
      ],
    );
    assert.deepEqual(series.aging.total, { amount: '1400.00', invoices: 4 });
  });

  test('ISO weeks across a year end', () => {
    assert.equal(isoWeek('2027-03-01'), '2027-W09');
    assert.equal(isoWeek('2027-01-01'), '2026-W53');
    assert.equal(isoWeek('2024-12-30'), '2025-W01');
    assert.equal(isoWeek('2026-12-31'), '2026-W53');
  });
});

describe('simulator: the HTML report', () => {
  const hostile = '<script>alert("x")</script>&"\'.json';
  const report = runSimulation({
    policies: [
      { label: 'default', policy: defaultPolicy },
      { label: hostile, policy: { ...defaultPolicy, policyId: 'hostile', version: 0 } },
    ],
    invoices: 150,
    days: 75,
    seed: 5,
  });
  const html = reportHtml(report);

  test('self-contained: no script, no external URL, nothing to fetch', () => {
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /https?:\/\//i);
    assert.doesNotMatch(html, /\s(src|href)\s*=/i);
    assert.doesNotMatch(html, /<link|@import|url\(/i);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);
  });

  test('a hostile policy name is escaped wherever it appears', () => {
    assert.ok(!html.includes(hostile));
    assert.ok(!html.includes('<script>'));
    assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/<wbr>script&gt;&amp;&quot;&#39;\.json/);
    assert.match(html, /data-series="&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;&amp;&quot;&#39;\.json"/);
  });

  test('accessible outline: lang, title, headings, each chart an img with a title and its table', () => {
    assert.match(html, /^<!doctype html>\n<html lang="en">/);
    assert.match(html, /<title>Dunwell policy simulation: 150 invoices, 75 days from 2027-03-01, seed 5<\/title>/);
    assert.equal((html.match(/<h1>/g) ?? []).length, 1);
    const charts = html.match(/<svg class="chart" role="img" aria-labelledby="([\w-]+)-title"[^>]*><title id="\1-title">/g) ?? [];
    assert.equal(charts.length, 1 + 2 + 1, 'collected share, messages per policy, aging');
    assert.equal((html.match(/<table>/g) ?? []).length, 1 + 1 + 2 + 2, 'KPIs, collected, messages per policy, aging per policy');
    assert.match(html, /The response model is a lever, not a forecast/);
  });

  test('one series per policy in the collected-share and aging charts, two channels per messages chart', () => {
    assert.equal((html.match(/<path class="series"/g) ?? []).length, 2);
    const aging = html.slice(html.indexOf('id="aging-chart-title"'));
    assert.deepEqual(
      [...aging.slice(0, aging.indexOf('</svg>')).matchAll(/<g class="series" data-series="([^"]*)"/g)].map((match) => match[1]),
      ['default', '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&quot;&#39;.json'],
    );
    for (const entry of report.policies) {
      assert.equal(entry.series.collected.length, 75);
      assert.equal(
        entry.series.messagesByWeek.reduce((sum, week) => sum + week.email, 0),
        entry.kpis.messages.email,
      );
      assert.equal(
        entry.series.messagesByWeek.reduce((sum, week) => sum + week.sms, 0),
        entry.kpis.messages.sms,
      );
    }
  });

  test('the aging buckets add up to the total, for every policy', () => {
    for (const { series } of report.policies) {
      const buckets = series.aging.buckets;
      assert.deepEqual(
        buckets.map((bucket) => bucket.bucket),
        ['current', '1-30', '31-60', '61-90', '91+'],
      );
      assert.equal(
        buckets.reduce((sum, bucket) => sum + minor(bucket.amount), 0),
        minor(series.aging.total.amount),
      );
      assert.equal(
        buckets.reduce((sum, bucket) => sum + bucket.invoices, 0),
        series.aging.total.invoices,
      );
      assert.ok(series.aging.total.invoices > 0);
    }
  });

  test('the same run gives the same bytes', () => {
    assert.equal(
      reportHtml(
        runSimulation({
          policies: report.policies.map((e, i) => ({
            label: e.policy,
            policy: i === 0 ? defaultPolicy : { ...defaultPolicy, policyId: 'hostile', version: 0 },
          })),
          invoices: 150,
          days: 75,
          seed: 5,
        }),
      ),
      html,
    );
  });
});

describe('simulator: --out on the command line', () => {
  const main = join(import.meta.dirname, '../../simulator/main.ts');
  const run = (...argv: string[]) => spawnSync(process.execPath, [main, '--invoices=40', '--days=40', ...argv], { encoding: 'utf8' });

  test('writes the page, and stdout (the table or --json) is what it is without --out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulator-out-'));
    const out = join(dir, 'report.html');
    const withOut = run('--json', `--out=${out}`);
    assert.equal(withOut.status, 0, withOut.stderr);
    assert.equal(withOut.stdout, run('--json').stdout);
    assert.match(withOut.stderr, /wrote .*report\.html/);
    assert.match(readFileSync(out, 'utf8'), /^<!doctype html>/);
    const table = run(`--out=${join(dir, 'again.html')}`);
    assert.equal(table.status, 0, table.stderr);
    assert.equal(table.stdout, run().stdout);
    assert.equal(readFileSync(join(dir, 'again.html'), 'utf8'), readFileSync(out, 'utf8'));
    assert.equal(reportJson(runSimulation({ ...parseArguments(['--invoices=40', '--days=40']) })), withOut.stdout);
  });

  test('a folder that does not exist is a usage error before any simulating', () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulator-out-'));
    const out = join(dir, 'missing', 'report.html');
    const failed = run(`--out=${out}`);
    assert.equal(failed.status, 2);
    assert.match(failed.stderr, /--out=.*report\.html: the folder .*missing does not exist/);
    assert.doesNotMatch(failed.stderr, /% of/);
    assert.equal(failed.stdout, '');
    assert.equal(existsSync(out), false);
  });

  test('--out needs an .html file name', () => {
    for (const argv of [['--out'], ['--out='], ['--out=report.pdf']]) {
      assert.throws(
        () => parseArguments(argv),
        (error) => error instanceof UsageError && /--out needs a file name ending in \.html/.test(error.message),
      );
    }
    assert.equal(parseArguments(['--out=report.html']).out, 'report.html');
    assert.equal(parseArguments([]).out, undefined);
  });
});
