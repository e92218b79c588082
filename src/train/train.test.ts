import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Attempt } from '../core/attempt.ts';
import type { Problem } from '../core/problem.ts';
import { emptyUsage } from '../core/usage.ts';
import type { Grader } from '../grading/types.ts';
import { loadCheckpoint } from '../tiny/checkpoint.ts';
import { createGPT } from '../tiny/gpt.ts';
import { trainBpe } from '../tiny/tokenizer-train.ts';
import { buildSplits, solvePrompt } from '../toy/index.ts';
import { runDemo } from './demo.ts';
import { GRADER_OUTAGE_STEPS, trainGrpo } from './grpo.ts';
import { TrainingDiverged, evalLoss, trainLm } from './lm-trainer.ts';
import { MetricsLog } from './metrics-log.ts';
import { saveInterval } from './restore.ts';
import { collate, encodeExample, packExamples } from './sequences.ts';

const root = mkdtempSync(join(tmpdir(), 'qed-train-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const pairs = Array.from({ length: 24 }, (_, i) => ({
  prompt: `add ${i % 5} and 1`,
  proof: `${i % 5}+1 = ${(i % 5) + 1}.`,
}));
const tokenizer = trainBpe(
  pairs.map((p) => `${p.prompt}\n${p.proof}`),
  { vocabSize: 300 },
);
const ctx = 64;
const examples = pairs.map((p) => encodeExample(tokenizer, p.prompt, p.proof, ctx)!);
const tiny = () => createGPT({ vocab: tokenizer.vocabSize, ctx, layers: 1, dModel: 16, heads: 2 }, 3);
const base = {
  tokenizer,
  train: examples,
  epochs: 3,
  batchSize: 4,
  lr: 1e-2,
  seed: 5,
  quiet: true,
  saveEvery: 2,
};

describe('masked LM trainer', () => {
  it('masks the prompt and packs whole examples', () => {
    const e = examples[0];
    const [row] = packExamples([e], ctx);
    const trained = row.targets.filter((t) => t !== -100).length;
    expect(trained).toBe(e.ids.length - e.promptLen);
    const packed = packExamples(examples, ctx);
    expect(packed.length).toBeLessThan(examples.length);
    expect(packed.every((r) => r.ids.length <= ctx)).toBe(true);
  });

  it('packing changes no example: positions restart per example and the loss is the unpacked one', () => {
    const packed = packExamples(examples, ctx);
    const multi = packed.find((r) => r.positions.filter((p) => p === 0).length > 1)!;
    expect(multi).toBeDefined();
    const starts = multi.positions.flatMap((p, i) => (p === 0 ? [i] : []));
    multi.positions.forEach((p, i) => expect(p).toBe(i - starts.filter((s) => s <= i).at(-1)!));
    const { positions, T } = collate([multi, { ids: [1], targets: [-100], positions: [0] }]);
    expect(Array.from(positions.slice(T, T + 3))).toEqual([0, 1, 2]); // padding continues the row
    const model = tiny();
    const one = evalLoss(model, packExamples(examples, ctx, false), 4);
    expect(evalLoss(model, packed, 4)).toBeCloseTo(one, 5);
  });

  it('lowers the loss, and a killed run resumes to the same curve', async () => {
    const straight = await trainLm({ ...base, dir: join(root, 'a'), model: tiny() });
    const curveA = new MetricsLog(straight.metrics).read().map((r) => r.loss);
    expect(curveA[curveA.length - 1] as number).toBeLessThan(curveA[0] as number);
    // First run stops after 3 steps (the last checkpoint is at step 2), the second resumes from it.
    await trainLm({ ...base, dir: join(root, 'b'), model: tiny(), maxStepsThisRun: 3 });
    const resumed = await trainLm({ ...base, dir: join(root, 'b'), model: tiny(), resume: true });
    const curveB = new MetricsLog(resumed.metrics).read();
    expect(curveB.map((r) => r.step)).toEqual(curveA.map((_, i) => i + 1));
    curveB.forEach((r, i) => expect(r.loss as number).toBeCloseTo(curveA[i] as number, 5));

    // Killed between a save's two renames, only checkpoint.prev is left: the resume starts from it.
    await trainLm({ ...base, dir: join(root, 'c'), model: tiny(), maxStepsThisRun: 3 });
    renameSync(join(root, 'c', 'checkpoint'), join(root, 'c', 'checkpoint.prev'));
    const ran: number[] = [];
    const onLoss = (step: number, loss: number) => (ran.push(step), loss);
    const fromPrev = await trainLm({ ...base, dir: join(root, 'c'), model: tiny(), resume: true, onLoss });
    expect(ran[0]).toBe(3); // the 3 steps saved in checkpoint.prev are not run again
    const curveC = new MetricsLog(fromPrev.metrics).read();
    expect(curveC.map((r) => r.step)).toEqual(curveA.map((_, i) => i + 1));
    curveC.forEach((r, i) => expect(r.loss as number).toBeCloseTo(curveA[i] as number, 5));
  });

  it('stops on a NaN loss and keeps the last good checkpoint', async () => {
    const dir = join(root, 'nan');
    // onLoss sees the 0-based step index; messages number steps as metrics.jsonl does (the 4th update).
    const run = trainLm({ ...base, dir, model: tiny(), onLoss: (step, loss) => (step === 3 ? NaN : loss) });
    await expect(run).rejects.toThrow(TrainingDiverged);
    await expect(run).rejects.toThrow(
      /train step 4: loss is NaN; step not taken, last good checkpoint: .* \(step 2\)/,
    );
    const ck = await loadCheckpoint(join(dir, 'checkpoint'));
    expect((ck.trainerState as { step: number }).step).toBe(2);
  });

  it('never saves weights an update made non-finite: the checkpoint before them stays', async () => {
    const dir = join(root, 'nan-weights');
    const model = tiny();
    // A NaN weight after step 3's forward pass: the loss is finite, the update spreads the NaN, and the
    // checkpoint due at step 4 would hold it.
    const poison = (step: number, loss: number) => {
      if (step === 3) model.namedParameters()[1].tensor.data[0] = NaN;
      return loss;
    };
    const run = trainLm({ ...base, dir, model, onLoss: poison });
    await expect(run).rejects.toThrow(
      new RegExp(
        `step 4: the update left non-finite values in ${model.namedParameters()[1].name}; not saved, last good checkpoint: .* \\(step 2\\)`,
      ),
    );
    const ck = await loadCheckpoint(join(dir, 'checkpoint'));
    expect((ck.trainerState as { step: number }).step).toBe(2);
  });
});

