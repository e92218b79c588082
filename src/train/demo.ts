// `qed demo`: the whole recipe on Olympiad-lite in one process — pretrain a base model on the corpus,
// SFT on the teacher set, rubric-reward RL, reasoning-cache RL — then evaluate every stage on the
// held-out test split with the `pure` and `reasoning-cache` scaffolds through runEval (local provider,
// toy grader), and write summary.json, plots and the HTML report into the output directory.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import type { Problem } from '../core/problem.ts';
import { prepareRunDir } from '../core/run-dir.ts';
import { firstSettingChange, resumeRefusal } from '../core/settings-diff.ts';
import { runEval } from '../eval/index.ts';
import { createLocalProvider } from '../providers/local.ts';
import { createGPT } from '../tiny/gpt.ts';
import {
  NO_ERRORS,
  SUMMARIZER_NAME,
  buildSftSet,
  buildSplits,
  createToyGrader,
  longestSummary,
  pretrainCorpus,
  rcPrompt,
  solvePrompt,
  summarizeToy,
  turnBudget,
} from '../toy/index.ts';
import { type DemoConfig, type DemoOverrides, FULL_DEMO, QUICK_DEMO, withOverrides } from './demo-config.ts';
import {
  type FamilyRow,
  type GainRow,
  type SummaryRow,
  demoRows,
  familyRows,
  formatFamilyTable,
  formatGainTable,
  formatTable,
  gainRows,
  readScores,
} from './demo-summary.ts';
import { writeDemoPlots } from './demo-plots.ts';
import { trainGrpo } from './grpo.ts';
import { trainLm } from './lm-trainer.ts';
import { pretrainExamples, sftExamples, trainRecipeTokenizer } from './recipe-data.ts';
import { promptIds } from './sequences.ts';

export const STAGES = ['base', 'sft', 'rl', 'rc-rl'] as const;
export const SCAFFOLDS = ['pure', 'reasoning-cache'] as const;

export interface DemoOptions {
  out?: string;
  seed?: number;
  quick?: boolean;
  force?: boolean;
  /**
   * Continue a killed run in `out`: finished stages are reloaded from their checkpoints, the
   * interrupted one continues from its last checkpoint to the same curve, finished evaluations are kept.
   */
  resume?: boolean;
  quiet?: boolean;
  /**
   * Split the stages are evaluated on: 'test' (the default, for the table) or 'validation' (for
   * choosing settings without looking at test).
   */
  evalSplit?: 'test' | 'validation';
  /** Overrides of the chosen config (tests, experiments). */
  config?: DemoOverrides;
  log?: (line: string) => void;
}

export interface DemoResult {
  dir: string;
  rows: SummaryRow[];
  /** Mean score per problem family (short chains, long chains, cases, two roads). */
  families: FamilyRow[];
  /** What each stage adds over the one before, paired over the same problems. */
  gains: GainRow[];
  table: string;
  gainTable: string;
  seconds: number;
  turnBudget: number;
}

const writeJsonl = (path: string, rows: readonly unknown[]) =>
  writeFileSync(path, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));

/** Checkpoints per training stage: a killed run loses at most 1/SAVES of the stage it was in. */
const SAVES = 20;
const RUN_FILE = 'demo.json';

/** Stores what defines the run; on resume, refuses settings that differ from the stored ones. */
function checkRun(dir: string, resumed: boolean, run: Record<string, unknown>): void {
  const path = join(dir, RUN_FILE);
  if (resumed) {
    if (!existsSync(path)) throw new InputError(`cannot resume ${dir}: no ${RUN_FILE} (not a demo run)`);
    const change = firstSettingChange(JSON.parse(readFileSync(path, 'utf8')), run);
    if (change) throw new InputError(resumeRefusal(dir, change));
    return;
  }
  writeFileSync(path, `${JSON.stringify(run, null, 2)}\n`);
}

