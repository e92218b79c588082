import { describe, expect, it } from 'vitest';
import type { Attempt } from '../core/attempt.ts';
import type { Grade } from '../core/grade.ts';
import { emptyUsage } from '../core/usage.ts';
import { MetricsAccumulator, bootstrapCi, passAtK } from './metrics.ts';

describe('passAtK (unbiased estimator)', () => {
  it.each([
    [5, 0, 1, 0],
    [5, 5, 3, 1],
    [10, 3, 1, 0.3],
    [10, 3, 2, 1 - 21 / 45],
    [3, 1, 2, 1 - 1 / 3],
    [4, 1, 4, 1],
    [8, 2, 8, 1],
    [100, 1, 10, 0.1],
  ])('n=%i c=%i k=%i → %f', (n, c, k, want) => {
    expect(passAtK(n, c, k)).toBeCloseTo(want, 12);
  });
  it.each([
    [3, 1, 4],
    [3, 4, 1],
    [3, 1, 0],
  ])('rejects n=%i c=%i k=%i', (n, c, k) => expect(() => passAtK(n, c, k)).toThrow(/passAtK/));
});

describe('bootstrapCi', () => {
  it('is null for no data and a point for constant data', () => {
    expect(bootstrapCi([])).toBeNull();
    expect(bootstrapCi([3, 3, 3])).toEqual({ low: 3, high: 3 });
  });
  it('is seeded, brackets the mean and narrows with more data', () => {
    const xs = Array.from({ length: 40 }, (_, i) => (i * 37) % 8);
    const a = bootstrapCi(xs, { seed: 1 });
    expect(bootstrapCi(xs, { seed: 1 })).toEqual(a);
    expect(bootstrapCi(xs, { seed: 2 })).not.toEqual(a);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(a!.low).toBeLessThan(mean);
    expect(a!.high).toBeGreaterThan(mean);
    const big = bootstrapCi([...xs, ...xs, ...xs, ...xs], { seed: 1 })!;
    expect(big.high - big.low).toBeLessThan(a!.high - a!.low);
    // Standard error of the mean of 40 values with sd ≈ 2.3 is ≈ 0.36: the 95% width is ≈ 1.4.
    expect(a!.high - a!.low).toBeGreaterThan(1);
    expect(a!.high - a!.low).toBeLessThan(1.9);
  });
});

function sample(
  problemId: string,
  i: number,
  score: number | null | 'generation-error',
  tokens = 10,
): [Attempt, Grade | null] {
  const usage = {
    ...emptyUsage(),
    promptTokens: tokens,
    completionTokens: tokens,
    cost: tokens / 1000,
    calls: 1,
  };
  const attempt: Attempt = {
    problemId,
    sampleIndex: i,
    scaffold: 'pure',
    turns: [],
    finalProof: score === 'generation-error' ? '' : 'proof',
    usage,
    cost: usage.cost,
    ...(score === 'generation-error' ? { error: 'HTTP 500' } : {}),
  };
  if (score === 'generation-error') return [attempt, null];
  const grade: Grade = {
    attemptId: `${problemId}#${i}`,
    problemId,
    sampleIndex: i,
    score,
    ...(score === null ? { graderError: 'no <points> tag' } : {}),
    assessment: '',
    errors: [],
    grader: { kind: 'test' },
    usage: { ...emptyUsage(), cost: 0.5 },
  };
  return [attempt, grade];
}

describe('MetricsAccumulator', () => {
  const meta = {
    a: { category: 'Algebra', difficulty: 'easy' },
    b: { category: 'Geometry', difficulty: 'hard' },
  };
  const rows: Array<[string, number | null | 'generation-error']> = [
    ['a', 7],
    ['a', 6],
    ['a', 0],
    ['a', null], // grader failure: counted, not averaged
    ['b', 1],
    ['b', 'generation-error'], // generation failure: counted, not averaged
    ['b', 0],
  ];
  const acc = new MetricsAccumulator({ seed: 3 });
  rows.forEach(([p, s], i) => {
    const [att, grade] = sample(p, i, s);
    acc.add(att, grade, meta[p as 'a' | 'b']);
  });
  const m = acc.result();

  it.each([
    ['problems', m.problems, 2],
    ['samples', m.samples, 7],
    ['graded', m.graded, 5],
    ['graderErrors', m.graderErrors, 1],
    ['generationErrors', m.generationErrors, 1],
    ['mean (per-problem means 13/3 and 1/2)', m.mean, (13 / 3 + 0.5) / 2],
    ['meanFraction', m.meanFraction, (13 / 3 + 0.5) / 2 / 7],
    ['pass@1 (2/3 and 0/2)', m.passAtK['1'], (2 / 3 + 0) / 2],
    ['pass@2 (1 - C(1,2)/C(3,2) = 1, and 0)', m.passAtK['2'], 0.5],
    ['pass@3 (only problem a has 3 graded)', m.passAtK['3'], 1],
    ['points earned', m.pointsEarned, 14],
    ['tokens total', m.tokens.total, 140],
    ['tokens per problem', m.tokens.perProblem, 70],
    ['tokens per point', m.tokens.perPoint, 10],
    ['generation cost', m.cost.generation, 0.07],
    ['grading cost (5 graded + 1 grader error)', m.cost.grading, 3],
    ['cost per point', m.cost.perPoint, 0.005],
    ['Algebra mean', m.byCategory.Algebra.mean, 13 / 3],
    ['Algebra grader errors', m.byCategory.Algebra.graderErrors, 1],
    ['Geometry mean', m.byCategory.Geometry.mean, 0.5],
    ['hard generation errors', m.byDifficulty.hard.generationErrors, 1],
  ])('%s', (_, got, want) => {
    expect(got).toBeCloseTo(want as number, 10);
  });

  it('has a CI around the mean and is null, not 0, when nothing was graded', () => {
    expect(m.ci95!.low).toBeLessThanOrEqual(m.mean!);
    expect(m.ci95!.high).toBeGreaterThanOrEqual(m.mean!);
    const empty = new MetricsAccumulator();
    const [att, grade] = sample('x', 0, null);
    empty.add(att, grade);
    const e = empty.result();
    expect(e.mean).toBeNull();
    expect(e.ci95).toBeNull();
    expect(e.graderErrors).toBe(1);
    expect(e.tokens.perPoint).toBeNull();
  });
});
