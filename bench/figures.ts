/** Figures a benchmark prints: percentiles of samples and a plain-text table. No assertions. */

export interface Figure {
  readonly label: string;
  readonly value: string;
  readonly unit?: string;
}

/** Nearest-rank percentile of samples (any order); NaN when there are none. */
export function percentile(samples: ArrayLike<number>, p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** A number with a sensible precision for a table: 3 significant digits, thousands grouped. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3);
}

export function figure(label: string, value: number | string, unit = ''): Figure {
  return { label, value: typeof value === 'number' ? formatNumber(value) : value, unit };
}

/** Prints one section: a title and aligned rows of label, value (right-aligned) and unit. */
export function printTable(title: string, figures: readonly Figure[]): void {
  const labelWidth = Math.max(title.length, ...figures.map((f) => f.label.length));
  const valueWidth = Math.max(...figures.map((f) => f.value.length));
  const lines = [title, '-'.repeat(labelWidth + valueWidth + 12)];
  for (const f of figures) lines.push(`${f.label.padEnd(labelWidth)}  ${f.value.padStart(valueWidth)}  ${f.unit ?? ''}`.trimEnd());
  console.log(`${lines.join('\n')}\n`);
}

/** Milliseconds since `start` (a `performance.now()` reading). */
export function elapsedMs(start: number): number {
  return performance.now() - start;
}
