import { canonicalJson } from '#domain/canonical-json.ts';
import type { Policy } from '#domain/policy.ts';
import type { PolicyStore } from '#ports/policy-store.ts';
import { retryOnFreshRead } from './concurrent-writes.ts';

export interface PolicyPublication {
  /** `created`: the policy's first version; `published`: a new version; `unchanged`: the latest version had this content. */
  readonly kind: 'created' | 'published' | 'unchanged';
  readonly policy: Policy;
}

/**
 * `PUT /v1/policies/{policyId}`: the content becomes the policy's next version, unless the
 * latest version has it already (a re-sent PUT mints nothing). Both are decided on a fresh read
 * of the latest version each time a version number is taken meanwhile by another PUT, so ten
 * identical PUTs at once mint one version, and ten different ones ten consecutive versions.
 */
export async function publishPolicy(store: PolicyStore, content: Omit<Policy, 'version'>, now: Date): Promise<PolicyPublication> {
  return retryOnFreshRead(`Policy ${content.policyId}`, async (): Promise<PolicyPublication> => {
    const latest = await store.get(content.policyId);
    if (latest) {
      const { version: _version, ...current } = latest;
      if (canonicalJson(current) === canonicalJson(content)) return { kind: 'unchanged', policy: latest };
    }
    const policy = await store.publish({ ...content, version: (latest?.version ?? 0) + 1 }, now);
    return { kind: latest ? 'published' : 'created', policy };
  });
}