/** A grader that scores each attempt with `score`; null is a failed grading ("judge timed out"). */
function scoringGrader(score: (problem: Problem, attempt: Attempt) => number | null): Grader {
  return {
    info: { kind: 'programmatic' },
    grade: async ({ problem, attempt }) => {
      const value = score(problem, attempt);
      return {
        attemptId: 'x',
        problemId: problem.id,
        sampleIndex: attempt.sampleIndex,
        score: value,
        ...(value === null ? { graderError: 'judge timed out' } : {}),
        assessment: '',
        errors: [],
        grader: { kind: 'programmatic' },
        usage: emptyUsage(),
      };
    },
  };
}

describe('GRPO trainer', () => {
  it('leaves grader failures out of the groups and logs them', async () => {
    const problems = buildSplits({ seed: 1, train: 4, validation: 1, test: 1 }).train;
    const failing = scoringGrader((_, a) => (a.sampleIndex % 2 ? null : a.sampleIndex % 4 === 0 ? 7 : 0));
    const tok = trainBpe(
      problems.map((p) => solvePrompt(p)),
      { vocabSize: 400 },
    );
    const model = createGPT({ vocab: tok.vocabSize, ctx: 320, layers: 1, dModel: 16, heads: 2 }, 1);
    const r = await trainGrpo({
      dir: join(root, 'rl'),
      model,
      tokenizer: tok,
      problems,
      grader: failing,
      prompt: (p) => solvePrompt(p),
      steps: 1,
      problemsPerStep: 2,
      groupSize: 4,
      maxNewTokens: 8,
      lr: 1e-3,
      minibatches: 1,
      temperature: 0.7,
      seed: 1,
      quiet: true,
    });
    const [rec] = new MetricsLog(r.metrics).read();
    expect(rec.samples).toBe(8);
    expect(rec.graderFailures).toBe(4);
    expect(rec.trained).toBeGreaterThan(0);
    expect(rec.trained).toBeLessThanOrEqual(4);
    // One minibatch, before any update: the trainer's log-probs at T are the sampler's (ratio 1).
    expect(rec.meanRatio).toBeCloseTo(1, 4);
    expect(rec.clipFraction).toBe(0);
    expect(r.gradings).toEqual({ total: 8, failed: 4 });
  });

  it(`stops when every grading failed for ${GRADER_OUTAGE_STEPS} steps in a row, naming the grader's error`, async () => {
    const problems = buildSplits({ seed: 1, train: 4, validation: 1, test: 1 }).train;
    const tok = trainBpe(
      problems.map((p) => solvePrompt(p)),
      { vocabSize: 400 },
    );
    const model = createGPT({ vocab: tok.vocabSize, ctx: 320, layers: 1, dModel: 16, heads: 2 }, 1);
    const dir = join(root, 'rl-outage');
    const opts = {
      dir,
      model,
      tokenizer: tok,
      problems,
      grader: scoringGrader(() => null),
      prompt: (p: Problem) => solvePrompt(p),
      steps: 10,
      problemsPerStep: 1,
      groupSize: 2,
      maxNewTokens: 4,
      lr: 1e-3,
      seed: 1,
      quiet: true,
    };
    await expect(trainGrpo(opts)).rejects.toThrow(
      `rl step ${GRADER_OUTAGE_STEPS}: every grading failed in the last ${GRADER_OUTAGE_STEPS} steps (last error: judge timed out)`,
    );
    expect(new MetricsLog(join(dir, 'metrics.jsonl')).read()).toHaveLength(GRADER_OUTAGE_STEPS);
    await expect(trainGrpo({ ...opts, problems: [] })).rejects.toThrow('no training problems');
  });

  it('never saves weights an update made non-finite', async () => {
    const problems = buildSplits({ seed: 1, train: 4, validation: 1, test: 1 }).train;
    const tok = trainBpe(
      problems.map((p) => solvePrompt(p)),
      { vocabSize: 400 },
    );
    const dir = join(root, 'rl-inf');
    const run = trainGrpo({
      dir,
      model: createGPT({ vocab: tok.vocabSize, ctx: 320, layers: 1, dModel: 16, heads: 2 }, 1),
      tokenizer: tok,
      problems,
      grader: scoringGrader((_, a) => (a.sampleIndex % 2 ? 7 : 0)),
      prompt: (p) => solvePrompt(p),
      steps: 2,
      problemsPerStep: 2,
      groupSize: 4,
      maxNewTokens: 8,
      lr: Infinity, // every weight the update touches becomes ±Infinity or NaN
      minibatches: 1,
      temperature: 0.7,
      seed: 1,
      quiet: true,
      saveEvery: 1,
    });
    await expect(run).rejects.toThrow(TrainingDiverged);
    await expect(run).rejects.toThrow(
      /rl step 1: the update left non-finite values in \S+; not saved, last good checkpoint: none yet/,
    );
    expect(existsSync(join(dir, 'checkpoint'))).toBe(false);
  });
});

