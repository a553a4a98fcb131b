import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type BuildOptions, build } from 'esbuild';
import { FunctionName, functionEnvironment } from '#contracts/functions.ts';
import { bundledFolders } from '../infra/constructs/bundled-folders.ts';
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

/** Placeholder values for every catalogue variable (a URL, a rate, else an ARN): handlers read their environment at import. */
const functionEnvironmentValues: Record<string, string> = Object.fromEntries(
  [...new Set(Object.values(FunctionName).flatMap(functionEnvironment))].map((name) => [
    name,
    name.includes('URL') ? 'https://example.com/' : name.includes('RATE') ? '50' : `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
  ]),
);

/**
 * Bundles every catalogue function as the CDK construct does, then prints per function the
 * minified size and the time to import it in a fresh process, as a multiple of a hello-world
 * module's (median of `runs`, each bundle measured right after a hello-world run). Beside it, the
 * function's floor: a module that only imports the @aws-sdk packages its bundle imports (from
 * the runtime, outside the bundle), measured the same way, so what the function's own code
 * costs is the difference.
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
    const overSize: string[] = [];
    const overImport: string[] = [];
    const overFloor: string[] = [];
    for (const name of Object.values(FunctionName)) {
      const outputDir = join(workDir, name);
      const outfile = join(outputDir, 'index.mjs');
      const bundling = functionBundling(bundledFolders[name]);
      const { metafile } = await build({
        ...esbuildOptionsFor(bundling, join(PROJECT_ROOT, 'functions', name, 'handler.ts'), outfile),
        metafile: true,
      });
      const sdkPackages = [
        ...new Set(
          Object.values(metafile.outputs)
            .flatMap((output) => output.imports)
            .filter((imported) => imported.external && imported.path.startsWith('@aws-sdk/'))
            .map((imported) => imported.path),
        ),
      ].sort();
      const floor = join(workDir, `${name}-floor`, 'index.mjs');
      mkdirSync(join(workDir, `${name}-floor`));
      writeFileSync(
        floor,
        `${sdkPackages.map((sdkPackage) => `import '${sdkPackage}';\n`).join('')}export const handler = async () => 'hello';\n`,
      );
      for (const command of bundling.commandHooks?.afterBundling(PROJECT_ROOT, outputDir) ?? []) {
        execFileSync('sh', ['-c', command], { cwd: PROJECT_ROOT });
      }
      const bytes = statSync(outfile).size;
      const ratios: number[] = [];
      const helloMs: number[] = [];
      const bundleMs: number[] = [];
      const floorRatios: number[] = [];
      const floorMs: number[] = [];
      for (let run = 0; run < options.runs; run++) {
        const base = importMs(hello, nodeOptions);
        const ms = importMs(outfile, nodeOptions);
        const floorRun = importMs(floor, nodeOptions);
        helloMs.push(base);
        bundleMs.push(ms);
        ratios.push(ms / base);
        floorMs.push(floorRun);
        floorRatios.push(floorRun / base);
      }
      const ratio = percentile(ratios, 50);
      const floorRatio = percentile(floorRatios, 50);
      const kb = bytes / 1024;
      log(`${name}: ${kb.toFixed(0)} KB, import ${percentile(bundleMs, 50).toFixed(0)} ms vs ${percentile(helloMs, 50).toFixed(0)} ms`);
      if (bytes > BUNDLE_GOAL_BYTES) overSize.push(name);
      if (ratio > IMPORT_GOAL_RATIO) overImport.push(name);
      if (floorRatio > IMPORT_GOAL_RATIO) overFloor.push(name);
      figures.push(
        figure(`${name}: minified`, Math.round(kb), `KB (goal ≤ ${BUNDLE_GOAL_BYTES / 1024})${bytes > BUNDLE_GOAL_BYTES ? '  over' : ''}`),
        figure(
          `${name}: import, × hello-world`,
          Number(ratio.toFixed(2)),
          `(${percentile(bundleMs, 50).toFixed(0)} vs ${percentile(helloMs, 50).toFixed(0)} ms; goal ≤ ${IMPORT_GOAL_RATIO})${ratio > IMPORT_GOAL_RATIO ? '  over' : ''}`,
        ),
        figure(
          `${name}: floor, × hello-world`,
          Number(floorRatio.toFixed(2)),
          `(${percentile(floorMs, 50).toFixed(0)} ms: ${sdkPackages.length ? sdkPackages.map((sdkPackage) => sdkPackage.replace('@aws-sdk/', '')).join(' ') : 'no @aws-sdk package'} alone)`,
        ),
      );
    }
    figures.push(
      figure('functions over the size goal', overSize.length, overSize.join(', ')),
      figure('functions over the import goal', overImport.length, overImport.join(', ')),
      figure('… whose SDK floor alone is over it', overFloor.length, overFloor.join(', ')),
    );
    return figures;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
