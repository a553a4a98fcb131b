import assert from 'node:assert/strict';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { LocalServer } from '../support/local-server.ts';

interface RawResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: any;
}

/**
 * The loopback-only controls (`/_local/*`, `/_sandbox/webhooks`) against DNS rebinding and
 * cross-site browser requests, over real HTTP. node:http, not fetch: fetch may not set `Host`.
 */
describe('local controls answer loopback host names and same-origin requests only', () => {
  let server: LocalServer;
  let port: string;
  beforeAll(async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
    port = new URL(server.url).port;
  });
  afterAll(() => server.stop());

  /** One request over the loopback connection, with exactly the headers given (Host included). */
  const send = (method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<RawResponse> =>
    new Promise((resolve, reject) => {
      const { hostname } = new URL(server.url);
      const outgoing = request({ hostname, port, method, path, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const contentType = response.headers['content-type'] ?? '';
          resolve({ status: response.statusCode ?? 0, contentType, body: /json/.test(contentType) ? JSON.parse(text) : text });
        });
      });
      outgoing.on('error', reject);
      outgoing.end(body === undefined ? undefined : JSON.stringify(body));
    });
  const good = () => ({ host: `127.0.0.1:${port}` });
  const clock = async (): Promise<string> => {
    const health = await send('GET', '/_local/health', good());
    assert.equal(health.status, 200);
    return health.body.now as string;
  };
  const assertRefused = (response: RawResponse, detail: RegExp) => {
    assert.equal(response.status, 403, JSON.stringify(response.body));
    assert.equal(response.contentType, 'application/problem+json');
    assert.equal(response.body.type, 'urn:dunwell:problem:forbidden');
    assert.equal(response.body.status, 403);
    assert.match(response.body.detail, detail);
  };

  describe('a DNS-rebinding Host (a name of the attacker that resolves to 127.0.0.1)', () => {
    const rebound = { host: 'attacker.example:3000' };

    test('gets no token', async () => {
      const response = await send('GET', '/_local/token', rebound);
      assertRefused(response, /loopback host name.*got Host: attacker\.example:3000/);
      assert.equal(response.body.token, undefined);
      const scoped = await send('GET', '/_local/token?scope=dunwell%2Finvoices.write', rebound);
      assertRefused(scoped, /Host: attacker\.example:3000/);
    });

    test('cannot move the clock', async () => {
      const before = await clock();
      const response = await send('POST', '/_local/clock/advance', rebound, { days: 30 });
      assertRefused(response, /Host: attacker\.example:3000/);
      assert.equal(await clock(), before, 'the virtual clock did not move');
    });

    test('cannot read the outbox, the topics, the dead letters or the delivered webhooks', async () => {
      for (const path of ['/_local/outbox', '/_local/topics', '/_local/dead-letters', '/_local/health', '/_sandbox/webhooks']) {
        assertRefused(await send('GET', path, rebound), /Host: attacker\.example:3000/);
      }
    });

    test('cannot write through the other controls either', async () => {
      for (const path of ['/_local/exports/flush', '/_local/exports/backfill', '/_local/sms/opt-out', '/_local/ses/feedback']) {
        assertRefused(await send('POST', path, rebound, {}), /Host: attacker\.example:3000/);
      }
    });

    test('a Host that only starts or ends like a loopback name is refused too', async () => {
      for (const host of [
        'localhost.attacker.example',
        `127.0.0.1.nip.io:${port}`,
        `app.localhost:${port}`,
        'localhost:3000@evil.example',
        '127.0.0.256',
        '[::2]',
      ]) {
        assertRefused(await send('GET', '/_local/token', { host }), new RegExp(`got Host: ${host.replace(/[.[\]]/g, '\\$&')}$`));
      }
    });
  });

  describe('a request another web page started', () => {
    test('with Origin: https://evil.example is refused, with a loopback Host', async () => {
      const before = await clock();
      const response = await send('POST', '/_local/clock/advance', { ...good(), origin: 'https://evil.example' }, { days: 30 });
      assertRefused(response, /got Origin: https:\/\/evil\.example$/);
      assert.equal(await clock(), before, 'the virtual clock did not move');
      assertRefused(await send('GET', '/_local/token', { ...good(), origin: 'https://evil.example' }), /Origin/);
    });

    test('with Origin: null (a sandboxed frame, a file: page) is refused', async () => {
      assertRefused(await send('GET', '/_local/token', { ...good(), origin: 'null' }), /got Origin: null$/);
    });

    test('with Sec-Fetch-Site: cross-site or same-site is refused', async () => {
      const before = await clock();
      const response = await send('POST', '/_local/clock/advance', { ...good(), 'sec-fetch-site': 'cross-site' }, { days: 30 });
      assertRefused(response, /got Sec-Fetch-Site: cross-site$/);
      assert.equal(await clock(), before, 'the virtual clock did not move');
      // Another port of this machine (another local app) is same-site, not same-origin.
      const sameSite = await send('GET', '/_local/token', {
        ...good(),
        'sec-fetch-site': 'same-site',
        origin: 'http://127.0.0.1:8005',
      });
      assertRefused(sameSite, /got Sec-Fetch-Site: same-site$/);
      assertRefused(await send('GET', '/_sandbox/webhooks', { ...good(), 'sec-fetch-site': 'cross-site' }), /Sec-Fetch-Site/);
    });
  });

  describe('what a developer sends still works', () => {
    test('a page of the gateway itself (Sec-Fetch-Site: same-origin, Origin: http://localhost:<port>)', async () => {
      const before = await clock();
      const browser = { host: `localhost:${port}`, 'sec-fetch-site': 'same-origin', origin: `http://localhost:${port}` };
      const moved = await send('POST', '/_local/clock/advance', browser, { hours: 1 });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      assert.equal(moved.body.now, new Date(Date.parse(before) + 3_600_000).toISOString());
      const token = await send('GET', '/_local/token', browser);
      assert.equal(token.status, 200);
      assert.match(token.body.token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
      // The same page on a name that only resolves to this machine is still refused.
      assertRefused(await send('GET', '/_local/token', { ...browser, host: `attacker.example:${port}` }), /Host/);
    });

    test('an address typed in the address bar (Sec-Fetch-Site: none)', async () => {
      const typed = await send('GET', '/_local/outbox', { host: `localhost:${port}`, 'sec-fetch-site': 'none' });
      assert.equal(typed.status, 200);
      assert.deepEqual(typed.body, []);
      assertRefused(await send('GET', '/_local/outbox', { host: 'evil.example', 'sec-fetch-site': 'none' }), /Host: evil\.example$/);
    });

    test('curl-like requests to 127.0.0.1, localhost and [::1], with or without a port', async () => {
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, '127.1.2.3', 'localhost']) {
        const token = await send('GET', '/_local/token', { host });
        assert.equal(token.status, 200, `Host: ${host} → ${JSON.stringify(token.body)}`);
        assert.equal(typeof token.body.token, 'string');
        assert.equal((await send('GET', '/_local/outbox', { host })).status, 200, `Host: ${host}`);
        assert.equal((await send('GET', '/_sandbox/webhooks', { host })).status, 200, `Host: ${host}`);
      }
      const before = await clock();
      const moved = await send('POST', '/_local/clock/advance', { host: `localhost:${port}` }, { minutes: 30 });
      assert.equal(moved.status, 200);
      assert.equal(moved.body.now, new Date(Date.parse(before) + 1_800_000).toISOString());
      // The same request for a name that is not a loopback one is not answered.
      assertRefused(await send('GET', '/_local/token', { host: `dunwell.example:${port}` }), /Host: dunwell\.example/);
    });

    test('the public API is not affected by the guard', async () => {
      const response = await send('GET', '/v1/openapi.json', { host: 'attacker.example', origin: 'https://evil.example' });
      assert.equal(response.status, 200);
      // …while the local controls on the same request are refused.
      assertRefused(await send('GET', '/_local/health', { host: 'attacker.example', origin: 'https://evil.example' }), /Host/);
    });
  });
});

describe('the SES inbox answers loopback host names only', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await LocalServer.start({ clockStart: '2026-11-01T00:00:00Z' });
  });
  afterAll(() => server.stop());

  const inbox = (host: string, path = '/store'): Promise<number> =>
    new Promise((resolve, reject) => {
      const { hostname, port } = new URL(server.sesInbox);
      const outgoing = request({ hostname, port, method: 'GET', path, headers: { host } }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      });
      outgoing.on('error', reject);
      outgoing.end();
    });

  test('a rebinding Host cannot read the emails (and their pay links); the inbox itself still opens', async () => {
    const { port } = new URL(server.sesInbox);
    assert.equal(await inbox(`attacker.example:${port}`), 403);
    assert.equal(await inbox(`127.0.0.1:${port}`), 200);
    assert.equal(await inbox(`localhost:${port}`), 200);
  });
});
