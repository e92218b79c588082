// `qed rl`: GRPO (PipelineRL style) on a local checkpoint with rewards from any grader — the toy
// programmatic grader or an LLM judge through a provider; `--reasoning-cache` trains refinement turns
// from (problem + summary) states. Library: trainGrpo in src/train/grpo.ts.
import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { intAtLeast, nonNegative, positive } from './number-options.ts';
import type { Problem } from '../core/problem.ts';
import { loadProblems } from '../data/index.ts';
import { createGrader } from '../grading/index.ts';
import { loadCheckpoint } from '../tiny/checkpoint.ts';
import {
  buildSplits,
  parseStatement,
  rcPrompt,
  solvePrompt,
  summarizeToy,
  turnBudget,
} from '../toy/index.ts';
import { dynamicSamplingError, trainGrpo } from '../train/grpo.ts';
import { exitOnFailures } from './exit-status.ts';
import { planTrainingRun, runSettings } from './training-run.ts';

interface RlFlags {
  init?: string;
  out: string;
  problems?: string;
  judgeModel?: string;
  reasoningCache?: boolean;
  steps: number;
  problemsPerStep: number;
  groupSize: number;
  maxTokens?: number;
  temperature: number;
  lr: number;
  eps: number;
  entropyCoef: number;
  gradClip: number;
  minibatches: number;
  cycles: number;
  states: number;
  dynamicSampling?: number;
  maxCandidates?: number;
  saveEvery: number;
  seed: number;
  resume?: boolean;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function registerRl(program: Command): void {
  program
    .command('rl')
    .description('GRPO with rubric rewards on a local checkpoint (optionally with a reasoning cache)')
    .option(
      '--init <checkpoint>',
      'checkpoint to start from (e.g. an SFT checkpoint); a resume may leave it out',
    )
    .requiredOption('--out <dir>', 'run directory (checkpoint/, metrics.jsonl)')
    .option('--problems <file>', 'training problems; default: the Olympiad-lite train split for --seed')
    .option(
      '--judge-model <model>',
      'grade with this LLM rubric judge instead of the toy programmatic grader',
    )
    .option('--reasoning-cache', 'train refinement turns from reason → summarize states (toy summarizer)')
    .option('--steps <n>', 'optimizer batches', intAtLeast('--steps', 1), 30)
    .option('--problems-per-step <n>', 'prompts per step', intAtLeast('--problems-per-step', 1), 8)
    .option(
      '--group-size <n>',
      'samples per prompt (G, at least 2: advantages are taken within a group)',
      intAtLeast('--group-size', 2),
      8,
    )
    .option(
      '--max-tokens <n>',
      'max new tokens per sample (default: the Olympiad-lite turn budget)',
      intAtLeast('--max-tokens', 1),
    )
    .option(
      '--temperature <x>',
      'sampling temperature; the policy trained is the model at this temperature',
      positive('--temperature'),
      1,
    )
    .option('--lr <x>', 'learning rate (constant)', positive('--lr'), 3e-4)
    .option('--eps <x>', 'clip range ε of the importance ratio', nonNegative('--eps'), 0.2)
    .option('--entropy-coef <x>', 'entropy bonus coefficient', nonNegative('--entropy-coef'), 0)
    .option('--grad-clip <x>', 'global grad-norm clip', positive('--grad-clip'), 1)
    .option('--minibatches <n>', 'optimizer steps per sampled batch', intAtLeast('--minibatches', 1), 2)
    .option(
      '--cycles <n>',
      'reasoning-cache: reason → summarize cycles per trajectory',
      intAtLeast('--cycles', 1),
      3,
    )
    .option('--states <n>', 'reasoning-cache: states sampled per trajectory', intAtLeast('--states', 1), 2)
    .option(
      '--dynamic-sampling <probe>',
      'draw <probe> samples per problem first (2 to --group-size) and train only problems whose probe scores differ',
      nonNegative('--dynamic-sampling', true),
    )
    .option(
      '--max-candidates <n>',
      'dynamic sampling: problems probed per step at most (default 8 × --problems-per-step)',
      nonNegative('--max-candidates', true),
    )
    .option(
      '--save-every <n>',
      'steps between checkpoints (0: only the last step)',
      nonNegative('--save-every', true),
      5,
    )
    .option('--seed <n>', 'seed', nonNegative('--seed', true), 1)
    .option('--resume', 'continue the run in --out from its last checkpoint, with the same settings')
    .option('--force', 'replace a non-empty --out')
    .option('--json', 'print the result as JSON on stdout')
    .option('--quiet', 'no progress bar')
    .action(async (f: RlFlags) => {
      if (f.maxCandidates !== undefined && f.dynamicSampling === undefined)
        throw new InputError('--max-candidates applies only with --dynamic-sampling');
      const dynamicSampling =
        f.dynamicSampling === undefined
          ? undefined
          : { probe: f.dynamicSampling, maxCandidates: f.maxCandidates ?? 8 * f.problemsPerStep };
      // Checked here, before any checkpoint is read, and worded with the flags.
      const invalid =
        dynamicSampling &&
        dynamicSamplingError(dynamicSampling, f, {
          probe: '--dynamic-sampling',
          groupSize: '--group-size',
          maxCandidates: '--max-candidates',
          problemsPerStep: '--problems-per-step',
        });
      if (invalid) throw new InputError(invalid);
      const run = planTrainingRun('rl', f, runSettings(f, ['init', 'problems']));
      const { dir, init } = run;
      const ck = await loadCheckpoint(init);
      const problems: Problem[] = f.problems
        ? await loadProblems(f.problems)
        : buildSplits({ seed: f.seed, train: 1200, validation: 40, test: 80 }).train;
      if (!problems.length) throw new InputError('no training problems', { file: f.problems });
      // Every problem must be gradable by the grader chosen, or the run would only train on failures.
      const ungradable = f.judgeModel
        ? problems.find((p) => !p.rubric && !p.gradingGuidelines)
        : problems.find((p) => parseStatement(p.statement) === null);
      if (ungradable)
        throw new InputError(
          f.judgeModel
            ? `problem ${ungradable.id} has no rubric or grading guidelines for the judge (see qed rubrics)`
            : `problem ${ungradable.id} is not an Olympiad-lite statement, which the default toy grader needs; grade with --judge-model`,
          { file: f.problems },
        );
      const grader = f.judgeModel
        ? await createGrader({ scheme: 'rubric', judgeModel: f.judgeModel })
        : await createGrader({ kind: 'programmatic', name: 'toy' });
      const count = (s: string) => ck.tokenizer.encode(s, { allowSpecial: false }).length;
      const maxNewTokens = f.maxTokens ?? turnBudget(count, problems).tokens;
      run.start();
      const r = await trainGrpo({
        dir,
        model: ck.model,
        tokenizer: ck.tokenizer,
        problems,
        grader,
        prompt: (p, s) => (f.reasoningCache || s !== null ? rcPrompt(p, s) : solvePrompt(p)),
        ...(f.reasoningCache
          ? { rc: { cycles: f.cycles, statesPerTrajectory: f.states, summarize: summarizeToy } }
          : {}),
        ...(dynamicSampling ? { dynamicSampling } : {}),
        steps: f.steps,
        problemsPerStep: f.problemsPerStep,
        groupSize: f.groupSize,
        maxNewTokens,
        temperature: f.temperature,
        lr: f.lr,
        eps: f.eps,
        entropyCoef: f.entropyCoef,
        gradClip: f.gradClip,
        minibatches: f.minibatches,
        saveEvery: f.saveEvery,
        seed: f.seed,
        resume: f.resume,
        quiet: f.quiet,
        meta: { stage: f.reasoningCache ? 'rc-rl' : 'rl', init, grader: grader.info },
      });
      if (f.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      else
        process.stderr.write(
          `rl: ${r.steps} steps; ${r.gradings.failed} of ${r.gradings.total} gradings failed; checkpoint ${r.checkpoint}; metrics ${r.metrics}\n`,
        );
      exitOnFailures(r.gradings.failed);
    });
}
