import * as z from 'zod';

/**
 * The console's people and what each may do. The Cognito groups carry these exact names, so
 * the infra (group names), sign-in (groups → role) and the console handler (which buttons to
 * show, which POSTs to refuse) read one list.
 */
export const CONSOLE_GROUPS = ['finance', 'collector'] as const;

export const consoleRoleSchema = z.enum(CONSOLE_GROUPS);
export type ConsoleRole = z.infer<typeof consoleRoleSchema>;

export const CONSOLE_ACTIONS = [
  'invoice.hold',
  'invoice.release',
  'invoice.promise',
  'invoice.dispute',
  'invoice.paymentPlan',
  'invoice.creditNote',
  'invoice.void',
  'invoice.replan',
  'invoice.approveWriteOff',
  'task.complete',
  'policy.edit',
  'policy.publish',
] as const;

export type ConsoleAction = (typeof CONSOLE_ACTIONS)[number];

/**
 * A collector works the customer conversation: holds, promises, disputes, payment plans and
 * their tasks. Anything that changes what is owed or how every invoice is chased (credit notes,
 * voids, write-offs, re-planning, policies) is a finance decision.
 */
const COLLECTOR_ACTIONS: ReadonlySet<ConsoleAction> = new Set<ConsoleAction>([
  'invoice.hold',
  'invoice.release',
  'invoice.promise',
  'invoice.dispute',
  'invoice.paymentPlan',
  'task.complete',
]);

export function mayPerform(role: ConsoleRole, action: ConsoleAction): boolean {
  switch (role) {
    case 'finance':
      return true;
    case 'collector':
      return COLLECTOR_ACTIONS.has(action);
  }
}

/**
 * The console role of a person from their Cognito groups. Someone in both groups is a finance
 * lead (the broader role wins); someone in neither has no console role.
 */
export function roleFromGroups(groups: readonly string[]): ConsoleRole | undefined {
  if (groups.includes('finance')) return 'finance';
  if (groups.includes('collector')) return 'collector';
  return undefined;
}
