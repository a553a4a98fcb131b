import { rmSync } from 'node:fs';
import { LocalServer } from '../test/support/local-server.ts';
import { elapsedMs, type Figure, figure, percentile } from './figures.ts';

/**
 * The whole pipeline on the embedded runtime, over HTTP, as `npm start` runs it: ingest, 60
 * virtual days of dunning, then every invoice paid. Wall-clock figures; nothing is asserted
 * about them. What the runtime did is checked (every item created, every invoice thanked, no
 * dead letters) and reported, so a figure is never printed for work that did not happen.
 */

export interface PipelineBenchOptions {
  /** Invoices ingested through `POST /v1/invoices:batch`. */
  readonly batchInvoices: number;
  /** Invoices ingested one at a time through `POST /v1/invoices` (sequentially, for latency). */
  readonly singleInvoices: number;
  /** Items per batch call (the API takes at most 500). */
  readonly batchSize: number;
  /** How many payment requests are in flight at once. */
  readonly paymentConcurrency: number;
  /** Virtual days the clock is advanced after ingestion. */
  readonly days: number;
  /** Open invoices in the data folder restarted for the restart figure; 0 leaves it out. */
  readonly restartInvoices: number;
}

export interface PipelineResult {
  readonly figures: Figure[];
  /** What the runtime failed to do; empty when the run is sound. */
  readonly problems: string[];
}

const CLOCK_START = '2026-11-01T00:00:00Z';

/** Goals of issue 10, item 6 (this machine, embedded runtime). */
export const PipelineGoal = {
  /** Messages sent per second of wall time while the clock advance runs the timers. */
  messagesPerSecond: 100,
  /** Invoices per second through the batch API, until every workflow has started. */
  batchInvoicesPerSecond: 200,
  /** Seconds from spawn until idle for a restart with RESTART_GOAL_INVOICES open invoices. */
  restartSeconds: 30,
} as const;
const RESTART_GOAL_INVOICES = 10_000;

/** A figure's unit with its goal beside it, met (✓) or not (✗). */
function withGoal(unit: string, value: number, goal: number, direction: 'at least' | 'at most'): string {
  const met = direction === 'at least' ? value >= goal : value <= goal;
  return `${unit}   goal ${direction === 'at least' ? '≥' : '≤'} ${goal.toLocaleString('en-US')} ${met ? '✓' : '✗'}`;
}
const MONTH_START = Date.parse('2026-11-02T00:00:00Z');
const DAY_MS = 86_400_000;

const audiences = [
  { timeZone: 'Europe/Berlin', locale: 'de-DE', phone: '+4915123456789' },
  { timeZone: 'America/New_York', locale: 'en-US', phone: '+12025550143' },
  { timeZone: 'Europe/Paris', locale: 'fr-FR', phone: '+33612345678' },
  { timeZone: 'Europe/Madrid', locale: 'es-ES', phone: '+34612345678' },
  { timeZone: 'Europe/London', locale: 'en-GB', phone: '+447700900123' },
] as const;

/** One customer per invoice (no combined messages or frequency caps); due dates spread over a month. */
export function invoiceBody(index: number, prefix: string) {
  const audience = audiences[index % audiences.length]!;
  const dueDate = new Date(MONTH_START + (index % 30) * DAY_MS).toISOString().slice(0, 10);
  const hours = 4 + (index % 12);
  const unitPrice = 95 + (index % 7) * 10;
  return {
    invoiceId: `${prefix}-${String(index).padStart(5, '0')}`,
    customer: {
      customerId: `C-${prefix}-${index}`,
      name: `Customer ${index} GmbH`,
      email: `ap+${prefix.toLowerCase()}${index}@customer.example`,
      phone: audience.phone,
      timeZone: audience.timeZone,
      locale: audience.locale,
      segment: index % 3 === 0 ? 'enterprise' : 'smb',
    },
    currency: 'EUR',
    amount: `${hours * unitPrice}.00`,
    issueDate: '2026-10-15',
    dueDate,
    poNumber: `PO-${index}`,
    lines: [{ description: 'Consulting', quantity: String(hours), unitPrice: `${unitPrice}.00` }],
  };
}

type Body = ReturnType<typeof invoiceBody>;

/** Runs `task` over `items` with at most `limit` in flight. */
async function inParallel<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

