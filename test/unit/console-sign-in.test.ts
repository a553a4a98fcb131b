import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'vitest';
import { openSession, parseSessionKeyring, readCookie, sealSession, sealValue } from '#adapters/console-session.ts';
import {
  beginSignIn,
  type CompleteSignInInput,
  clearSignInCookie,
  cognitoIdTokenVerifier,
  completeSignIn,
  devSession,
  pkceChallenge,
  SIGN_IN_SECONDS,
  SignInError,
  type SignInFailure,
  signInCookieName,
  signOutUrl,
} from '#adapters/console-sign-in.ts';
import { mayPerform, roleFromGroups } from '#contracts/console-roles.ts';

const keys = parseSessionKeyring(JSON.stringify({ current: 'k1', k1: 'a'.repeat(64) }));
const t0 = new Date('2026-03-02T09:00:00Z');
const domainUrl = 'https://dunwell-people.auth.eu-west-1.amazoncognito.com';
const clientId = 'console-client-id';
const redirectUri = 'https://console.example.com/console/auth/callback';

interface FetchCall {
  readonly url: string;
  readonly init: RequestInit | undefined;
}

/** A token endpoint that answers once with the given status and JSON, recording the request. */
function fakeTokenEndpoint(
  status = 200,
  json: unknown = { id_token: 'the-id-token', access_token: 'at', token_type: 'Bearer', expires_in: 3600 },
) {
  const calls: FetchCall[] = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init });
    return new Response(JSON.stringify(json), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

/** Starts a sign-in and returns what the callback will need. */
function started(now = t0) {
  const begun = beginSignIn({ domainUrl, clientId, redirectUri, now, keys, secure: true });
  const url = new URL(begun.authorizeUrl);
  const cookieValue = readCookie(begun.stateCookie.split('; ')[0], signInCookieName(true));
  assert.ok(cookieValue);
  return { begun, url, cookieValue, state: url.searchParams.get('state')!, nonce: url.searchParams.get('nonce')! };
}

function completion(overrides: Partial<CompleteSignInInput> & { groups?: string[] | undefined; claims?: Record<string, unknown> } = {}) {
  const flow = started();
  const endpoint = fakeTokenEndpoint();
  const verified: string[] = [];
  const { groups = ['collector'], claims = {}, ...input } = overrides;
  const run = () =>
    completeSignIn({
      query: { code: 'the-code', state: flow.state },
      stateCookieValue: flow.cookieValue,
      domainUrl,
      clientId,
      redirectUri,
      fetch: endpoint.fetch,
      verifyIdToken: async (idToken) => {
        verified.push(idToken);
        return { sub: 'sub-7', email: 'cole@example.com', name: 'Cole Lector', nonce: flow.nonce, 'cognito:groups': groups, ...claims };
      },
      now: new Date(t0.getTime() + 60_000),
      keys,
      ...input,
    });
  return { flow, endpoint, verified, run };
}

async function refusal(promise: Promise<unknown>): Promise<SignInFailure> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SignInError, `a SignInError, not ${String(error)}`);
    return error.reason;
  }
  assert.fail('the sign-in was accepted');
}

describe('beginSignIn', () => {
  test('redirects to the authorize endpoint with code flow, PKCE S256, state and nonce', () => {
    const { url } = started();
    assert.equal(`${url.origin}${url.pathname}`, `${domainUrl}/oauth2/authorize`);
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('client_id'), clientId);
    assert.equal(url.searchParams.get('redirect_uri'), redirectUri);
    assert.equal(url.searchParams.get('scope'), 'openid email profile');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.match(url.searchParams.get('state')!, /^[\w-]{43}$/);
    assert.match(url.searchParams.get('nonce')!, /^[\w-]{43}$/);
  });

  test('a fresh state each time', () => {
    assert.notEqual(started().state, started().state);
  });

  test('the state cookie is __Host-, Secure, HttpOnly, Lax and lives 10 minutes', () => {
    const attributes = started().begun.stateCookie.split('; ');
    assert.match(attributes[0]!, /^__Host-dunwell-signin=[\w-]+\.[\w-]+$/);
    assert.deepEqual(attributes.slice(1).sort(), ['HttpOnly', `Max-Age=${SIGN_IN_SECONDS}`, 'Path=/', 'SameSite=Lax', 'Secure']);
    assert.equal(SIGN_IN_SECONDS, 600);
    const local = beginSignIn({
      domainUrl,
      clientId,
      redirectUri: 'http://127.0.0.1:3000/console/auth/callback',
      now: t0,
      keys,
      secure: false,
    });
    assert.match(local.stateCookie, /^dunwell-signin=/);
    assert.ok(!local.stateCookie.includes('Secure'));
    assert.equal(clearSignInCookie(true), '__Host-dunwell-signin=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax');
  });

  test('the code challenge is base64url(sha256(verifier)) of the verifier the token request sends', async () => {
    const { flow, endpoint, run } = completion();
    await run();
    const verifier = new URLSearchParams(String(endpoint.calls[0]?.init?.body)).get('code_verifier')!;
    assert.match(verifier, /^[\w-]{43,128}$/);
    const expected = createHash('sha256').update(verifier).digest('base64url');
    assert.equal(flow.url.searchParams.get('code_challenge'), expected);
    assert.equal(pkceChallenge(verifier), expected);
  });

  test('the RFC 7636 appendix B example', () => {
    assert.equal(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });
});

