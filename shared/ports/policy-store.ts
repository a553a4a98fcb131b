import type { Policy } from '#domain/policy.ts';

export interface PolicyStore {
  /** The latest version, or a given one; built-in policies included. */
  get(policyId: string, version?: number): Promise<Policy | undefined>;
  /** Stores the policy as its next version and returns it. */
  publish(policy: Omit<Policy, 'version'>, now: Date): Promise<Policy>;
  /** The latest version of every policy. */
  list(): Promise<Policy[]>;
}