describe('GRPO dynamic sampling', () => {
  const problems = buildSplits({ seed: 3, train: 12, validation: 1, test: 1 }).train;
  const tok = trainBpe(
    problems.map((p) => solvePrompt(p)),
    { vocabSize: 400 },
  );
  // Half the problems always score 5 (no gradient); the others score by sample: a spread in any probe.
  const flat = new Set(problems.filter((_, i) => i % 2 === 0).map((p) => p.id));
  const graded: string[] = [];
  const grader = scoringGrader((problem, attempt) => {
    graded.push(problem.id);
    return flat.has(problem.id) ? 5 : attempt.sampleIndex % 2 ? 7 : 0;
  });
  const run = (
    dir: string,
    dynamicSampling?: { probe: number; maxCandidates: number },
    rc = false,
    pool = problems,
  ) =>
    trainGrpo({
      dir: join(root, dir),
      model: createGPT({ vocab: tok.vocabSize, ctx: 320, layers: 1, dModel: 16, heads: 2 }, 1),
      tokenizer: tok,
      problems: pool,
      grader,
      prompt: (p) => solvePrompt(p),
      ...(dynamicSampling ? { dynamicSampling } : {}),
      ...(rc ? { rc: { cycles: 1, statesPerTrajectory: 1, summarize: () => 'Known: A 1.' } } : {}),
      steps: 3,
      problemsPerStep: 3,
      groupSize: 6,
      maxNewTokens: 4,
      lr: 1e-3,
      seed: 2,
      quiet: true,
    });

  it('trains only problems whose probe samples differ, each with a full group', async () => {
    graded.length = 0;
    const r = await run('ds', { probe: 2, maxCandidates: 12 });
    const recs = new MetricsLog(r.metrics).read();
    for (const rec of recs) {
      expect(rec.kept).toBe(3);
      expect(rec.samples).toBe(18); // 3 kept groups of 6: their 2 probe samples and 4 more
      expect(rec.trained).toBe(18); // no group without spread reached training
      expect(rec.candidates).toBeGreaterThanOrEqual(6);
      expect(rec.rewardMean).toBeCloseTo(0.5, 6); // only the 0 / 7 problems were kept
      // The probes' mean covers every candidate: between the kept ones' 0.5 and the flat ones' 5/7.
      expect(rec.probeRewardMean).toBeGreaterThanOrEqual(0.5 - 1e-9);
      expect(rec.probeRewardMean).toBeLessThanOrEqual(5 / 7 + 1e-9);
    }
    expect(recs.some((rec) => (rec.probeRewardMean as number) > 0.5 + 1e-9)).toBe(true);
    // Problems without spread were probed (and set aside), not just never drawn.
    expect(graded.filter((id) => flat.has(id)).length).toBeGreaterThan(0);
  });

  it('with probe = groupSize, filters whole groups (DAPO) and draws nothing more', async () => {
    graded.length = 0;
    const recs = new MetricsLog((await run('ds-whole', { probe: 6, maxCandidates: 12 })).metrics).read();
    for (const rec of recs) {
      expect(rec).toMatchObject({ kept: 3, samples: 18, trained: 18 });
      expect(rec.rewardMean).toBeCloseTo(0.5, 6);
    }
    // Every grading was a probe: 6 per candidate, none drawn after.
    expect(graded.length).toBe(6 * recs.reduce((n, rec) => n + (rec.candidates as number), 0));
  });

  it('keeps reasoning-cache state groups the same way', async () => {
    const recs = new MetricsLog((await run('ds-rc', { probe: 2, maxCandidates: 12 }, true)).metrics).read();
    for (const rec of recs) {
      expect(rec).toMatchObject({ kept: 3, samples: 18, trained: 18 });
      expect(rec.rewardMean).toBeCloseTo(0.5, 6);
    }
  });

  it('logs a step that found nothing to train as such, with no reward rather than 0', async () => {
    const none = problems.filter((p) => flat.has(p.id));
    const recs = new MetricsLog(
      (await run('ds-none', { probe: 2, maxCandidates: 4 }, false, none)).metrics,
    ).read();
    expect(recs).toHaveLength(3);
    for (const rec of recs) {
      expect(rec).toMatchObject({ candidates: 4, kept: 0, samples: 0, trained: 0, rewardMean: null });
      expect(rec.probeRewardMean).toBeCloseTo(5 / 7, 9);
    }
  });

  it('without it, the same steps also sample the problems that cannot teach', async () => {
    const recs = new MetricsLog((await run('plain')).metrics).read();
    expect(recs.some((rec) => (rec.trained as number) < (rec.samples as number))).toBe(true);
    expect(recs[0].candidates).toBeUndefined();
  });

  it('refuses settings it cannot honour, naming them', async () => {
    await expect(run('bad1', { probe: 7, maxCandidates: 12 })).rejects.toThrow(
      /probe must be .*\(6\), got 7/,
    );
    await expect(run('bad2', { probe: 2, maxCandidates: 2 })).rejects.toThrow(/maxCandidates .*\(3\), got 2/);
  });
});

