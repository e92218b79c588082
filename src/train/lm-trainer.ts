// The masked next-token trainer shared by pretraining and SFT: packed rows in a seeded order per epoch,
// AdamW with warm-up + cosine (or constant) lr, grad-norm clipping, periodic eval loss, atomic
// checkpoints (model, tokenizer, optimizer, trainer state) and metrics JSONL. `resume` reloads the last
// checkpoint and continues the same loss curve. A NaN/Inf loss or gradient stops the step with an
// error naming the step and the last good checkpoint, which stays untouched.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Progress } from '../core/progress.ts';
import { Rng, deriveSeed } from '../core/rng.ts';
import { checkpointExists, saveCheckpoint } from '../tiny/checkpoint.ts';
import { scratchScope } from '../tiny/buffer-pool.ts';
import type { GPT, NamedParameter } from '../tiny/gpt.ts';
import { crossEntropy } from '../tiny/ops-nn.ts';
import { AdamW, clipGradNorm, cosineSchedule, nonFiniteParameter } from '../tiny/optim.ts';
import { asScratch, noGrad } from '../tiny/tensor.ts';
import type { Tokenizer } from '../tiny/tokenizer.ts';
import { MetricsLog } from './metrics-log.ts';
import { resumeTraining, saveInterval } from './restore.ts';
import { type Example, type Row, collate, packExamples } from './sequences.ts';

export class TrainingDiverged extends Error {}

/** The end of a TrainingDiverged message: where the last checkpoint written (from finite weights) is. */
export function lastGood(ckptDir: string, lastSaved: number): string {
  return `last good checkpoint: ${lastSaved > 0 || existsSync(ckptDir) ? `${ckptDir} (step ${lastSaved})` : 'none yet'}`;
}

/**
 * Called before saving step `at`: throws TrainingDiverged when an update left NaN or ±Infinity in a
 * parameter, so a checkpoint never holds such weights and the last one written stays the good one.
 */
export function refuseNonFinite(
  params: readonly NamedParameter[],
  label: string,
  at: number,
  ckptDir: string,
  lastSaved: number,
): void {
  const bad = nonFiniteParameter(params);
  if (bad)
    throw new TrainingDiverged(
      `${label} step ${at}: the update left non-finite values in ${bad}; not saved, ${lastGood(ckptDir, lastSaved)}`,
    );
}

export interface LmTrainOptions {
  /** Run directory: `checkpoint/` and `metrics.jsonl` live here. */
  dir: string;
  model: GPT;
  tokenizer: Tokenizer;
  train: readonly Example[];
  eval?: readonly Example[];
  epochs: number;
  batchSize: number;
  lr: number;
  schedule?: 'cosine' | 'constant';
  warmupSteps?: number;
  weightDecay?: number;
  gradClip?: number;
  pack?: boolean;
  evalEvery?: number;
  saveEvery?: number;
  /** Checkpoints spread evenly over the run, when saveEvery is not given (a kill loses at most 1/saves). */
  saves?: number;
  seed: number;
  resume?: boolean;
  /** Stop after this many steps of this call (for tests of kill-and-resume). */
  maxStepsThisRun?: number;
  label?: string;
  quiet?: boolean;
  meta?: Record<string, unknown>;
  /** Called with each step's 0-based index and loss before the optimizer step (tests inject faults here). */
  onLoss?: (step: number, loss: number) => number;
}

export interface LmTrainResult {
  steps: number;
  finalLoss: number;
  evalLoss?: number;
  checkpoint: string;
  metrics: string;
}

interface TrainerState {
  step: number;
  totalSteps: number;
  seed: number;
}

export const CHECKPOINT_DIR = 'checkpoint';

/** Mean loss over rows, in batches, without building a tape; each batch's activations go back to the pool. */
export function evalLoss(model: GPT, rows: readonly Row[], batchSize: number): number {
  let total = 0;
  let count = 0;
  noGrad(() => {
    for (let i = 0; i < rows.length; i += batchSize) {
      const { inputs, targets, positions, B, T } = collate(rows.slice(i, i + batchSize));
      const n = targets.reduce((s, t) => s + (t === -100 ? 0 : 1), 0);
      if (!n) continue;
      total +=
        n * scratchScope(() => crossEntropy(model.forward(inputs, B, T, { positions }), targets).data[0]);
      count += n;
    }
  });
  return count ? total / count : NaN;
}

