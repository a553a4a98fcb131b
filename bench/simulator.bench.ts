import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Figure, figure } from './figures.ts';

/** Goals of issue 11, item 6: 10,000 invoices × 120 days within a minute and a gigabyte on a 2-core machine. */
export const SIMULATOR_GOAL_INVOICES = 10_000;
export const SIMULATOR_GOAL_SECONDS = 60;
export const SIMULATOR_GOAL_RSS_BYTES = 1024 ** 3;
/** Cost grows linearly with invoices × days: time per invoice at the largest size ÷ at the one below it. */
export const LINEARITY_GOAL = 1.5;

export interface SimulatorBenchOptions {
  /** Portfolio sizes, smallest first; each runs once in a fresh process. */
  readonly sizes: readonly number[];
  readonly days: number;
  /** The size run a second time with the same seed, whose stdout must be the same bytes. */
  readonly repeatInvoices: number;
}

export interface SimulatorBenchResult {
  readonly figures: Figure[];
  readonly problems: string[];
}

interface Run {
  readonly seconds: number;
  /** Peak resident set size of the simulator's process, in bytes. */
  readonly maxRssBytes: number;
  readonly stdout: Buffer;
}

const SIMULATOR_MAIN = fileURLToPath(new URL('../simulator/main.ts', import.meta.url));
const RSS_MARKER = 'bench-simulator-max-rss-kb=';
/**
 * Preloaded into the simulator's process: its peak RSS on stderr as it exits. The kernel keeps
 * the high-water mark, so reading it at exit gives the whole run's peak (in KB on Linux).
 */
const REPORT_PEAK_RSS = `process.on('exit', () => process.stderr.write('\\n${RSS_MARKER}' + process.resourceUsage().maxRSS + '\\n'));`;

/** `node simulator/main.ts --invoices=N --days=D --json` in a fresh process: wall time from spawn to exit, peak RSS, stdout. */
function runSimulator(invoices: number, days: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [
        `--import=data:text/javascript,${encodeURIComponent(REPORT_PEAK_RSS)}`,
        SIMULATOR_MAIN,
        `--invoices=${invoices}`,
        `--days=${days}`,
        '--seed=1',
        '--json',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const rssKb = new RegExp(`${RSS_MARKER}(\\d+)`).exec(stderr)?.[1];
      if (code !== 0 || rssKb === undefined) {
        reject(
          new Error(
            `simulator with ${invoices} invoices × ${days} days exited with ${code}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`,
          ),
        );
        return;
      }
      resolve({ seconds, maxRssBytes: Number(rssKb) * 1024, stdout: Buffer.concat(stdout) });
    });
  });
}

const grouped = (value: number) => value.toLocaleString('en-US');
const mb = (bytes: number) => bytes / 1024 ** 2;

/**
 * The policy simulator (`npm run simulate`) end to end, each size in a fresh process as a user
 * runs it: wall time and peak memory per portfolio size, the goal size next to its goals, how
 * the cost per invoice grows with size, and whether the same seed gives the same bytes.
 */
export async function runSimulatorBench(options: SimulatorBenchOptions, log: (line: string) => void): Promise<SimulatorBenchResult> {
  const problems: string[] = [];
  const figures: Figure[] = [];

  // Node's start-up and the module graph, paid once per run whatever the size: left out of the per-invoice figures.
  log('simulator: start-up (1 invoice × 1 day)…');
  const startup = await runSimulator(1, 1);
  figures.push(
    figure('start-up (1 invoice × 1 day): wall time', startup.seconds, `s, ${grouped(Math.round(mb(startup.maxRssBytes)))} MB peak RSS`),
  );

  const runs = new Map<number, Run>();
  for (const invoices of options.sizes) {
    log(`simulator: ${grouped(invoices)} invoices × ${options.days} days…`);
    let run: Run;
    try {
      run = await runSimulator(invoices, options.days);
    } catch (error) {
      problems.push((error as Error).message);
      continue;
    }
    runs.set(invoices, run);
    const label = `${grouped(invoices)} invoices × ${options.days} days`;
    const isGoal = invoices === SIMULATOR_GOAL_INVOICES;
    figures.push(
      figure(`${label}: wall time`, run.seconds, isGoal ? `s (goal ≤ ${SIMULATOR_GOAL_SECONDS} s)` : 's'),
      figure(`${label}: peak RSS`, mb(run.maxRssBytes), isGoal ? `MB (goal ≤ ${grouped(mb(SIMULATOR_GOAL_RSS_BYTES))} MB)` : 'MB'),
      figure(
        `${label}: invoice-days/s`,
        (invoices * options.days) / Math.max(run.seconds - startup.seconds, 1e-3),
        '/s (start-up left out)',
      ),
    );
  }

  const measured = options.sizes.filter((size) => runs.has(size));
  const largest = measured.at(-1);
  const below = measured.at(-2);
  if (largest !== undefined && below !== undefined) {
    const perInvoice = (size: number) => ((runs.get(size)?.seconds ?? Number.NaN) - startup.seconds) / size;
    figures.push(
      figure(
        `linearity: time per invoice, ${grouped(largest)} ÷ ${grouped(below)}`,
        perInvoice(largest) / perInvoice(below),
        `× (goal ≈ 1, ≤ ${LINEARITY_GOAL}; start-up left out)`,
      ),
    );
  }

  const first = runs.get(options.repeatInvoices);
  if (first) {
    log(`simulator: ${grouped(options.repeatInvoices)} invoices again, same seed…`);
    let identical = false;
    try {
      identical = (await runSimulator(options.repeatInvoices, options.days)).stdout.equals(first.stdout);
      if (!identical)
        problems.push(`two simulator runs of ${options.repeatInvoices} invoices with seed 1 did not print the same --json bytes`);
    } catch (error) {
      problems.push((error as Error).message);
    }
    figures.push(
      figure(
        `determinism: ${grouped(options.repeatInvoices)} invoices twice, seed 1, --json`,
        identical ? '✓' : '✗',
        'byte-identical stdout',
      ),
    );
  }
  return { figures, problems };
}
