import type { SignalDetail, SignalDetailType } from '#contracts/events.ts';
import type { ChannelConsent, CustomerProfile, Reachability, Suppression } from '#domain/customers.ts';
import type { Invoice } from '#domain/invoice.ts';
import type { ReplyRoute } from '#domain/reply-address.ts';
import type { Tier } from '#domain/risk.ts';
import type { ShortLink } from '#domain/short-link.ts';
import type { CollectorMessage, CollectorTask, TaskStatus } from '#domain/tasks.ts';
import type { Clock } from '#ports/clock.ts';
import type { CollectorNotifier } from '#ports/collectors.ts';
import type { CustomerDirectory, CustomerStore } from '#ports/customer-directory.ts';
import { type InvoiceStore, StaleWriteError } from '#ports/invoice-store.ts';
import type { Logger } from '#ports/logger.ts';
import type { Mailer, OutgoingEmail } from '#ports/mailer.ts';
import type { DomainEvents } from '#ports/messaging.ts';
import type { PayLinks } from '#ports/pay-links.ts';
import type { ReplyMailbox, ReplyRoutes, UnmatchedReplies, UnmatchedReply, UnmatchedReplyPage } from '#ports/replies.ts';
import type { SecretSource } from '#ports/secrets.ts';
import type { ShortLinkStore } from '#ports/short-links.ts';
import { InvalidCursorError, type TaskPage, type TaskQuery, type TaskStore } from '#ports/task-store.ts';
import type { OutgoingText, Texter } from '#ports/texter.ts';
import type { Timers } from '#ports/timers.ts';
import type { StartResult, Workflow } from '#ports/workflow.ts';

/**
 * In-memory fakes of the ports, for unit tests of the use cases. They keep what they were
 * asked to do so tests can assert on it, and can be told to fail the way the real thing can.
 */

/** Copies the way DynamoDB does with removeUndefinedValues: no shared references, no undefined. */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export class InMemoryInvoiceStore implements InvoiceStore {
  private readonly invoices = new Map<string, Invoice>();
  private interference: ((stored: Invoice) => Invoice) | undefined;
  getCount = 0;
  saveCount = 0;
  staleWrites = 0;

  /** Puts an invoice as it is, version included (test set-up, bypasses the version check). */
  seed(invoice: Invoice): Invoice {
    this.invoices.set(invoice.invoiceId, copy(invoice));
    return copy(invoice);
  }

  /** The stored invoice, for assertions; throws if it is missing. */
  current(invoiceId: string): Invoice {
    const invoice = this.invoices.get(invoiceId);
    if (!invoice) throw new Error(`test store has no invoice ${invoiceId}`);
    return copy(invoice);
  }

  /**
   * Another writer gets in first, once: right before the next save checks its version, the
   * stored invoice is replaced by `change(stored)` at the next version.
   */
  interfereBeforeNextSave(change: (stored: Invoice) => Invoice): void {
    this.interference = change;
  }

  async get(invoiceId: string): Promise<Invoice | undefined> {
    this.getCount++;
    const invoice = this.invoices.get(invoiceId);
    return invoice ? copy(invoice) : undefined;
  }

  async create(invoice: Invoice): Promise<Invoice> {
    if (this.invoices.has(invoice.invoiceId)) throw new StaleWriteError(`Invoice ${invoice.invoiceId} exists`);
    const stored = copy({ ...invoice, version: 1 });
    this.invoices.set(invoice.invoiceId, stored);
    return copy(stored);
  }

  async save(invoice: Invoice): Promise<Invoice> {
    this.saveCount++;
    const interference = this.interference;
    if (interference) {
      this.interference = undefined;
      const stored = this.current(invoice.invoiceId);
      this.invoices.set(invoice.invoiceId, copy({ ...interference(stored), version: stored.version + 1 }));
    }
    const stored = this.invoices.get(invoice.invoiceId);
    if (!stored || stored.version !== invoice.version) {
      this.staleWrites++;
      throw new StaleWriteError(`Invoice ${invoice.invoiceId} changed concurrently`);
    }
    const next = copy({ ...invoice, version: invoice.version + 1 });
    this.invoices.set(invoice.invoiceId, next);
    return copy(next);
  }
}