export async function runDemo(opts: DemoOptions = {}): Promise<DemoResult> {
  const started = performance.now();
  const seed = opts.seed ?? 1;
  const cfg: DemoConfig = withOverrides(opts.quick ? QUICK_DEMO : FULL_DEMO, opts.config ?? {});
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const { dir, resumed } = prepareRunDir({
    out: opts.out,
    root: 'runs',
    prefix: 'demo',
    force: opts.force,
    resume: opts.resume,
  });
  const evalSplit = opts.evalSplit ?? 'test';
  checkRun(dir, resumed, { seed, quick: Boolean(opts.quick), evalSplit, config: cfg });
  const quiet = opts.quiet;
  const grader = createToyGrader();

  // Data: splits, the teacher's SFT set (unfiltered, graded), the corpus, the tokenizer.
  const splits = buildSplits({ seed, train: cfg.train, validation: cfg.validation, test: cfg.test });
  const mix = {
    seed,
    rcFraction: cfg.sft.rcFraction,
    refinePerProblem: cfg.sft.refinePerProblem,
    refinePerLong: cfg.sft.refinePerLong || undefined,
  };
  const rows = buildSftSet(splits.train, mix);
  const validRows = buildSftSet(splits.validation, { ...mix, rates: NO_ERRORS });
  const corpus = pretrainCorpus({
    seed,
    lines: cfg.corpus.lines,
    lookup: cfg.corpus.lookup,
    statements: splits.train.map((p) => p.statement),
  });
  mkdirSync(join(dir, 'data'), { recursive: true });
  for (const [name, problems] of Object.entries(splits))
    writeJsonl(join(dir, 'data', `${name}.jsonl`), problems);
  writeJsonl(join(dir, 'data', 'sft.jsonl'), rows);
  writeFileSync(join(dir, 'data', 'corpus.txt'), corpus);
  const tokenizer = trainRecipeTokenizer(corpus, rows, cfg.vocab);
  const count = (s: string) => tokenizer.encode(s, { allowSpecial: false }).length;
  // The budget comes from training problems only; the test split is never looked at for tuning.
  const budget = turnBudget(count, splits.train).tokens;
  const longestPrompt = Math.max(
    ...splits.train.map((p) => promptIds(tokenizer, rcPrompt(p, longestSummary(p))).length),
  );
  if (longestPrompt + budget > cfg.model.ctx) {
    throw new Error(
      `context ${cfg.model.ctx} is too small for prompts of ${longestPrompt} + ${budget} tokens`,
    );
  }
  log(`demo: ${dir}${resumed ? ' (resumed)' : ''}`);
  log(
    `data: ${splits.train.length} train / ${splits.validation.length} validation / ${splits.test.length} test problems, ${rows.length} SFT rows, turn budget ${budget} tokens`,
  );
  log(`summarizer: ${SUMMARIZER_NAME}`);

  const model = createGPT({ vocab: tokenizer.vocabSize, ...cfg.model }, seed);
  const meta = (stage: string) => ({ stage, seed, demo: opts.quick ? 'quick' : 'full' });
  await trainLm({
    dir: join(dir, 'base'),
    model,
    tokenizer,
    train: pretrainExamples(tokenizer, corpus, cfg.model.ctx),
    ...cfg.pretrain,
    seed,
    resume: resumed,
    label: 'pretrain',
    quiet,
    meta: meta('base'),
  });
  await trainLm({
    dir: join(dir, 'sft'),
    model,
    tokenizer,
    train: sftExamples(tokenizer, rows, cfg.model.ctx),
    eval: sftExamples(tokenizer, validRows, cfg.model.ctx),
    evalEvery: 25,
    epochs: cfg.sft.epochs,
    batchSize: cfg.sft.batchSize,
    lr: cfg.sft.lr,
    pack: cfg.sft.pack,
    seed,
    resume: resumed,
    saves: SAVES,
    label: 'sft',
    quiet,
    meta: meta('sft'),
  });
  const prompt = (p: Problem, summary: string | null) =>
    summary === null ? solvePrompt(p) : rcPrompt(p, summary);
  const { probe, maxCandidates, ...rl } = cfg.rl;
  await trainGrpo({
    dir: join(dir, 'rl'),
    model,
    tokenizer,
    problems: splits.train,
    grader,
    prompt,
    ...rl,
    ...(probe > 0 ? { dynamicSampling: { probe, maxCandidates } } : {}),
    maxNewTokens: budget,
    seed,
    resume: resumed,
    saves: SAVES,
    label: 'rl',
    quiet,
    meta: meta('rl'),
  });
  await trainGrpo({
    dir: join(dir, 'rc-rl'),
    model,
    tokenizer,
    problems: splits.train,
    grader,
    prompt: (p, summary) => rcPrompt(p, summary),
    rc: { cycles: cfg.rc.cycles, statesPerTrajectory: cfg.rc.states, summarize: summarizeToy },
    steps: cfg.rc.steps,
    problemsPerStep: cfg.rc.problemsPerStep,
    groupSize: cfg.rc.groupSize,
    lr: cfg.rc.lr,
    temperature: cfg.rc.temperature,
    maxNewTokens: budget,
    seed,
    resume: resumed,
    saves: SAVES,
    label: 'rc-rl',
    quiet,
    meta: meta('rc-rl'),
  });

  const evalProblems = splits[evalSplit];
  if (evalSplit !== 'test') log(`evaluating on the ${evalSplit} split`);
  const evalDirs: string[] = [];
  const scores: Array<{ stage: string; scaffold: string; scores: Map<string, number> }> = [];
  for (const stage of STAGES) {
    const provider = await createLocalProvider({
      checkpoint: join(dir, stage, 'checkpoint'),
      // Named relative to the demo directory, so a moved or copied run still resumes.
      name: `local:${stage}/checkpoint`,
      maxConcurrentBatch: 32,
    });
    try {
      for (const scaffold of SCAFFOLDS) {
        const out = join(dir, 'eval', `${stage}-${scaffold}`);
        await runEval({
          problems: evalProblems,
          provider,
          grader,
          scaffold,
          scaffoldOptions:
            scaffold === 'pure'
              ? {}
              : { iterations: cfg.eval.iterations, reasonTokens: budget, summarize: summarizeToy },
          sampling: { maxTokens: budget, temperature: cfg.eval.temperature, topP: cfg.eval.topP },
          samples: cfg.eval.samples,
          concurrency: 32,
          out,
          resume: resumed,
          seed,
          progress: !quiet,
          config: { demoStage: stage, summarizer: scaffold === 'pure' ? undefined : SUMMARIZER_NAME },
        });
        evalDirs.push(out);
        scores.push({ stage, scaffold, scores: readScores(out) });
      }
    } finally {
      await provider.close?.();
    }
  }
  const summary = demoRows(scores, evalProblems, seed);
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  const families = familyRows(scores, evalProblems);
  writeFileSync(join(dir, 'families.json'), `${JSON.stringify(families, null, 2)}\n`);
  const gains = gainRows(scores, evalProblems, seed);
  writeFileSync(join(dir, 'gains.json'), `${JSON.stringify(gains, null, 2)}\n`);
  await writeDemoPlots({ dir, stages: STAGES, scores, problems: evalProblems, evalDirs });
  const seconds = (performance.now() - started) / 1000;
  const table = formatTable(summary);
  const gainTable = formatGainTable(gains);
  writeFileSync(
    join(dir, 'summary.md'),
    `# qed demo (seed ${seed}${opts.quick ? ', quick' : ''}${evalSplit === 'test' ? '' : `, ${evalSplit} split`})\n\nMean score/7 in points of 100 (summary.json holds it as a fraction), 95% bootstrap CI over ${evalSplit} problems. Summarizer: ${SUMMARIZER_NAME}. Wall time ${seconds.toFixed(0)} s${resumed ? ' (of the resumed process)' : ''}.\n\n${table}\n\nWhat each stage adds over the one before, points of 100, with a paired 95% bootstrap CI over the same problems (gains.json):\n\n${gainTable}\n\nMean score by problem family, points of 100 (the number of problems in each header):\n\n${formatFamilyTable(families)}\n`,
  );
  return { dir, rows: summary, families, gains, table, gainTable, seconds, turnBudget: budget };
}
