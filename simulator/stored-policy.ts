import * as z from 'zod';
import { idSchema } from '#contracts/input-rules.ts';
import { fieldErrors, policyRequestSchema, toPolicy } from '#contracts/policy-api.ts';
import { Scope } from '#contracts/routes.ts';
import { type NamedPolicy, UsageError } from './arguments.ts';

/** The environment variable a bearer token for `--api` is taken from. */
export const TOKEN_VARIABLE = 'DUNWELL_API_TOKEN';
/** How long one request to the API may take. */
export const API_TIMEOUT_MS = 10_000;

/** Host names whose `/_local/token` is asked for a token (the embedded runtime's developer token). */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * What `GET /v1/policies/{policyId}` answers (`policyView`): the body of `PUT /v1/policies`, with
 * the defaults filled in, plus the id and the version. Strict like the PUT schema, so that a field
 * the simulator does not know is refused rather than silently left out of the simulation.
 */
const storedPolicySchema = policyRequestSchema.extend({ policyId: idSchema, version: z.number().int().min(1) });

const localTokenSchema = z.object({ token: z.string().min(1) });

export interface ApiAccess {
  readonly fetch: typeof fetch;
  /** Where DUNWELL_API_TOKEN is read from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number | undefined;
}

const defaultAccess: ApiAccess = { fetch: (input, init) => fetch(input, init), env: process.env };

/** Why a request got no answer, in a few words. */
function unreachable(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'no answer in time';
  // fetch's TypeError says "fetch failed"; the reason is its cause (ECONNREFUSED, ENOTFOUND, "bad port"…).
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string' && cause.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** The `detail` of a problem+json answer, when there is one. */
async function problemDetail(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { detail?: unknown };
    return typeof body?.detail === 'string' ? `: ${body.detail}` : '';
  } catch {
    return '';
  }
}

/**
 * Reads policies stored in the deployment whose API is at `api` (its base URL, the stage path
 * included on AWS), each as the pipeline stores it (`toPolicy` of its content, with its version),
 * labelled with its id as given. The bearer token is DUNWELL_API_TOKEN; without it, and only for
 * an API on this machine, the embedded runtime's `/_local/token` (read scope only), as a local
 * developer would take it: a token is never asked of a remote host. Every failure is a
 * UsageError naming the policy and the API.
 */
export function storedPolicyReader(api: string, access: ApiAccess = defaultAccess): (policyId: string) => Promise<NamedPolicy> {
  const base = api.replace(/\/+$/, '');
  const timeout = access.timeoutMs ?? API_TIMEOUT_MS;
  const fromEnv = access.env[TOKEN_VARIABLE]?.trim() || undefined;
  let token: Promise<string> | undefined;

  const get = async (url: string, headers: Record<string, string>, what: string): Promise<Response> => {
    try {
      return await access.fetch(url, { headers: { accept: 'application/json', ...headers }, signal: AbortSignal.timeout(timeout) });
    } catch (error) {
      throw new UsageError(`${what}: cannot reach ${api} (${unreachable(error)})`);
    }
  };

  const localToken = async (what: string): Promise<string> => {
    if (!LOOPBACK_HOSTS.includes(new URL(base).hostname)) {
      throw new UsageError(
        `${what}: set ${TOKEN_VARIABLE} to a bearer token for ${api} with the ${Scope.policiesRead} scope (a token is fetched from /_local/token only for an API on this machine: localhost, 127.0.0.1, [::1])`,
      );
    }
    const url = `${base}/_local/token?scope=${encodeURIComponent(Scope.policiesRead)}`;
    const response = await get(url, {}, what);
    const parsed = response.ok ? localTokenSchema.safeParse(await response.json().catch(() => undefined)) : undefined;
    if (!parsed?.success) {
      throw new UsageError(
        `${what}: ${api} gave no local token (GET /_local/token answered ${response.status}); is it a local instance (npm start)? Otherwise set ${TOKEN_VARIABLE}`,
      );
    }
    return parsed.data.token;
  };

  return async (policyId) => {
    const what = `--policy=${policyId} (from ${api})`;
    token ??= fromEnv ? Promise.resolve(fromEnv) : localToken(what);
    const response = await get(`${base}/v1/policies/${encodeURIComponent(policyId)}`, { authorization: `Bearer ${await token}` }, what);
    if (response.status === 401 || response.status === 403) {
      const given = fromEnv ? `the token in ${TOKEN_VARIABLE}` : 'the local token';
      throw new UsageError(
        `${what}: ${api} refused ${given} (${response.status}${await problemDetail(response)}); set ${TOKEN_VARIABLE} to a token with the ${Scope.policiesRead} scope`,
      );
    }
    if (response.status === 404) {
      throw new UsageError(`${what}: no policy ${policyId} there (404${await problemDetail(response)})`);
    }
    if (!response.ok) {
      throw new UsageError(`${what}: GET /v1/policies/${policyId} answered ${response.status}${await problemDetail(response)}`);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      throw new UsageError(`${what}: the answer is not JSON (${(error as Error).message})`);
    }
    const parsed = storedPolicySchema.safeParse(body);
    if (!parsed.success) {
      const problems = fieldErrors(parsed.error).map((error) => `  ${error.path}: ${error.message}`);
      throw new UsageError(`${what}: the answer is not a policy the simulator knows\n${problems.join('\n')}`);
    }
    const { policyId: storedId, version, ...content } = parsed.data;
    if (storedId !== policyId) throw new UsageError(`${what}: the answer is policy ${storedId}, not ${policyId}`);
    const built = toPolicy(storedId, content);
    if ('errors' in built) {
      throw new UsageError(
        `${what}: the stored policy is not valid today\n${built.errors.map((error) => `  ${error.path}: ${error.message}`).join('\n')}`,
      );
    }
    return { label: policyId, policy: { ...built.policy, version } };
  };
}