/** Records every email; can be told to fail the next sends. */
export class RecordingMailer implements Mailer {
  readonly sent: OutgoingEmail[] = [];
  attempts = 0;
  private readonly failures: Error[] = [];

  /** The next send throws `error` (queue several to fail several sends). */
  failNext(error: Error): void {
    this.failures.push(error);
  }

  async send(message: OutgoingEmail): Promise<{ messageId: string }> {
    this.attempts++;
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push(message);
    return { messageId: `msg-${this.sent.length}` };
  }
}

export class RecordingTexter implements Texter {
  readonly sent: OutgoingText[] = [];
  /** Numbers that replied STOP (the carrier's opt-out list). */
  readonly optedOutNumbers = new Set<string>();
  readonly optOutChecks: string[] = [];

  /** The next opt-out check fails with this (the provider unreachable). */
  failOptOutCheck: Error | undefined;

  async optedOut(phoneNumber: string): Promise<boolean> {
    this.optOutChecks.push(phoneNumber);
    const failure = this.failOptOutCheck;
    this.failOptOutCheck = undefined;
    if (failure) throw failure;
    return this.optedOutNumbers.has(phoneNumber);
  }

  async send(message: OutgoingText): Promise<{ messageId: string }> {
    this.sent.push(message);
    return { messageId: `sms-${this.sent.length}` };
  }
}

export class FakeWorkflow implements Workflow {
  /** Executions actually started (a start of a running one is a no-op, as on Step Functions). */
  readonly started: { name: string; input: unknown }[] = [];
  /** Every start call, no-ops and refused ones included. */
  readonly startCalls: string[] = [];
  readonly resumed: { taskToken: string; output: unknown }[] = [];
  /** The executions there are; a name not in it was never started (or is free again). */
  readonly states = new Map<string, 'running' | 'ended'>();
  /** resume() answers 'gone' for these tokens. */
  readonly goneTokens = new Set<string>();

  async start(name: string, input: unknown): Promise<StartResult> {
    this.startCalls.push(name);
    const state = this.states.get(name);
    if (state === 'ended') return 'ended';
    if (state === undefined) this.started.push({ name, input });
    this.states.set(name, 'running');
    return 'started';
  }

  async resume(taskToken: string, output: unknown): Promise<'resumed' | 'gone'> {
    if (this.goneTokens.has(taskToken)) return 'gone';
    this.resumed.push({ taskToken, output });
    return 'resumed';
  }

  readonly finished: string[] = [];

  async finish(taskToken: string): Promise<'finished' | 'gone'> {
    if (this.goneTokens.has(taskToken)) return 'gone';
    this.finished.push(taskToken);
    return 'finished';
  }
}

export class FakeTimers implements Timers {
  readonly armed = new Map<string, { at: Date; payload: unknown }>();
  readonly cancelled: string[] = [];
  /** Runs once, right before the next cancel takes effect: something else happens in between. */
  beforeNextCancel: (() => Promise<void>) | undefined;

  async arm(name: string, at: Date, payload: unknown): Promise<void> {
    this.armed.set(name, { at, payload });
  }

  async cancel(name: string): Promise<void> {
    const interleaved = this.beforeNextCancel;
    this.beforeNextCancel = undefined;
    if (interleaved) await interleaved();
    this.cancelled.push(name);
    this.armed.delete(name);
  }
}

export class SettableClock implements Clock {
  private instant: number;

  constructor(start: string | Date) {
    this.instant = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.instant);
  }

  set(to: string | Date): void {
    this.instant = new Date(to).getTime();
  }

  advance(ms: number): void {
    this.instant += ms;
  }
}

