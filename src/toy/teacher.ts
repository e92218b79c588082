// The programmatic teacher (stand-in for DeepSeek-Math-V2): writes proofs in the house style and, with
// controlled probabilities, injects one error — a slip (a wrong value that propagates), a missing case
// or step, an unjustified claim ("clearly …"), or an early stop. Input: a spec and a seeded Rng.
import { Rng } from '../core/rng.ts';
import { render } from './proof-lines.ts';
import {
  type CasesSpec,
  type ChainSpec,
  type RoadsSpec,
  type ToySpec,
  applyOp,
  caseComputation,
  chainValues,
  formatSet,
  mod,
  consecutiveForm,
  polyImage,
  polyResidues,
} from './spec.ts';

export const ERROR_KINDS = ['slip', 'missing', 'unjustified', 'early-stop'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Probability of each error kind per proof; at most one error is injected. */
export type ErrorRates = Record<ErrorKind, number>;

export const DEFAULT_ERROR_RATES: ErrorRates = {
  slip: 0.12,
  missing: 0.08,
  unjustified: 0.08,
  'early-stop': 0.08,
};
export const NO_ERRORS: ErrorRates = { slip: 0, missing: 0, unjustified: 0, 'early-stop': 0 };

export interface TeacherProof {
  proof: string;
  error: ErrorKind | null;
  /** Two-roads route taken. */
  route?: 'cases' | 'factor';
}

export function pickError(rng: Rng, rates: ErrorRates): ErrorKind | null {
  const total = ERROR_KINDS.reduce((s, k) => s + rates[k], 0);
  if (total > 1) throw new Error(`error rates sum to ${total} > 1`);
  let u = rng.next();
  for (const k of ERROR_KINDS) {
    if (u < rates[k]) return k;
    u -= rates[k];
  }
  return null;
}

function wrongValue(rng: Rng, right: number, m: number): number {
  return mod(right + rng.int(1, m - 1), m);
}

/** Chain steps from `from` (exclusive) to the end, opening with the values carried up to `from`. */
function chainLines(spec: ChainSpec, from: number, error: ErrorKind | null, rng: Rng): string[] {
  const L = spec.ops.length;
  const truth = chainValues(spec);
  const lines: string[] = from > 0 ? [render.given(truth.slice(1, from + 1))] : [];
  const at = rng.int(from + 1, L);
  let v = truth[from];
  for (let i = from + 1; i <= L; i++) {
    const { op, k } = spec.ops[i - 1];
    let next = applyOp(v, op, k, spec.mod);
    if (i === at && error === 'slip') {
      next = wrongValue(rng, next, spec.mod);
      lines.push(render.step(i, v, op, k, next));
    } else if (i === at && error === 'unjustified') lines.push(render.stepClaim(i, next));
    else if (!(i === at && error === 'missing')) lines.push(render.step(i, v, op, k, next));
    v = next;
  }
  lines.push(render.conclusion(`The result is ${v}`));
  return lines;
}

/** One line per residue; `computed` writes each case's operations (case analysis), else its value. */
function caseLines(poly: string, m: number, computed: boolean, error: ErrorKind | null, rng: Rng): string[] {
  const at = rng.int(0, m - 1);
  const lines: string[] = [];
  for (let r = 0; r < m; r++) {
    if (r === at && error === 'missing') continue;
    if (r === at && error === 'unjustified') {
      lines.push(render.caseClaim(r));
      continue;
    }
    const slip = r === at && error === 'slip';
    if (computed) {
      const work = caseComputation(poly, r, m);
      if (!work) throw new Error(`a case of ${poly} cannot be computed one operation at a time`);
      if (slip) {
        // One wrong residue, and the rest of the case computed from it.
        const j = rng.int(0, work.ops.length - 1);
        work.ops[j].v = wrongValue(rng, work.ops[j].v, m);
        for (let i = j + 1; i < work.ops.length; i++) {
          const { op, k } = work.ops[i];
          work.ops[i].v = applyOp(work.ops[i - 1].v, op, k, m);
        }
      }
      lines.push(render.caseComputed(r, work.start, work.ops));
    } else {
      const v = polyResidues(poly, m)[r];
      lines.push(render.case(r, slip ? wrongValue(rng, v, m) : v));
    }
  }
  return lines;
}

function casesProof(spec: CasesSpec, error: ErrorKind | null, rng: Rng): string[] {
  return [
    ...caseLines(spec.poly, spec.mod, true, error, rng),
    render.conclusion(`Every case gives ${formatSet(polyImage(spec.poly, spec.mod))}`),
  ];
}

function roadsProof(spec: RoadsSpec, route: 'cases' | 'factor', error: ErrorKind | null, rng: Rng): string[] {
  const conclusion = render.conclusion(`${spec.divisor} divides ${spec.poly}`);
  if (route === 'cases') return [...caseLines(spec.poly, spec.divisor, false, error, rng), conclusion];
  const poly = consecutiveForm(spec.poly);
  if (!poly) throw new Error(`no factorisation for ${spec.poly}`);
  const factor = render.factor(spec.poly, error === 'slip' ? slipFactor(poly.factor) : poly.factor);
  const product =
    error === 'unjustified' ? render.productClaim(spec.divisor) : render.product(poly.run, spec.divisor);
  if (error === 'missing') return [factor, conclusion];
  return [factor, product, conclusion];
}

/**
 * Writes a proof of `spec`. For chains, `from` > 0 writes a continuation that carries the values up to
 * step `from` (the refinement turn of the reasoning cache).
 */
export function teacherProof(spec: ToySpec, rng: Rng, rates: ErrorRates, from = 0): TeacherProof {
  let error = pickError(rng, rates);
  let lines: string[];
  let route: TeacherProof['route'];
  if (spec.family === 'chain') {
    // A continuation from the last step has no step left to corrupt.
    if (from >= spec.ops.length && error !== 'early-stop') error = null;
    lines = chainLines(spec, from, error, rng);
  } else if (spec.family === 'cases') lines = casesProof(spec, error, rng);
  else {
    route = rng.next() < 0.5 ? 'cases' : 'factor';
    lines = roadsProof(spec, route, error, rng);
  }
  if (error === 'early-stop') {
    const keep = rng.int(1, Math.max(1, lines.length - 2));
    lines = lines.slice(0, keep);
  }
  return { proof: lines.join('\n'), error, ...(route ? { route } : {}) };
}

/** The error-free proof (two roads: the factorisation route). */
export function referenceProof(spec: ToySpec): string {
  if (spec.family === 'roads') return roadsProof(spec, 'factor', null, new Rng(0)).join('\n');
  return teacherProof(spec, new Rng(0), NO_ERRORS).proof;
}

/** A plausible wrong factorisation: the last offset moves one further from 0. */
function slipFactor(factor: string): string {
  const i = factor.lastIndexOf('(n');
  return (
    factor.slice(0, i) +
    factor.slice(i).replace(/([+-])(\d+)/, (_, s: string, d: string) => `${s}${Number(d) + 1}`)
  );
}
