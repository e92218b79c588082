// `qed distill DATASET --teacher MODEL`: N teacher proofs per problem, graded, filtered, into SFT records
// (DIR/distill.jsonl all samples, DIR/sft.jsonl kept ones). `--dry-run` prints the cost estimate and
// stops; `--resume` continues a killed run without losing or duplicating samples.
import { InputError } from '../core/errors.ts';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { Progress } from '../core/progress.ts';
import { prepareRunDir } from '../core/run-dir.ts';
import { checkStoredSettings } from '../core/settings-diff.ts';
import { estimateDistillCost, formatCostEstimate } from '../data/distill-cost.ts';
import { formatDistillSummary, runDistill } from '../data/distill.ts';
import { loadProblems } from '../data/index.ts';
import { DEFAULT_PROMPT_FILE, loadPromptTemplate, renderPrompt } from '../generate/prompt.ts';
import { createGrader } from '../grading/index.ts';
import { createProvider, DEFAULT_PRICES, loadProviderConfig } from '../providers/index.ts';
import { graderSpecOf } from '../server/reward-grader-spec.ts';
import { exitOnFailures } from './exit-status.ts';
import { intAtLeast, nonNegative } from './number-options.ts';

interface DistillFlags {
  teacher: string;
  samples: number;
  grader?: string;
  providerConfig?: string;
  prompt?: string;
  temperature?: number;
  maxTokens?: number;
  expectedTokens?: number;
  concurrency: number;
  seed: number;
  minScore?: number;
  maxCompletionTokens?: number;
  dropTruncated?: boolean;
  reasoning: boolean;
  cache: boolean;
  limit?: number;
  out?: string;
  resume?: boolean;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
}

const CONFIG_FILE = 'distill-config.json';