export class RecordingLog implements Logger {
  readonly entries: { level: 'error' | 'warn' | 'info'; message: string; detail?: Record<string, unknown> | undefined }[] = [];

  error(message: string, detail?: Record<string, unknown>): void {
    this.entries.push({ level: 'error', message, detail });
  }

  warn(message: string, detail?: Record<string, unknown>): void {
    this.entries.push({ level: 'warn', message, detail });
  }

  info(message: string, detail?: Record<string, unknown>): void {
    this.entries.push({ level: 'info', message, detail });
  }
}

export class FakeSecrets implements SecretSource {
  private readonly values: Map<string, string>;

  constructor(values: Record<string, string>) {
    this.values = new Map(Object.entries(values));
  }

  async read(secretId: string): Promise<string> {
    const value = this.values.get(secretId);
    if (value === undefined) throw new Error(`no secret ${secretId}`);
    return value;
  }
}

/** Pay links that fail on demand (the real adapter is used where the URL itself matters). */
export class StaticPayLinks implements PayLinks {
  failNext: Error | undefined;

  async payUrl(invoiceId: string): Promise<string> {
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    return `https://pay.example/pay/${encodeURIComponent(invoiceId)}`;
  }
}

/** Short links in memory, with the DynamoDB store's write-once rule; counts reads so tests can prove none happened. */
export class InMemoryShortLinkStore implements ShortLinkStore {
  readonly links = new Map<string, ShortLink>();
  getCount = 0;

  async create(link: ShortLink): Promise<boolean> {
    if (this.links.has(link.code)) return false;
    this.links.set(link.code, { ...link });
    return true;
  }

  async get(code: string): Promise<ShortLink | undefined> {
    this.getCount++;
    const link = this.links.get(code);
    return link ? { ...link } : undefined;
  }
}

/** Collector tasks in memory, listed in the same orders as the DynamoDB store, with the same paging. */
export class InMemoryTaskStore implements TaskStore {
  private readonly tasks = new Map<string, CollectorTask>();
  /** Runs once, right before the next complete() checks the stored status: another writer in between. */
  beforeNextComplete: (() => void) | undefined;

  /** Puts a task as it is (test set-up). */
  seed(task: CollectorTask): void {
    this.tasks.set(task.taskId, copy(task));
  }

  all(): CollectorTask[] {
    return [...this.tasks.values()].map(copy);
  }

  async get(taskId: string): Promise<CollectorTask | undefined> {
    const task = this.tasks.get(taskId);
    return task ? copy(task) : undefined;
  }

  async create(task: CollectorTask): Promise<boolean> {
    if (this.tasks.has(task.taskId)) return false;
    this.tasks.set(task.taskId, copy(task));
    return true;
  }

  async complete(task: CollectorTask): Promise<boolean> {
    const interleaved = this.beforeNextComplete;
    this.beforeNextComplete = undefined;
    interleaved?.();
    if (this.tasks.get(task.taskId)?.status !== 'open') return false;
    this.tasks.set(task.taskId, copy(task));
    return true;
  }

  async count(query: { readonly status: TaskStatus; readonly stepKeyPrefix: string }): Promise<{ total: number; matching: number }> {
    const tasks = this.all().filter((task) => task.status === query.status);
    return { total: tasks.length, matching: tasks.filter((task) => task.stepKey.startsWith(query.stepKeyPrefix)).length };
  }

  async list(query: TaskQuery): Promise<TaskPage> {
    const sortKey = (task: CollectorTask) => `${task.status === 'open' ? task.openedAt : task.completedAt}#${task.taskId}`;
    let matching = [...this.tasks.values()]
      .filter((task) => task.status === query.status && (query.invoiceId === undefined || task.invoiceId === query.invoiceId))
      .filter((task) => query.stepKeyPrefix === undefined || task.stepKey.startsWith(query.stepKeyPrefix))
      .sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    if (query.status === 'completed') matching.reverse();
    if (query.after) {
      const index = matching.findIndex((task) => sortKey(task) === query.after);
      if (index < 0) throw new InvalidCursorError('unknown cursor');
      matching = matching.slice(index + 1);
    }
    const page = matching.slice(0, query.limit).map(copy);
    const last = page.at(-1);
    return { tasks: page, ...(matching.length > query.limit && last ? { next: sortKey(last) } : {}) };
  }
}

