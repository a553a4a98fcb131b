import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type BuildOptions, build } from 'esbuild';
import { FunctionName, functionEnvironment } from '#contracts/functions.ts';
import { functionBundling, PROJECT_ROOT } from '../infra/constructs/dunwell-function.ts';
import { type Figure, figure, percentile } from './figures.ts';

/** Goals of issue 10, item 4. */
export const BUNDLE_GOAL_BYTES = 250 * 1024;
export const IMPORT_GOAL_RATIO = 2;

export interface BundlesBenchOptions {
  /** Fresh processes per module (and as many for the hello-world module before each). */
  readonly runs: number;
}

/**
 * The esbuild options CDK's NodejsFunction derives from a `bundling` object (aws-lambda-nodejs
 * bundling.js, `createBundlingCommand`): the same build the construct runs, through esbuild's
 * API instead of its command line. Only the options the construct sets are mapped; anything else
 * is refused, so a new option cannot silently make the bench measure another bundle.
 */
function esbuildOptionsFor(bundling: BundlingOptions, entry: string, outfile: string): BuildOptions {
  const known = new Set([
    'format',
    'target',
    'mainFields',
    'banner',
    'minify',
    'sourceMap',
    'sourcesContent',
    'bundleAwsSDK',
    'externalModules',
    'commandHooks',
  ]);
  const unknown = Object.keys(bundling).filter((key) => !known.has(key));
  if (unknown.length > 0) throw new Error(`bench/bundles.bench.ts does not map bundling option(s) ${unknown.join(', ')} yet`);
  // bundleAwsSDK true: no externals; otherwise the runtime's SDK (@aws-sdk/*) stays outside.
  const external = bundling.externalModules ?? (bundling.bundleAwsSDK ? [] : ['@aws-sdk/*']);
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: bundling.target,
    format: bundling.format === 'esm' ? 'esm' : 'cjs',
    outfile,
    minify: bundling.minify ?? false,
    sourcemap: bundling.sourceMap ? 'linked' : false,
    sourcesContent: bundling.sourcesContent ?? true,
    external: [...external],
    ...(bundling.banner ? { banner: { js: bundling.banner } } : {}),
    ...(bundling.mainFields ? { mainFields: [...bundling.mainFields] } : {}),
    logLevel: 'error',
  };
}

/** Milliseconds from spawn to exit of `node -e "await import(module)"`, with the Lambda's NODE_OPTIONS. */
function importMs(modulePath: string, nodeOptions: string): number {
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(modulePath).href)});`],
    {
      env: { ...process.env, NODE_OPTIONS: nodeOptions, ...functionEnvironmentValues },
      encoding: 'utf8',
    },
  );
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`importing ${modulePath} failed: ${result.stderr}`);
  return elapsed;
}

/** Placeholder values for every catalogue variable: handlers read their environment at import. */
const functionEnvironmentValues: Record<string, string> = Object.fromEntries(
  [...new Set(Object.values(functionEnvironment).flat())].map((name) => [
    name,
    name.endsWith('URL') || name.includes('URL') ? 'https://example.com/' : `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
  ]),
);

/**
 * Bundles every catalogue function as the CDK construct does, then prints per function the
 * minified size and the time to import it in a fresh process, as a multiple of a hello-world
 * module's (median of `runs`, each bundle measured right after a hello-world run).
 */
export async function runBundlesBench(options: BundlesBenchOptions, log: (line: string) => void): Promise<Figure[]> {
  // Inside the project, so that a bundle's external @aws-sdk/* imports resolve from its
  // node_modules, as they resolve from the runtime's own copy on Lambda.
  const cacheDir = join(PROJECT_ROOT, 'node_modules', '.cache');
  mkdirSync(cacheDir, { recursive: true });
  const workDir = mkdtempSync(join(cacheDir, 'dunwell-bundles-'));
  try {
    const hello = join(workDir, 'hello', 'index.mjs');
    mkdirSync(join(workDir, 'hello'));
    writeFileSync(hello, "export const handler = async () => 'hello';\n");
    const nodeOptions = '--enable-source-maps';
    const figures: Figure[] = [];
    const over: string[] = [];
    for (const name of Object.values(FunctionName)) {
      const outputDir = join(workDir, name);
      const outfile = join(outputDir, 'index.mjs');
      const bundling = functionBundling([]);
      await build(esbuildOptionsFor(bundling, join(PROJECT_ROOT, 'functions', name, 'handler.ts'), outfile));
      for (const command of bundling.commandHooks?.afterBundling(PROJECT_ROOT, outputDir) ?? []) {
        execFileSync('sh', ['-c', command], { cwd: PROJECT_ROOT });
      }
      const bytes = statSync(outfile).size;
      const ratios: number[] = [];
      const helloMs: number[] = [];
      const bundleMs: number[] = [];
      for (let run = 0; run < options.runs; run++) {
        const base = importMs(hello, nodeOptions);
        const ms = importMs(outfile, nodeOptions);
        helloMs.push(base);
        bundleMs.push(ms);
        ratios.push(ms / base);
      }
      const ratio = percentile(ratios, 50);
      const kb = bytes / 1024;
      log(`${name}: ${kb.toFixed(0)} KB, import ${percentile(bundleMs, 50).toFixed(0)} ms vs ${percentile(helloMs, 50).toFixed(0)} ms`);
      if (bytes > BUNDLE_GOAL_BYTES || ratio > IMPORT_GOAL_RATIO) over.push(name);
      figures.push(
        figure(`${name}: minified`, Math.round(kb), `KB (goal ≤ ${BUNDLE_GOAL_BYTES / 1024})${bytes > BUNDLE_GOAL_BYTES ? '  over' : ''}`),
        figure(
          `${name}: import, × hello-world`,
          Number(ratio.toFixed(2)),
          `(${percentile(bundleMs, 50).toFixed(0)} vs ${percentile(helloMs, 50).toFixed(0)} ms; goal ≤ ${IMPORT_GOAL_RATIO})${ratio > IMPORT_GOAL_RATIO ? '  over' : ''}`,
        ),
      );
    }
    figures.push(figure('functions over a goal', over.length, over.join(', ')));
    return figures;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
