import type { Policy } from '#domain/policy.ts';

export interface PolicyStore {
  /** The latest version, or a given one; built-in policies included. */
  get(policyId: string, version?: number): Promise<Policy | undefined>;
  /**
   * Stores the policy as its version `policy.version` and returns it. StaleWriteError when that
   * version exists already (another publish took the number): read the latest again and decide anew.
   */
  publish(policy: Policy, now: Date): Promise<Policy>;
  /** The latest version of every policy. */
  list(): Promise<Policy[]>;
}
