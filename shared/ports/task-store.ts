import type { CollectorTask, TaskStatus } from '#domain/tasks.ts';

export interface TaskQuery {
  readonly status: TaskStatus;
  /** Only the tasks of this invoice. */
  readonly invoiceId?: string | undefined;
  /** Only tasks opened by a step whose key starts with this (e.g. `broken-PRM.`: broken promises). */
  readonly stepKeyPrefix?: string | undefined;
  /** At most this many tasks in one page. */
  readonly limit: number;
  /** The `next` cursor of the previous page. */
  readonly after?: string | undefined;
}

export interface TaskPage {
  /** Open tasks oldest first (the worklist order); completed tasks newest first. */
  readonly tasks: readonly CollectorTask[];
  /** Present when there may be more: pass it as `after` for the next page. */
  readonly next?: string | undefined;
}

/** A cursor that this store did not hand out (or that was tampered with). */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

/** Collector tasks, one record per task id. Every write is conditional, so retries converge. */
export interface TaskStore {
  get(taskId: string): Promise<CollectorTask | undefined>;
  /** Creates the task; false (and no write) when a task with its id already exists. */
  create(task: CollectorTask): Promise<boolean>;
  /** Replaces an open task with its completed form; false (and no write) when the stored task is not open. */
  complete(task: CollectorTask): Promise<boolean>;
  list(query: TaskQuery): Promise<TaskPage>;
  /**
   * How many tasks have this status, and how many of those were opened by a step whose key
   * starts with `stepKeyPrefix` (e.g. `broken-PRM.`: broken promises) — without reading them.
   */
  count(query: { readonly status: TaskStatus; readonly stepKeyPrefix: string }): Promise<{ total: number; matching: number }>;
}
