// GRPO math in the PipelineRL style: group advantages (reward − group mean, no std division; grader
// failures are left out of the group, not scored 0) and the per-token clipped importance-ratio
// objective min(r·A, clip(r, 1−ε, 1+ε)·A) with r = exp(new − old), no KL, optional entropy bonus.
// Scalar versions are the specification (tested table-driven); `grpoLoss` is the tensor version.
import { add, clamp, exp, minimum, mul, sub, sum } from '../tiny/ops-basic.ts';
import { Tensor } from '../tiny/tensor.ts';

/** Advantages for one group; null rewards (failed grading) get a null advantage and do not count in the mean. */
export function groupAdvantages(rewards: ReadonlyArray<number | null>): Array<number | null> {
  const valid = rewards.filter((r): r is number => r !== null);
  if (valid.length === 0) return rewards.map(() => null);
  const mean = valid.reduce((a, b) => a + b, 0) / valid.length;
  return rewards.map((r) => (r === null ? null : r - mean));
}

/** Per-token clipped surrogate objective (to be maximised) and whether the clip was active. */
export function clippedObjective(
  newLogprob: number,
  oldLogprob: number,
  advantage: number,
  eps: number,
): { value: number; ratio: number; clipped: boolean } {
  const ratio = Math.exp(newLogprob - oldLogprob);
  const clippedRatio = Math.min(Math.max(ratio, 1 - eps), 1 + eps);
  const a = ratio * advantage;
  const b = clippedRatio * advantage;
  return { value: Math.min(a, b), ratio, clipped: b < a };
}

export interface GrpoBatch {
  /** [B, T] new log-probs of each next token (differentiable). */
  logprobs: Tensor;
  /** [B, T] entropy of each next-token distribution (differentiable), for the bonus. */
  entropy?: Tensor;
  /** [B·T] old (sampling) log-probs, 0 where not trained. */
  oldLogprobs: Float32Array;
  /** [B·T] advantage of the sequence each token belongs to, 0 where not trained. */
  advantages: Float32Array;
  /** [B·T] 1 on completion tokens that are trained, else 0. */
  mask: Float32Array;
  /** Normaliser: tokens are weighted 1/normalizer and summed (so longer completions weigh more). */
  normalizer: number;
}

export interface GrpoLossOptions {
  eps: number;
  entropyCoef?: number;
}

export interface GrpoStats {
  objective: number;
  clipFraction: number;
  meanRatio: number;
  entropy: number;
  tokens: number;
}

/** Loss = −Σ mask·min(r·A, clip(r)·A)/N − β·Σ mask·H/N, plus statistics. */
export function grpoLoss(b: GrpoBatch, opts: GrpoLossOptions): { loss: Tensor; stats: GrpoStats } {
  const shape = b.logprobs.shape;
  const old = new Tensor(b.oldLogprobs, shape);
  const adv = new Tensor(b.advantages, shape);
  const w = new Float32Array(b.mask.length);
  for (let i = 0; i < w.length; i++) w[i] = -b.mask[i] / b.normalizer;
  const weight = new Tensor(w, shape);
  const ratio = exp(sub(b.logprobs, old)); // [B, T]
  const obj = minimum(mul(ratio, adv), mul(clamp(ratio, 1 - opts.eps, 1 + opts.eps), adv)); // [B, T]
  let loss = sum(mul(obj, weight));
  let tokens = 0;
  let clipped = 0;
  let ratioSum = 0;
  let entSum = 0;
  let objSum = 0;
  for (let i = 0; i < b.mask.length; i++) {
    if (!b.mask[i]) continue;
    tokens++;
    const r = ratio.data[i];
    ratioSum += r;
    objSum += obj.data[i];
    const c = Math.min(Math.max(r, 1 - opts.eps), 1 + opts.eps) * b.advantages[i];
    if (c < r * b.advantages[i]) clipped++;
    if (b.entropy) entSum += b.entropy.data[i];
  }
  if (b.entropy && opts.entropyCoef) {
    const we = new Float32Array(b.mask.length);
    for (let i = 0; i < we.length; i++) we[i] = (-opts.entropyCoef * b.mask[i]) / b.normalizer;
    loss = add(loss, sum(mul(b.entropy, new Tensor(we, shape))));
  }
  const n = Math.max(1, tokens);
  return {
    loss,
    stats: {
      objective: objSum / b.normalizer,
      clipFraction: clipped / n,
      meanRatio: ratioSum / n,
      entropy: entSum / n,
      tokens,
    },
  };
}
