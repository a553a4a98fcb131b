/**
 * Files read beside a module at run time reach the function bundles that hold that module, and
 * no others: the holiday calendars (#domain/holidays.ts) and the report queries
 * (#contracts/report-queries.ts). One function is bundled by CDK itself to see the folder land
 * beside index.mjs.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { afterAll, describe, test } from 'vitest';
import { FunctionName } from '#contracts/functions.ts';
import { type BundledFolder, bundledFolders, HOLIDAY_CALENDAR_FILES, REPORT_QUERY_FILES } from '../../infra/constructs/bundled-folders.ts';
import { DunwellFunction, PROJECT_ROOT } from '../../infra/constructs/dunwell-function.ts';

/** Each folder, and the module that reads it from beside itself. */
const readers: [BundledFolder, string][] = [
  [HOLIDAY_CALENDAR_FILES, 'shared/domain/holidays.ts'],
  [REPORT_QUERY_FILES, 'shared/contracts/report-queries.ts'],
];

/** The project modules a function's bundle is made of (relative to the project root). */
async function bundledModules(name: FunctionName): Promise<Set<string>> {
  const result = await build({
    entryPoints: [join(PROJECT_ROOT, 'functions', name, 'handler.ts')],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*'],
    logLevel: 'error',
  });
  return new Set(Object.keys(result.metafile.inputs));
}

describe('folders copied into function bundles', () => {
  test('a function gets a folder exactly when its bundle holds the module that reads it', async () => {
    for (const name of Object.values(FunctionName)) {
      const modules = await bundledModules(name);
      for (const [folder, reader] of readers) {
        assert.equal(bundledFolders[name].includes(folder), modules.has(reader), `${name}: ${folder.from} (read by ${reader})`);
      }
    }
  });

  test('every folder exists in the repository', () => {
    for (const [folder] of readers) assert.ok(readdirSync(join(PROJECT_ROOT, folder.from)).length > 0, folder.from);
  });

  test('CDK bundling puts the holiday calendars beside index.mjs, where #domain/holidays.ts looks for them', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'dunwell-bundle-'));
    afterAll(() => rmSync(outdir, { recursive: true, force: true }));
    const app = new App({ outdir });
    const stack = new Stack(app, 'BundleProbe');
    new DunwellFunction(stack, 'Advance', {
      name: FunctionName.advance,
      namePrefix: 'probe',
      bundledFolders: bundledFolders[FunctionName.advance],
    });
    app.synth();
    const bundles = readdirSync(outdir)
      .map((entry) => join(outdir, entry))
      .filter((path) => existsSync(join(path, 'index.mjs')));
    assert.equal(bundles.length, 1, 'one function bundle');
    const bundle = bundles[0] as string;
    const source = join(PROJECT_ROOT, HOLIDAY_CALENDAR_FILES.from);
    const copied = join(bundle, HOLIDAY_CALENDAR_FILES.to);
    assert.deepEqual(readdirSync(copied).sort(), readdirSync(source).sort());
    for (const file of ['index.json', 'DE.json', 'US.json']) {
      assert.equal(readFileSync(join(copied, file), 'utf8'), readFileSync(join(source, file), 'utf8'), file);
    }
    // The bundle reads them relative to its own URL (import.meta.url is index.mjs's), not the repository's layout.
    const code = readFileSync(join(bundle, 'index.mjs'), 'utf8');
    assert.match(code, /\.\/holidays\/\$\{[^}]+\}\.json/);
    assert.doesNotMatch(code, /shared\/domain\/holidays/);
  });
});
