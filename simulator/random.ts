/**
 * Seeded randomness for the simulator: sfc32 (Chris Doty-Humphrey's Small Fast Counter, 32-bit),
 * seeded through splitmix32 so that nearby seeds give unrelated streams. Every invoice draws from
 * its own streams (`streamFor`), so one invoice's luck is the same under every policy compared:
 * the policies differ by what they do, not by the dice (common random numbers).
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function sfc32(seed: number): Random {
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = 1;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  };
  // The first outputs still carry the seed's structure: discard them.
  for (let i = 0; i < 12; i++) next();
  return { next };
}

/** A stream for one purpose of one entity: the same (seed, entity, purpose) always gives the same draws. */
export function streamFor(seed: number, entity: number, purpose: number): Random {
  const mix = splitmix32((seed ^ Math.imul(entity + 1, 0x27d4eb2d) ^ Math.imul(purpose + 1, 0x165667b1)) >>> 0);
  return sfc32(mix() ^ mix());
}

/** Standard normal (Box–Muller). */
export function normal(random: Random): number {
  const u = 1 - random.next();
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Log-normal with the given median and σ of the underlying normal. */
export function logNormal(random: Random, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(random));
}

/** Exponential with rate 1. */
export function unitExponential(random: Random): number {
  return -Math.log(1 - random.next());
}

/** One of `choices`, by weight. */
export function weighted<T>(random: Random, choices: readonly (readonly [T, number])[]): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let pick = random.next() * total;
  for (const [value, weight] of choices) {
    pick -= weight;
    if (pick < 0) return value;
  }
  const last = choices.at(-1);
  if (!last) throw new Error('weighted: no choices');
  return last[0];
}

/** A whole number in [min, max]. */
export function between(random: Random, min: number, max: number): number {
  return min + Math.floor(random.next() * (max - min + 1));
}
