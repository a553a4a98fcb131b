import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { type PolicyRequest, policyView, toPolicy } from '#contracts/policy-api.ts';
import { defaultPolicy, type Policy } from '#domain/policy.ts';
import { loadPolicies, type NamedPolicy, parseCommandLine, UsageError } from '../../simulator/arguments.ts';
import { type ApiAccess, storedPolicyReader } from '../../simulator/stored-policy.ts';

const content: PolicyRequest = {
  name: 'SMS first',
  closedDates: ['2027-12-24'],
  tiers: [
    {
      tier: 1,
      steps: [
        { stepId: 'sms-1', offsetDays: 1, channel: 'sms', tone: 'friendly' },
        {
          stepId: 'big',
          offsetDays: 10,
          channel: 'email',
          tone: 'firm',
          conditions: { minBalance: { currency: 'EUR', amount: '1000.00' }, segments: ['enterprise'] },
        },
        { stepId: 'call', offsetDays: 20, channel: 'task', tone: 'firm', taskDeadlineDays: 5 },
      ],
    },
  ],
};

/** The policy as the pipeline stores it after three PUTs, and what GET /v1/policies/sms-first answers for it. */
function storedPolicy(): Policy {
  const built = toPolicy('sms-first', content);
  assert.ok('policy' in built);
  return { ...built.policy, version: 3 };
}

interface Call {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly signal: AbortSignal | undefined;
}

const json = (status: number, body: unknown) =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A fake API: each request answered by `answer`, every call recorded. */
function fakeApi(answer: (url: string, headers: Record<string, string>) => Response | Promise<Response>, env: ApiAccess['env'] = {}) {
  const calls: Call[] = [];
  const access: ApiAccess = {
    env,
    fetch: async (input, init) => {
      const url = String(input);
      const headers = (init?.headers ?? {}) as Record<string, string>;
      calls.push({ url, headers, signal: init?.signal ?? undefined });
      return answer(url, headers);
    },
  };
  return { calls, access };
}

/** A local instance: /_local/token hands out `local-token`, which the policy route accepts. */
const localInstance = (url: string, headers: Record<string, string>) => {
  if (url.includes('/_local/token')) return json(200, { token: 'local-token' });
  if (headers.authorization !== 'Bearer local-token') return json(401, { detail: 'bad token' });
  if (url.endsWith('/v1/policies/sms-first')) return json(200, policyView(storedPolicy()));
  return json(404, { detail: 'Policy does not exist' });
};

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    return error.message;
  }
  return assert.fail('resolved');
}

