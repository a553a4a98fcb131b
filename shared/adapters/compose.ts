import type { FunctionName } from '#contracts/functions.ts';
import { functionContext } from './compose-context.ts';
import { collectorEvents, collectorTopic, domainEvents, dunningStarts } from './compose-messaging.ts';
import { paymentProvider } from './compose-payments.ts';
import { mailer, payLinks, secretSource, texter } from './compose-sending.ts';
import { tableAdapters } from './compose-table.ts';
import { taskResponder, timers, workflow } from './compose-workflow.ts';

/**
 * Every adapter a function could have, from its environment, once per cold start; a function
 * can only build what its catalogue entry gives it variables for, and fails loudly otherwise.
 *
 * This bundles every adapter family and SDK client: handlers import `functionContext` and the
 * `compose-*.ts` families they use instead, and so bundle only those. Kept for tests and tools.
 */
export function composeFunction(name: FunctionName) {
  const app = functionContext(name);
  const table = tableAdapters(app);
  return {
    clock: app.clock,
    log: app.log,
    ...table,
    collectorTopic: () => collectorTopic(app),
    collectorEvents: () => collectorEvents(app),
    starts: () => dunningStarts(app),
    events: () => domainEvents(app),
    workflow: () => workflow(app),
    taskResponder: () => taskResponder(app),
    timers: () => timers(app),
    mailer: () => mailer(app),
    creditor: app.creditor,
    texter: () => texter(app),
    payLinks: () => payLinks(app, table.shortLinkStore()),
    secrets: () => secretSource(app),
    linkSecretId: app.linkSecretId,
    paymentSecretId: app.paymentSecretId,
    publicBaseUrl: app.publicBaseUrl,
    paymentProvider: () => paymentProvider(app),
  };
}
