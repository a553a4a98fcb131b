import { composeFunction } from '#adapters/compose.ts';
import { planTaskSchema } from '#contracts/workflow.ts';
import { planInvoice } from '#domain/lifecycle.ts';

const app = composeFunction('plan');
const deps = { store: app.invoiceStore(), clock: app.clock, ledger: app.customerLedger(), customers: app.customerStore() };

export const handler = async (event: unknown) => planInvoice(deps, planTaskSchema.parse(event).invoiceId);
