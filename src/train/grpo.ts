// GRPO trainer, PipelineRL style, for the embedded model: each step samples G completions for a set of
// prompts (plain problems, or reasoning-cache states), grades them with any Grader, computes group
// advantages and takes `minibatches` clipped-ratio policy-gradient steps (old log-probs are the
// sampling policy's, as the sampler reported them). Per-step JSONL logs: reward mean/std, score
// histogram, length, clip fraction, entropy, grader failures. Checkpoints are atomic; `resume` continues
// from the last one.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../core/problem.ts';
import { InputError } from '../core/errors.ts';
import { Progress } from '../core/progress.ts';
import { Rng, deriveSeed } from '../core/rng.ts';
import type { Grader } from '../grading/types.ts';
import { checkpointExists, saveCheckpoint } from '../tiny/checkpoint.ts';
import type { GPT } from '../tiny/gpt.ts';
import { completionLogProbs } from '../tiny/logprobs.ts';
import { AdamW, clipGradNorm } from '../tiny/optim.ts';
import type { Tokenizer } from '../tiny/tokenizer.ts';
import { groupAdvantages, grpoLoss } from './grpo-math.ts';
import { TrainingDiverged, lastGood, refuseNonFinite } from './lm-trainer.ts';
import { MetricsLog } from './metrics-log.ts';
import { resumeTraining, saveInterval } from './restore.ts';
import { type PromptGroup, type Rollout, gradeRollouts, sampleGroups } from './rollouts.ts';

/** Reasoning-cache mode: trajectories of `cycles` reason → summarize turns, then refinement groups. */
export interface RcMode {
  cycles: number;
  statesPerTrajectory: number;
  summarize: (input: { problem: Problem; summary: string | null; reasoning: string }) => string;
}

/** See GrpoOptions.dynamicSampling. */
export interface DynamicSampling {
  probe: number;
  maxCandidates: number;
}

/**
 * Why dynamic-sampling settings cannot run with this group size and problems per step, or null.
 * `names` words the message for the caller: the library's option names, or a CLI's flags.
 */
export function dynamicSamplingError(
  ds: DynamicSampling,
  at: { groupSize: number; problemsPerStep: number },
  names = {
    probe: 'probe',
    groupSize: 'groupSize',
    maxCandidates: 'maxCandidates',
    problemsPerStep: 'problemsPerStep',
  },
): string | null {
  if (!Number.isInteger(ds.probe) || ds.probe < 2 || ds.probe > at.groupSize)
    return `${names.probe} must be from 2 to ${names.groupSize} (${at.groupSize}), got ${ds.probe}`;
  if (!Number.isInteger(ds.maxCandidates) || ds.maxCandidates < at.problemsPerStep)
    return `${names.maxCandidates} must be at least ${names.problemsPerStep} (${at.problemsPerStep}), got ${ds.maxCandidates}`;
  return null;
}

export interface GrpoOptions {
  dir: string;
  model: GPT;
  tokenizer: Tokenizer;
  problems: readonly Problem[];
  grader: Grader;
  /** The user prompt for a problem and a summary (null: no summary, i.e. plain RL or the first RC turn). */
  prompt: (problem: Problem, summary: string | null) => string;
  rc?: RcMode;
  /**
   * Dynamic sampling (as in DAPO): a step draws problems until it has as many groups that can teach
   * something as it would train without it (problemsPerStep, times statesPerTrajectory in
   * reasoning-cache mode, where a group is a state's). Each candidate group gets `probe` samples
   * first; one whose probe samples all score the same (no advantage, no gradient, most likely) is set
   * aside, and a kept one gets the other groupSize − probe samples after (probe = groupSize filters
   * whole groups, as DAPO does, at the cost of sampling every candidate in full). At most `maxCandidates`
   * problems are probed per step; a step that finds fewer groups trains on those it found.
   */
  dynamicSampling?: DynamicSampling;
  steps: number;
  problemsPerStep: number;
  groupSize: number;
  maxNewTokens: number;
  temperature?: number;
  lr: number;
  eps?: number;
  entropyCoef?: number;
  gradClip?: number;
  minibatches?: number;
  weightDecay?: number;
  seed: number;
  resume?: boolean;
  saveEvery?: number;
  /** Checkpoints spread evenly over the run, when saveEvery is not given (a kill loses at most 1/saves). */
  saves?: number;
  maxStepsThisRun?: number;
  label?: string;
  quiet?: boolean;
  meta?: Record<string, unknown>;
}