export function registerDistill(program: Command): void {
  program
    .command('distill')
    .description('distil a teacher: N proofs per problem, graded by a judge, filtered, into SFT records')
    .argument('<dataset>', 'problems (.csv, .jsonl, .json, .parquet)')
    .requiredOption(
      '--teacher <model>',
      'teacher model (served by the endpoints of --provider-config or OPENAI_BASE_URL; mock for tests)',
    )
    .option('--samples <n>', 'teacher proofs per problem', intAtLeast('--samples', 1), 4)
    .option(
      '--grader <name>',
      'toy | rubric:JUDGE_MODEL | proofbench:JUDGE_MODEL | answer | spec.json (default: no grading)',
    )
    .option('--provider-config <file>', 'endpoints and prices for teacher and judge')
    .option(
      '--prompt <file>',
      'user prompt template with a {{problem}} slot (default prompts/generate/proof.md)',
    )
    .option('--temperature <t>', 'teacher temperature', nonNegative('--temperature'))
    .option('--max-tokens <n>', 'teacher completion budget', intAtLeast('--max-tokens', 1))
    .option(
      '--expected-tokens <n>',
      'completion tokens per sample assumed by the cost estimate (default --max-tokens or 8192)',
      intAtLeast('--expected-tokens', 1),
    )
    .option('--concurrency <n>', 'samples in flight', intAtLeast('--concurrency', 1), 16)
    .option('--seed <s>', 'run seed (per-sample seeds derive from it)', nonNegative('--seed', true), 0)
    .option('--min-score <s>', 'keep samples graded at least s/7', nonNegative('--min-score'))
    .option(
      '--max-completion-tokens <n>',
      'drop samples longer than n completion tokens',
      intAtLeast('--max-completion-tokens', 1),
    )
    .option('--drop-truncated', 'drop samples cut at the token limit')
    .option('--no-reasoning', 'leave the teacher reasoning out of the SFT messages')
    .option('--no-cache', 'do not use the response cache')
    .option('--limit <n>', 'first n problems only', intAtLeast('--limit', 1))
    .option('--out <dir>', 'run directory (default: a fresh runs/distill-… directory)')
    .option('--resume', 'continue the run in --out')
    .option('--force', 'overwrite a non-empty --out')
    .option('--dry-run', 'print the cost estimate and stop')
    .option('--json', 'print the summary (or estimate) as JSON on stdout')
    .option('--quiet', 'no progress on stderr')
    .action(async (dataset: string, flags: DistillFlags) => {
      let problems = await loadProblems(dataset);
      if (flags.limit !== undefined) problems = problems.slice(0, flags.limit);
      if (!problems.length) throw new InputError('no problems to distill', { file: dataset });
      const template = loadPromptTemplate(flags.prompt ?? DEFAULT_PROMPT_FILE);
      const spec = flags.grader
        ? graderSpecOf(flags.grader, { providerConfig: flags.providerConfig, concurrency: flags.concurrency })
        : undefined;
      const judgeModel =
        spec && 'judgeModel' in spec && typeof spec.judgeModel === 'string'
          ? spec.judgeModel
          : spec && 'judgeModel' in spec && Array.isArray(spec.judgeModel)
            ? spec.judgeModel[0]
            : undefined;
      const prices = {
        ...DEFAULT_PRICES,
        ...(flags.providerConfig ? loadProviderConfig(flags.providerConfig).prices : {}),
      };
      const estimate = estimateDistillCost({
        problems,
        samples: flags.samples,
        renderPrompt: (p) => renderPrompt(template, p.statement),
        teacherModel: flags.teacher,
        judgeModel,
        prices,
        expectedCompletionTokens: flags.expectedTokens ?? flags.maxTokens ?? 8192,
      });
      if (flags.dryRun) {
        process.stdout.write(
          flags.json ? `${JSON.stringify(estimate)}\n` : `${formatCostEstimate(estimate)}\n`,
        );
        return;
      }
      const { dir } = prepareRunDir({
        out: flags.out,
        prefix: 'distill',
        resume: flags.resume,
        force: flags.force,
      });
      // Everything that decides which samples are drawn and which are kept; not concurrency, cache or
      // output flags. A resume must match it, or distill.jsonl and sft.jsonl would mix two runs.
      const config = {
        dataset: resolve(dataset),
        limit: flags.limit ?? null,
        teacher: flags.teacher,
        samples: flags.samples,
        grader: flags.grader ?? null,
        prompt: { id: template.id, hash: template.hash },
        seed: flags.seed,
        temperature: flags.temperature ?? null,
        maxTokens: flags.maxTokens ?? null,
        reasoning: flags.reasoning,
        filters: {
          minScore: flags.minScore ?? null,
          maxCompletionTokens: flags.maxCompletionTokens ?? null,
          dropTruncated: flags.dropTruncated ?? false,
        },
      };
      // A config already there is a resumed run's (a fresh or forced --out is empty).
      const configPath = join(dir, CONFIG_FILE);
      checkStoredSettings(dir, configPath, existsSync(configPath), config);
      if (!flags.quiet && !flags.json) process.stderr.write(`${formatCostEstimate(estimate)}\n`);
      const provider = await createProvider({
        model: flags.teacher,
        config: flags.providerConfig,
        concurrency: flags.concurrency,
        cache: flags.cache,
        seed: flags.seed,
      });
      const grader = spec ? await createGrader(spec) : undefined;
      const progress = new Progress({
        label: 'distill',
        total: problems.length * flags.samples,
        quiet: flags.quiet || flags.json,
      });
      try {
        const summary = await runDistill({
          problems,
          provider,
          teacherModel: flags.teacher,
          grader,
          dir,
          samples: flags.samples,
          template,
          temperature: flags.temperature,
          maxTokens: flags.maxTokens,
          concurrency: flags.concurrency,
          seed: flags.seed,
          includeReasoning: flags.reasoning,
          filters: {
            minScore: flags.minScore,
            maxCompletionTokens: flags.maxCompletionTokens,
            dropTruncated: flags.dropTruncated,
          },
          onRecord: (_r, done) => progress.set(done),
        });
        progress.finish();
        process.stdout.write(
          flags.json
            ? `${JSON.stringify({ dir, ...summary })}\n`
            : `${formatDistillSummary(summary)}\nrecords: ${join(dir, 'distill.jsonl')} (kept: sft.jsonl)\n`,
        );
        exitOnFailures(summary.generationFailures);
      } finally {
        await provider.close?.();
      }
    });
}
