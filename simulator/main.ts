import { statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArguments, UsageError } from './arguments.ts';
import { reportHtml } from './html-report.ts';
import { reportJson, reportTable, runSimulation } from './simulation.ts';

/** The folder `--out` writes into must exist: checked before the run, so a typo costs no simulation. */
function checkOutFolder(out: string): void {
  const folder = dirname(resolve(out));
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    // Missing or unreadable: said below.
  }
  if (!isFolder) throw new UsageError(`--out=${out}: the folder ${folder} does not exist`);
}

/** `npm run simulate`: the report on stdout, progress on stderr, a usage problem → exit code 2. */
function main(argv: readonly string[]): number {
  let args: ReturnType<typeof parseArguments>;
  try {
    args = parseArguments(argv);
    if (args.out !== undefined) checkOutFolder(args.out);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`simulate: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const started = performance.now();
  let shown = -1;
  const report = runSimulation({
    ...args,
    onProgress: (policy, done) => {
      const percent = Math.floor(done * 10) * 10;
      if (percent === shown) return;
      shown = percent === 100 ? -1 : percent;
      process.stderr.write(`simulate: ${policy}: ${percent} % of ${args.days} days\n`);
    },
  });
  process.stderr.write(`simulate: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  process.stdout.write(args.json ? reportJson(report) : reportTable(report));
  if (args.out !== undefined) {
    try {
      writeFileSync(args.out, reportHtml(report));
    } catch (error) {
      process.stderr.write(`simulate: --out=${args.out}: cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)})\n`);
      return 1;
    }
    process.stderr.write(`simulate: wrote ${args.out}\n`);
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
