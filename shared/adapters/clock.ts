import type { Clock } from '#ports/clock.ts';

export const systemClock: Clock = { now: () => new Date() };

let installed: Clock = systemClock;

/**
 * The clock every function is composed with. It reads the system clock unless the process
 * that hosts the functions installs another one: the embedded runtime installs its virtual
 * clock here before it loads any handler, so handlers themselves never branch on locality.
 */
export const processClock: Clock = { now: () => installed.now() };

export function installClock(clock: Clock): void {
  installed = clock;
}
