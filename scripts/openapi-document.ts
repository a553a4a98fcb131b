import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from 'openapi-typescript';
import { openApiDocument } from '#contracts/openapi.ts';

/**
 * The OpenAPI document GET /v1/openapi.json serves, for the tools that read a file:
 *
 * - `node scripts/openapi-document.ts` prints it;
 * - `npm run lint:openapi` (`--lint`) lints it with Redocly's recommended rules and fails on any error or warning;
 * - `--types` rewrites the TypeScript types openapi-typescript generates from it (OPENAPI_TYPES_FILE), which the typed
 *   client test uses; test/unit/openapi-lint.test.ts fails while the committed file differs from a fresh generation.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
export const OPENAPI_TYPES_FILE = join(root, 'shared/contracts/openapi-types.gen.ts');

/** Redocly on its own: no telemetry, no update check (it runs in tests and CI, offline). */
const quietEnv = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', DO_NOT_TRACK: '1' };

export interface LintProblem {
  readonly ruleId: string;
  readonly severity: 'error' | 'warn';
  readonly message: string;
  readonly pointer: string;
}

export interface LintResult {
  readonly errors: number;
  readonly warnings: number;
  readonly problems: readonly LintProblem[];
}

interface RedoclyReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: 'error' | 'warn'; message: string; location: { pointer: string }[] }[];
}

/** `redocly lint --extends=recommended` on the document, written to a temporary file. */
export function lintOpenApiDocument(): LintResult {
  const folder = mkdtempSync(join(tmpdir(), 'dunwell-openapi-'));
  try {
    const file = join(folder, 'openapi.json');
    writeFileSync(file, JSON.stringify(openApiDocument(), null, 2));
    const cli = fileURLToPath(import.meta.resolve('@redocly/cli/bin/cli.js'));
    const args = [cli, 'lint', '--extends=recommended', '--format=json', '--max-problems=1000', file];
    // Run from the temporary folder, so no redocly.yaml around changes the rules.
    const run = spawnSync(process.execPath, args, { cwd: folder, env: quietEnv, encoding: 'utf8', timeout: 120_000 });
    const json = run.stdout.slice(run.stdout.indexOf('{'));
    if (!json) throw new Error(`redocly lint gave no report (exit ${run.status}):\n${run.stderr}`);
    const report = JSON.parse(json) as RedoclyReport;
    return {
      errors: report.totals.errors,
      warnings: report.totals.warnings,
      problems: report.problems.map((problem) => ({
        ruleId: problem.ruleId,
        severity: problem.severity,
        message: problem.message,
        pointer: problem.location[0]?.pointer ?? '',
      })),
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The types openapi-typescript generates from the document, formatted as the repository formats TypeScript. */
export async function openApiTypes(): Promise<string> {
  // Its types follow OpenAPI 3.0 in places (a license needs a url there; 3.1 takes an SPDX identifier instead).
  const generated = COMMENT_HEADER + astToString(await openapiTS(openApiDocument() as unknown as OpenAPI3));
  const biome = fileURLToPath(import.meta.resolve('@biomejs/biome/bin/biome'));
  const format = spawnSync(process.execPath, [biome, 'format', `--stdin-file-path=${OPENAPI_TYPES_FILE}`], {
    cwd: root,
    input: generated,
    encoding: 'utf8',
  });
  if (format.status !== 0) throw new Error(`biome format failed:\n${format.stderr}`);
  return format.stdout;
}

if (import.meta.main) {
  const mode = process.argv[2];
  if (mode === '--lint') {
    const result = lintOpenApiDocument();
    for (const problem of result.problems) console.log(`${problem.severity}\t${problem.ruleId}\t${problem.pointer}\t${problem.message}`);
    console.log(`OpenAPI document, Redocly recommended: ${result.errors} errors, ${result.warnings} warnings`);
    process.exitCode = result.errors + result.warnings === 0 ? 0 : 1;
  } else if (mode === '--types') {
    writeFileSync(OPENAPI_TYPES_FILE, await openApiTypes());
    console.log(`wrote ${OPENAPI_TYPES_FILE}`);
  } else {
    process.stdout.write(`${JSON.stringify(openApiDocument(), null, 2)}\n`);
  }
}
