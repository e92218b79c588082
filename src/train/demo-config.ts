// Sizes of the end-to-end demo: the full run (≤ 10 min on 2 cores) and `--quick` (≤ 1 min, for tests).
// Both run every stage and every evaluation; quick only shrinks data, model and step counts.
export interface DemoConfig {
  train: number;
  validation: number;
  test: number;
  corpusLines: number;
  vocab: number;
  model: { layers: number; dModel: number; heads: number; ctx: number };
  pretrain: { epochs: number; batchSize: number; lr: number };
  /** pack: false trains one example per row at position 0, exactly as evaluation sees it. */
  sft: { epochs: number; batchSize: number; lr: number; pack: boolean };
  rl: { steps: number; problemsPerStep: number; groupSize: number; lr: number };
  rc: {
    steps: number;
    problemsPerStep: number;
    groupSize: number;
    lr: number;
    cycles: number;
    states: number;
  };
  eval: { samples: number; temperature: number; topP: number; iterations: number };
}

export const FULL_DEMO: DemoConfig = {
  train: 1200,
  validation: 40,
  test: 80,
  corpusLines: 1500,
  vocab: 768,
  model: { layers: 2, dModel: 64, heads: 4, ctx: 320 },
  pretrain: { epochs: 1, batchSize: 8, lr: 3e-3 },
  // lr chosen on the validation split: 3e-3 → 28, 6e-3 → 60 points (SFT model, pure, T 0.3).
  sft: { epochs: 12, batchSize: 16, lr: 6e-3, pack: false },
  rl: { steps: 40, problemsPerStep: 8, groupSize: 8, lr: 3e-4 },
  rc: { steps: 15, problemsPerStep: 4, groupSize: 8, lr: 3e-4, cycles: 3, states: 2 },
  // Temperature chosen on the validation split (SFT model, pure): 0.8 → 21, 0.3 → 28, ~0 → 29 points.
  eval: { samples: 1, temperature: 0.3, topP: 0.95, iterations: 3 },
};

export const QUICK_DEMO: DemoConfig = {
  train: 120,
  validation: 8,
  test: 12,
  corpusLines: 200,
  vocab: 768,
  model: { layers: 1, dModel: 32, heads: 2, ctx: 384 },
  pretrain: { epochs: 1, batchSize: 8, lr: 3e-3 },
  sft: { epochs: 1, batchSize: 16, lr: 3e-3, pack: false },
  rl: { steps: 2, problemsPerStep: 2, groupSize: 4, lr: 3e-4 },
  rc: { steps: 1, problemsPerStep: 2, groupSize: 4, lr: 3e-4, cycles: 2, states: 1 },
  eval: { samples: 1, temperature: 0.8, topP: 0.95, iterations: 3 },
};