describe('completeSignIn', () => {
  test('exchanges the code at the token endpoint with exactly the right form body', async () => {
    const { endpoint, run } = completion();
    await run();
    assert.equal(endpoint.calls.length, 1);
    const [call] = endpoint.calls;
    assert.equal(call?.url, `${domainUrl}/oauth2/token`);
    assert.equal(call?.init?.method, 'POST');
    assert.equal(new Headers(call?.init?.headers).get('content-type'), 'application/x-www-form-urlencoded');
    const form = new URLSearchParams(String(call?.init?.body));
    assert.deepEqual([...form.keys()].sort(), ['client_id', 'code', 'code_verifier', 'grant_type', 'redirect_uri']);
    assert.equal(form.get('grant_type'), 'authorization_code');
    assert.equal(form.get('client_id'), clientId);
    assert.equal(form.get('code'), 'the-code');
    assert.equal(form.get('redirect_uri'), redirectUri);
  });

  test('verifies the id_token from the response and returns a session for the person', async () => {
    const { verified, run } = completion();
    const session = await run();
    assert.deepEqual(verified, ['the-id-token']);
    assert.equal(session.subject, 'sub-7');
    assert.equal(session.name, 'Cole Lector');
    assert.equal(session.email, 'cole@example.com');
    assert.equal(session.role, 'collector');
    assert.equal(session.issuedAt, t0.getTime() / 1000 + 60);
  });

  test('the session it returns seals and opens', async () => {
    const { run } = completion();
    const session = await run();
    assert.ok(openSession(keys, sealSession(keys, session), new Date(t0.getTime() + 120_000)).ok);
  });

  test('groups map to a role: finance wins over collector', async () => {
    assert.equal((await completion({ groups: ['finance'] }).run()).role, 'finance');
    assert.equal((await completion({ groups: ['collector', 'finance'] }).run()).role, 'finance');
    assert.equal((await completion({ groups: ['collector', 'other'] }).run()).role, 'collector');
  });

  test('a person in neither group is refused, and the error names them', async () => {
    const { run } = completion({ groups: ['auditors'] });
    await assert.rejects(run(), (error: unknown) => {
      assert.ok(error instanceof SignInError);
      assert.equal(error.reason, 'no_console_role');
      assert.match(error.message, /cole@example\.com is in neither the finance nor the collector group/);
      return true;
    });
    assert.equal(await refusal(completion({ groups: undefined, claims: { 'cognito:groups': undefined } }).run()), 'no_console_role');
  });

  test('without a name claim the email names the person', async () => {
    assert.equal((await completion({ claims: { name: undefined } }).run()).name, 'cole@example.com');
  });

  test('a state that does not match the cookie is refused before any token request', async () => {
    const { endpoint, run } = completion({ query: { code: 'the-code', state: 'someone-elses-state' } });
    assert.equal(await refusal(run()), 'state_mismatch');
    assert.equal(endpoint.calls.length, 0);
  });

  test('a missing, forged or foreign sign-in cookie is refused', async () => {
    assert.equal(await refusal(completion({ stateCookieValue: undefined }).run()), 'no_sign_in_in_progress');
    const flow = started();
    const other = parseSessionKeyring(JSON.stringify({ current: 'k1', k1: 'b'.repeat(64) }));
    const forged = sealValue(other, 'console-signin', {
      state: flow.state,
      verifier: 'v'.repeat(43),
      nonce: 'n'.repeat(43),
      expiresAt: 2e9,
    });
    assert.equal(await refusal(completion({ stateCookieValue: forged }).run()), 'no_sign_in_in_progress');
    // A session cookie is not a sign-in cookie.
    const session = sealValue(keys, 'console-session', devSession('finance', t0));
    assert.equal(await refusal(completion({ stateCookieValue: session }).run()), 'no_sign_in_in_progress');
  });

  test('a sign-in older than 10 minutes is refused', async () => {
    assert.equal(await refusal(completion({ now: new Date(t0.getTime() + SIGN_IN_SECONDS * 1000) }).run()), 'sign_in_expired');
  });

  test('an error or a missing code in the callback is refused', async () => {
    assert.equal(await refusal(completion({ query: { error: 'access_denied' } }).run()), 'provider_error');
    assert.equal(await refusal(completion({ query: { state: 'x' } }).run()), 'missing_code');
  });

  test('a token endpoint refusal is reported with its OAuth error code', async () => {
    const endpoint = fakeTokenEndpoint(400, { error: 'invalid_grant' });
    await assert.rejects(completion({ fetch: endpoint.fetch }).run(), (error: unknown) => {
      assert.ok(error instanceof SignInError);
      assert.equal(error.reason, 'token_exchange_failed');
      assert.match(error.message, /HTTP 400, invalid_grant/);
      return true;
    });
  });

  test('a token response without an id_token is refused (checked with zod)', async () => {
    const endpoint = fakeTokenEndpoint(200, { access_token: 'at', token_type: 'Bearer' });
    assert.equal(await refusal(completion({ fetch: endpoint.fetch }).run()), 'token_exchange_failed');
  });

  test('an unreachable token endpoint is a token exchange failure', async () => {
    const fetch = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof globalThis.fetch;
    assert.equal(await refusal(completion({ fetch }).run()), 'token_exchange_failed');
  });

  test('an ID token the verifier rejects is refused', async () => {
    const verifyIdToken = async () => {
      throw new Error('Token expired');
    };
    assert.equal(await refusal(completion({ verifyIdToken }).run()), 'id_token_invalid');
  });

  test('an ID token for another sign-in (nonce) is refused', async () => {
    assert.equal(await refusal(completion({ claims: { nonce: 'another' } }).run()), 'nonce_mismatch');
    assert.equal(await refusal(completion({ claims: { nonce: undefined } }).run()), 'nonce_mismatch');
  });
});