describe('checkpoint interval', () => {
  it.each([
    [1930, {}, 0],
    [1930, { saves: 20 }, 97],
    [150, { saves: 20 }, 8],
    [9, { saves: 20 }, 1],
    [150, { saveEvery: 5, saves: 20 }, 5],
  ])('%i steps with %j: every %i', (steps, o, every) => expect(saveInterval(steps, o)).toBe(every));
});

describe('GRPO resume', () => {
  const problems = buildSplits({ seed: 2, train: 6, validation: 1, test: 1 }).train;
  const tok = trainBpe(
    problems.map((p) => `${solvePrompt(p)}\n${p.referenceSolution}`),
    { vocabSize: 400 },
  );
  // Scores that vary within a group, so every step trains.
  const grader = scoringGrader((_, attempt) => attempt.finalProof.length % 8);
  const run = (
    dir: string,
    extra: { rc?: boolean; ds?: boolean; resume?: boolean; maxStepsThisRun?: number; init?: number },
  ) =>
    trainGrpo({
      dir: join(root, dir),
      model: createGPT({ vocab: tok.vocabSize, ctx: 400, layers: 1, dModel: 16, heads: 2 }, extra.init ?? 4),
      tokenizer: tok,
      problems,
      grader,
      prompt: (p, summary) => (summary === null ? solvePrompt(p) : `${solvePrompt(p)}\n${summary}`),
      ...(extra.rc ? { rc: { cycles: 2, statesPerTrajectory: 1, summarize: () => 'Known: A 1.' } } : {}),
      ...(extra.ds ? { dynamicSampling: { probe: 2, maxCandidates: 4 } } : {}),
      steps: 4,
      problemsPerStep: 2,
      groupSize: 4,
      maxNewTokens: 6,
      lr: 3e-3,
      temperature: 0.9,
      seed: 7,
      saveEvery: 2,
      quiet: true,
      ...(extra.resume ? { resume: true } : {}),
      ...(extra.maxStepsThisRun ? { maxStepsThisRun: extra.maxStepsThisRun } : {}),
    });
  const curve = (path: string) =>
    new MetricsLog(path).read().map((r) => [r.step, r.rewardMean, r.trained, r.gradNorm, r.meanRatio]);

  for (const mode of ['plain', 'reasoning-cache', 'dynamic-sampling'] as const) {
    it(`a killed ${mode} run resumes from its last checkpoint to the same curve`, async () => {
      const o = { rc: mode === 'reasoning-cache', ds: mode === 'dynamic-sampling' };
      const straight = curve((await run(`rl-straight-${mode}`, o)).metrics);
      expect(straight).toHaveLength(4);
      expect(straight.some((r) => (r[2] as number) > 0)).toBe(true);
      // Killed after step 3: the checkpoint holds step 2, and the log's step 3 is redone. The resumed
      // process starts from other initial weights, which the checkpoint must replace.
      await run(`rl-killed-${mode}`, { ...o, maxStepsThisRun: 3 });
      const resumed = curve((await run(`rl-killed-${mode}`, { ...o, resume: true, init: 99 })).metrics);
      expect(resumed.map((r) => r[0])).toEqual([1, 2, 3, 4]);
      resumed.forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo(straight[i][j] as number, 5)));
    });
  }

  it('refuses to resume with other dynamic-sampling settings', async () => {
    await run('rl-switch', { maxStepsThisRun: 2 });
    await expect(run('rl-switch', { ds: true, resume: true })).rejects.toThrow(/cannot resume/);
  });
});

