import { appendJsonLine, readJsonLines, rewriteJsonLines } from './json-log.ts';

type LogLine<T> = { op: 'accept'; id: number; item: T } | { op: 'done'; id: number };

export interface PendingDelivery<T> {
  readonly id: number;
  readonly item: T;
}

/** Done entries after which the log is rewritten with the pending ones only. */
const TRIM_AFTER = 500;

/**
 * The embedded runtime's asynchronous deliveries (SQS → function, EventBridge rule → function,
 * SES events, Scheduler fires), kept as EventBridge and SQS keep them: an accepted delivery is
 * appended to a write-ahead log before its sender is answered, and marked done once its target
 * succeeded or it was dead-lettered. Whatever a crash left without its `done` is handed out
 * again by `pending()` at the next start: delivery is at least once, and the targets are
 * idempotent. `file` undefined keeps the log in memory (an in-memory runtime has no next start).
 *
 * Unlike the DynamoDB stream's log (one checkpoint, records processed in order), deliveries
 * finish in any order, so each one is marked done on its own line; the log is rewritten with
 * only the pending entries at load and after every TRIM_AFTER completions.
 */
export class DeliveryLog<T> {
  private readonly file: string | undefined;
  private readonly entries = new Map<number, T>();
  private nextId = 1;
  private doneSinceTrim = 0;

  constructor(file: string | undefined) {
    this.file = file;
    if (!file) return;
    // A line torn by a crash mid-append is left out: its sender was never answered.
    for (const line of readJsonLines<LogLine<T>>(file)) {
      if (line.op === 'accept') this.entries.set(line.id, line.item);
      else this.entries.delete(line.id);
      this.nextId = Math.max(this.nextId, line.id + 1);
    }
    this.trim();
  }

  /** Records an accepted delivery; once this returns it survives a kill -9. Returns its id. */
  accept(item: T): number {
    const id = this.nextId++;
    this.entries.set(id, item);
    appendJsonLine(this.file, { op: 'accept', id, item } satisfies LogLine<T>);
    return id;
  }

  /** The delivery is over (its target succeeded, or it was dead-lettered): never handed out again. */
  done(id: number): void {
    if (!this.entries.delete(id)) return;
    appendJsonLine(this.file, { op: 'done', id } satisfies LogLine<T>);
    if (++this.doneSinceTrim >= TRIM_AFTER) this.trim();
  }

  /** Deliveries accepted and not done, oldest first. */
  pending(): PendingDelivery<T>[] {
    return [...this.entries].map(([id, item]) => ({ id, item }));
  }

  private trim(): void {
    this.doneSinceTrim = 0;
    if (!this.file) return;
    rewriteJsonLines(
      this.file,
      this.pending().map(({ id, item }) => ({ op: 'accept', id, item }) satisfies LogLine<T>),
    );
  }
}
