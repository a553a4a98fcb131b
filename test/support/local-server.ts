import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { OutboxMessage } from '#local/outbox.ts';

const root = resolve(import.meta.dirname, '../..');

export interface StartOptions {
  /** Reuse a data folder (restart tests); a fresh temporary one otherwise. */
  readonly dataDir?: string;
  readonly clockStart?: string;
  readonly env?: Record<string, string>;
}

export interface ApiResponse<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/**
 * Runs `infra/local/main.ts` — what `npm start` runs — as a child process with a manual
 * clock, and talks to it over HTTP only, as an ERP and a tester would.
 */
export class LocalServer {
  readonly url: string;
  readonly dataDir: string;
  readonly sesInbox: string;
  /** The local AWS endpoint, for the SDK clients (and `aws --endpoint-url`). */
  readonly awsEndpoint: string;
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private readonly ownsDataDir: boolean;
  private tokenCache: string | undefined;
  readonly logs: string[];

  private constructor(
    child: ChildProcess,
    exited: Promise<number | null>,
    url: string,
    sesInbox: string,
    awsEndpoint: string,
    dataDir: string,
    owns: boolean,
    logs: string[],
  ) {
    this.child = child;
    this.exited = exited;
    this.url = url;
    this.sesInbox = sesInbox;
    this.awsEndpoint = awsEndpoint;
    this.dataDir = dataDir;
    this.ownsDataDir = owns;
    this.logs = logs;
  }

  static async start(options: StartOptions = {}): Promise<LocalServer> {
    const owns = !options.dataDir;
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'dunwell-e2e-'));
    const args = ['infra/local/main.ts', '--clock=manual', `--clock-start=${options.clockStart ?? '2026-11-01T00:00:00Z'}`];
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: {
        ...process.env,
        PORT: '0',
        DUNWELL_SES_PORT: '0',
        DUNWELL_AWS_PORT: '0',
        DUNWELL_DATA_DIR: dataDir,
        DUNWELL_LOG_LEVEL: 'silent',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logs: string[] = [];
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const ready = new Promise<{ api: string; sesInbox: string; awsEndpoint: string }>((done, fail) => {
      let buffered = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        for (const line of buffered.split('\n').slice(0, -1)) {
          logs.push(line);
          if (line.includes('"Dunwell is running"')) done(JSON.parse(line) as { api: string; sesInbox: string; awsEndpoint: string });
        }
        buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
      });
      child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
      void exited.then((code) => fail(new Error(`local server exited (${code}) before it was ready:\n${logs.join('\n')}`)));
    });
    const { api, sesInbox, awsEndpoint } = await ready;
    return new LocalServer(child, exited, api, sesInbox, awsEndpoint, dataDir, owns, logs);
  }

  async token(scope?: string): Promise<string> {
    if (!scope && this.tokenCache) return this.tokenCache;
    const response = await fetch(`${this.url}/_local/token${scope ? `?scope=${encodeURIComponent(scope)}` : ''}`);
    const { token } = (await response.json()) as { token: string };
    if (!scope) this.tokenCache = token;
    return token;
  }

  /** An authenticated JSON request to the API. */
  async api<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await this.token()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text,
    };
  }

  async advance(by: { days?: number; hours?: number; to?: string }): Promise<string> {
    const response = await fetch(`${this.url}/_local/clock/advance`, { method: 'POST', body: JSON.stringify(by) });
    if (response.status !== 200) throw new Error(`advance failed: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { now: string }).now;
  }

  /** A loopback control of the local runtime (`/_local/*`), JSON in and out. */
  async local<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.url}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, body: (await response.json()) as T };
  }

  async outbox(invoiceId?: string): Promise<OutboxMessage[]> {
    const response = await fetch(`${this.url}/_local/outbox${invoiceId ? `?invoiceId=${encodeURIComponent(invoiceId)}` : ''}`);
    return (await response.json()) as OutboxMessage[];
  }

  async deadLetters(): Promise<unknown[]> {
    return (await (await fetch(`${this.url}/_local/dead-letters`)).json()) as unknown[];
  }

  /** Graceful stop (SIGTERM), keeping the data folder when asked. */
  async stop({ keepData = false } = {}): Promise<void> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    await this.exited;
    if (this.ownsDataDir && !keepData) rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** kill -9: the process dies mid-work, its data folder kept (crash tests). */
  async kill(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Waits for the process to die by itself (fault-injection crash tests). */
  async waitForExit(): Promise<number | null> {
    return this.exited;
  }
}

export { invoiceBody } from './invoices.ts';
