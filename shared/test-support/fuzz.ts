/** Test-only helpers for the seeded fuzz tests of every parser. */

/** Deterministic PRNG (mulberry32): the same seed replays the same cases. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cases per fuzz test: a few hundred in `npm test`, FUZZ_CASES (10,000 in `npm run fuzz`) when set. */
export function fuzzCases(fallback = 300): number {
  return Number(process.env.FUZZ_CASES) || fallback;
}

/**
 * A fuzz test's time bound, from its case count: vitest's 60 s for the few hundred cases of `npm test`,
 * and `msPerCase` per case beyond (about three times the cost measured while `npm run fuzz`'s 10,000
 * cases share a loaded 2-core machine), so the bound still catches a case that hangs.
 */
export function fuzzTimeout(cases: number, msPerCase: number): number {
  return Math.max(60_000, Math.ceil(cases * msPerCase));
}