/** Records what was published to the collectors topic; can be told to fail the next publish. */
export class RecordingCollectors implements CollectorNotifier {
  readonly published: CollectorMessage[] = [];
  failNext: Error | undefined;

  async publish(message: CollectorMessage): Promise<{ messageId: string }> {
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    this.published.push(copy(message));
    return { messageId: `sns-${this.published.length}` };
  }
}

/** Records the domain events (signals) published. */
export class RecordingEvents implements DomainEvents {
  readonly published: { detailType: SignalDetailType; detail: SignalDetail }[] = [];

  async publish(detailType: SignalDetailType, detail: SignalDetail): Promise<void> {
    this.published.push({ detailType, detail });
  }
}

/**
 * The customer directory as the lifecycle sees it, set up per test: tiers, policies and consent
 * by customer id (tier 1, no policy and both channels when not set), recording `invoiceCreated`.
 */
export class FakeCustomerDirectory implements CustomerDirectory {
  readonly tiers = new Map<string, Tier>();
  readonly policies = new Map<string, string>();
  readonly consents = new Map<string, ChannelConsent>();
  readonly created: Invoice[] = [];
  /** The `today` each startingTier call was asked for. */
  readonly tierQueries: { customerId: string; today: string }[] = [];
  /** The next call of any method throws this (a table outage). */
  failNext: Error | undefined;

  private fail(): void {
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
  }

  async startingTier(customerId: string, today: string): Promise<Tier> {
    this.fail();
    this.tierQueries.push({ customerId, today });
    return this.tiers.get(customerId) ?? 1;
  }

  async policyId(customerId: string): Promise<string | undefined> {
    this.fail();
    return this.policies.get(customerId);
  }

  async invoiceCreated(invoice: Invoice): Promise<void> {
    this.fail();
    this.created.push(copy(invoice));
  }

  readonly suppressions: Suppression[] = [];

  /** Preferred channels by customer id. */
  readonly preferences = new Map<string, 'email' | 'sms'>();

  async reachability(customerId: string): Promise<Reachability> {
    this.fail();
    return {
      consent: this.consents.get(customerId) ?? { email: true, sms: true },
      suppressions: this.suppressions.filter((entry) => this.suppressedFor.get(entry) === customerId),
      preferredChannel: this.preferences.get(customerId),
    };
  }

  /** Which customer each suppression belongs to. */
  private readonly suppressedFor = new Map<Suppression, string>();

  async suppress(invoice: Invoice, suppression: Suppression): Promise<boolean> {
    this.fail();
    const known = this.suppressions.some(
      (entry) =>
        this.suppressedFor.get(entry) === invoice.customer.customerId &&
        entry.channel === suppression.channel &&
        entry.address === suppression.address,
    );
    if (known) return false;
    this.suppressions.push(suppression);
    this.suppressedFor.set(suppression, invoice.customer.customerId);
    return true;
  }

  async consent(customerId: string): Promise<ChannelConsent> {
    this.fail();
    return this.consents.get(customerId) ?? { email: true, sms: true };
  }
}

/**
 * Customer profiles and invoice links in memory, with the DynamoDB store's version checks.
 * Linked invoices are read from an invoice store, as the real one reads the invoice items.
 */
export class InMemoryCustomerStore implements CustomerStore {
  private readonly profiles = new Map<string, CustomerProfile>();
  private readonly links = new Map<string, Set<string>>();
  private readonly invoices: InvoiceStore;
  /** Runs once, right before the next saveProfile checks the version: another writer in between. */
  beforeNextSave: (() => void) | undefined;
  staleWrites = 0;