describe('sign-out and the local dev sign-in', () => {
  test('signOutUrl points at Cognito /logout with the client and the return URL', () => {
    const url = new URL(signOutUrl({ domainUrl: `${domainUrl}/`, clientId, logoutUri: 'https://console.example.com/console/signed-out' }));
    assert.equal(`${url.origin}${url.pathname}`, `${domainUrl}/logout`);
    assert.equal(url.searchParams.get('client_id'), clientId);
    assert.equal(url.searchParams.get('logout_uri'), 'https://console.example.com/console/signed-out');
  });

  test('devSession mints a live session per role', () => {
    const finance = devSession('finance', t0);
    const collector = devSession('collector', t0);
    assert.equal(finance.name, 'Dev Finance Lead');
    assert.equal(finance.role, 'finance');
    assert.equal(collector.name, 'Dev Collector');
    assert.equal(collector.role, 'collector');
    assert.notEqual(finance.csrf, collector.csrf);
    assert.equal(finance.issuedAt, t0.getTime() / 1000);
  });

  test('the production verifier factory builds without a network call', () => {
    assert.equal(typeof cognitoIdTokenVerifier('eu-west-1_AbCdEf123', clientId), 'function');
  });
});

describe('console roles', () => {
  test('finance may do everything; a collector may not edit policies, void, write off, credit or re-plan', () => {
    assert.equal(mayPerform('finance', 'policy.publish'), true);
    assert.equal(mayPerform('finance', 'invoice.void'), true);
    for (const action of [
      'invoice.hold',
      'invoice.release',
      'invoice.promise',
      'invoice.dispute',
      'invoice.paymentPlan',
      'task.complete',
    ] as const) {
      assert.equal(mayPerform('collector', action), true, action);
    }
    for (const action of [
      'policy.edit',
      'policy.publish',
      'invoice.void',
      'invoice.approveWriteOff',
      'invoice.creditNote',
      'invoice.replan',
    ] as const) {
      assert.equal(mayPerform('collector', action), false, action);
    }
  });

  test('roleFromGroups', () => {
    assert.equal(roleFromGroups(['collector', 'finance']), 'finance');
    assert.equal(roleFromGroups(['collector']), 'collector');
    assert.equal(roleFromGroups([]), undefined);
  });
});
