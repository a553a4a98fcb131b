import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeParquet, type LakeValue } from '#adapters/lake-parquet.ts';
import { INVOICE_EVENTS_TABLE, invoiceEventColumns, PARTITION_COLUMN } from '#contracts/lake.ts';
import type { Reachability } from '#domain/customers.ts';
import { openReachability } from '#domain/customers.ts';
import type { Customer, CustomerTerms, InvoiceInput, TimelineEvent } from '#domain/invoice.ts';
import { formatAmount } from '#domain/money.ts';
import type { Tier } from '#domain/risk.ts';
import type { TaskCompletion } from '#domain/tasks.ts';
import { UsageError } from './arguments.ts';

/**
 * The invoices of a Dunwell lake (`<exports>/invoice_events/dt=*\/*.parquet`) as the simulator
 * replays them: each invoice as the ERP sent it, when it arrived, and the events that came from
 * outside the pipeline (payments, disputes, promises, holds, credit notes, voids, changes, payment
 * plans, collectors' outcomes) at the instant they really happened. What the pipeline did itself
 * (reminders, tasks opened, promises kept or broken, closing) is not replayed: the simulator
 * decides it again under the policy being tried.
 */

/** One event from outside the pipeline, as the pipeline recorded it. */
export interface HistoryEvent {
  /** When it happened (ms since the epoch). */
  readonly at: number;
  readonly event: TimelineEvent;
  /** The invoice's terms after the event (the lake row's columns): what an `invoice.updated` changed them to. */
  readonly terms: { readonly amountMinor: number; readonly issueDate: string; readonly dueDate: string };
  /** For `task.completed`: the outcome as the collector gave it (the promise's date, the dispute's reason). */
  readonly completion?: TaskCompletion | undefined;
}

/** One invoice of the lake, ready to replay. */
export interface HistoryInvoice {
  readonly input: InvoiceInput;
  readonly startingTier: Tier;
  /** The policy it actually ran (`id@version`), for the report. */
  readonly ranPolicy: string;
  readonly receivedAt: number;
  /** When its dunning started (the workflow's first plan). */
  readonly startedAt: number;
  readonly events: readonly HistoryEvent[];
  readonly reachability: Reachability;
}

export interface History {
  readonly invoices: readonly HistoryInvoice[];
  /** The first day (UTC) an invoice arrived, and the day after the last event: the period replayed. */
  readonly from: string;
  readonly days: number;
  /** The currency most invoices are in: the KPIs are per currency. */
  readonly currency: string;
  /** What could not be replayed, said on stderr (and nothing silently dropped). */
  readonly warnings: readonly string[];
}

type Row = Record<string, LakeValue>;

/** Event types the pipeline records about itself: decided again by the simulator, never replayed. */
const decidedByThePipeline = new Set([
  'dunning.started',
  'reminder.sent',
  'reminder.skipped',
  'reminder.failed',
  'reminder.unconfirmed',
  'reminder.confirmed',
  'reminder.undelivered',
  // The provider's word that a message arrived changes nothing; a bounce or complaint does (not replayed, said).
  'email.delivered',
  'thank_you.sent',
  'thank_you.skipped',
  'thank_you.unconfirmed',
  'task.opened',
  'collector_task.opened',
  'promise.kept',
  'promise.broken',
  'payment_plan.completed',
  'payment_plan.broken',
  'invoice.paid',
  'invoice.settled',
  'invoice.closed',
  'policy.replanned',
  'hold.expired',
]);

/** Event types replayed as they happened. */
const replayed = new Set([
  'payment.received',
  'credit_note.applied',
  'dispute.opened',
  'dispute.resolved',
  'promise.made',
  'hold.placed',
  'hold.released',
  'invoice.voided',
  'invoice.updated',
  'payment_plan.agreed',
  'task.completed',
  'invoice.written_off',
]);

const DAY_MS = 86_400_000;