  constructor(invoices: InvoiceStore) {
    this.invoices = invoices;
  }

  /** Puts a profile as it is, version included (test set-up). */
  seed(profile: CustomerProfile): void {
    this.profiles.set(profile.customerId, copy(profile));
  }

  async getProfile(customerId: string): Promise<CustomerProfile | undefined> {
    const profile = this.profiles.get(customerId);
    return profile ? copy(profile) : undefined;
  }

  async saveProfile(profile: CustomerProfile): Promise<CustomerProfile> {
    const interleaved = this.beforeNextSave;
    this.beforeNextSave = undefined;
    interleaved?.();
    const stored = this.profiles.get(profile.customerId);
    if ((stored?.version ?? 0) !== profile.version) {
      this.staleWrites++;
      throw new StaleWriteError(`Customer ${profile.customerId} changed concurrently`);
    }
    const next = copy({ ...profile, version: profile.version + 1 });
    this.profiles.set(profile.customerId, next);
    return copy(next);
  }

  async linkInvoice(customerId: string, invoiceId: string): Promise<void> {
    const ids = this.links.get(customerId) ?? new Set<string>();
    ids.add(invoiceId);
    this.links.set(customerId, ids);
  }

  linked(customerId: string): string[] {
    return [...(this.links.get(customerId) ?? [])].sort();
  }

  async linkedInvoices(customerId: string): Promise<Invoice[]> {
    const found = await Promise.all(this.linked(customerId).map((invoiceId) => this.invoices.get(invoiceId)));
    return found.filter((invoice): invoice is Invoice => invoice !== undefined);
  }
}

/** Reply routes in memory, with the DynamoDB store's write-once rule; counts reads so tests can prove none happened. */
export class InMemoryReplyRoutes implements ReplyRoutes {
  readonly routes = new Map<string, ReplyRoute>();
  getCount = 0;

  async create(route: ReplyRoute): Promise<boolean> {
    if (this.routes.has(route.code)) return false;
    this.routes.set(route.code, copy(route));
    return true;
  }

  async get(code: string): Promise<ReplyRoute | undefined> {
    this.getCount++;
    const route = this.routes.get(code);
    return route ? copy(route) : undefined;
  }
}

/** The unmatched replies queue in memory: written once per SES message, listed newest first. */
export class InMemoryUnmatchedReplies implements UnmatchedReplies {
  readonly replies = new Map<string, UnmatchedReply>();

  async add(reply: UnmatchedReply): Promise<boolean> {
    if (this.replies.has(reply.sesMessageId)) return false;
    this.replies.set(reply.sesMessageId, copy(reply));
    return true;
  }

  async list(query: { readonly limit: number; readonly after?: string | undefined }): Promise<UnmatchedReplyPage> {
    const sortKey = (reply: UnmatchedReply) => `${reply.receivedAt}#${reply.sesMessageId}`;
    let all = [...this.replies.values()].sort((a, b) => sortKey(b).localeCompare(sortKey(a)));
    if (query.after) all = all.filter((reply) => sortKey(reply) < (query.after ?? ''));
    const page = all.slice(0, query.limit).map(copy);
    const last = page.at(-1);
    return { replies: page, ...(all.length > query.limit && last ? { next: sortKey(last) } : {}) };
  }
}

/** The replies bucket in memory: raw messages by key, attachments as put. */
export class InMemoryReplyMailbox implements ReplyMailbox {
  readonly objects = new Map<string, { content: Buffer; contentType?: string }>();

  async raw(key: string): Promise<Buffer | undefined> {
    return this.objects.get(key)?.content;
  }

  async putAttachment(key: string, content: Buffer, contentType: string): Promise<void> {
    this.objects.set(key, { content: Buffer.from(content), contentType });
  }
}
