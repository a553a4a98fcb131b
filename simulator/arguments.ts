import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { fieldErrors } from '#contracts/field-errors.ts';
import { policyRequestSchema, toPolicy } from '#contracts/policy-api.ts';
import { MAX_REPORT_DAYS } from '#domain/finance-reports.ts';
import { defaultPolicy, type Policy } from '#domain/policy.ts';

/** A command-line problem: printed as is, exit code 2. */
export class UsageError extends Error {}

export const USAGE =
  'usage: npm run simulate -- [--policy=default|<file.json>]... [--invoices=10000] [--days=120] [--seed=1] [--out=<file.html>] [--json]';

export interface NamedPolicy {
  /** As given on the command line: "default" or the file's path. */
  readonly label: string;
  readonly policy: Policy;
}

export interface SimulatorArguments {
  readonly policies: readonly NamedPolicy[];
  readonly invoices: number;
  readonly days: number;
  readonly seed: number;
  readonly json: boolean;
  /** Where to write the HTML report, as given; none without --out. */
  readonly out?: string | undefined;
}

const notYet: Readonly<Record<string, string>> = {
  history: '--history (replaying the invoices of an exports folder) is not yet supported',
  api: '--api (policies stored in a deployment, by id) is not yet supported',
};

const MAX_INVOICES = 1_000_000;

function wholeNumber(name: string, text: string | undefined, min: number, max: number): number {
  const value = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text ?? '')}`);
  }
  return value;
}

/** Parses the command line; every problem is a UsageError naming the flag (or the policy file and its field). */
export function parseArguments(
  argv: readonly string[],
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): SimulatorArguments {
  const policyArgs: string[] = [];
  let invoices = 10_000;
  let days = 120;
  let seed = 1;
  let json = false;
  let out: string | undefined;
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!match) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}\n${USAGE}`);
    const [, name = '', value] = match;
    if (notYet[name]) throw new UsageError(notYet[name]);
    switch (name) {
      case 'policy':
        if (!value) throw new UsageError('--policy needs a value: default or a policy file (.json)');
        policyArgs.push(value);
        break;
      case 'invoices':
        invoices = wholeNumber(name, value, 1, MAX_INVOICES);
        break;
      case 'days':
        days = wholeNumber(name, value, 1, MAX_REPORT_DAYS);
        break;
      case 'seed':
        seed = wholeNumber(name, value, 0, 4_294_967_295);
        break;
      case 'json':
        if (value !== undefined) throw new UsageError('--json takes no value');
        json = true;
        break;
      case 'out':
        if (!value || !/\.html?$/i.test(value)) throw new UsageError('--out needs a file name ending in .html, like --out=report.html');
        out = value;
        break;
      default:
        throw new UsageError(`unknown option --${name}\n${USAGE}`);
    }
  }
  const labels = policyArgs.length > 0 ? policyArgs : ['default'];
  const duplicate = labels.find((label, index) => labels.indexOf(label) !== index);
  if (duplicate) throw new UsageError(`--policy=${duplicate} is given twice`);
  return { policies: labels.map((label) => loadPolicy(label, readFile)), invoices, days, seed, json, out };
}

/**
 * "default", or a policy file in the body format of PUT /v1/policies/{policyId}, validated by the
 * same schema and checks (policyRequestSchema, toPolicy). Its id is the file's name; as a draft
 * never published it is version 0, so an invoice always carries its copy (never a built-in).
 */
export function loadPolicy(label: string, readFile: (path: string) => string): NamedPolicy {
  if (label === 'default') return { label, policy: defaultPolicy };
  if (!label.endsWith('.json')) {
    throw new UsageError(`--policy=${label}: policies stored in a deployment (by id) are not yet supported; give default or a .json file`);
  }
  let text: string;
  try {
    text = readFile(label);
  } catch (error) {
    throw new UsageError(`${label}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${label}: is not valid JSON (${(error as Error).message})`);
  }
  const parsed = policyRequestSchema.safeParse(body);
  const problems = parsed.success ? undefined : fieldErrors(parsed.error);
  const built = parsed.success ? toPolicy(basename(label, extname(label)), parsed.data) : undefined;
  const errors = problems ?? (built && 'errors' in built ? built.errors : []);
  if (errors.length > 0 || !built || 'errors' in built) {
    throw new UsageError(`${label}: not a valid policy\n${errors.map((error) => `  ${error.path}: ${error.message}`).join('\n')}`);
  }
  return { label, policy: { ...built.policy, version: 0 } };
}
