/**
 * A seeded generator (mulberry32): the same sequence for the same seed, so that a soak run can be replayed with
 * `--seed`, a benchmark asks the same questions every time and the demo shows the same hall. Not for secrets.
 * Runs everywhere (pure).
 */
export type Random = () => number;

/** Numbers in [0, 1), as Math.random gives, from `seed`. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