interface RlState {
  step: number;
  steps: number;
  seed: number;
  /** Absent in runs without dynamic sampling (and in checkpoints written before it existed). */
  dynamicSampling?: DynamicSampling;
}

const sameSampling = (a?: DynamicSampling, b?: DynamicSampling) =>
  a?.probe === b?.probe && a?.maxCandidates === b?.maxCandidates;

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Prompts for one step: plain problems, or RC states sampled from fresh trajectories. */
function stepGroups(
  o: GrpoOptions,
  problems: Problem[],
  seed: number,
): { groups: PromptGroup[]; trajectoryScore?: number } {
  if (!o.rc) return { groups: problems.map((p) => ({ problem: p, prompt: o.prompt(p, null) })) };
  const rng = new Rng(deriveSeed(seed, 'states'));
  const states: Array<Array<string | null>> = problems.map(() => [null]);
  for (let c = 0; c < o.rc.cycles; c++) {
    const turn = sampleGroups({
      model: o.model,
      tokenizer: o.tokenizer,
      groups: problems.map((p, i) => ({ problem: p, prompt: o.prompt(p, states[i][c]) })),
      groupSize: 1,
      maxNewTokens: o.maxNewTokens,
      temperature: o.temperature ?? 1,
      seed: deriveSeed(seed, 'cycle', c),
    });
    for (const r of turn) {
      const i = r.group;
      states[i].push(o.rc.summarize({ problem: problems[i], summary: states[i][c], reasoning: r.text }));
    }
    // A prompt that no longer fits the context ends that trajectory.
    states.forEach((s) => {
      if (s.length < c + 2) s.push(s[s.length - 1]);
    });
  }
  const groups: PromptGroup[] = [];
  problems.forEach((p, i) => {
    const picks = rng.sample(
      states[i].map((_, k) => k),
      o.rc!.statesPerTrajectory,
    );
    for (const k of picks) groups.push({ problem: p, prompt: o.prompt(p, states[i][k]), tag: `state-${k}` });
  });
  return { groups };
}

interface StepRollouts {
  groups: PromptGroup[];
  rollouts: Rollout[];
  /** Problems probed (dynamic sampling). */
  candidates: number;
  /**
   * Dynamic sampling: the mean reward of every graded probe sample, kept or not: the policy's reward on
   * problems drawn at random, which the kept groups' mean (chosen for their spread) is not.
   */
  probeReward?: number | null;
}

/** groupSize samples for each group's prompt, graded. */
function sampleAndGrade(
  o: GrpoOptions,
  groups: PromptGroup[],
  groupSize: number,
  temperature: number,
  seed: number,
): Promise<Rollout[]> {
  const sampled = sampleGroups({
    model: o.model,
    tokenizer: o.tokenizer,
    groups,
    groupSize,
    maxNewTokens: o.maxNewTokens,
    temperature,
    seed,
  });
  return gradeRollouts(sampled, o.grader);
}

/** groupSize samples for each of problemsPerStep problems (or RC states), graded. */
async function plainStep(o: GrpoOptions, seed: number, temperature: number): Promise<StepRollouts> {
  const picked = new Rng(seed).sample(o.problems, o.problemsPerStep);
  const { groups } = stepGroups(o, picked, seed);
  const rollouts = await sampleAndGrade(o, groups, o.groupSize, temperature, deriveSeed(seed, 'groups'));
  return { groups, rollouts, candidates: picked.length };
}

/** See GrpoOptions.dynamicSampling. Candidates come in the order plainStep would draw them. */
async function dynamicStep(
  o: GrpoOptions,
  ds: DynamicSampling,
  seed: number,
  temperature: number,
): Promise<StepRollouts> {
  const draw = (groups: PromptGroup[], groupSize: number, at: number | 'rest') =>
    sampleAndGrade(o, groups, groupSize, temperature, deriveSeed(seed, 'groups', at));
  const order = new Rng(seed).sample(o.problems, Math.max(ds.maxCandidates, o.problemsPerStep));
  // Groups per step: one per problem, or in reasoning-cache mode one per sampled state.
  const wanted = o.problemsPerStep * (o.rc ? o.rc.statesPerTrajectory : 1);
  // Probing twice as many problems as are needed per call keeps the sampler's batches full.
  const batch = 2 * o.problemsPerStep;
  const kept: Array<{ group: PromptGroup; probes: Rollout[] }> = [];
  const probeScores: number[] = [];
  let candidates = 0;
  while (kept.length < wanted && candidates < order.length) {
    const picked = order.slice(candidates, candidates + batch);
    const { groups } = stepGroups(o, picked, deriveSeed(seed, 'candidates', candidates));
    const probes = await draw(groups, ds.probe, candidates);
    for (const r of probes) if (r.score !== null) probeScores.push(r.score / 7);
    candidates += picked.length;
    groups.forEach((group, g) => {
      const mine = probes.filter((r) => r.group === g);
      const scores = new Set(mine.map((r) => r.score).filter((x) => x !== null));
      if (scores.size > 1 && kept.length < wanted) kept.push({ group, probes: mine });
    });
  }
  const groups = kept.map((k) => k.group);
  // probe = groupSize probes whole groups (DAPO's filter): nothing is left to draw.
  const rest =
    groups.length && ds.probe < o.groupSize ? await draw(groups, o.groupSize - ds.probe, 'rest') : [];
  const rollouts = kept.flatMap((k, g) => [
    ...k.probes.map((r) => ({ ...r, group: g })),
    ...rest.filter((r) => r.group === g),
  ]);
  const probeReward = probeScores.length ? mean(probeScores) : null;
  return { groups, rollouts, candidates, probeReward };
}

