import { parseArguments, UsageError } from './arguments.ts';
import { reportJson, reportTable, runSimulation } from './simulation.ts';

/** `npm run simulate`: the report on stdout, progress on stderr, a usage problem → exit code 2. */
function main(argv: readonly string[]): number {
  let args: ReturnType<typeof parseArguments>;
  try {
    args = parseArguments(argv);
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
  return 0;
}

process.exitCode = main(process.argv.slice(2));
