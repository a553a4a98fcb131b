import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { DASHBOARD_MONTHS, DASHBOARD_WEEKS } from '#use-cases/console-dashboard.ts';
import { LocalServer } from '../test/support/local-server.ts';
import { elapsedMs, type Figure, figure, formatNumber, percentile } from './figures.ts';

/**
 * The console's pages on the local runtime, over HTTP, for a portfolio the size of the goal:
 * time to first byte and body size of each page a finance lead opens, next to the goals (every
 * page under 100 KB, first byte in ≤ 200 ms locally for 10,000 invoices). Nothing is asserted
 * about the figures; a page that does not answer 200 is reported as a problem.
 */

export interface ConsoleBenchOptions {
  /** Invoices ingested through `POST /v1/invoices:batch` before the pages are timed. */
  readonly invoices: number;
  /** Timed requests per page, after one warm-up request. */
  readonly requests: number;
  /** Keep the set-up portfolio here and reuse it when it is already there (same invoice count). */
  readonly dataDir?: string | undefined;
}

/** What a kept set-up remembers, beside the runtime's own data. */
interface KeptSetUp {
  readonly invoices: number;
  readonly promised: string[];
  readonly figures: Figure[];
}

const KEPT_FILE = 'console-bench-setup.json';

function keptSetUp(dataDir: string | undefined, invoices: number): KeptSetUp | undefined {
  if (!dataDir || !existsSync(join(dataDir, KEPT_FILE))) return undefined;
  const kept = JSON.parse(readFileSync(join(dataDir, KEPT_FILE), 'utf8')) as KeptSetUp;
  if (kept.invoices !== invoices)
    throw new Error(
      `${dataDir} holds a set-up of ${kept.invoices} invoices, not ${invoices}: delete it or pass --console-invoices=${kept.invoices}`,
    );
  return kept;
}

export interface ConsoleResult {
  readonly figures: Figure[];
  readonly problems: string[];
}

/** Goals of the console issue (this machine, embedded runtime). */
export const ConsoleGoal = {
  /** Milliseconds from sending the request until the response's headers arrive. */
  firstByteMs: 200,
  /** A page's body, uncompressed (the local runtime does not compress), strictly under this. */
  pageBytes: 100 * 1024,
} as const;

const CLOCK_START = '2026-11-01T00:00:00Z';
const DAY_MS = 86_400_000;
const BATCH_SIZE = 500;
const CUSTOMERS = 500;
/** Due dates from this many days before the clock start … */
const DUE_DAYS_PAST = 120;
/** … to this many after it. */
const DUE_DAYS_AHEAD = 30;
/** One invoice in this many gets a promise that then breaks (at least three do). */
const PROMISE_EVERY = 500;

const audiences = [
  { timeZone: 'Europe/Berlin', locale: 'de-DE', phone: '+4915123456789', currency: 'EUR' },
  { timeZone: 'America/New_York', locale: 'en-US', phone: '+12025550143', currency: 'USD' },
  { timeZone: 'Europe/Paris', locale: 'fr-FR', phone: '+33612345678', currency: 'EUR' },
  { timeZone: 'Europe/London', locale: 'en-GB', phone: '+447700900123', currency: 'EUR' },
  { timeZone: 'America/Chicago', locale: 'en-US', phone: '+13125550143', currency: 'USD' },
] as const;

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * About `CUSTOMERS` customers (each with its own time zone, locale and currency), several
 * invoices each, due dates spread evenly from 120 days before the clock start to 30 after.
 */
export function consoleInvoiceBody(index: number, count: number) {
  const customerIndex = index % CUSTOMERS;
  const audience = audiences[customerIndex % audiences.length]!;
  const span = DUE_DAYS_PAST + DUE_DAYS_AHEAD;
  const dueOffset = Math.floor((index * span) / Math.max(1, count)) - DUE_DAYS_PAST;
  const due = Date.parse(CLOCK_START) + dueOffset * DAY_MS;
  const hours = 4 + (index % 12);
  const unitPrice = 95 + (index % 7) * 10;
  return {
    invoiceId: `INV-CON-${String(index).padStart(6, '0')}`,
    customer: {
      customerId: `C-CON-${String(customerIndex).padStart(4, '0')}`,
      name: `Customer ${customerIndex} GmbH`,
      email: `ap+con${customerIndex}@customer.example`,
      phone: audience.phone,
      timeZone: audience.timeZone,
      locale: audience.locale,
      segment: customerIndex % 3 === 0 ? 'enterprise' : 'smb',
    },
    currency: audience.currency,
    amount: `${hours * unitPrice}.00`,
    issueDate: isoDay(due - 30 * DAY_MS),
    dueDate: isoDay(due),
    poNumber: `PO-${index}`,
    lines: [{ description: 'Consulting', quantity: String(hours), unitPrice: `${unitPrice}.00` }],
  };
}

