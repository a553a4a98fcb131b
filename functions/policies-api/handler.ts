import { functionContext } from '#adapters/compose-context.ts';
import { tableAdapters } from '#adapters/compose-table.ts';
import { type HttpEvent, httpHandler, json, parseBody, pathParameter, problems } from '#adapters/http.ts';
import { idSchema } from '#contracts/input-rules.ts';
import { policyRequestSchema, policyView, toPolicy } from '#contracts/policy-api.ts';
import { publishPolicy } from '#use-cases/publish-policy.ts';

const app = functionContext('policies-api');
const table = tableAdapters(app);
const policies = table.policyStore();

/**
 * PUT publishes a new version (invoices already running keep theirs); re-sending the same
 * content returns the latest version instead of minting another, so a retried PUT is harmless.
 */
async function putPolicy(event: HttpEvent) {
  const policyId = pathParameter(event, 'policyId', idSchema);
  const built = toPolicy(policyId, parseBody(event, policyRequestSchema));
  if ('errors' in built) throw problems.validation(built.errors);
  const outcome = await publishPolicy(policies, built.policy, app.clock.now());
  if (outcome.kind === 'unchanged') return json(200, policyView(outcome.policy));
  return json(outcome.kind === 'created' ? 201 : 200, policyView(outcome.policy), { location: `/v1/policies/${policyId}` });
}

async function getPolicy(event: HttpEvent) {
  const policyId = pathParameter(event, 'policyId', idSchema);
  const versionText = event.queryStringParameters?.version;
  const version = versionText === undefined ? undefined : Number(versionText);
  if (version !== undefined && (!Number.isInteger(version) || version < 1)) {
    throw problems.validation([{ path: 'version', message: 'must be a positive whole number' }]);
  }
  const policy = await policies.get(policyId, version);
  if (!policy) throw problems.notFound(`Policy ${policyId}${version ? ` version ${version}` : ''} does not exist`);
  return json(200, policyView(policy));
}

async function listPolicies() {
  return json(200, (await policies.list()).map(policyView));
}

export const handler = httpHandler(
  {
    'PUT /v1/policies/{policyId}': putPolicy,
    'GET /v1/policies/{policyId}': getPolicy,
    'GET /v1/policies': listPolicies,
  },
  undefined,
  app.telemetry,
);
