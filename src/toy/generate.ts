// Problem generators (seed + difficulty → spec → Problem with reference proof and rubric) and the
// train / validation / test splits. Splits are drawn from separate seed streams and made disjoint by
// statement; the long split holds chains whose proofs need several turns (see turn-budget.ts).
import type { Problem } from '../core/problem.ts';
import { Rng, deriveSeed } from '../core/rng.ts';
import { rubricFor } from './rubric.ts';
import {
  type Family,
  type Op,
  ROAD_SHIFTS,
  type ToySpec,
  consecutiveProduct,
  hornerText,
  statementOf,
} from './spec.ts';
import { referenceProof } from './teacher.ts';

export const SHORT_CHAIN = { min: 2, max: 8 } as const;
export const LONG_CHAIN = { min: 16, max: 20 } as const;
// Small moduli and operands keep each step one lookup in a small table (mod 5, +1/+2, *2/*3), so a
// tiny model can learn the arithmetic in minutes; the proof structure is unchanged.
const CHAIN_MODS = [5];
const CHAIN_ADD = { min: 1, max: 2 } as const;
const CHAIN_MUL = { min: 2, max: 3 } as const;
const CASE_MODS = { min: 3, max: 5 } as const;
/** Case-analysis polynomials a*n*n + b*n + c: enough distinct statements for three disjoint splits. */
const CASE_COEFFS = { a: { min: 1, max: 3 }, b: { min: 0, max: 4 }, c: { min: 0, max: 4 } } as const;

export type Length = 'short' | 'long';

export interface ToyProblemMeta {
  family: Family;
  length: Length;
  difficulty: number;
  seed: number;
}

function chainSpec(rng: Rng, length: number): ToySpec {
  const m = rng.pick(CHAIN_MODS);
  const ops: Op[] = Array.from({ length }, () =>
    rng.next() < 0.5
      ? { op: '+', k: rng.int(CHAIN_ADD.min, Math.min(CHAIN_ADD.max, m - 1)) }
      : { op: '*', k: rng.int(CHAIN_MUL.min, Math.min(CHAIN_MUL.max, m - 1)) },
  );
  return { family: 'chain', start: rng.int(1, m - 1), ops, mod: m };
}

/** A case-analysis polynomial a*n*n + b*n + c with coefficients in CASE_COEFFS, in Horner's form. */
export function casePoly(rng: Rng): string {
  const { a, b, c } = CASE_COEFFS;
  return hornerText([rng.int(c.min, c.max), rng.int(b.min, b.max), rng.int(a.min, a.max)]);
}

/** Spec for a family at a difficulty: chain = number of steps, cases = modulus, roads = divisor. */
export function generateSpec(family: Family, seed: number, difficulty?: number): ToySpec {
  const rng = new Rng(seed);
  switch (family) {
    case 'chain':
      return chainSpec(rng, difficulty ?? rng.int(SHORT_CHAIN.min, SHORT_CHAIN.max));
    case 'cases':
      return { family, poly: casePoly(rng), mod: difficulty ?? rng.int(CASE_MODS.min, CASE_MODS.max) };
    case 'roads': {
      // Difficulty = divisor: 2 comes from two consecutive factors or three; 3 and 6 need three.
      const divisor = difficulty ?? rng.pick([2, 2, 3, 6]);
      const run = divisor === 2 && rng.next() < 0.5 ? 2 : 3;
      const poly = consecutiveProduct(rng.int(ROAD_SHIFTS.min, ROAD_SHIFTS.max), run);
      return { family, poly: poly.text, divisor };
    }
  }
}

export function difficultyOf(spec: ToySpec): number {
  return spec.family === 'chain' ? spec.ops.length : spec.family === 'cases' ? spec.mod : spec.divisor;
}

export function toProblem(id: string, spec: ToySpec, meta: ToyProblemMeta): Problem {
  return {
    id,
    statement: statementOf(spec),
    referenceSolution: referenceProof(spec),
    rubric: rubricFor(id, spec),
    source: 'olympiad-lite',
    category: spec.family,
    difficulty: String(meta.difficulty),
    meta: { ...meta },
  };
}