describe('qed demo --quick', () => {
  it('runs every stage and writes summary.json, plots and the report', async () => {
    const out = join(root, 'demo');
    const r = await runDemo({ out, quick: true, seed: 2, quiet: true, log: () => {} });
    const rows = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Array<{
      stage: string;
      scaffold: string;
      split: string;
      mean: number;
      ci: [number, number];
    }>;
    expect(rows).toHaveLength(4 * 2 * 3);
    expect(new Set(rows.map((x) => x.stage))).toEqual(new Set(['base', 'sft', 'rl', 'rc-rl']));
    for (const row of rows) {
      expect(row.mean).toBeGreaterThanOrEqual(0);
      expect(row.mean).toBeLessThanOrEqual(1);
      expect(row.ci[0]).toBeLessThanOrEqual(row.mean + 1e-9);
    }
    expect(r.table).toMatch(/\| rc-rl \| reasoning-cache \|/);
    // Each stage's gain over the one before, paired over the same problems, agrees with the summary.
    const gains = JSON.parse(readFileSync(join(out, 'gains.json'), 'utf8')) as typeof r.gains;
    expect(gains).toHaveLength(3 * 2 * 3);
    const mean = (stage: string) =>
      rows.find((x) => x.stage === stage && x.scaffold === 'pure' && x.split === 'all')!.mean;
    const rlGain = gains.find((g) => g.stage === 'rl − sft' && g.scaffold === 'pure' && g.split === 'all')!;
    expect(rlGain.mean).toBeCloseTo(mean('rl') - mean('sft'), 9);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('| rc-rl − rl | reasoning-cache |');
    // A standalone file: without the SVG namespace a browser shows it as plain XML.
    expect(readFileSync(join(out, 'training-curves.svg'), 'utf8')).toMatch(
      /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/,
    );
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/score-by-difficulty|<svg/);
  }, 110_000);

  it('evaluates on the validation split when asked, with overrides applied', async () => {
    const out = join(root, 'demo-val');
    await runDemo({
      out,
      quick: true,
      seed: 2,
      quiet: true,
      log: () => {},
      evalSplit: 'validation',
      config: { rl: { steps: 1 }, rc: { steps: 1 } },
    });
    const ids = (f: string) =>
      new Set(
        readFileSync(join(out, f), 'utf8')
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { problemId?: string; id?: string }).problemId ?? JSON.parse(l).id),
      );
    expect(ids('eval/sft-pure/grades.jsonl')).toEqual(ids('data/validation.jsonl'));
    expect(
      readFileSync(join(out, 'rl', 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(1);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/validation split/);
  }, 110_000);
});