/** Consecutive steps in which every grading failed before a run stops (the grader is down). */
export const GRADER_OUTAGE_STEPS = 3;

export interface GrpoResult {
  steps: number;
  checkpoint: string;
  metrics: string;
  /** Samples graded by this call, and how many of those gradings failed (never counted as 0). */
  gradings: { total: number; failed: number };
}

export async function trainGrpo(o: GrpoOptions): Promise<GrpoResult> {
  const invalid = o.dynamicSampling && dynamicSamplingError(o.dynamicSampling, o);
  if (invalid) throw new InputError(`dynamic sampling: ${invalid}`);
  if (!o.problems.length) throw new InputError('no training problems');
  mkdirSync(o.dir, { recursive: true });
  const ckptDir = join(o.dir, 'checkpoint');
  const metrics = new MetricsLog(join(o.dir, 'metrics.jsonl'));
  const params = o.model.namedParameters();
  const opt = new AdamW(params, { lr: o.lr, weightDecay: o.weightDecay ?? 0.01 });
  const eps = o.eps ?? 0.2;
  const minibatches = o.minibatches ?? 2;
  const temperature = o.temperature ?? 1;
  const every = saveInterval(o.steps, o);
  let step = 0;
  if (o.resume && checkpointExists(ckptDir)) {
    const same = (st: RlState) =>
      st.steps === o.steps && st.seed === o.seed && sameSampling(st.dynamicSampling, o.dynamicSampling);
    step = await resumeTraining(ckptDir, params, opt, same, "this run's options");
  }
  metrics.truncate(step);
  let lastSaved = step;
  const gradings = { total: 0, failed: 0 };
  let outage = 0;
  const label = o.label ?? (o.rc ? 'rc-rl' : 'rl');
  const save = async (at: number) => {
    refuseNonFinite(params, label, at, ckptDir, lastSaved);
    await saveCheckpoint(ckptDir, {
      model: o.model,
      tokenizer: o.tokenizer,
      optimizer: opt,
      trainerState: {
        step: at,
        steps: o.steps,
        seed: o.seed,
        ...(o.dynamicSampling ? { dynamicSampling: o.dynamicSampling } : {}),
      } satisfies RlState,
      meta: { ...o.meta, step: at },
    });
    lastSaved = at;
  };
  const progress = new Progress({
    label,
    total: o.steps,
    quiet: o.quiet,
  });
  progress.set(step);
  const stopAt = o.maxStepsThisRun !== undefined ? Math.min(o.steps, step + o.maxStepsThisRun) : o.steps;
  while (step < stopAt) {
    const started = performance.now();
    const seed = deriveSeed(o.seed, 'rl-step', step);
    const { groups, rollouts, candidates, probeReward } = o.dynamicSampling
      ? await dynamicStep(o, o.dynamicSampling, seed, temperature)
      : await plainStep(o, seed, temperature);
    const sampleMs = performance.now() - started;
    const advantage = new Map<Rollout, number>();
    for (let g = 0; g < groups.length; g++) {
      const members = rollouts.filter((r) => r.group === g);
      const adv = groupAdvantages(members.map((r) => (r.score === null ? null : r.score / 7)));
      members.forEach((r, i) => {
        if (adv[i] !== null && adv[i] !== 0) advantage.set(r, adv[i]!);
      });
    }
    const trainable = [...advantage.keys()].filter((r) => r.completion.length > 0);
    const stats = {
      clip: [] as number[],
      entropy: [] as number[],
      ratio: [] as number[],
      gradNorm: [] as number[],
    };
    if (trainable.length) {
      const seqs = trainable.map((r) => [...r.prompt, ...r.completion]);
      // The policy is the model at the sampling temperature (as the reference's trainer divides its
      // logits by the sampler's T): old log-probs are the sampler's own, new ones are taken at it too.
      const per = Math.ceil(trainable.length / minibatches);
      for (let mb = 0; mb < trainable.length; mb += per) {
        const idx = Array.from({ length: Math.min(per, trainable.length - mb) }, (_, j) => mb + j);
        const lp = completionLogProbs(
          o.model,
          idx.map((i) => seqs[i]),
          idx.map((i) => trainable[i].prompt.length - 1),
          { entropy: true, temperature },
        );
        // Rows are each completion's tokens in order, so the sampler's log-probs line up one to one.
        const size = lp.logprobs.size;
        const mask = new Float32Array(size).fill(1);
        const oldArr = new Float32Array(size);
        const advArr = new Float32Array(size);
        let row = 0;
        for (const i of idx) {
          const r = trainable[i];
          for (let t = 0; t < r.completion.length; t++) oldArr[row + t] = r.logprobs[t];
          advArr.fill(advantage.get(r)!, row, row + r.completion.length);
          row += r.completion.length;
        }
        const { loss, stats: s } = grpoLoss(
          {
            logprobs: lp.logprobs,
            entropy: lp.entropy,
            oldLogprobs: oldArr,
            advantages: advArr,
            mask,
            normalizer: Math.max(1, size),
          },
          { eps, entropyCoef: o.entropyCoef ?? 0 },
        );
        const where = lastGood(ckptDir, lastSaved);
        if (!Number.isFinite(loss.data[0]))
          throw new TrainingDiverged(
            `${label} step ${step + 1}: loss is ${loss.data[0]}; step not taken, ${where}`,
          );
        opt.zeroGrad();
        loss.backward();
        const norm = clipGradNorm(params, o.gradClip ?? 1);
        if (!Number.isFinite(norm))
          throw new TrainingDiverged(
            `${label} step ${step + 1}: gradient norm is ${norm}; step not taken, ${where}`,
          );
        opt.step(o.lr);
        stats.clip.push(s.clipFraction);
        stats.entropy.push(s.entropy);
        stats.ratio.push(s.meanRatio);
        stats.gradNorm.push(norm);
      }
    }
    step++;
    const scores = rollouts.map((r) => r.score).filter((s): s is number => s !== null);
    gradings.total += rollouts.length;
    gradings.failed += rollouts.length - scores.length;
    outage = rollouts.length > 0 && scores.length === 0 ? outage + 1 : 0;
    const rewards = scores.map((s) => s / 7);
    // A step with nothing graded (every grade failed, or dynamic sampling kept nothing) has no reward.
    const rm = rewards.length ? mean(rewards) : null;
    const hist = Array.from({ length: 8 }, (_, k) => scores.filter((s) => Math.round(s) === k).length);
    metrics.append({
      step,
      rewardMean: rm,
      rewardStd: rm === null ? null : Math.sqrt(mean(rewards.map((r) => (r - rm) ** 2))),
      scoreHist: hist,
      samples: rollouts.length,
      ...(o.dynamicSampling ? { candidates, kept: groups.length, probeRewardMean: probeReward } : {}),
      graderFailures: rollouts.length - scores.length,
      trained: trainable.length,
      meanLength: mean(rollouts.map((r) => r.completion.length)),
      truncated: mean(rollouts.map((r) => (r.finishReason === 'length' ? 1 : 0))),
      clipFraction: mean(stats.clip),
      entropy: mean(stats.entropy),
      meanRatio: mean(stats.ratio),
      gradNorm: mean(stats.gradNorm),
      sampleSec: sampleMs / 1000,
      stepSec: (performance.now() - started) / 1000,
    });
    const shown = o.dynamicSampling ? probeReward : rm;
    progress.tick(1, shown == null ? 'nothing graded' : `reward ${shown.toFixed(3)}`);
    if ((every && step % every === 0) || step === o.steps) await save(step);
    if (outage >= GRADER_OUTAGE_STEPS) {
      const error = rollouts.find((r) => r.graderError)?.graderError ?? 'no grade';
      progress.finish();
      throw new Error(
        `${label} step ${step}: every grading failed in the last ${outage} steps (last error: ${error}); ` +
          `stopped, ${lastGood(ckptDir, lastSaved)}`,
      );
    }
  }
  if (step !== lastSaved) await save(step);
  progress.finish();
  return { steps: step, checkpoint: ckptDir, metrics: metrics.path, gradings };
}
