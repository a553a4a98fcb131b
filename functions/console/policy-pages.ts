import { errorPage, html, seeOther } from '#adapters/console-http.ts';
import type { HttpEvent, HttpResult } from '#adapters/http.ts';
import { mayPerform } from '#contracts/console-roles.ts';
import type { FieldError } from '#contracts/field-errors.ts';
import { idSchema } from '#contracts/input-rules.ts';
import { policyView } from '#contracts/policy-api.ts';
import { defaultPolicy, type Policy } from '#domain/policy.ts';
import { type ConsoleContext, consolePaths } from '#presentation/console/context.ts';
import { type PolicyEditView, renderPolicyEdit } from '#presentation/console/pages/policy-edit.ts';
import { publishPolicy } from '#use-cases/publish-policy.ts';
import {
  customerBase,
  MAX_LISTED_INVOICES,
  SIMULATED_DAYS,
  SIMULATION_SEED,
  type SimulationBase,
  simulatePolicyChange,
} from '../../simulator/policy-change.ts';
import { ISSUE_WINDOW_DAYS, SIMULATION_START } from '../../simulator/simulation.ts';
import { app, clock, customers, page, policies, store } from './compose.ts';
import { decode } from './forms.ts';
import { checkPolicyDraft, policyDraft } from './policy-form.ts';

/** The editor's address for a policy not yet stored: the form then asks for its id. */
const NEW = 'new';

/** The policy of the path: `new`, or a stored one (its latest version, or `?version=`); 404 otherwise. */
async function policyOf(event: HttpEvent): Promise<{ kind: 'new' } | { kind: 'stored'; policy: Policy } | { kind: 'missing' }> {
  const policyId = decode(event.pathParameters?.policyId);
  if (policyId === NEW) return { kind: 'new' };
  if (!idSchema.safeParse(policyId).success) return { kind: 'missing' };
  const versionText = event.queryStringParameters?.version;
  const version = versionText === undefined ? undefined : Number(versionText);
  if (version !== undefined && (!Number.isInteger(version) || version < 1)) return { kind: 'missing' };
  const policy = await policies.get(policyId, version);
  return policy ? { kind: 'stored', policy } : { kind: 'missing' };
}

const noSuchPolicy = () => errorPage(404, 'Not found', 'No such policy (or no such version of it).');

/** `GET /console/policies/{policyId}` (and `/new`): the form, filled in from the version asked for (the latest by default). */
export const policyEditPage = page(async (event, { ctx }) => {
  const found = await policyOf(event);
  if (found.kind === 'missing') return noSuchPolicy();
  if (found.kind === 'new') return html(200, renderPolicyEdit({}, ctx));
  const published = event.queryStringParameters?.done === 'published';
  return html(200, renderPolicyEdit({ policyId: found.policy.policyId, current: policyView(found.policy), published }, ctx));
}, 'policy.edit');

/** What the simulation ran on, in words, under its heading: a comparison is only as good as its invoices. */
function basisNote(base: SimulationBase): string {
  const count = (n: number) => new Intl.NumberFormat('en').format(n);
  const simulated = count(base.portfolio.length);
  const model = `over ${SIMULATED_DAYS} days with the simulator's response model (seed ${SIMULATION_SEED}). Nothing was saved.`;
  if (base.source === 'generated') {
    return `No invoice is open, so this ran on the simulator's ${simulated} generated invoices in ${base.currency}, ${model}`;
  }
  const of =
    base.portfolio.length + base.leftOut < base.listed
      ? `an even sample of ${simulated} of the ${count(base.listed)}${base.capped ? ` first (of more than ${count(MAX_LISTED_INVOICES)})` : ''} open invoices`
      : `the ${simulated} open invoice(s)`;
  const left = base.leftOut > 0 ? ` (${count(base.leftOut)} in other currencies or owing nothing left out)` : '';
  return (
    `Simulated on ${of} of your customers in ${base.currency}${left}, each as if issued again from ${SIMULATION_START} ` +
    `(spread over ${ISSUE_WINDOW_DAYS} days in their order; balance owed, payment terms, starting tier, the customer's zone, contacts and consent kept), ${model}`
  );
}

function editView(policyId: string | undefined, current: Policy | undefined): Pick<PolicyEditView, 'policyId' | 'current'> {
  return { policyId, current: current ? policyView(current) : undefined };
}

/**
 * `POST /console/policies/{policyId}` with `intent=simulate|publish`: the form becomes the body of
 * `PUT /v1/policies/{policyId}` and is checked by the same schema and `toPolicy`. Simulate runs
 * the published version and the draft over the customer base and shows both, saving nothing;
 * publish is the API's `publishPolicy`, then back to the policy with a notice.
 */
export const postPolicy = page(async (event, { ctx, form, formAll }) => {
  const found = await policyOf(event);
  if (found.kind === 'missing') return noSuchPolicy();
  const intent = form.intent === 'publish' ? 'publish' : form.intent === 'simulate' ? 'simulate' : undefined;
  if (!intent) return errorPage(400, 'Unknown action', 'Choose Simulate or Publish.');
  if (intent === 'publish' && !mayPerform(ctx.role, 'policy.publish')) {
    return errorPage(403, 'Not allowed', `Your role (${ctx.role}) may not publish policies.`);
  }
  const draft = policyDraft(form, formAll('businessHours.days'));
  const isNew = found.kind === 'new';
  const current = found.kind === 'stored' ? await policies.get(found.policy.policyId) : undefined;
  const idErrors: FieldError[] = [];
  let policyId = current?.policyId ?? '';
  if (isNew) {
    policyId = (form.policyId ?? '').trim();
    if (policyId !== '') draft.values.policyId = policyId;
    const id = idSchema.safeParse(policyId);
    if (!id.success || policyId === NEW) idErrors.push({ path: 'policyId', message: id.error?.issues[0]?.message ?? 'is reserved' });
    else if (await policies.get(policyId)) idErrors.push({ path: 'policyId', message: 'is taken: edit that policy instead' });
  }
  const checked = checkPolicyDraft(policyId || NEW, draft);
  const errors = [...idErrors, ...(checked.ok ? [] : checked.errors)];
  const view = editView(isNew ? undefined : policyId, current);
  if (!checked.ok || errors.length > 0) {
    return html(400, renderPolicyEdit({ ...view, values: draft.values, errors }, ctx));
  }
  if (intent === 'simulate') return simulate(ctx, view, draft.values, current ?? defaultPolicy, checked.policy);
  const outcome = await publishPolicy(policies, checked.policy, clock.now());
  app.log.info('console policy published', { policyId, version: outcome.policy.version, kind: outcome.kind, role: ctx.role });
  return seeOther(`${consolePaths.policy(policyId)}?done=published`);
}, 'policy.edit');

async function simulate(
  ctx: ConsoleContext,
  view: Pick<PolicyEditView, 'policyId' | 'current'>,
  values: Record<string, string>,
  current: Policy,
  draft: Omit<Policy, 'version'>,
): Promise<HttpResult> {
  const started = performance.now();
  const base = await customerBase({ store, customers });
  const loadedMs = performance.now() - started;
  const simulation = simulatePolicyChange(current, { ...draft, version: current.version + 1 }, base);
  const totalMs = performance.now() - started;
  app.log.info('console policy simulated', {
    policyId: draft.policyId,
    invoices: base.portfolio.length,
    source: base.source,
    loadMs: Math.round(loadedMs),
    totalMs: Math.round(totalMs),
  });
  return html(200, renderPolicyEdit({ ...view, values, simulation, simulationBasis: basisNote(base) }, ctx));
}