/** A page the bench times: what a finance lead opens, in the order of the issue. */
interface TimedPage {
  readonly label: string;
  readonly path: string;
}

interface PageSample {
  readonly status: number;
  readonly firstByteMs: number;
  readonly bytes: number;
  /** The dashboard's report figures: computed for the first time, stored (and refreshing), or fresh. */
  readonly figures: 'first' | 'stored' | 'fresh';
}

/** One GET with the session cookie: until the headers arrive, then the whole body for its size. */
async function timedGet(url: string, cookie: string): Promise<PageSample> {
  const start = performance.now();
  const response = await fetch(url, { redirect: 'manual', headers: { cookie } });
  const firstByteMs = elapsedMs(start);
  const body = await response.arrayBuffer();
  const text = Buffer.from(body);
  const figures = text.includes('computed for the first time')
    ? 'first'
    : text.includes('Newer figures are being computed')
      ? 'stored'
      : 'fresh';
  return { status: response.status, firstByteMs, bytes: body.byteLength, figures };
}

/** The local runtime's one-click sign-in (as ConsoleClient does), kept as a cookie header. */
async function signInCookie(baseUrl: string, role: 'finance' | 'collector'): Promise<string> {
  const response = await fetch(`${baseUrl}/console/dev-sign-in?role=${role}`, { redirect: 'manual' });
  await response.arrayBuffer();
  if (response.status !== 303) throw new Error(`dev sign-in answered ${response.status}`);
  return response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0] ?? '')
    .filter((pair) => pair && !pair.endsWith('='))
    .join('; ');
}

/**
 * `POST /_local/clock/advance` without a client timeout: over 10,000 invoices one advance runs
 * longer than the five minutes fetch waits for headers (LocalServer.advance uses fetch).
 */
function advanceClock(server: LocalServer, by: { to: string } | { hours: number }): Promise<void> {
  return new Promise((done, fail) => {
    const call = request(`${server.url}/_local/clock/advance`, { method: 'POST' }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        response.statusCode === 200
          ? done()
          : fail(new Error(`advance failed: ${response.statusCode} ${Buffer.concat(chunks).toString()}`)),
      );
      response.on('error', fail);
    });
    call.on('error', fail);
    call.end(JSON.stringify(by));
  });
}

/** Every open task, through the tasks API's pages (200 a page, the `next` link's `after`). */
async function openCollectorTasks(server: LocalServer): Promise<{ total: number; brokenPromises: number }> {
  let total = 0;
  let brokenPromises = 0;
  let after: string | null = null;
  do {
    const query: string = `/v1/tasks?status=open&limit=200${after ? `&after=${encodeURIComponent(after)}` : ''}`;
    const response = await server.api<{ reason?: string }[]>('GET', query);
    if (response.status !== 200 || !Array.isArray(response.body)) return { total: Number.NaN, brokenPromises: Number.NaN };
    total += response.body.length;
    brokenPromises += response.body.filter((task) => task.reason === 'broken_promise').length;
    const link = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
    after = link ? new URL(link, server.url).searchParams.get('after') : null;
  } while (after);
  return { total, brokenPromises };
}