/** The family mix of short problems (long problems are all long chains). */
export const SHORT_MIX: ReadonlyArray<readonly [Family, number]> = [
  ['chain', 0.45],
  ['cases', 0.3],
  ['roads', 0.25],
];

/**
 * One problem of a split: short (of `family`, or of a family drawn from SHORT_MIX) or long (a long
 * chain).
 */
export function generateProblem(seed: number, length: Length, id: string, family?: Family): Problem {
  const rng = new Rng(deriveSeed(seed, 'pick'));
  let spec: ToySpec;
  if (length === 'long') spec = generateSpec('chain', seed, rng.int(LONG_CHAIN.min, LONG_CHAIN.max));
  else {
    let u = rng.next();
    const drawn = (SHORT_MIX.find(([, share]) => (u -= share) < 0) ?? SHORT_MIX[SHORT_MIX.length - 1])[0];
    spec = generateSpec(family ?? drawn, seed);
  }
  return toProblem(id, spec, { family: spec.family, length, difficulty: difficultyOf(spec), seed });
}

/** Counts per family for n short problems in SHORT_MIX proportions (largest remainder, ties in mix order). */
export function shortQuotas(n: number): Array<[Family, number]> {
  const exact = SHORT_MIX.map(([f, share]) => [f, n * share] as const);
  const out = exact.map(([f, x]): [Family, number] => [f, Math.floor(x)]);
  let left = n - out.reduce((s, [, k]) => s + k, 0);
  const byRemainder = exact
    .map(([, x], i) => ({ i, r: x - Math.floor(x) }))
    .sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of byRemainder) if (left-- > 0) out[i][1]++;
  return out;
}

export type SplitName = 'train' | 'validation' | 'test';

export interface SplitOptions {
  seed: number;
  train: number;
  validation: number;
  test: number;
  /** Fraction of each split that is long. */
  longFraction?: number;
}

export type Splits = Record<SplitName, Problem[]>;

/**
 * Builds the three splits. Each draws from its own seed stream; held-out splits are built first and
 * train (then validation) skips any statement already used, so no statement appears in two splits.
 * Every split is `longFraction` long. The held-out splits are also stratified by family: their short
 * problems follow SHORT_MIX exactly (in a seeded order), so that a score does not move with how many
 * problems of each family a seed happened to draw. Train draws each family by chance, and its mix
 * drifts from SHORT_MIX where a family runs out of unused statements.
 */
export function buildSplits(opts: SplitOptions): Splits {
  const used = new Set<string>();
  const make = (name: SplitName, count: number): Problem[] => {
    const out: Problem[] = [];
    const nLong = Math.round(count * (opts.longFraction ?? 0.25));
    const families: Array<Family | undefined> =
      name === 'train'
        ? []
        : new Rng(deriveSeed(opts.seed, name, 'families')).shuffle(
            shortQuotas(count - nLong).flatMap(([f, k]) => Array<Family>(k).fill(f)),
          );
    for (let i = 0; out.length < count && i < count * 50; i++) {
      const length: Length = out.length < count - nLong ? 'short' : 'long';
      const family = length === 'short' ? families[out.length] : undefined;
      const p = generateProblem(deriveSeed(opts.seed, name, i), length, `ol-${name}-${out.length}`, family);
      if (used.has(p.statement)) continue;
      used.add(p.statement);
      out.push(p);
    }
    if (out.length < count) throw new Error(`could not draw ${count} distinct ${name} problems`);
    return out;
  };
  const test = make('test', opts.test);
  const validation = make('validation', opts.validation);
  const train = make('train', opts.train);
  return { train, validation, test };
}

export function metaOf(problem: Problem): ToyProblemMeta | undefined {
  const m = problem.meta as Partial<ToyProblemMeta> | undefined;
  return m && typeof m.family === 'string' && typeof m.length === 'string'
    ? (m as ToyProblemMeta)
    : undefined;
}
