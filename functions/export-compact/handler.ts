import * as z from 'zod';
import { functionContext } from '#adapters/compose-context.ts';
import { invoiceEvents } from '#adapters/compose-lake.ts';
import { scheduledHandler } from '#adapters/handlers.ts';
import { isIsoDate } from '#domain/calendar.ts';
import { compactPartition } from '#use-cases/export-events.ts';

const app = functionContext('export-compact');
const lake = invoiceEvents(app);

const request = z.strictObject({
  /** Partitions to compact; default yesterday's and today's (UTC), which the stream writes to. */
  dates: z.array(z.string().refine(isIsoDate, 'must be a date YYYY-MM-DD')).max(400).optional(),
});

/** Daily (Scheduler cron): each partition's files merged into one, one row per event. */
export const handler = scheduledHandler(app.telemetry, async (event) => {
  const parsed = request.safeParse(event ?? {});
  if (!parsed.success) throw new Error(`export-compact: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  const today = app.clock.now();
  const dates = parsed.data.dates ?? [new Date(today.getTime() - 86_400_000), today].map((day) => day.toISOString().slice(0, 10));
  const results = [];
  for (const dt of dates) {
    const result = await compactPartition(lake, dt);
    results.push({ dt, ...result });
    if (result.merged > 0) app.log.info('compacted partition', { dt, ...result });
  }
  return { partitions: results };
});
