import { functionContext } from '#adapters/compose-context.ts';
import { domainEvents } from '#adapters/compose-messaging.ts';
import { tableAdapters } from '#adapters/compose-table.ts';
import { type HttpEvent, httpHandler, json, parseBody, pathParameter, problems } from '#adapters/http.ts';
import { fieldErrors } from '#contracts/field-errors.ts';
import { replyListQuerySchema, unmatchedReplyView } from '#contracts/replies.ts';
import { taskCompletionSchema, taskIdSchema, taskListQuerySchema, taskView } from '#contracts/task-api.ts';
import { InvalidCursorError } from '#ports/task-store.ts';
import { completeCollectorTask, TaskNotFoundError } from '#use-cases/complete-collector-task.ts';
import { listCollectorTasks } from '#use-cases/list-collector-tasks.ts';
import { listUnmatchedReplies } from '#use-cases/list-unmatched-replies.ts';

const app = functionContext('tasks-api');
const table = tableAdapters(app);
const store = table.invoiceStore();
const tasks = table.taskStore();
const deps = { store, tasks, clock: app.clock, events: domainEvents(app), log: app.log };
const unmatched = table.unmatchedReplies();

async function listTasks(event: HttpEvent) {
  const parsed = taskListQuerySchema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw problems.validation(fieldErrors(parsed.error));
  const query = parsed.data;
  let page: Awaited<ReturnType<typeof listCollectorTasks>>;
  try {
    page = await listCollectorTasks(deps, query);
  } catch (error) {
    if (error instanceof InvalidCursorError) throw problems.validation([{ path: 'after', message: error.message }]);
    throw error;
  }
  const now = deps.clock.now();
  const headers: Record<string, string> = {};
  if (page.next) {
    const next = new URLSearchParams({
      status: query.status,
      ...(query.invoiceId ? { invoiceId: query.invoiceId } : {}),
      limit: String(query.limit),
      after: page.next,
    });
    headers.link = `</v1/tasks?${next}>; rel="next"`;
  }
  return json(
    200,
    page.items.map((item) => taskView(item.task, item.invoice, now)),
    headers,
  );
}

/** The replies that paused nothing (a forged address, failed verdicts…), for a person. */
async function listReplies(event: HttpEvent) {
  const parsed = replyListQuerySchema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw problems.validation(fieldErrors(parsed.error));
  let page: Awaited<ReturnType<typeof listUnmatchedReplies>>;
  try {
    page = await listUnmatchedReplies({ unmatched }, parsed.data);
  } catch (error) {
    if (error instanceof InvalidCursorError) throw problems.validation([{ path: 'cursor', message: error.message }]);
    throw error;
  }
  return json(200, { items: page.replies.map(unmatchedReplyView), ...(page.next ? { next: page.next } : {}) });
}

async function completeTask(event: HttpEvent) {
  const taskId = pathParameter(event, 'taskId', taskIdSchema);
  const request = parseBody(event, taskCompletionSchema);
  let outcome: Awaited<ReturnType<typeof completeCollectorTask>>;
  try {
    outcome = await completeCollectorTask(deps, taskId, request);
  } catch (error) {
    if (error instanceof TaskNotFoundError) throw problems.notFound(error.message);
    throw error;
  }
  const now = deps.clock.now();
  switch (outcome.kind) {
    case 'invalid':
      throw problems.validation(outcome.errors);
    case 'conflict':
      throw problems.conflict(`Task ${taskId}: ${outcome.reason}`);
    case 'unchanged':
      return json(200, taskView(outcome.task, await store.get(outcome.task.invoiceId), now));
    case 'completed':
      return json(200, taskView(outcome.task, outcome.invoice, now));
  }
}

export const handler = httpHandler(
  {
    'GET /v1/tasks': listTasks,
    'POST /v1/tasks/{taskId}/complete': completeTask,
    'GET /v1/replies': listReplies,
  },
  { store: table.idempotencyStore(), clock: app.clock },
  app.telemetry,
);