/** The portfolio through the pipeline: ingest by batch, 1.4 virtual days of dunning, a few broken promises, the lake flushed. */
async function setUpPortfolio(
  server: LocalServer,
  count: number,
  problems: string[],
  log: (line: string) => void,
): Promise<{ promised: string[]; figures: Figure[] }> {
  const setupStart = performance.now();
  // The portfolio, by batch; then the runtime idle (every workflow started and parked on a timer).
  log(`console: ingesting ${count} invoices of ${Math.min(CUSTOMERS, count)} customers in batches of ${BATCH_SIZE}…`);
  const ingestStart = performance.now();
  for (let offset = 0; offset < count; offset += BATCH_SIZE) {
    const chunk = Array.from({ length: Math.min(BATCH_SIZE, count - offset) }, (_, i) => consoleInvoiceBody(offset + i, count));
    const response = await server.api<{ results: { status: number }[] }>('POST', '/v1/invoices:batch', { invoices: chunk });
    const created = response.status === 207 ? response.body.results.filter((result) => result.status === 201).length : 0;
    if (created !== chunk.length)
      problems.push(`console: batch at ${offset}: ${created} of ${chunk.length} created (HTTP ${response.status})`);
  }
  await advanceClock(server, { hours: 0 });
  const ingestMs = elapsedMs(ingestStart);

  // A day and a half: the reminders of the overdue invoices go out.
  log('console: advancing the clock until the reminders are out, then breaking a few promises…');
  const dunningStart = performance.now();
  await advanceClock(server, { to: '2026-11-02T10:00:00Z' });
  const dunningMs = elapsedMs(dunningStart);

  // A few promises for the day after tomorrow, left unpaid: each opens a broken-promise task.
  const promiseCount = Math.min(count, Math.max(3, Math.floor(count / PROMISE_EVERY)));
  // Spread over the invoices already due (the first 120 of every 150), so each promise breaks.
  const overdue = Math.max(1, Math.floor((count * DUE_DAYS_PAST) / (DUE_DAYS_PAST + DUE_DAYS_AHEAD)));
  const promised = [...new Set(Array.from({ length: promiseCount }, (_, i) => Math.floor((i * overdue) / promiseCount)))]
    .map((index) => consoleInvoiceBody(index, count))
    .filter((body) => body.dueDate < '2026-11-02');
  for (const body of promised) {
    const response = await server.api('POST', `/v1/invoices/${body.invoiceId}/promises`, { promisedDate: '2026-11-04' });
    if (response.status !== 201) problems.push(`console: promise on ${body.invoiceId}: HTTP ${response.status}`);
  }
  const promisesStart = performance.now();
  await advanceClock(server, { to: '2026-11-08T08:00:00Z' });
  const promisesMs = elapsedMs(promisesStart);

  const flushStart = performance.now();
  const flushed = await server.local<{ files: number; rows: number }>('POST', '/_local/exports/flush');
  if (flushed.status !== 200) problems.push(`console: lake flush answered ${flushed.status}`);
  const flushMs = elapsedMs(flushStart);
  const setupMs = elapsedMs(setupStart);

  const outbox = await server.outbox();
  const openTasks = await openCollectorTasks(server);
  const deadLetters = await server.deadLetters();
  if (deadLetters.length > 0) problems.push(`console: ${deadLetters.length} dead letters during the set-up`);
  if (outbox.length === 0) problems.push('console: no reminder was sent during the set-up');

  const figures = [
    figure(
      'portfolio',
      count,
      `invoices of ${Math.min(CUSTOMERS, count)} customers (EUR, USD), due −${DUE_DAYS_PAST} … +${DUE_DAYS_AHEAD} days`,
    ),
    figure('set-up: start, ingest, dunning, lake', setupMs / 1000, 's'),
    figure('… ingest by batch (until idle)', ingestMs / 1000, `s (${formatNumber((count / ingestMs) * 1000)} invoices/s)`),
    figure('… 1.4 virtual days of dunning', dunningMs / 1000, 's'),
    figure(`… ${promised.length} promises broken (6 virtual days)`, promisesMs / 1000, 's'),
    figure('… lake flush', flushMs / 1000, `s (${formatNumber(flushed.body.rows ?? 0)} events)`),
    figure('messages sent (outbox)', outbox.length),
    figure('open collector tasks', openTasks.total, `(${openTasks.brokenPromises} for a broken promise)`),
  ];
  return { promised: promised.map((each) => each.invoiceId), figures };
}

const mark = (met: boolean) => (met ? '✓' : '✗');

