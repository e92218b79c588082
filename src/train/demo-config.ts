// Sizes of the end-to-end demo: the full run (≤ 10 min on 2 cores) and `--quick` (≤ 1 min, for tests).
// Both run every stage and every evaluation; quick only shrinks data, model and step counts.
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.ts';
import { dynamicSamplingError } from './grpo.ts';

export interface DemoConfig {
  train: number;
  validation: number;
  test: number;
  /** Pretraining corpus: lines, and the share of lookup lines (see toy/corpus.ts). */
  corpus: { lines: number; lookup: number };
  vocab: number;
  model: {
    layers: number;
    dModel: number;
    heads: number;
    ctx: number;
    positions: 'learned' | 'rope';
    prevTokens: number;
  };
  pretrain: { epochs: number; batchSize: number; lr: number };
  /**
   * pack: false trains one example per row at position 0, exactly as evaluation sees it. rcFraction:
   * share of training problems that also get reasoning-cache rows (a first turn and a refinement).
   */
  sft: {
    epochs: number;
    batchSize: number;
    lr: number;
    pack: boolean;
    rcFraction: number;
    refinePerProblem: number;
    /** Refinement rows for every long problem (they need the reasoning cache); 0 = like short ones. */
    refinePerLong: number;
  };
  /**
   * temperature: the sampling policy RL optimises (log-probs are taken at it too). probe > 0 turns on
   * dynamic sampling: probe samples per candidate problem, at most maxCandidates candidates per step.
   */
  rl: {
    steps: number;
    problemsPerStep: number;
    groupSize: number;
    lr: number;
    temperature: number;
    probe: number;
    maxCandidates: number;
  };
  rc: {
    steps: number;
    problemsPerStep: number;
    groupSize: number;
    lr: number;
    temperature: number;
    cycles: number;
    states: number;
  };
  eval: { samples: number; temperature: number; topP: number; iterations: number };
}

export const FULL_DEMO: DemoConfig = {
  train: 1200,
  validation: 40,
  test: 80,
  corpus: { lines: 1500, lookup: 0 },
  vocab: 768,
  // Rotary positions and embeddings of the 3 previous tokens: with them the model learns to look up a
  // step's operation by its letter and to copy a summary's values (induction), which learned positions
  // formed on no seed and rotary ones alone on one seed of three (validation, docs/recipe.md). ctx 384:
  // reasoning-cache prompts of up to 227 tokens and a 130-token turn (a cases proof mod 5 computes
  // every case, 21 tokens each).
  model: { layers: 2, dModel: 64, heads: 4, ctx: 384, positions: 'rope', prevTokens: 3 },
  pretrain: { epochs: 1, batchSize: 8, lr: 3e-3 },
  // lr chosen on the validation split: 3e-3 → 28, 6e-3 → 60 points (SFT model, pure, T 0.3).
  // 12 → 18 epochs: 74 → 93 points on validation (SFT model, pure, short problems). With all three
  // families in the training split, reasoning-cache rows for 35% of problems instead of 50% and 20
  // epochs instead of 18: SFT 47.4 → 51.7 (seed 1) and 39.3 → 49.3 (seed 2) points on validation, in
  // fewer steps (see docs/recipe.md). Reasoning-cache rows for 60% of problems and two refinement rows
  // per long problem teach carries of up to 19 values. Packed rows (examples kept apart) of 11 hold
  // about as many examples as 16 unpacked ones, without the 37% padding. 10 epochs: the validation loss
  // falls little after about 10 (0.033 at epoch 10, 0.024 at epoch 18, seed 2), and the time is better
  // spent on RL (see rl below).
  sft: {
    epochs: 10,
    batchSize: 11,
    lr: 6e-3,
    pack: true,
    rcFraction: 0.6,
    refinePerProblem: 1,
    refinePerLong: 2,
  },
  // RL settings chosen on the validation split (pure, all problems, avg@3, points of 100, seeds 1 / 2).
  // SFT 20 epochs → 67.3 / 68.7; then 150 RL steps at T 0.8 (the reference's sampling temperature),
  // lr 1e-4 → 70.1 / 68.6. SFT 10 epochs → 59.3 / 59.5; then the same RL → 71.5 / 69.5 (lr 2e-4: 72.6
  // / 69.2), in less time: RL teaches the two-roads problems the route this model can walk. Groups of 16
  // (the reference's size) of 4 problems instead of 8 × 8: 72.0 / 70.5.
  // Dynamic sampling (4 probe samples, up to 32 candidates a step), chosen on validation from the same
  // SFT checkpoints (seeds 1 / 2, RL seed 1): RL 63.8 / 72.6 against 62.5 / 70.6 without it, for about
  // twice RL's time (115–117 s against about 60 s). Most train problems give groups with no spread
  // (solved short chains, long ones cut at the turn budget), and they taught nothing.
  rl: {
    steps: 150,
    problemsPerStep: 4,
    groupSize: 16,
    lr: 1e-4,
    temperature: 0.8,
    probe: 4,
    maxCandidates: 32,
  },
  // RC-RL steps chosen on the validation split (from each seed's RL model, reasoning-cache scaffold, all
  // problems, seeds 1 / 2): 15 → 73.2 / 84.0, 60 → 76.4 / 86.0, 150 → 80.0 / 83.5; `pure` the same
  // within a point. 60 costs about 20 s more than 15, 150 about 65 s.
  rc: { steps: 60, problemsPerStep: 4, groupSize: 8, lr: 1e-4, temperature: 0.8, cycles: 3, states: 2 },
  // Temperature chosen on the validation split (SFT model, pure): 0.8 → 21, 0.3 → 28, ~0 → 29 points.
  // Three samples per problem (avg@3), as the reference reports.
  eval: { samples: 3, temperature: 0.3, topP: 0.95, iterations: 3 },
};

