import { composeFunction } from '#adapters/compose.ts';
import { reconcile } from '#domain/lifecycle.ts';

const app = composeFunction('reconcile');
const deps = { store: app.invoiceStore(), starts: app.starts() };

/** Daily (Scheduler cron) and at local start-up: every unclosed invoice gets a live execution. */
export const handler = async () => {
  const requested = await reconcile(deps);
  app.log.info('reconciled active invoices', { requested });
  return { requested };
};
