import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadPolicies, parseCommandLine, type SimulatorArguments, UsageError } from './arguments.ts';
import { type History, readHistory } from './history.ts';
import { reportHtml } from './html-report.ts';
import { reportJson, reportTable, runSimulation } from './simulation.ts';
import { storedPolicyReader } from './stored-policy.ts';

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

/** `npm run simulate`: the report on stdout, progress on stderr, a usage problem (a policy that cannot be read too) → exit code 2. */
async function main(argv: readonly string[]): Promise<number> {
  let args: SimulatorArguments;
  let history: History | undefined;
  try {
    const commandLine = parseCommandLine(argv);
    args = await loadPolicies(commandLine, {
      readFile: (path) => readFileSync(path, 'utf8'),
      readStored: commandLine.api === undefined ? undefined : storedPolicyReader(commandLine.api),
    });
    if (args.out !== undefined) checkOutFolder(args.out);
    if (args.historyDir !== undefined) {
      history = await readHistory(args.historyDir);
      process.stderr.write(
        `simulate: ${history.invoices.length} invoices of ${args.historyDir}, ${history.days} days from ${history.from}, amounts in ${history.currency}\n`,
      );
      for (const warning of history.warnings) process.stderr.write(`simulate: history: ${warning}\n`);
    }
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
    history,
    historyDays: args.daysGiven ? args.days : undefined,
    onProgress: (policy, done) => {
      const percent = Math.floor(done * 10) * 10;
      if (percent === shown) return;
      shown = percent === 100 ? -1 : percent;
      process.stderr.write(`simulate: ${policy}: ${percent} % of the period\n`);
    },
  });
  for (const entry of report.policies) {
    for (const [type, refused] of Object.entries(entry.notApplied)) {
      process.stderr.write(`simulate: ${entry.policy}: ${refused.length} × ${type} did not apply (first: ${refused[0]})\n`);
    }
  }
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

process.exitCode = await main(process.argv.slice(2));
