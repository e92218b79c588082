// AdamW (decoupled weight decay, PyTorch semantics), linear warm-up + cosine learning-rate schedule, and
// global gradient-norm clipping. `state()` / `loadState()` capture everything needed for a bit-exact
// resume (step count and both moment buffers per named parameter).
import { kernels } from './backend.ts';
import type { NamedParameter } from './gpt.ts';

export interface AdamWOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** Which parameters get weight decay; default: rank >= 2 (matrices, embeddings), not biases or LayerNorm. */
  decay?: (p: NamedParameter) => boolean;
}

export interface AdamWState {
  step: number;
  /** First and second moments by parameter name (same layout as the parameter). */
  m: Record<string, Float32Array>;
  v: Record<string, Float32Array>;
}

export class AdamW {
  readonly params: NamedParameter[];
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  stepCount = 0;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private readonly decays: boolean[];

  constructor(params: NamedParameter[], opts: AdamWOptions = {}) {
    this.params = params;
    this.lr = opts.lr ?? 3e-4;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.95;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0.1;
    const decay = opts.decay ?? ((p: NamedParameter) => p.tensor.rank >= 2);
    this.m = params.map((p) => new Float32Array(p.tensor.size));
    this.v = params.map((p) => new Float32Array(p.tensor.size));
    this.decays = params.map(decay);
  }

  /** One update using each parameter's accumulated gradient (parameters without one are skipped). */
  step(lr = this.lr): void {
    this.stepCount++;
    const bias1 = 1 - this.beta1 ** this.stepCount;
    const bias2 = 1 - this.beta2 ** this.stepCount;
    const k = kernels();
    this.params.forEach(({ tensor }, i) => {
      if (!tensor.grad) return;
      const wd = this.decays[i] ? this.weightDecay : 0;
      k.adamw(
        tensor.data,
        tensor.grad,
        this.m[i],
        this.v[i],
        lr,
        this.beta1,
        this.beta2,
        this.eps,
        wd,
        bias1,
        bias2,
      );
    });
  }

  zeroGrad(): void {
    for (const p of this.params) p.tensor.zeroGrad();
  }

  /** Copies of the optimizer state (safe to serialise while training continues). */
  state(): AdamWState {
    const m: Record<string, Float32Array> = {};
    const v: Record<string, Float32Array> = {};
    this.params.forEach((p, i) => {
      m[p.name] = this.m[i].slice();
      v[p.name] = this.v[i].slice();
    });
    return { step: this.stepCount, m, v };
  }

  loadState(s: AdamWState): void {
    if (!Number.isInteger(s.step) || s.step < 0) throw new Error(`AdamW.loadState: bad step ${s.step}`);
    this.params.forEach((p, i) => {
      for (const [which, src, dst] of [
        ['m', s.m[p.name], this.m[i]],
        ['v', s.v[p.name], this.v[i]],
      ] as const) {
        if (!src) throw new Error(`AdamW.loadState: missing ${which} for ${p.name}`);
        if (src.length !== dst.length) {
          throw new Error(
            `AdamW.loadState: ${which} for ${p.name} has ${src.length} values, expected ${dst.length}`,
          );
        }
        dst.set(src);
      }
    });
    this.stepCount = s.step;
  }
}

/** Name of the first parameter holding a NaN or ±Infinity, or null when every value is finite. */
export function nonFiniteParameter(params: readonly NamedParameter[]): string | null {
  for (const { name, tensor } of params) {
    const d = tensor.data;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return name;
  }
  return null;
}

export interface ScheduleOptions {
  lr: number;
  warmupSteps: number;
  totalSteps: number;
  /** Floor of the cosine decay (default 0.1·lr). */
  minLr?: number;
}

/** Learning rate for a 0-based step: linear warm-up to lr, then cosine decay to minLr at totalSteps. */
export function cosineSchedule(opts: ScheduleOptions): (step: number) => number {
  const { lr, warmupSteps, totalSteps } = opts;
  const minLr = opts.minLr ?? 0.1 * lr;
  return (step: number) => {
    if (step < warmupSteps) return (lr * (step + 1)) / warmupSteps;
    if (step >= totalSteps) return minLr;
    const t = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
    return minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * t));
  };
}

/** Scale all gradients so their global L2 norm is at most maxNorm; returns the norm before clipping. */
export function clipGradNorm(params: NamedParameter[], maxNorm: number): number {
  let sq = 0;
  for (const { tensor } of params) {
    const g = tensor.grad;
    if (!g) continue;
    for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  }
  const norm = Math.sqrt(sq);
  if (norm > maxNorm && norm > 0) {
    const s = maxNorm / (norm + 1e-6);
    for (const { tensor } of params) {
      const g = tensor.grad;
      if (g) for (let i = 0; i < g.length; i++) g[i] *= s;
    }
  }
  return norm;
}
