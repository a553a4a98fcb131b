import assert from 'node:assert/strict';
import type { ConsoleRole } from '#contracts/console-roles.ts';
import { invoiceBody, LocalServer } from './local-server.ts';

export interface ConsoleResponse {
  readonly status: number;
  readonly location: string | null;
  readonly html: string;
  readonly setCookies: readonly string[];
  readonly headers: Headers;
}

/**
 * A person in the console, as a browser would be: a cookie jar, redirects not followed (so a
 * test sees each 303), and every POST as a form from the console's origin with the page's CSRF
 * token. No JavaScript anywhere, as the console has none.
 */
export class ConsoleClient {
  readonly baseUrl: string;
  private readonly cookies = new Map<string, string>();
  /** The CSRF token of the last page that had a form. */
  csrf: string | undefined;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  /** The local runtime's one-click sign-in. */
  static async signIn(baseUrl: string, role: ConsoleRole): Promise<ConsoleClient> {
    const client = new ConsoleClient(baseUrl);
    const answer = await client.get(`/console/dev-sign-in?role=${role}`);
    if (answer.status !== 303) throw new Error(`dev sign-in answered ${answer.status}: ${answer.html}`);
    return client;
  }

  async get(path: string): Promise<ConsoleResponse> {
    return this.send('GET', path);
  }

  /** A form post; `csrf` defaults to the token of the last page read, `origin` to the console's own. */
  async post(
    path: string,
    fields: Record<string, string>,
    options: { csrf?: string | null; origin?: string | null } = {},
  ): Promise<ConsoleResponse> {
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    const body = new URLSearchParams({ ...(csrf === null || csrf === undefined ? {} : { csrf }), ...fields });
    const origin = options.origin === undefined ? new URL(this.baseUrl).origin : options.origin;
    return this.send('POST', path, body.toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      ...(origin === null ? {} : { origin }),
    });
  }

  private async send(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<ConsoleResponse> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: { ...headers, ...(cookie ? { cookie } : {}) },
      ...(body === undefined ? {} : { body }),
    });
    const setCookies = response.headers.getSetCookie();
    for (const header of setCookies) {
      const [pair = ''] = header.split(';');
      const equals = pair.indexOf('=');
      const name = pair.slice(0, equals).trim();
      const value = pair.slice(equals + 1).trim();
      if (/max-age=0/i.test(header) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const html = await response.text();
    const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    if (token) this.csrf = token;
    return { status: response.status, location: response.headers.get('location'), html, setCookies, headers: response.headers };
  }
}

/** The console tests' invoices: three of customer C-100, due 2026-12-01. */
export const CONSOLE_INVOICES = ['INV-CON-1', 'INV-CON-2', 'INV-CON-3'] as const;

/**
 * A local pipeline with work for both roles: the three invoices, a promise on each that breaks on
 * 2026-12-08 (three broken-promise tasks for a collector), and the lake flushed for the dashboard.
 */
export async function brokenPromisesServer(): Promise<LocalServer> {
  const server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
  for (const invoiceId of CONSOLE_INVOICES) {
    assert.equal((await server.api('POST', '/v1/invoices', invoiceBody({ invoiceId }))).status, 201);
  }
  await server.advance({ to: '2026-12-02T10:00:00Z' });
  for (const invoiceId of CONSOLE_INVOICES) {
    assert.equal((await server.api('POST', `/v1/invoices/${invoiceId}/promises`, { promisedDate: '2026-12-05' })).status, 201);
  }
  await server.advance({ to: '2026-12-08T08:00:00Z' });
  assert.equal((await server.local('POST', '/_local/exports/flush')).status, 200);
  return server;
}
