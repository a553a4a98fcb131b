import type { ConsoleRole } from '#contracts/console-roles.ts';

export type { ConsoleRole };

/** Who is looking at a console page, and what every page needs to draw its shell and forms. */
export interface ConsoleContext {
  readonly role: ConsoleRole;
  readonly person: { readonly name: string };
  /** Goes into every POST form as the hidden `csrf` field. */
  readonly csrfToken: string;
  /** The request path, to mark the current nav entry. */
  readonly path: string;
  readonly now: Date;
}

/**
 * The console's paths, shared by the pages (links, form actions) and the handler (routes), so
 * the two cannot drift apart. Ids are percent-encoded here; the pages escape the result.
 */
export const consolePaths = {
  home: '/console',
  signIn: '/console/sign-in',
  signInStart: '/console/sign-in/start',
  callback: '/console/callback',
  devSignIn: (role: ConsoleRole) => `/console/dev-sign-in?role=${role}`,
  signOut: '/console/sign-out',
  stylesheet: '/console/assets/console.css',
  invoices: '/console/invoices',
  invoice: (invoiceId: string) => `/console/invoices/${encodeURIComponent(invoiceId)}`,
  invoiceAction: (invoiceId: string, action: string) => `/console/invoices/${encodeURIComponent(invoiceId)}/${action}`,
  message: (invoiceId: string, messageId: string) =>
    `/console/invoices/${encodeURIComponent(invoiceId)}/messages/${encodeURIComponent(messageId)}`,
  /** The archived HTML of a message (email or letter), alone, for the message page's sandboxed frame. */
  messageBody: (invoiceId: string, messageId: string) =>
    `/console/invoices/${encodeURIComponent(invoiceId)}/messages/${encodeURIComponent(messageId)}/body`,
  tasks: '/console/tasks',
  /** Replies that paused nothing (forged address, failed verdicts, unreadable…), for a person. */
  replies: '/console/replies',
  task: (taskId: string) => `/console/tasks/${encodeURIComponent(taskId)}`,
  taskComplete: (taskId: string) => `/console/tasks/${encodeURIComponent(taskId)}/complete`,
  customers: '/console/customers',
  customer: (customerId: string) => `/console/customers/${encodeURIComponent(customerId)}`,
  policies: '/console/policies',
  policy: (policyId: string, version?: number) =>
    `/console/policies/${encodeURIComponent(policyId)}${version === undefined ? '' : `?version=${version}`}`,
  newPolicy: '/console/policies/new',
  /** Dashboard "needs a person today" links: the worklist and receivables lists, filtered. */
  brokenPromises: '/console/tasks?reason=broken_promise',
  unmatchedCash: '/console/invoices?hold=unmatched_cash',
} as const;