export const QUICK_DEMO: DemoConfig = {
  train: 120,
  validation: 8,
  test: 12,
  corpus: { lines: 200, lookup: 0 },
  vocab: 768,
  model: { layers: 1, dModel: 32, heads: 2, ctx: 384, positions: 'rope', prevTokens: 3 },
  pretrain: { epochs: 1, batchSize: 8, lr: 3e-3 },
  sft: {
    epochs: 1,
    batchSize: 16,
    lr: 3e-3,
    pack: true,
    rcFraction: 0.5,
    refinePerProblem: 1,
    refinePerLong: 0,
  },
  rl: { steps: 2, problemsPerStep: 2, groupSize: 4, lr: 3e-4, temperature: 1, probe: 2, maxCandidates: 8 },
  rc: { steps: 1, problemsPerStep: 2, groupSize: 4, lr: 3e-4, temperature: 1, cycles: 2, states: 1 },
  eval: { samples: 1, temperature: 0.8, topP: 0.95, iterations: 3 },
};

export type DemoOverrides = {
  [K in keyof DemoConfig]?: DemoConfig[K] extends object ? Partial<DemoConfig[K]> : DemoConfig[K];
};

/**
 * Applies overrides to a config. Every key must exist in the config and keep its type, so a typo in
 * an overrides file is an error naming the key, not a silently ignored setting.
 */
/** The range a setting must lie in, by its name; any other number is a count (an integer ≥ 1). */
function rangeError(key: string, v: unknown): string | null {
  const name = key.split('.').at(-1)!;
  if (name === 'positions') return v === 'learned' || v === 'rope' ? null : 'must be "learned" or "rope"';
  if (typeof v !== 'number') return null;
  if (name === 'lr' || name === 'temperature') return v > 0 ? null : 'must be > 0';
  if (name === 'topP') return v > 0 && v <= 1 ? null : 'must be in (0, 1]';
  if (name === 'rcFraction' || name === 'lookup') return v >= 0 && v <= 1 ? null : 'must be in [0, 1]';
  const min = ['refinePerProblem', 'refinePerLong', 'prevTokens', 'probe'].includes(name)
    ? 0
    : name === 'groupSize'
      ? 2
      : 1;
  return Number.isInteger(v) && v >= min ? null : `must be an integer ≥ ${min}`;
}

export function withOverrides(base: DemoConfig, over: unknown, where = 'overrides'): DemoConfig {
  const merge = (b: Record<string, unknown>, o: unknown, path: string): Record<string, unknown> => {
    if (typeof o !== 'object' || o === null || Array.isArray(o))
      throw new InputError(`${where}: ${path || 'the top level'} must be an object`);
    const out = { ...b };
    for (const [k, v] of Object.entries(o)) {
      const key = path ? `${path}.${k}` : k;
      if (!(k in b)) throw new InputError(`${where}: unknown setting "${key}"`);
      const cur = b[k];
      if (typeof cur === 'object' && cur !== null) out[k] = merge(cur as Record<string, unknown>, v, key);
      else if (typeof v !== typeof cur || (typeof v === 'number' && !Number.isFinite(v)))
        throw new InputError(`${where}: "${key}" must be a ${typeof cur}, got ${JSON.stringify(v)}`);
      else {
        const bad = rangeError(key, v);
        if (bad) throw new InputError(`${where}: "${key}" ${bad}, got ${JSON.stringify(v)}`);
        out[k] = v;
      }
    }
    return out;
  };
  const c = merge(base as unknown as Record<string, unknown>, over, '') as unknown as DemoConfig;
  const { probe, maxCandidates } = c.rl;
  const bad =
    probe > 0 &&
    dynamicSamplingError({ probe, maxCandidates }, c.rl, {
      probe: '"rl.probe"',
      groupSize: '"rl.groupSize"',
      maxCandidates: '"rl.maxCandidates"',
      problemsPerStep: '"rl.problemsPerStep"',
    });
  if (bad) throw new InputError(`${where}: ${bad}`);
  return c;
}

/** Reads a JSON overrides file (checked by withOverrides when the demo starts). */
export function readDemoConfig(path: string): DemoOverrides {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`${path}: ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  withOverrides(FULL_DEMO, parsed, path);
  return parsed as DemoOverrides;
}
