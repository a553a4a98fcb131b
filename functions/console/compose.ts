import { systemClock } from '#adapters/clock.ts';
import { functionContext } from '#adapters/compose-context.ts';
import { reportQueries } from '#adapters/compose-lake.ts';
import { messageArchive } from '#adapters/compose-messages.ts';
import { domainEvents, dunningStarts } from '#adapters/compose-messaging.ts';
import { secretSource } from '#adapters/compose-sending.ts';
import { tableAdapters } from '#adapters/compose-table.ts';
import { type ConsoleRequest, consolePage } from '#adapters/console-http.ts';
import { type Keyring, parseSessionKeyring } from '#adapters/console-session.ts';
import { cognitoIdTokenVerifier } from '#adapters/console-sign-in.ts';
import type { HttpEvent, HttpResult } from '#adapters/http.ts';
import type { ConsoleAction } from '#contracts/console-roles.ts';
import { CONSOLE_DEV_SIGN_IN_VARIABLE, EnvName } from '#contracts/functions.ts';
import { consolePaths } from '#presentation/console/context.ts';

/*
 * The console function's adapters and session gate, built once per cold start and shared by its
 * page modules (handler.ts and the area modules beside it).
 */

export const app = functionContext('console');
export const table = tableAdapters(app);
export const store = table.invoiceStore();
export const tasks = table.taskStore();
export const customers = table.customerStore();
export const policies = table.policyStore();
/** Replies that paused nothing, for a person (the queue `GET /v1/replies` lists). */
export const unmatchedReplies = table.unmatchedReplies();
/** The dashboard's report figures as last computed (shared by every container). */
export const dashboardSnapshots = table.dashboardSnapshots();
/** Sent messages as the customer got them (message page and its body). */
export const messages = messageArchive(app);
export const clock = app.clock;
export const events = domainEvents(app);
export const actionDeps = { store, clock, events, policies, customers, starts: dunningStarts(app), log: app.log };
export const taskDeps = { store, tasks, clock, events, log: app.log };
export const reportDeps = { queries: reportQueries(app), reportingTimeZone: app.need(EnvName.reportingTimeZone) };

export const baseUrl = app.publicBaseUrl();
/** Over https the cookies are `__Host-` and Secure; the local runtime serves plain http on loopback. */
export const secure = baseUrl.startsWith('https://');
/** Password-free sign-in per role: the local runtime only, never over https. */
export const devSignIn = process.env[CONSOLE_DEV_SIGN_IN_VARIABLE] === 'on' && !secure;
export const signIn = {
  domainUrl: app.need(EnvName.consoleSignInUrl),
  clientId: app.need(EnvName.consoleClientId),
  redirectUri: `${baseUrl}${consolePaths.callback}`,
};
export const verifyIdToken = cognitoIdTokenVerifier(app.need(EnvName.consoleUserPoolId), signIn.clientId);
export const secrets = secretSource(app);
export const sessionSecretId = app.need(EnvName.consoleSessionSecretId);
export const keyring = async (): Promise<Keyring> => parseSessionKeyring(await secrets.read(sessionSecretId));

export const gate = { keyring, sessionClock: systemClock, clock, baseUrl, secure, log: app.log };
export const page = (handle: (event: HttpEvent, request: ConsoleRequest) => Promise<HttpResult>, action?: ConsoleAction) =>
  consolePage(gate, handle, action);
