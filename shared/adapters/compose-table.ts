import { EnvName } from '#contracts/functions.ts';
import type { FunctionContext } from './compose-context.ts';
import { DynamoCustomerLedger } from './dynamo-customer-ledger.ts';
import { DynamoCustomerStore } from './dynamo-customer-store.ts';
import { DynamoDashboardSnapshots } from './dynamo-dashboard-snapshots.ts';
import { DynamoIdempotencyStore } from './dynamo-idempotency-store.ts';
import { DynamoInvoiceScan } from './dynamo-invoice-scan.ts';
import { DynamoInvoiceStore, documentClient } from './dynamo-invoice-store.ts';
import { DynamoOpenInvoices } from './dynamo-open-invoices.ts';
import { DynamoPolicyStore } from './dynamo-policy-store.ts';
import { DynamoProcessedEvents } from './dynamo-processed-events.ts';
import { DynamoReplyRoutes } from './dynamo-reply-routes.ts';
import { DynamoShortLinkStore } from './dynamo-short-links.ts';
import { DynamoTaskStore } from './dynamo-task-store.ts';
import { DynamoUnmatchedReplies } from './dynamo-unmatched-replies.ts';

/** The stores on the one DynamoDB table, sharing one document client (traced: it shares its DynamoDB client's middleware stack). */
export function tableAdapters(app: FunctionContext) {
  const documents = app.telemetry.traced(documentClient());
  const table = () => app.need(EnvName.tableName);
  return {
    invoiceStore: () => new DynamoInvoiceStore(documents, table(), app.clock),
    /** Open invoices by shard of the active index, for the reconciler. */
    openInvoices: () => new DynamoOpenInvoices(documents, table()),
    idempotencyStore: () => new DynamoIdempotencyStore(documents, table()),
    policyStore: () => new DynamoPolicyStore(documents, table()),
    customerLedger: () => new DynamoCustomerLedger(documents, table()),
    /** Customer master data and their invoices; also the lifecycle's CustomerDirectory. */
    customerStore: () => new DynamoCustomerStore(documents, table(), app.clock),
    taskStore: () => new DynamoTaskStore(documents, table()),
    /** The console dashboard's report figures as last computed. */
    dashboardSnapshots: () => new DynamoDashboardSnapshots(documents, table()),
    /** Short pay links (`/p/<code>`) by code. */
    shortLinkStore: () => new DynamoShortLinkStore(documents, table()),
    /** Every invoice in the table, one segment of a parallel scan at a time (the lake's backfill). */
    invoiceScan: () => new DynamoInvoiceScan(documents, table()),
    /** What each Reply-To address stands for (`REPLYTO#<code>`). */
    replyRoutes: () => new DynamoReplyRoutes(documents, table()),
    /** Replies nobody could act on, for a person (`REPLY#<SES message id>`). */
    unmatchedReplies: () => new DynamoUnmatchedReplies(documents, table()),
    /** Stripe events already handled (webhook de-duplication). */
    processedStripeEvents: () => new DynamoProcessedEvents(documents, table(), 'STRIPE_EVENT'),
  };
}
