/** A small seeded PRNG (mulberry32) so a fuzz failure reproduces from its seed. */
export interface Random {
  readonly seed: number;
  /** [0, 1) */
  next(): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return { seed, next, int, pick: (items) => items[int(0, items.length - 1)]!, chance: (p) => next() < p };
}

/** The seed of a fuzz run: FUZZ_SEED from the environment, or the given default (CI stays deterministic). */
export function fuzzSeed(fallback: number): number {
  const fromEnv = Number(process.env.FUZZ_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : fallback;
}

/** How many fuzz cases to run: FUZZ_ITERATIONS from the environment (capped), or the default. */
export function fuzzIterations(fallback: number, cap = fallback * 100): number {
  const fromEnv = Number(process.env.FUZZ_ITERATIONS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? Math.min(fromEnv, cap) : fallback;
}
