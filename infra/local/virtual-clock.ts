import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Clock } from '#ports/clock.ts';

/**
 * The embedded runtime's clock. It only ever moves forward, and is persisted in the data
 * folder so that a restart resumes at the virtual instant it stopped at.
 */
export class VirtualClock implements Clock {
  private current: number;
  private readonly file: string | undefined;

  constructor(start: Date, file?: string) {
    this.file = file;
    const saved = file && existsSync(file) ? Date.parse(JSON.parse(readFileSync(file, 'utf8')).now) : Number.NaN;
    this.current = Number.isNaN(saved) ? start.getTime() : Math.max(saved, start.getTime());
    this.persist();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves to `instant`; a target in the past leaves the clock where it is. */
  set(instant: Date): void {
    if (instant.getTime() <= this.current) return;
    this.current = instant.getTime();
    this.persist();
  }

  private persist(): void {
    if (this.file) writeFileSync(this.file, JSON.stringify({ now: new Date(this.current).toISOString() }));
  }
}
