// `qed rubrics DATASET --model MODEL`: an LLM writes a validated marking scheme per problem (re-asked with
// the validation errors when invalid; failures recorded); `--import proofbench` converts IMO-ProofBench
// grading guidelines instead. Writes DIR/rubrics.jsonl and DIR/problems.jsonl (problems with rubrics).
import { InputError } from '../core/errors.ts';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { Progress } from '../core/progress.ts';
import { prepareRunDir } from '../core/run-dir.ts';
import { loadProblems } from '../data/index.ts';
import {
  checkRubricsSettings,
  loadRubricTemplate,
  PROBLEMS_FILE,
  RUBRIC_PROMPT_FILE,
  runRubrics,
} from '../data/rubric-gen.ts';
import { mockRubricReply } from '../data/mock-rubric-writer.ts';
import { createProvider } from '../providers/index.ts';
import type { MockProviderCall } from '../providers/mock-provider.ts';
import { int, num } from './number-options.ts';
import { exitOnFailures } from './exit-status.ts';

interface RubricsFlags {
  model?: string;
  import?: string;
  providerConfig?: string;
  prompt?: string;
  attempts: number;
  temperature?: number;
  maxTokens?: number;
  concurrency: number;
  seed: number;
  out?: string;
  resume?: boolean;
  retryFailed?: boolean;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function registerRubrics(program: Command): void {
  program
    .command('rubrics')
    .description(
      'write a validated 7-point marking scheme per problem with an LLM, or import existing guidelines',
    )
    .argument('<dataset>', 'problems with statements and reference solutions')
    .option(
      '--model <model>',
      'rubric-writing model (endpoints from --provider-config or OPENAI_BASE_URL; mock: a scripted writer for offline runs)',
    )
    .option('--import <scheme>', 'convert existing guidelines instead of generating: proofbench')
    .option('--provider-config <file>', 'endpoints and prices')
    .option(
      '--prompt <file>',
      'template with {{problem}}, {{solution}}, {{guidelines}} (default prompts/rubrics/rubric-gen-v1.md)',
    )
    .option(
      '--attempts <n>',
      'replies tried per problem (re-asking with the validation errors)',
      int('--attempts'),
      3,
    )
    .option('--temperature <t>', 'sampling temperature', num('--temperature'))
    .option('--max-tokens <n>', 'reply budget', int('--max-tokens'))
    .option('--concurrency <n>', 'problems in flight', int('--concurrency'), 8)
    .option('--seed <s>', 'seed', int('--seed'), 0)
    .option('--out <dir>', 'run directory (default: a fresh runs/rubrics-… directory)')
    .option('--resume', 'continue the run in --out, with the same settings')
    .option('--retry-failed', 'with --resume: redo the problems whose rubric failed')
    .option('--force', 'overwrite a non-empty --out')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--quiet', 'no progress on stderr')
    .action(async (dataset: string, flags: RubricsFlags) => {
      if (flags.import !== undefined && flags.import !== 'proofbench')
        throw new Error(`--import must be proofbench, got "${flags.import}"`);
      if (!flags.import && !flags.model)
        throw new Error('--model MODEL is required (or --import proofbench)');
      if (flags.retryFailed && !flags.resume) throw new Error('--retry-failed needs --resume');
      const problems = await loadProblems(dataset);
      if (!problems.length) throw new InputError('no problems to write rubrics for', { file: dataset });
      const { dir, resumed } = prepareRunDir({
        out: flags.out,
        prefix: 'rubrics',
        resume: flags.resume,
        force: flags.force,
      });
      const template = flags.import ? undefined : loadRubricTemplate(flags.prompt ?? RUBRIC_PROMPT_FILE);
      // What decides the rubrics written: the problems, and either the import or the model, its prompt
      // and sampling (not concurrency, output, or the endpoints config).
      checkRubricsSettings(dir, resumed, {
        dataset: resolve(dataset),
        ...(flags.import
          ? { import: flags.import }
          : {
              model: flags.model,
              prompt: template?.hash,
              attempts: flags.attempts,
              temperature: flags.temperature,
              maxTokens: flags.maxTokens,
              seed: flags.seed,
            }),
      });
      const provider =
        flags.model && !flags.import
          ? await createProvider({
              model: flags.model,
              config: flags.providerConfig,
              concurrency: flags.concurrency,
              seed: flags.seed,
              // `mock` plays a rubric-writing model; `mock:fail` still fails every call.
              ...(flags.model === 'mock:fail'
                ? {}
                : { respond: (c: MockProviderCall) => mockRubricReply(c.prompt, c.request.seed ?? 0) }),
            })
          : undefined;
      const progress = new Progress({
        label: 'rubrics',
        total: problems.length,
        quiet: flags.quiet || flags.json,
      });
      let failed = 0;
      try {
        const summary = await runRubrics({
          problems,
          dir,
          importFrom: flags.import as 'proofbench' | undefined,
          provider,
          model: flags.model,
          template: template?.text,
          templateHash: template?.hash,
          maxAttempts: flags.attempts,
          temperature: flags.temperature,
          maxTokens: flags.maxTokens,
          concurrency: flags.concurrency,
          seed: flags.seed,
          retryFailed: flags.retryFailed,
          onRecord: (r, done) => {
            if (!r.ok) failed++;
            progress.set(done, `failed ${failed}`);
          },
        });
        progress.finish();
        if (flags.json) process.stdout.write(`${JSON.stringify({ dir, ...summary })}\n`);
        else {
          process.stdout.write(
            `${summary.ok}/${summary.problems} rubrics valid, ${summary.failed} failed (recorded with their errors), mean ${summary.meanAttempts.toFixed(2)} attempts, ` +
              `${summary.usage.calls} calls, $${summary.usage.cost.toFixed(4)}\nrubrics: ${join(dir, 'rubrics.jsonl')}\nproblems with rubrics: ${join(dir, PROBLEMS_FILE)}\n`,
          );
        }
        exitOnFailures(summary.failed);
      } finally {
        await provider?.close?.();
      }
    });
}