export async function trainLm(opts: LmTrainOptions): Promise<LmTrainResult> {
  const { model, tokenizer } = opts;
  const ctx = model.config.ctx;
  const rows = packExamples(opts.train, ctx, opts.pack ?? true);
  const evalRows = opts.eval?.length ? packExamples(opts.eval, ctx, false) : [];
  if (!rows.length) throw new Error('no training rows');
  const perEpoch = Math.ceil(rows.length / opts.batchSize);
  const totalSteps = perEpoch * opts.epochs;
  mkdirSync(opts.dir, { recursive: true });
  const ckptDir = join(opts.dir, CHECKPOINT_DIR);
  const metrics = new MetricsLog(join(opts.dir, 'metrics.jsonl'));
  const params = model.namedParameters();
  const opt = new AdamW(params, { lr: opts.lr, weightDecay: opts.weightDecay ?? 0.1 });
  const warmup = opts.warmupSteps ?? Math.min(20, Math.ceil(totalSteps / 10));
  const lrAt =
    opts.schedule === 'constant'
      ? (s: number) => (s < warmup ? (opts.lr * (s + 1)) / warmup : opts.lr)
      : cosineSchedule({ lr: opts.lr, warmupSteps: warmup, totalSteps });

  const every = saveInterval(totalSteps, opts);
  let step = 0;
  if (opts.resume && checkpointExists(ckptDir)) {
    const same = (st: TrainerState) => st.totalSteps === totalSteps && st.seed === opts.seed;
    step = await resumeTraining(ckptDir, params, opt, same, "this run's data and options");
  }
  metrics.truncate(step);
  let lastSaved = step;
  const label = opts.label ?? 'train';
  const save = async (at: number) => {
    refuseNonFinite(params, label, at, ckptDir, lastSaved);
    await saveCheckpoint(ckptDir, {
      model,
      tokenizer,
      optimizer: opt,
      trainerState: { step: at, totalSteps, seed: opts.seed } satisfies TrainerState,
      meta: { ...opts.meta, step: at },
    });
    lastSaved = at;
  };

  const progress = new Progress({ label, total: totalSteps, quiet: opts.quiet });
  progress.set(step);
  let order: Row[] = [];
  let orderEpoch = -1;
  // A resumed run reports the last recorded losses until it takes a step of its own (a finished run
  // takes none).
  const done = metrics.read();
  const recorded = (key: string) => {
    const v = done.findLast((r) => typeof r[key] === 'number')?.[key];
    return typeof v === 'number' ? v : undefined;
  };
  let loss = recorded('loss') ?? NaN;
  let lastEval: number | undefined = recorded('evalLoss');
  const stopAt =
    opts.maxStepsThisRun !== undefined ? Math.min(totalSteps, step + opts.maxStepsThisRun) : totalSteps;
  while (step < stopAt) {
    const epoch = Math.floor(step / perEpoch);
    if (epoch !== orderEpoch) {
      order = new Rng(deriveSeed(opts.seed, 'epoch', epoch)).shuffle([...rows]);
      orderEpoch = epoch;
    }
    const i = (step % perEpoch) * opts.batchSize;
    const { inputs, targets, positions, B, T } = collate(order.slice(i, i + opts.batchSize));
    const started = performance.now();
    opt.zeroGrad();
    // Nothing reads the logits after backward: their buffer goes back to the pool for the next step.
    const logits = asScratch(model.forward(inputs, B, T, { positions }));
    const lossT = crossEntropy(logits, targets);
    loss = opts.onLoss ? opts.onLoss(step, lossT.data[0]) : lossT.data[0];
    const where = lastGood(ckptDir, lastSaved);
    if (!Number.isFinite(loss))
      throw new TrainingDiverged(`${label} step ${step + 1}: loss is ${loss}; step not taken, ${where}`);
    lossT.backward();
    const gradNorm = clipGradNorm(params, opts.gradClip ?? 1);
    if (!Number.isFinite(gradNorm))
      throw new TrainingDiverged(
        `${label} step ${step + 1}: gradient norm is ${gradNorm}; step not taken, ${where}`,
      );
    const lr = lrAt(step);
    opt.step(lr);
    step++;
    const tokens = targets.reduce((s, t) => s + (t === -100 ? 0 : 1), 0);
    const record: Record<string, unknown> = {
      step,
      epoch,
      loss,
      lr,
      gradNorm,
      tokens,
      tokensPerSec: Math.round((B * T) / ((performance.now() - started) / 1000)),
    };
    if (evalRows.length && opts.evalEvery && (step % opts.evalEvery === 0 || step === totalSteps)) {
      lastEval = evalLoss(model, evalRows, opts.batchSize);
      record.evalLoss = lastEval;
    }
    metrics.append({ ...record, step });
    progress.tick(
      1,
      `loss ${loss.toFixed(3)}${lastEval !== undefined ? ` eval ${lastEval.toFixed(3)}` : ''}`,
    );
    if ((every && step % every === 0) || step === totalSteps) await save(step);
  }
  if (step !== lastSaved) await save(step);
  progress.finish();
  return {
    steps: step,
    finalLoss: loss,
    ...(lastEval !== undefined ? { evalLoss: lastEval } : {}),
    checkpoint: ckptDir,
    metrics: metrics.path,
  };
}
