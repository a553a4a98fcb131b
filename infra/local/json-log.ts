import { appendFileSync, existsSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';

/**
 * The append-only JSON-lines files the embedded runtime keeps its write-ahead logs in (the
 * DynamoDB stream, the event deliveries): one JSON value a line, appended synchronously, so a
 * line is in the file (the OS's page cache) before the caller is answered and a kill -9 cannot
 * take it back.
 */

/** Appends one line; `file` undefined keeps nothing (an in-memory runtime). */
export function appendJsonLine(file: string | undefined, line: unknown): void {
  if (file) appendFileSync(file, `${JSON.stringify(line)}\n`);
}

/**
 * Every line of the log that parses, in order. A last line without its newline was torn by a
 * crash mid-append (its caller was never answered): it is skipped and cut off the file, so the
 * next append starts a line of its own instead of gluing itself to the torn one.
 */
export function readJsonLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  const bytes = readFileSync(file);
  const end = bytes.lastIndexOf(0x0a) + 1;
  if (end < bytes.length) truncateSync(file, end);
  const lines: T[] = [];
  for (const text of bytes.subarray(0, end).toString('utf8').split('\n')) {
    if (!text) continue;
    try {
      lines.push(JSON.parse(text) as T);
    } catch {
      // Not a whole JSON value: nothing the log ever acknowledged.
    }
  }
  return lines;
}

/** Replaces the log by `lines` at once (written aside, then renamed over it). */
export function rewriteJsonLines(file: string, lines: readonly unknown[]): void {
  writeFileSync(`${file}.next`, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  renameSync(`${file}.next`, file);
}
