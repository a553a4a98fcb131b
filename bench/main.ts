import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runBundlesBench } from './bundles.bench.ts';
import { runConsoleBench } from './console.bench.ts';
import { runCostBench } from './cost.bench.ts';
import { elapsedMs, printTable } from './figures.ts';
import { runLakeBench } from './lake.bench.ts';
import { runPipelineBench } from './pipeline.bench.ts';
import { runPlannerBench } from './planner.bench.ts';
import { runSimulatorBench } from './simulator.bench.ts';

/**
 * `npm run bench [-- --quick] [-- --invoices=200 …]`: prints figures, asserts no timing. It exits
 * non-zero only when the pipeline did not do the work being measured (see bench/README.md).
 */

const usage = `Usage: npm run bench -- [options]
  --quick               a shorter run (fewer invoices, shorter micro-benchmarks)
  --only=planner|pipeline|lake|cost|bundles|simulator|console
  --invoices=N          invoices ingested by batch (default 200, quick 50)
  --singles=N           invoices ingested one at a time (default 50, quick 20)
  --batch-size=N        items per batch call, at most 500 (default 500)
  --days=N              virtual days to advance (default 60)
  --restart-invoices=N  open invoices in the restarted data folder (default 10000, quick 500; 0 skips it)
  --payment-concurrency=N  payment requests in flight (default 4)
  --planner-ms=N        run time of each micro-benchmark case (default 2000, quick 500)
  --lake-invoices=N     invoices in the generated finance lake (default 100000, quick 10000)
  --simulator-invoices=N  largest simulated portfolio, after 1000 and 10000 (default 100000, quick 10000)
  --console-invoices=N  invoices behind the console pages (default 10000, quick 1000)
  --console-requests=N  timed requests per console page, after one warm-up (default 7)
  --console-data=DIR    keep the console's set-up portfolio in DIR and reuse it on the next run
                        (the set-up of 10,000 invoices takes ~20 min; delete DIR after a code change
                        that alters what the pipeline stores)`;

const flags = {
  quick: { type: 'boolean', default: false },
  only: { type: 'string' },
  invoices: { type: 'string' },
  singles: { type: 'string' },
  'batch-size': { type: 'string' },
  days: { type: 'string' },
  'restart-invoices': { type: 'string' },
  'payment-concurrency': { type: 'string' },
  'planner-ms': { type: 'string' },
  'lake-invoices': { type: 'string' },
  'simulator-invoices': { type: 'string' },
  'console-invoices': { type: 'string' },
  'console-requests': { type: 'string' },
  'console-data': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function parsedArgs() {
  try {
    return parseArgs({ options: flags });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}

const { values } = parsedArgs();

if (values.help) {
  console.log(usage);
  process.exit(0);
}

function count(name: string, raw: string | undefined, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"\n\n${usage}`);
    process.exit(2);
  }
  return value;
}

const quick = values.quick;
const sections = ['planner', 'pipeline', 'lake', 'cost', 'bundles', 'simulator', 'console'] as const;
if (values.only !== undefined && !(sections as readonly string[]).includes(values.only)) {
  console.error(`--only must be one of ${sections.join(', ')}\n\n${usage}`);
  process.exit(2);
}
const options = {
  planner: { durationMs: count('planner-ms', values['planner-ms'], quick ? 500 : 2000, { min: 10 }) },
  pipeline: {
    batchInvoices: count('invoices', values.invoices, quick ? 50 : 200, { min: 1 }),
    singleInvoices: count('singles', values.singles, quick ? 20 : 50, { min: 1 }),
    batchSize: count('batch-size', values['batch-size'], 500, { min: 1, max: 500 }),
    days: count('days', values.days, 60, { min: 1, max: 3650 }),
    restartInvoices: count('restart-invoices', values['restart-invoices'], quick ? 500 : 10_000, { min: 0, max: 100_000 }),
    paymentConcurrency: count('payment-concurrency', values['payment-concurrency'], 4, { min: 1, max: 64 }),
  },
  lake: { invoices: count('lake-invoices', values['lake-invoices'], quick ? 10_000 : 100_000, { min: 1, max: 2_000_000 }) },
  console: {
    invoices: count('console-invoices', values['console-invoices'], quick ? 1_000 : 10_000, { min: 1, max: 200_000 }),
    requests: count('console-requests', values['console-requests'], 7, { min: 1, max: 1_000 }),
    dataDir: values['console-data'],
  },
  simulator: simulatorOptions(
    count('simulator-invoices', values['simulator-invoices'], quick ? 10_000 : 100_000, { min: 1, max: 1_000_000 }),
  ),
};

/** 1,000 and 10,000 invoices (the goal's size) up to the largest, 120 days each; the same-seed repeat at the goal's size in a full run. */
function simulatorOptions(largest: number) {
  const sizes = [...new Set([1_000, 10_000, largest])].filter((size) => size <= largest).sort((a, b) => a - b);
  return { sizes, days: 120, repeatInvoices: quick ? (sizes[0] ?? largest) : Math.min(10_000, largest) };
}
const runs = (section: (typeof sections)[number]) => values.only === undefined || values.only === section;

const log = (line: string) => console.error(`· ${line}`);
const started = performance.now();
const [load1] = loadavg();
console.log(
  [
    'Dunwell benchmark — the embedded local runtime on this machine, not AWS',
    `node ${process.version} · ${availableParallelism()} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'} · load ${(load1 ?? 0).toFixed(2)} at start · ${quick ? 'quick' : 'full'} run`,
    '',
  ].join('\n'),
);

let problems: string[] = [];
if (runs('planner')) {
  log(`planner micro-benchmark, ${options.planner.durationMs} ms per case…`);
  printTable('Domain (in-process)', runPlannerBench(options.planner));
}
if (runs('pipeline')) {
  const result = await runPipelineBench(options.pipeline, log);
  printTable('Pipeline (local runtime over HTTP)', result.figures);
  problems = result.problems;
}
if (runs('lake')) {
  printTable('Finance reports (DuckDB over a generated lake)', await runLakeBench(options.lake, log));
}
if (runs('cost')) {
  const result = await runCostBench(log);
  for (const table of result.tables) printTable(table.title, table.figures);
  problems = [...problems, ...result.problems];
}
if (runs('bundles')) {
  printTable('Function bundles (as the CDK construct builds them)', await runBundlesBench({ runs: quick ? 3 : 7 }, log));
}
if (runs('simulator')) {
  const result = await runSimulatorBench(options.simulator, log);
  printTable('Policy simulator (npm run simulate, a fresh process per run)', result.figures);
  problems = [...problems, ...result.problems];
}
if (runs('console')) {
  const result = await runConsoleBench(options.console, log);
  printTable('Console pages (local runtime over HTTP, signed in as finance)', result.figures);
  problems = [...problems, ...result.problems];
}
console.log(`total ${(elapsedMs(started) / 1000).toFixed(1)} s`);
if (problems.length > 0) {
  console.error(`\nThe pipeline did not do all the work measured, so these figures are not comparable:\n- ${problems.join('\n- ')}`);
  process.exitCode = 1;
}
