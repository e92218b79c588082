// SFT steps on the demo's model shape with batches whose sequence length changes from step to step,
// as packed rows do (forward, cross-entropy, backward, grad clip, AdamW), two ways side by side in one
// run: buffers recycled through the size-class pool (what training uses) and the pool turned off (every
// activation and gradient a fresh array, as when no recycled buffer fits the step's length). Random
// tokens, 2–3 examples packed per row. Prints JSON: ms per step, the garbage collector's full
// mark-compact count and pause per step, and the pool's fresh megabytes per step, for each way.
// Run: node --import tsx bench/sft-step.ts [--steps 40]
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { Rng } from '../src/core/rng.ts';
import { FULL_DEMO } from '../src/train/demo-config.ts';
import { poolStats, setBufferPool } from '../src/tiny/buffer-pool.ts';
import { createGPT } from '../src/tiny/gpt.ts';
import { crossEntropy } from '../src/tiny/ops-nn.ts';
import { AdamW, clipGradNorm } from '../src/tiny/optim.ts';
import { numberArg } from './args.ts';

const steps = numberArg('steps', 40);
const vocab = FULL_DEMO.vocab;
const ctx = FULL_DEMO.model.ctx;
const B = FULL_DEMO.sft.batchSize;
const model = createGPT({ vocab, ...FULL_DEMO.model }, 1);
const params = model.namedParameters();
const opt = new AdamW(params, { lr: 1e-4 });
const rng = new Rng(3);

/** One packed batch: rows of ctx − 0…24 tokens, each 2–3 examples with positions from 0. */
function batch(): { x: Int32Array; y: Int32Array; positions: Int32Array; T: number } {
  const T = ctx - rng.int(0, 24);
  const x = Int32Array.from({ length: B * T }, () => rng.int(0, vocab - 1));
  const y = Int32Array.from({ length: B * T }, () => rng.int(0, vocab - 1));
  const positions = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const cut1 = rng.int(60, 160);
    const cut2 = rng.next() < 0.5 ? T : rng.int(cut1 + 40, T);
    for (let t = 0; t < T; t++) positions[b * T + t] = t < cut1 ? t : t < cut2 ? t - cut1 : t - cut2;
  }
  return { x, y, positions, T };
}

function step(): void {
  const { x, y, positions, T } = batch();
  opt.zeroGrad();
  const logits = model.forward(x, B, T, { positions });
  logits.scratch = true; // as the trainer does
  crossEntropy(logits, y).backward();
  clipGradNorm(params, 1);
  opt.step();
}

let gcCount = 0;
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      gcCount++;
      gcMs += e.duration;
    }
  }
}).observe({ entryTypes: ['gc'] });

async function run(pool: boolean): Promise<Record<string, number>> {
  setBufferPool(pool);
  for (let i = 0; i < 5; i++) step(); // fills the pool for the lengths in use
  await new Promise((r) => setTimeout(r, 0)); // let pending GC entries arrive before counting
  const [c0, m0, s0] = [gcCount, gcMs, poolStats()];
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const ms = (performance.now() - t0) / steps;
  await new Promise((r) => setTimeout(r, 0));
  return {
    ms_per_step: Math.round(ms * 10) / 10,
    full_gcs_per_step: Math.round(((gcCount - c0) / steps) * 100) / 100,
    gc_pause_ms_per_step: Math.round(((gcMs - m0) / steps) * 10) / 10,
    fresh_mb_per_step: Math.round(((poolStats().freshBytes - s0.freshBytes) / steps / 2 ** 20) * 10) / 10,
  };
}

// Alternate the two, twice, so that machine load falls on both alike; keep each way's faster run.
const runs = [await run(true), await run(false), await run(true), await run(false)];
const best = (a: Record<string, number>, b: Record<string, number>) =>
  a.ms_per_step <= b.ms_per_step ? a : b;
const pooled = best(runs[0], runs[2]);
const fresh = best(runs[1], runs[3]);
console.log(
  JSON.stringify({
    batch: B,
    ctx,
    steps,
    pooled,
    fresh_arrays: fresh,
    speedup: Math.round((fresh.ms_per_step / pooled.ms_per_step) * 100) / 100,
  }),
);