describe('simulator: a policy stored in a deployment (--api)', () => {
  test('is read by id and becomes the policy the pipeline stores, with its real version', async () => {
    const api = fakeApi((url) => json(200, url.endsWith('/v1/policies/sms-first') ? policyView(storedPolicy()) : {}), {
      DUNWELL_API_TOKEN: 'env-token',
    });
    const named: NamedPolicy = await storedPolicyReader('https://api.example/prod/', api.access)('sms-first');
    assert.equal(named.label, 'sms-first');
    assert.deepEqual(named.policy, storedPolicy());
    assert.equal(named.policy.version, 3);
    assert.deepEqual(
      api.calls.map((call) => call.url),
      ['https://api.example/prod/v1/policies/sms-first'],
      'the stage path is kept; no local token is asked for',
    );
    assert.equal(api.calls[0]?.headers.authorization, 'Bearer env-token');
    assert.ok(api.calls[0]?.signal instanceof AbortSignal, 'every request has a timeout');
  });

  test('the id is encoded in the path', async () => {
    const api = fakeApi(() => json(404, {}), { DUNWELL_API_TOKEN: 't' });
    await refusal(storedPolicyReader('https://api.example', api.access)('a/b c'));
    assert.equal(api.calls[0]?.url, 'https://api.example/v1/policies/a%2Fb%20c');
  });

  test('without DUNWELL_API_TOKEN, a local instance gives its token (read scope), fetched once for several policies', async () => {
    for (const base of ['http://localhost:3000', 'http://127.0.0.1:3000/', 'http://[::1]:3000']) {
      const api = fakeApi(localInstance);
      const read = storedPolicyReader(base, api.access);
      assert.equal((await read('sms-first')).policy.version, 3);
      await refusal(read('other'));
      const root = base.replace(/\/$/, '');
      assert.deepEqual(
        api.calls.map((call) => call.url),
        [`${root}/_local/token?scope=dunwell%2Fpolicies.read`, `${root}/v1/policies/sms-first`, `${root}/v1/policies/other`],
        base,
      );
      assert.equal(api.calls[1]?.headers.authorization, 'Bearer local-token');
    }
  });

  test('DUNWELL_API_TOKEN wins over the local token; a blank one does not count', async () => {
    const withEnv = fakeApi(localInstance, { DUNWELL_API_TOKEN: 'env-token' });
    const message = await refusal(storedPolicyReader('http://localhost:3000', withEnv.access)('sms-first'));
    assert.equal(withEnv.calls.length, 1, 'no /_local/token');
    assert.match(message, /refused the token in DUNWELL_API_TOKEN \(401: bad token\)/);
    const blank = fakeApi(localInstance, { DUNWELL_API_TOKEN: '  ' });
    assert.equal((await storedPolicyReader('http://localhost:3000', blank.access)('sms-first')).label, 'sms-first');
  });

  test('a remote API without DUNWELL_API_TOKEN: asked for, and nothing is fetched', async () => {
    for (const base of ['https://api.example', 'http://10.0.0.5:3000', 'http://localhost.example.com']) {
      const api = fakeApi(localInstance);
      const message = await refusal(storedPolicyReader(base, api.access)('sms-first'));
      assert.match(message, /--policy=sms-first/);
      assert.ok(message.includes(base), message);
      assert.match(message, /set DUNWELL_API_TOKEN/);
      assert.deepEqual(api.calls, [], base);
    }
  });

  test('a refused token (401, 403) says to set DUNWELL_API_TOKEN', async () => {
    for (const status of [401, 403]) {
      const api = fakeApi((url) => (url.includes('/_local/token') ? json(200, { token: 'stale' }) : json(status, { detail: 'no' })));
      const message = await refusal(storedPolicyReader('http://localhost:3000', api.access)('sms-first'));
      assert.match(message, new RegExp(`--policy=sms-first \\(from http://localhost:3000\\): .*refused the local token \\(${status}`));
      assert.match(message, /set DUNWELL_API_TOKEN to a token with the dunwell\/policies\.read scope/);
    }
  });

  test('a local instance that gives no token is named', async () => {
    const api = fakeApi(() => json(403, { detail: 'Local controls answer only connections from this machine' }));
    const message = await refusal(storedPolicyReader('http://localhost:3000', api.access)('sms-first'));
    assert.match(message, /--policy=sms-first \(from http:\/\/localhost:3000\): .*no local token .*403.*DUNWELL_API_TOKEN/);
  });

  test('an id with no policy (404)', async () => {
    const api = fakeApi(localInstance);
    const message = await refusal(storedPolicyReader('http://localhost:3000', api.access)('ghost'));
    assert.match(message, /--policy=ghost \(from http:\/\/localhost:3000\): no policy ghost there \(404: Policy does not exist\)/);
  });

  test('an answer that is not a valid policy is refused, with the fields', async () => {
    const view = policyView(storedPolicy());
    const cases: [unknown, RegExp][] = [
      [
        { ...view, tiers: [{ tier: 1, steps: [{ ...view.tiers[0]?.steps[0], channel: 'fax' }] }] },
        /tiers\.0\.steps\.0\.channel: must be one of/,
      ],
      [{ ...view, version: undefined }, /version: /],
      [{ ...view, colour: 'red' }, /colour|Unrecognized key/],
      [{ ...view, tiers: [{ tier: 2, steps: view.tiers[0]?.steps }] }, /not valid today\n {2}tiers: tier 1 is required/],
      [{ ...view, policyId: 'other' }, /the answer is policy other, not sms-first/],
      ['{ "name": ', /the answer is not JSON/],
      [[], /not a policy the simulator knows/],
    ];
    for (const [body, expected] of cases) {
      const api = fakeApi(() => json(200, body), { DUNWELL_API_TOKEN: 't' });
      const message = await refusal(storedPolicyReader('https://api.example', api.access)('sms-first'));
      assert.match(message, /^--policy=sms-first \(from https:\/\/api\.example\): /);
      assert.match(message, expected);
    }
  });

  test('an API that cannot be reached, or does not answer in time', async () => {
    const refused = fakeApi(() => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3999'), { code: 'ECONNREFUSED' }),
      });
    });
    assert.match(
      await refusal(storedPolicyReader('http://127.0.0.1:3999', refused.access)('sms-first')),
      /--policy=sms-first \(from http:\/\/127\.0\.0\.1:3999\): cannot reach http:\/\/127\.0\.0\.1:3999 \(ECONNREFUSED\)/,
    );
    const slow = fakeApi(
      () => {
        throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      },
      { DUNWELL_API_TOKEN: 't' },
    );
    assert.match(await refusal(storedPolicyReader('https://api.example', slow.access)('sms-first')), /cannot reach .*no answer in time/);
    // The timeout itself: a fetch that never answers is abandoned.
    const hanging: ApiAccess = {
      env: { DUNWELL_API_TOKEN: 't' },
      timeoutMs: 20,
      fetch: (_input, init) =>
        new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true })),
    };
    assert.match(await refusal(storedPolicyReader('https://api.example', hanging)('sms-first')), /no answer in time/);
  });

  test('another failure status is named', async () => {
    const api = fakeApi(() => json(500, { detail: 'boom' }), { DUNWELL_API_TOKEN: 't' });
    assert.match(
      await refusal(storedPolicyReader('https://api.example', api.access)('sms-first')),
      /--policy=sms-first \(from https:\/\/api\.example\): GET \/v1\/policies\/sms-first answered 500: boom/,
    );
  });
});

