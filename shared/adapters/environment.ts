import * as z from 'zod';
import type { EnvName } from '#contracts/functions.ts';

/**
 * Reads the named environment variables once, at cold start, and fails loudly naming every
 * missing one. No silent defaults for resource names.
 */
export function readEnvironment<const N extends EnvName>(names: readonly N[]): Record<N, string> {
  const shape = Object.fromEntries(names.map((name) => [name, z.string().min(1, `${name} is not set`)])) as Record<N, z.ZodString>;
  const result = z.object(shape).safeParse(process.env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`).join('; ');
    throw new Error(`Invalid function environment: ${problems}`);
  }
  return result.data as Record<N, string>;
}