/** Reads the lake under `dir` (the exports folder: the one holding `invoice_events/`). */
export async function readHistory(dir: string): Promise<History> {
  const table = join(dir, INVOICE_EVENTS_TABLE);
  let partitions: string[];
  try {
    partitions = (await readdir(table)).filter((name) => name.startsWith(`${PARTITION_COLUMN}=`)).sort();
  } catch (error) {
    throw new UsageError(
      `--history=${dir}: no ${INVOICE_EVENTS_TABLE} table there (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  const rows = new Map<string, Row>();
  for (const partition of partitions) {
    const files = (await readdir(join(table, partition))).filter((name) => name.endsWith('.parquet')).sort();
    for (const file of files) {
      const path = join(table, partition, file);
      let decoded: Row[];
      try {
        decoded = await decodeParquet(invoiceEventColumns, new Uint8Array(await readFile(path)));
      } catch (error) {
        throw new UsageError(`--history: ${path} is not a lake file (${(error as Error).message})`);
      }
      // One row per event id: a retried batch may have landed twice under another name.
      for (const row of decoded) rows.set(String(row.event_id), row);
    }
  }
  if (rows.size === 0) throw new UsageError(`--history=${dir}: the ${INVOICE_EVENTS_TABLE} table holds no events`);
  return historyFromRows([...rows.values()]);
}

/** The invoices of the lake's rows (any order). */
export function historyFromRows(rows: readonly Row[]): History {
  const byInvoice = new Map<string, Row[]>();
  for (const row of rows) {
    const id = String(row.invoice_id);
    const list = byInvoice.get(id) ?? [];
    list.push(row);
    byInvoice.set(id, list);
  }
  const warnings: string[] = [];
  const notReplayed = new Map<string, number>();
  const invoices: HistoryInvoice[] = [];
  for (const [invoiceId, list] of byInvoice) {
    list.sort((a, b) => Number(a.seq) - Number(b.seq));
    const built = historyInvoice(invoiceId, list, notReplayed);
    if (typeof built === 'string') warnings.push(built);
    else invoices.push(built);
  }
  for (const [what, count] of [...notReplayed].sort()) warnings.push(`${count} × ${what}: not replayed`);
  if (invoices.length === 0) throw new UsageError(`--history: no invoice can be replayed\n  ${warnings.join('\n  ')}`);
  invoices.sort((a, b) => a.receivedAt - b.receivedAt || a.input.invoiceId.localeCompare(b.input.invoiceId));
  const currencies = new Map<string, number>();
  for (const invoice of invoices) currencies.set(invoice.input.currency, (currencies.get(invoice.input.currency) ?? 0) + 1);
  const [currency = 'EUR'] = [...currencies].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([code]) => code);
  if (currencies.size > 1)
    warnings.push(
      `the KPIs are in ${currency}, the currency of most invoices; ${currencies.size - 1} other currencies are replayed but not in them`,
    );
  const first = Math.min(...invoices.map((invoice) => invoice.receivedAt));
  // Up to the lake's last event: the replay covers the time the real run covered.
  const replayedIds = new Set(invoices.map((invoice) => invoice.input.invoiceId));
  const last = Math.max(...rows.filter((row) => replayedIds.has(String(row.invoice_id))).map((row) => Date.parse(String(row.at))));
  const fromMs = Math.floor(first / DAY_MS) * DAY_MS;
  return {
    invoices,
    from: new Date(fromMs).toISOString().slice(0, 10),
    days: Math.floor(last / DAY_MS) - fromMs / DAY_MS + 1,
    currency,
    warnings,
  };
}

const text = (value: LakeValue | undefined) => (value === null || value === undefined ? undefined : String(value));

function parsed(row: Row): TimelineEvent {
  const detail = JSON.parse(String(row.detail ?? '{}')) as TimelineEvent;
  return { ...detail, type: String(row.type), at: new Date(Date.parse(String(row.at))).toISOString() };
}

function historyInvoice(invoiceId: string, rows: readonly Row[], notReplayed: Map<string, number>): HistoryInvoice | string {
  const events = rows.map(parsed);
  const received = rows.findIndex((row) => row.type === 'invoice.received');
  const receivedEvent = events[received];
  const receivedRow = rows[received];
  if (!receivedEvent || !receivedRow) return `invoice ${invoiceId}: its invoice.received event is not in the lake; skipped`;
  const terms = receivedEvent.customer as CustomerTerms | undefined;
  if (!terms || typeof terms.timeZone !== 'string') {
    return `invoice ${invoiceId}: recorded before the lake kept the customer's terms (invoice.received without customer); skipped`;
  }
  const currency = text(receivedRow.currency) ?? 'EUR';
  const input: InvoiceInput = {
    invoiceId,
    customer: customerOf(terms),
    currency,
    amountMinor: Number(receivedRow.invoice_amount_minor),
    issueDate: text(receivedRow.issue_date) ?? '',
    dueDate: text(receivedRow.due_date) ?? '',
    lines: [],
  };
  const started = events.find((event) => event.type === 'dunning.started');
  // Outcomes a collector gave: the promise or dispute they created is replayed through the task.
  const fromTasks = new Set(
    events.filter((event) => event.type === 'task.completed').flatMap((event) => [event.promiseId, event.disputeId].filter(Boolean)),
  );
  const history: HistoryEvent[] = [];
  for (const [index, event] of events.entries()) {
    if (index === received || decidedByThePipeline.has(event.type)) continue;
    if (!replayed.has(event.type)) {
      count(notReplayed, event.type);
      continue;
    }
    const row = rows[index] as Row;
    if (derived(event, events, index, fromTasks)) continue;
    if (event.type === 'payment_plan.agreed' && !Array.isArray(event.schedule)) {
      count(notReplayed, 'payment_plan.agreed recorded without its schedule');
      continue;
    }
    if (event.type === 'hold.placed' && event.reason !== 'manual' && event.reason !== 'unmatched_cash') {
      count(notReplayed, `hold.placed (${String(event.reason)})`);
      continue;
    }
    if (event.type === 'hold.released' && event.outcome !== 'released') continue;
    history.push({
      at: Date.parse(event.at),
      event,
      terms: {
        amountMinor: Number(row.invoice_amount_minor),
        issueDate: text(row.issue_date) ?? input.issueDate,
        dueDate: text(row.due_date) ?? input.dueDate,
      },
      completion: event.type === 'task.completed' ? completionOf(event, events, currency) : undefined,
    });
  }
  return {
    input,
    startingTier: tierOf(receivedEvent.startingTier),
    ranPolicy: `${String(receivedEvent.policyId ?? 'default')}@${String(receivedEvent.policyVersion ?? '?')}`,
    receivedAt: Date.parse(receivedEvent.at),
    startedAt: Date.parse(started?.at ?? receivedEvent.at),
    events: history,
    reachability: openReachability,
  };
}

/** Made by another replayed event (a dispute's credit note or void, a collector's promise or dispute, a write-off's approval). */
function derived(event: TimelineEvent, events: readonly TimelineEvent[], index: number, fromTasks: ReadonlySet<unknown>): boolean {
  switch (event.type) {
    case 'credit_note.applied':
      // resolveDispute's credit: `credit-<disputeId>`, recorded just before dispute.resolved.
      return events.some(
        (later, at) =>
          at > index &&
          later.at === event.at &&
          later.type === 'dispute.resolved' &&
          event.creditNoteId === `credit-${String(later.disputeId)}`,
      );
    case 'invoice.voided':
      return events.some(
        (earlier, at) => at < index && earlier.at === event.at && earlier.type === 'dispute.resolved' && earlier.outcome === 'upheld',
      );
    case 'promise.made':
      return fromTasks.has(event.promiseId);
    case 'dispute.opened':
      return fromTasks.has(event.disputeId);
    case 'invoice.written_off':
      return typeof event.taskId === 'string';
    default:
      return false;
  }
}

/** The completion a collector sent, rebuilt from what it made: its promise's date and amount, its dispute's reason. */
function completionOf(event: TimelineEvent, events: readonly TimelineEvent[], currency: string): TaskCompletion {
  const promise = events.find((candidate) => candidate.type === 'promise.made' && candidate.promiseId === event.promiseId);
  const dispute = events.find((candidate) => candidate.type === 'dispute.opened' && candidate.disputeId === event.disputeId);
  return {
    outcome: event.outcome as TaskCompletion['outcome'],
    ...(typeof event.note === 'string' ? { note: event.note } : {}),
    ...(promise ? { promisedDate: String(promise.promisedDate), amount: formatAmount(Number(promise.amountMinor), currency) } : {}),
    ...(dispute ? { disputeReason: String(dispute.reason) } : {}),
  };
}

/** The customer as the planner saw them; addresses are not in the lake, so a placeholder stands for each one there was. */
export function customerOf(terms: CustomerTerms): Customer {
  return {
    customerId: terms.customerId,
    name: terms.customerId,
    ...(terms.hasEmail ? { email: `${terms.customerId}@history.invalid` } : {}),
    ...(terms.hasPhone ? { phone: '+10000000000' } : {}),
    ...(terms.hasPostalAddress ? { postalAddress: `${terms.customerId}, address not in the lake` } : {}),
    timeZone: terms.timeZone,
    locale: terms.locale,
    ...(terms.segment ? { segment: terms.segment } : {}),
    ...(terms.country ? { country: terms.country } : {}),
    ...(terms.subdivision ? { subdivision: terms.subdivision } : {}),
  };
}

function tierOf(value: unknown): Tier {
  return value === 2 || value === 3 || value === 4 ? value : 1;
}

function count(counts: Map<string, number>, what: string): void {
  counts.set(what, (counts.get(what) ?? 0) + 1);
}
