// Percentile bootstrap confidence interval of a mean, seeded (used for scores and answer accuracy).
// Input: one value per resampling unit (a problem); output: {low, high} or null for no data.
import { Rng } from '../core/rng.ts';

export interface Interval {
  low: number;
  high: number;
}

/** Percentile bootstrap CI of the mean; deterministic for a seed. Null for an empty list. */
export function bootstrapCi(
  values: readonly number[],
  opts: { seed?: number; iterations?: number; level?: number } = {},
): Interval | null {
  const n = values.length;
  if (n === 0) return null;
  const iterations = opts.iterations ?? 2000;
  const level = opts.level ?? 0.95;
  const rng = new Rng(opts.seed ?? 0);
  const means = new Float64Array(iterations);
  for (let b = 0; b < iterations; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[Math.floor(rng.next() * n)];
    means[b] = sum / n;
  }
  means.sort();
  const q = (p: number) => means[Math.min(iterations - 1, Math.max(0, Math.round(p * (iterations - 1))))];
  return { low: q((1 - level) / 2), high: q(1 - (1 - level) / 2) };
}