describe('simulator: --api and stored ids on the command line', () => {
  const problem = (argv: string[]) => {
    try {
      parseCommandLine(argv);
    } catch (error) {
      assert.ok(error instanceof UsageError, String(error));
      return error.message;
    }
    return assert.fail(`accepted ${argv.join(' ')}`);
  };

  test('a --policy that is neither default nor a .json file is a stored id, read in order with the others', async () => {
    const commandLine = parseCommandLine(['--api=http://localhost:3000', '--policy=sms-first', '--policy=default', '--policy=p/x.json']);
    assert.equal(commandLine.api, 'http://localhost:3000');
    assert.deepEqual(
      commandLine.policies.map((source) => `${source.kind}:${source.label}`),
      ['stored:sms-first', 'default:default', 'file:p/x.json'],
    );
    const read: string[] = [];
    const args = await loadPolicies(commandLine, {
      readFile: (path) => {
        read.push(path);
        return JSON.stringify(content);
      },
      readStored: async (policyId) => {
        read.push(policyId);
        return { label: policyId, policy: storedPolicy() };
      },
    });
    assert.deepEqual(read, ['sms-first', 'p/x.json']);
    assert.deepEqual(
      args.policies.map((entry) => [entry.label, entry.policy.policyId, entry.policy.version]),
      [
        ['sms-first', 'sms-first', 3],
        ['default', defaultPolicy.policyId, defaultPolicy.version],
        ['p/x.json', 'x', 0],
      ],
    );
    assert.equal('api' in args, false);
  });

  test('a stored id needs --api; --api must be an http(s) URL; the same id twice is refused', () => {
    assert.match(
      problem(['--policy=sms-first']),
      /--policy=sms-first: .*stored in a deployment; give the API .* like --api=http:\/\/localhost:3000/,
    );
    for (const api of ['--api', '--api=', '--api=localhost:3000', '--api=ftp://host', '--api=file:///tmp', '--api=http://h/?x=1']) {
      assert.match(problem([api, '--policy=default']), /--api must be the http\(s\) base URL of a Dunwell API/, api);
    }
    assert.match(problem(['--api=http://localhost:3000', '--policy=a', '--policy=a']), /--policy=a is given twice/);
    assert.match(
      problem(['--api=http://localhost:3000', '--policy=a b']),
      /--policy=a b: not default, a policy file \(\.json\) or a policy id/,
    );
    assert.equal(parseCommandLine(['--api=https://x.example/prod']).api, 'https://x.example/prod');
  });

  test('--history goes with stored policies: the lake of one deployment replayed under its stored policy', () => {
    const line = parseCommandLine(['--api=http://localhost:3000', '--history=exports', '--policy=standard']);
    assert.equal(line.historyDir, 'exports');
    assert.deepEqual(line.policies, [{ kind: 'stored', label: 'standard' }]);
  });
});
