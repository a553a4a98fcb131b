import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { parseArguments } from '../../simulator/arguments.ts';
import { reportHtml } from '../../simulator/html-report.ts';
import { runSimulation } from '../../simulator/simulation.ts';
import { ARTIFACTS, axeSource, CHROMIUM, chromiumFlags, viewports } from '../support/browser.ts';

/**
 * The simulator's `--out` page in Debian's Chromium, opened from disk as a person would: on a
 * phone and on a desktop it shows its charts, nothing is wider than the screen (with every table
 * opened too), it makes no request, and axe-core finds nothing. Screenshots go to test-artifacts/.
 */
/** A small run: 300 invoices, the default policy and one from a file whose long path must wrap on a phone. */
function writeReport(dir: string): string {
  const policyFile = join(dir, 'a-rather-long-policy-file-name-for-sms-first-dunning.json');
  writeFileSync(policyFile, readFileSync(resolve(import.meta.dirname, '../../simulator/examples/sms-first.json'), 'utf8'));
  const args = parseArguments(['--invoices=300', '--days=120', '--policy=default', `--policy=${policyFile}`]);
  const file = join(dir, 'report.html');
  writeFileSync(file, reportHtml(runSimulation(args)));
  return file;
}

interface Layout {
  readonly scrollWidth: number;
  readonly innerWidth: number;
  readonly charts: number;
  readonly widest: string;
}

/** The page's width against the window, and the widest element sticking out (for the message). */
const layout = (page: Page): Promise<Layout> =>
  page.evaluate(() => {
    const doc = (globalThis as unknown as { document: any; innerWidth: number }).document;
    const innerWidth = (globalThis as unknown as { innerWidth: number }).innerWidth;
    let widest = '';
    for (const element of doc.querySelectorAll('body *')) {
      const box = element.getBoundingClientRect();
      if (box.right > innerWidth + 0.5) widest ||= `${element.tagName.toLowerCase()} right edge ${Math.round(box.right)}px`;
    }
    return {
      scrollWidth: doc.documentElement.scrollWidth,
      innerWidth,
      charts: doc.querySelectorAll('svg.chart[role="img"]').length,
      widest,
    };
  });

const axeViolations = async (page: Page) => {
  await page.addScriptTag({ content: axeSource });
  const results = await page.evaluate(async () => {
    const run = (globalThis as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string }[] }> } }).axe.run;
    return run();
  });
  return results.violations.map((violation) => `${violation.id} (${violation.impact})`);
};

let dir: string;
let report: string;

beforeAll(() => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'dunwell-simulator-report-'));
  report = writeReport(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const [device, viewport] of Object.entries(viewports)) {
  describe(`simulator report on a ${device}`, () => {
    let context: BrowserContext;
    let profile: string;

    beforeAll(async () => {
      profile = mkdtempSync(join(tmpdir(), 'dunwell-chromium-'));
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: chromiumFlags,
        viewport,
        isMobile: device === 'phone',
        // Lets the test inject axe-core despite the page's CSP (which allows no script at all).
        bypassCSP: true,
      });
    });
    afterAll(async () => {
      await context?.close();
      rmSync(profile, { recursive: true, force: true });
    });

    test('renders its charts, fits the screen, fetches nothing and passes axe', async () => {
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith('file:')) requests.push(request.url());
      });
      const response = await page.goto(pathToFileURL(report).href);
      assert.ok(response?.ok());
      assert.match(await page.title(), /^Dunwell policy simulation: 300 invoices, 120 days/);
      assert.equal(await page.locator('h1').innerText(), 'Policy simulation');
      assert.match(await page.locator('.note').innerText(), /lever, not a forecast/);
      // Collected share, messages per week for each of the 2 policies, aging.
      const closed = await layout(page);
      assert.equal(closed.charts, 4);
      assert.equal(await page.locator('svg.chart path.series').count(), 2, 'one collected-share line per policy');
      for (const box of await page.locator('svg.chart').evaluateAll((svgs) => svgs.map((svg) => svg.getBoundingClientRect().height))) {
        assert.ok(box > 100, `a chart ${box}px high`);
      }
      assert.ok(
        closed.scrollWidth <= closed.innerWidth,
        `horizontal overflow: ${closed.scrollWidth} > ${closed.innerWidth} (${closed.widest})`,
      );
      await page.screenshot({ path: join(ARTIFACTS, `simulator-report-${device}.png`), fullPage: true });
      assert.deepEqual(await axeViolations(page), []);

      // The numbers behind the charts: every table open, still no overflow, still clean.
      await page.locator('details > summary').evaluateAll((summaries) => {
        for (const summary of summaries) (summary as unknown as { parentElement: { open: boolean } }).parentElement.open = true;
      });
      const opened = await layout(page);
      assert.ok(opened.scrollWidth <= opened.innerWidth, `horizontal overflow with the tables open: ${opened.widest}`);
      assert.equal(await page.locator('table').count(), 1 + 1 + 2 + 2);
      await page.screenshot({ path: join(ARTIFACTS, `simulator-report-tables-${device}.png`), fullPage: true });
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(requests, [], 'no request leaves the file');
      await page.close();
    });
  });
}
