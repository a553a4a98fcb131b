import type { ConsoleRole } from '#contracts/console-roles.ts';

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