export async function runConsoleBench(options: ConsoleBenchOptions, log: (line: string) => void): Promise<ConsoleResult> {
  const problems: string[] = [];
  const figures: Figure[] = [];
  const kept = keptSetUp(options.dataDir, options.invoices);
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const server = await LocalServer.start({ clockStart: CLOCK_START, ...(options.dataDir ? { dataDir: options.dataDir } : {}) });
  try {
    await server.token();
    const count = options.invoices;
    let promised: string[];
    if (kept) {
      log(`console: reusing the set-up of ${count} invoices in ${options.dataDir}`);
      promised = kept.promised;
      figures.push(...kept.figures.map((each) => ({ ...each, unit: `${each.unit ?? ''} (kept set-up)` })));
    } else {
      const setUp = await setUpPortfolio(server, count, problems, log);
      promised = setUp.promised;
      figures.push(...setUp.figures);
      if (options.dataDir && problems.length === 0) {
        writeFileSync(
          join(options.dataDir, KEPT_FILE),
          JSON.stringify({ invoices: count, promised, figures: setUp.figures } satisfies KeptSetUp),
        );
      }
    }

    // The pages: the invoice is one whose promise broke, the task the first on the worklist.
    const cookie = await signInCookie(server.url, 'finance');
    const worklist = await (await fetch(`${server.url}/console/tasks`, { headers: { cookie } })).text();
    const taskId = /href="\/console\/tasks\/([^"?]+)"/.exec(worklist)?.[1];
    if (!taskId) problems.push('console: the worklist shows no task');
    const invoiceId = promised[0] ?? consoleInvoiceBody(0, count).invoiceId;
    const customerId = consoleInvoiceBody(0, count).customer.customerId;
    const pages: TimedPage[] = [
      { label: 'dashboard', path: '/console' },
      { label: 'receivables', path: '/console/invoices' },
      { label: 'receivables, overdue by balance', path: '/console/invoices?overdue=true&sort=balance&order=desc' },
      { label: 'invoice', path: `/console/invoices/${encodeURIComponent(invoiceId)}` },
      { label: 'worklist', path: '/console/tasks' },
      ...(taskId ? [{ label: 'task', path: `/console/tasks/${taskId}` }] : []),
      { label: 'customer', path: `/console/customers/${encodeURIComponent(customerId)}` },
      { label: 'customers', path: '/console/customers' },
      { label: 'policies', path: '/console/policies' },
      { label: 'stylesheet', path: '/console/assets/console.css' },
    ];

    log(`console: timing ${pages.length} pages, 1 warm-up and ${options.requests} requests each…`);
    const rows: { label: string; median: number; p95: number; kb: number }[] = [];
    /** The first request of each page: for the dashboard, the one that runs its report queries (later ones reuse them for 60 s). */
    const firstViews: { label: string; ms: number; figures: PageSample['figures'] }[] = [];
    for (const page of pages) {
      const url = `${server.url}${page.path}`;
      const samples: PageSample[] = [];
      for (let i = 0; i <= options.requests; i++) {
        const sample = await timedGet(url, cookie);
        if (sample.status !== 200) {
          problems.push(`console: ${page.path} answered ${sample.status}`);
          break;
        }
        if (i > 0) samples.push(sample);
        else firstViews.push({ label: page.label, ms: sample.firstByteMs, figures: sample.figures });
        // The dashboard's figures are computed after its first view's response: the timed views show them.
        if (i === 0 && sample.figures !== 'fresh') await advanceClock(server, { hours: 0 });
      }
      if (samples.length === 0) continue;
      const firstBytes = samples.map((sample) => sample.firstByteMs);
      rows.push({
        label: `${page.label} (${page.path.length > 40 ? `${page.path.slice(0, 39)}…` : page.path})`,
        median: percentile(firstBytes, 50),
        p95: percentile(firstBytes, 95),
        kb: Math.max(...samples.map((sample) => sample.bytes)) / 1024,
      });
    }

    // One row per page: first byte (median, p95) and size, each beside its goal.
    const num = (value: number) => formatNumber(value);
    const p95Width = Math.max(...rows.map((row) => num(row.p95).length));
    const kbWidth = Math.max(...rows.map((row) => row.kb.toFixed(1).length));
    for (const row of rows) {
      const fast = row.median <= ConsoleGoal.firstByteMs;
      const small = row.kb * 1024 < ConsoleGoal.pageBytes;
      figures.push(
        figure(
          row.label,
          row.median,
          `ms  p95 ${num(row.p95).padStart(p95Width)} ms  goal ≤ ${ConsoleGoal.firstByteMs} ms ${mark(fast)}   ` +
            `${row.kb.toFixed(1).padStart(kbWidth)} KB  goal < ${ConsoleGoal.pageBytes / 1024} KB ${mark(small)}`,
        ),
      );
    }
    // The dashboard's report figures are stored and refreshed after a view's response: the first
    // view of a deployment says they are being computed (on a kept set-up, an earlier run's are
    // shown); once they are older than a minute, a view shows them at once and refreshes them.
    const firstFigures = { first: 'none stored yet: computed after the response', stored: 'stored by an earlier run', fresh: 'fresh' };
    for (const view of firstViews.filter((each) => each.label.startsWith('dashboard'))) {
      figures.push(
        figure(
          `${view.label}: first view (figures ${firstFigures[view.figures]})`,
          view.ms,
          `ms  goal ≤ ${ConsoleGoal.firstByteMs} ms ${mark(view.ms <= ConsoleGoal.firstByteMs)}`,
        ),
      );
    }
    const agedViews: number[] = [];
    const refreshes: number[] = [];
    for (let round = 0; round < 3; round++) {
      const health = await server.local<{ now: string }>('GET', '/_local/health');
      await advanceClock(server, { to: new Date(Date.parse(health.body.now) + 2 * 60_000).toISOString() });
      const aged = await timedGet(`${server.url}/console`, cookie);
      if (aged.figures !== 'stored') problems.push(`console: an aged dashboard view showed ${aged.figures} figures`);
      agedViews.push(aged.firstByteMs);
      const refreshStart = performance.now();
      await advanceClock(server, { hours: 0 });
      refreshes.push(elapsedMs(refreshStart));
    }
    const agedMs = percentile(agedViews, 50);
    figures.push(
      figure(
        'dashboard: view after its figures aged (stored ones shown, refresh after the response)',
        agedMs,
        `ms  median of 3  goal ≤ ${ConsoleGoal.firstByteMs} ms ${mark(agedMs <= ConsoleGoal.firstByteMs)}`,
      ),
      figure('… the refresh after it (6 statements, until idle)', percentile(refreshes, 50), 'ms, median of 3'),
    );
    const slow = rows.filter((row) => row.median > ConsoleGoal.firstByteMs).map((row) => row.label.split(' (')[0]);
    const large = rows.filter((row) => row.kb * 1024 >= ConsoleGoal.pageBytes).map((row) => row.label.split(' (')[0]);
    figures.push(
      figure('pages over the first-byte goal', slow.length, slow.join(', ')),
      figure('pages over the size goal', large.length, large.join(', ')),
    );

    // What the dashboard costs: per currency the aging, and one statement each for the trend of
    // DASHBOARD_MONTHS months and DASHBOARD_WEEKS weeks (kpis-by-period.sql; a month with no
    // recorded event adds its own kpis.sql statement).
    const currencies = new Set(audiences.map((audience) => audience.currency)).size;
    const statements = currencies * 3;
    const reportMs = async (path: string) => {
      const samples: number[] = [];
      for (let i = 0; i < 4; i++) {
        const start = performance.now();
        const response = await server.api('GET', path);
        if (i > 0) samples.push(elapsedMs(start));
        if (response.status !== 200) problems.push(`console: ${path} answered ${response.status}`);
      }
      return percentile(samples, 50);
    };
    const agingMs = await reportMs('/v1/reports/aging?asOf=2026-11-08&currency=EUR');
    const kpisMs = await reportMs('/v1/reports/kpis?from=2026-11-01&to=2026-11-08&currency=EUR');
    figures.push(
      figure(
        'dashboard: report SQL statements per refresh',
        statements,
        `(${currencies} currencies × (1 aging + 1 for ${DASHBOARD_MONTHS} months + 1 for ${DASHBOARD_WEEKS} weeks))`,
      ),
      figure('… one aging report (GET /v1/reports/aging)', agingMs, 'ms, median of 3 (1 statement)'),
      figure('… one KPI report (GET /v1/reports/kpis)', kpisMs, 'ms, median of 3 (2 statements)'),
    );
  } finally {
    await server.stop();
  }
  return { figures, problems };
}