export async function runPipelineBench(options: PipelineBenchOptions, log: (line: string) => void): Promise<PipelineResult> {
  const problems: string[] = [];
  const figures: Figure[] = [];
  const bootStart = performance.now();
  const server = await LocalServer.start({ clockStart: CLOCK_START });
  try {
    figures.push(figure('server start (spawn → ready)', elapsedMs(bootStart) / 1000, 's'));
    await server.token();

    // Batch ingestion: the HTTP calls alone, then until every workflow has started (the runtime idle).
    const batch: Body[] = Array.from({ length: options.batchInvoices }, (_, i) => invoiceBody(i, 'BAT'));
    log(`ingesting ${batch.length} invoices in batches of ${options.batchSize}…`);
    const batchStart = performance.now();
    for (let offset = 0; offset < batch.length; offset += options.batchSize) {
      const chunk = batch.slice(offset, offset + options.batchSize);
      const response = await server.api<{ results: { status: number; invoiceId?: string }[] }>('POST', '/v1/invoices:batch', {
        invoices: chunk,
      });
      if (response.status !== 207) {
        problems.push(`batch at ${offset}: HTTP ${response.status}`);
        continue;
      }
      const failed = response.body.results.filter((result) => result.status !== 201);
      if (failed.length > 0) problems.push(`batch at ${offset}: ${failed.length} items not 201 (first: ${JSON.stringify(failed[0])})`);
    }
    const batchMs = elapsedMs(batchStart);
    await server.advance({ hours: 0 });
    const batchSettledMs = elapsedMs(batchStart);

    // Single upserts, one at a time, so each latency is the API's alone.
    const singles: Body[] = Array.from({ length: options.singleInvoices }, (_, i) => invoiceBody(i, 'ONE'));
    log(`ingesting ${singles.length} invoices one at a time…`);
    const latencies: number[] = [];
    const singleStart = performance.now();
    for (const body of singles) {
      const before = performance.now();
      const response = await server.api('POST', '/v1/invoices', body);
      latencies.push(elapsedMs(before));
      if (response.status !== 201) problems.push(`single ${body.invoiceId}: HTTP ${response.status}`);
    }
    const singleMs = elapsedMs(singleStart);
    await server.advance({ hours: 0 });
    const singleSettledMs = elapsedMs(singleStart);

    const invoices = [...batch, ...singles];
    figures.push(
      figure(
        'batch upsert: invoices/s (HTTP calls)',
        (batch.length / batchMs) * 1000,
        `/s (${batch.length} in ${(batchMs / 1000).toFixed(2)} s)`,
      ),
      figure(
        'batch upsert: invoices/s (incl. workflow start)',
        (batch.length / batchSettledMs) * 1000,
        withGoal('/s', (batch.length / batchSettledMs) * 1000, PipelineGoal.batchInvoicesPerSecond, 'at least'),
      ),
      figure('single upsert: invoices/s (sequential)', (singles.length / singleMs) * 1000, `/s (${singles.length} invoices)`),
      figure('single upsert: invoices/s (incl. workflow start)', (singles.length / singleSettledMs) * 1000, '/s'),
      figure('single upsert: p50 latency', percentile(latencies, 50), 'ms'),
      figure('single upsert: p95 latency', percentile(latencies, 95), 'ms'),
    );

    // Sixty virtual days: every reminder, task and timer that falls due, run to completion.
    log(`advancing the virtual clock ${options.days} days over ${invoices.length} invoices…`);
    const advanceStart = performance.now();
    const now = await server.advance({ days: options.days });
    const advanceMs = elapsedMs(advanceStart);
    const outbox = await server.outbox();
    const emails = outbox.filter((message) => message.channel === 'email').length;
    const texts = outbox.length - emails;
    const tasks = ((await server.local<unknown[]>('GET', '/_local/topics')).body ?? []).length;
    figures.push(
      figure('invoices in the lifecycle', invoices.length),
      figure(`wall time for ${options.days} virtual days`, advanceMs / 1000, 's'),
      figure('reminders sent (outbox)', outbox.length, `(${emails} email, ${texts} SMS)`),
      figure('collector tasks published', tasks),
      figure(
        'messages/s during the advance',
        (outbox.length / advanceMs) * 1000,
        withGoal('/s', (outbox.length / advanceMs) * 1000, PipelineGoal.messagesPerSecond, 'at least'),
      ),
    );
    if (outbox.length === 0) problems.push(`no reminder was sent in ${options.days} virtual days`);

    // Every invoice paid in full: from the first payment request to the last thank-you.
    log(`paying ${invoices.length} invoices…`);
    const paidAt = now;
    const paymentStart = performance.now();
    await inParallel(invoices, options.paymentConcurrency, async (body) => {
      const response = await server.api('POST', `/v1/invoices/${body.invoiceId}/payments`, {
        paymentId: `PAY-${body.invoiceId}`,
        amount: body.amount,
        paidAt,
      });
      if (response.status !== 201) problems.push(`payment ${body.invoiceId}: HTTP ${response.status}`);
    });
    const paymentsMs = elapsedMs(paymentStart);
    await server.advance({ hours: 0 });
    const thanked = new Set((await server.outbox()).filter((message) => message.step === 'thank-you').flatMap(invoiceIdsOf));
    const thanksMs = elapsedMs(paymentStart);
    const unthanked = invoices.filter((body) => !thanked.has(body.invoiceId)).length;
    if (unthanked > 0) problems.push(`${unthanked} paid invoices got no thank-you`);
    figures.push(
      figure('payments: requests/s', (invoices.length / paymentsMs) * 1000, `/s (${options.paymentConcurrency} in flight)`),
      figure('payments → every thank-you sent', thanksMs / 1000, `s (${thanked.size} thanked)`),
    );

    const deadLetters = await server.deadLetters();
    figures.push(figure('dead letters', deadLetters.length, deadLetters.length === 0 ? '(ok)' : '(expected 0)'));
    if (deadLetters.length > 0) problems.push(`${deadLetters.length} dead letters: ${JSON.stringify(deadLetters[0]).slice(0, 300)}`);
  } finally {
    await server.stop();
  }
  if (options.restartInvoices > 0) figures.push(...(await restartFigures(options, problems, log)));
  return { figures, problems };
}

