import type { policyView } from '#contracts/policy-api.ts';
import { type ConsoleContext, consolePaths } from '../context.ts';
import { consolePage } from '../layout.ts';
import { consoleWording as w } from '../wording.ts';
import { dataTable, heading, link, text } from './parts.ts';

export type PolicyDetail = ReturnType<typeof policyView>;

export interface PoliciesView {
  /** `GET /v1/policies`: the latest version of each policy. */
  readonly policies: readonly PolicyDetail[];
}

const p = w.policies;

/** Versions are numbered from 1 and never deleted, so every earlier version has a link. */
function earlierVersions(policy: PolicyDetail): string {
  const links: string[] = [];
  for (let version = policy.version - 1; version >= 1; version--)
    links.push(link(consolePaths.policy(policy.policyId, version), p.versionLink(version)));
  return links.join(' ') || text(w.none);
}

/** `GET /console/policies` (finance only): every policy with its versions, and a way to start a new one. */
export function renderPolicies(view: PoliciesView, ctx: ConsoleContext): string {
  const rows = view.policies.map((policy) => [
    link(consolePaths.policy(policy.policyId), policy.name),
    text(policy.policyId),
    text(String(policy.version)),
    earlierVersions(policy),
    text(policy.tiers.map((tier) => tier.tier).join(', ')),
    text(String(policy.tiers.reduce((sum, tier) => sum + tier.steps.length, 0))),
  ]);
  const columns = [
    { header: text(p.name) },
    { header: text(p.policyId) },
    { header: text(p.version), numeric: true },
    { header: text(p.versions) },
    { header: text(p.tiers) },
    { header: text(p.steps), numeric: true },
  ];
  const table = rows.length ? dataTable(p.caption, columns, rows) : `<p>${text(p.empty)}</p>`;
  const body = `${heading(1, p.title)}<p><a class="button" href="${consolePaths.newPolicy}">${text(p.newPolicy)}</a></p>${table}`;
  return consolePage(p.title, body, ctx);
}
