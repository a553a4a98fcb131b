import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { fieldErrors } from '#contracts/field-errors.ts';
import { idSchema } from '#contracts/input-rules.ts';
import { policyRequestSchema, toPolicy } from '#contracts/policy-api.ts';
import { MAX_REPORT_DAYS } from '#domain/finance-reports.ts';
import { defaultPolicy, type Policy } from '#domain/policy.ts';

/** A command-line problem: printed as is, exit code 2. */
export class UsageError extends Error {}

export const USAGE =
  'usage: npm run simulate -- [--policy=default|<policyId>|<file.json>]... [--api=<url>] [--invoices=10000 | --history=<exports dir>] [--days=120] [--seed=1] [--out=<file.html>] [--json]\n' +
  '  a <policyId> is read from the API at --api (bearer token: env DUNWELL_API_TOKEN, or the local token of a loopback --api)';

export interface NamedPolicy {
  /** As given on the command line: "default", the file's path or the stored policy's id. */
  readonly label: string;
  readonly policy: Policy;
}

/** Where a `--policy` comes from, as given: the built-in default, a file (.json) or a policy stored in a deployment (its id). */
export type PolicySource =
  | { readonly kind: 'default'; readonly label: string }
  | { readonly kind: 'file'; readonly label: string }
  | { readonly kind: 'stored'; readonly label: string };

export interface SimulatorArguments {
  readonly policies: readonly NamedPolicy[];
  readonly invoices: number;
  readonly days: number;
  readonly seed: number;
  readonly json: boolean;
  /** Where to write the HTML report, as given; none without --out. */
  readonly out?: string | undefined;
  /** The exports folder whose invoices are replayed (--history); generated invoices without it. */
  readonly historyDir?: string | undefined;
  /** Whether --days was given: with --history, the history's own span is replayed unless it was. */
  readonly daysGiven?: boolean | undefined;
}

/** The command line checked, before any policy is read: what `loadPolicies` resolves. */
export interface CommandLine extends Omit<SimulatorArguments, 'policies'> {
  readonly policies: readonly PolicySource[];
  /** The API's base URL (http or https) that stored policies are read from; none without --api. */
  readonly api?: string | undefined;
}

/** How `loadPolicies` reads a file, and a stored policy (absent without --api). */
export interface PolicyReaders {
  readonly readFile: (path: string) => string;
  readonly readStored?: ((policyId: string) => Promise<NamedPolicy>) | undefined;
}

const MAX_INVOICES = 1_000_000;

function wholeNumber(name: string, text: string | undefined, min: number, max: number): number {
  const value = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text ?? '')}`);
  }
  return value;
}

function apiUrl(text: string | undefined): string {
  const url = text && URL.canParse(text) ? new URL(text) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username || url.password) {
    throw new UsageError(
      `--api must be the http(s) base URL of a Dunwell API, like --api=http://localhost:3000, got ${JSON.stringify(text ?? '')}`,
    );
  }
  return text as string;
}

function policySource(label: string): PolicySource {
  if (label === 'default') return { kind: 'default', label };
  if (label.endsWith('.json')) return { kind: 'file', label };
  if (!idSchema.safeParse(label).success) {
    throw new UsageError(
      `--policy=${label}: not default, a policy file (.json) or a policy id (1-100 letters, digits, ".", "_" or "-", starting with a letter or digit)`,
    );
  }
  return { kind: 'stored', label };
}

/** Checks the command line without reading any policy; every problem is a UsageError naming the flag. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const policyArgs: string[] = [];
  let api: string | undefined;
  let invoices = 10_000;
  let days = 120;
  let seed = 1;
  let json = false;
  let out: string | undefined;
  let historyDir: string | undefined;
  let daysGiven = false;
  let invoicesGiven = false;
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!match) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}\n${USAGE}`);
    const [, name = '', value] = match;
    switch (name) {
      case 'policy':
        if (!value) throw new UsageError('--policy needs a value: default, a stored policy id or a policy file (.json)');
        policyArgs.push(value);
        break;
      case 'api':
        api = apiUrl(value);
        break;
      case 'invoices':
        invoices = wholeNumber(name, value, 1, MAX_INVOICES);
        invoicesGiven = true;
        break;
      case 'days':
        days = wholeNumber(name, value, 1, MAX_REPORT_DAYS);
        daysGiven = true;
        break;
      case 'history':
        if (!value) throw new UsageError('--history needs the exports folder of a Dunwell lake, like --history=.dunwell/exports');
        historyDir = value;
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
  const policies = labels.map(policySource);
  const stored = policies.find((source) => source.kind === 'stored');
  if (stored && api === undefined) {
    throw new UsageError(
      `--policy=${stored.label}: not default nor a .json file, so the id of a policy stored in a deployment; give the API it is read from, like --api=http://localhost:3000`,
    );
  }
  if (historyDir !== undefined && invoicesGiven) {
    throw new UsageError('--invoices and --history do not go together: the history brings its own invoices');
  }
  return { policies, api, invoices, days, seed, json, out, historyDir, daysGiven };
}

/** Reads every policy of the command line, in order: the first that cannot be read is the UsageError. */
export async function loadPolicies(commandLine: CommandLine, readers: PolicyReaders): Promise<SimulatorArguments> {
  const { policies: sources, api: _api, ...rest } = commandLine;
  const policies: NamedPolicy[] = [];
  for (const source of sources) {
    if (source.kind !== 'stored') policies.push(loadPolicy(source.label, readers.readFile));
    else if (readers.readStored) policies.push(await readers.readStored(source.label));
    else throw new UsageError(`--policy=${source.label}: a stored policy needs --api`);
  }
  return { ...rest, policies };
}

/**
 * The command line with its policies read, for callers that read no API (tests): default and
 * policy files only; `main.ts` uses `parseCommandLine` and `loadPolicies`.
 */
export function parseArguments(
  argv: readonly string[],
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): SimulatorArguments {
  const { policies: sources, api: _api, ...rest } = parseCommandLine(argv);
  return { ...rest, policies: sources.map((source) => loadPolicy(source.label, readFile)) };
}

/**
 * "default", or a policy file in the body format of PUT /v1/policies/{policyId}, validated by the
 * same schema and checks (policyRequestSchema, toPolicy). Its id is the file's name; as a draft
 * never published it is version 0, so an invoice always carries its copy (never a built-in).
 */
export function loadPolicy(label: string, readFile: (path: string) => string): NamedPolicy {
  if (label === 'default') return { label, policy: defaultPolicy };
  if (!label.endsWith('.json')) {
    throw new UsageError(`--policy=${label}: a policy stored in a deployment is read through --api (loadPolicies), not as a file`);
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