/**
 * A data folder with `restartInvoices` open invoices (each parked on its first timer), stopped
 * gracefully and started again: from spawn until the runtime is idle, i.e. the reconciler has
 * given every open invoice a live execution again and each has planned and armed its timer.
 */
async function restartFigures(options: PipelineBenchOptions, problems: string[], log: (line: string) => void): Promise<Figure[]> {
  const count = options.restartInvoices;
  const first = await LocalServer.start({ clockStart: CLOCK_START });
  const dataDir = first.dataDir;
  try {
    log(`filling a data folder with ${count} open invoices for the restart…`);
    const invoices: Body[] = Array.from({ length: count }, (_, i) => invoiceBody(i, 'RST'));
    for (let offset = 0; offset < invoices.length; offset += options.batchSize) {
      const response = await first.api<{ results: { status: number }[] }>('POST', '/v1/invoices:batch', {
        invoices: invoices.slice(offset, offset + options.batchSize),
      });
      const created = response.status === 207 ? response.body.results.filter((result) => result.status === 201).length : 0;
      if (created !== Math.min(options.batchSize, invoices.length - offset))
        problems.push(`restart folder: batch at ${offset} not all created`);
    }
    await first.advance({ hours: 0 });
    await first.stop({ keepData: true });

    log(`restarting with ${count} open invoices…`);
    const restartStart = performance.now();
    const second = await LocalServer.start({ dataDir });
    try {
      await second.advance({ hours: 0 });
      const restartMs = elapsedMs(restartStart);
      const deadLetters = await second.deadLetters();
      if (deadLetters.length > 0) problems.push(`restart: ${deadLetters.length} dead letters`);
      // The goal is for 10,000 open invoices; a smaller folder is held to the same time per invoice.
      const goalSeconds = (PipelineGoal.restartSeconds * count) / RESTART_GOAL_INVOICES;
      return [
        figure(
          `restart with ${count.toLocaleString('en-US')} open invoices: until idle`,
          restartMs / 1000,
          withGoal('s', restartMs / 1000, goalSeconds, 'at most') +
            (count === RESTART_GOAL_INVOICES
              ? ''
              : ` (${PipelineGoal.restartSeconds} s per ${RESTART_GOAL_INVOICES.toLocaleString('en-US')})`),
        ),
        figure('restart: per open invoice', restartMs / count, 'ms'),
      ];
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function invoiceIdsOf(message: { invoiceId?: string; invoiceIds?: readonly string[] }): string[] {
  return [...(message.invoiceIds ?? []), ...(message.invoiceId ? [message.invoiceId] : [])];
}
