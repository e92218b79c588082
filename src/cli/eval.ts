// `qed eval`: evaluate a model with a test-time scaffold on a proof benchmark. Parses flags, builds
// the providers, the grader and the problem list, and calls runEval; progress goes to stderr, the
// summary (or `--json`) to stdout. `--resume --out DIR` continues an interrupted run.
import { InputError } from '../core/errors.ts';
import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { AnswerGroupMetrics, EvalMetrics } from '../eval/index.ts';
import type { GraderSpec } from '../grading/index.ts';
import type { Provider } from '../providers/types.ts';
import { getScaffold, parseOptionPairs, scaffolds } from '../scaffolds/index.ts';
import { int, num, pos } from './number-options.ts';
import { EXIT_INTERRUPTED, exitOnFailures } from './exit-status.ts';

interface EvalFlags {
  dataset: string;
  model: string;
  scaffold: string;
  opt: string[];
  judgeModel?: string;
  scheme?: string;
  grader?: string;
  judgeSamples?: number;
  summarizerModel?: string;
  verifierModel?: string;
  selectorModel?: string;
  samples: number;
  concurrency: number;
  gradeConcurrency?: number;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  providerConfig?: string;
  cache: boolean;
  timeoutMs?: number;
  maxRetries?: number;
  out?: string;
  resume?: boolean;
  retryFailed?: boolean;
  force?: boolean;
  seed: number;
  limit?: number;
  quiet?: boolean;
  json?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description(
      'evaluate a model + test-time scaffold on a dataset; writes attempts/grades JSONL and run.json',
    )
    .requiredOption(
      '--dataset <file>',
      'problems: .csv (IMO-ProofBench/AnswerBench), .jsonl, .json or .parquet',
    )
    .requiredOption(
      '--model <name>',
      'model under evaluation: mock…, local:CHECKPOINT, or an OpenAI-compatible model',
    )
    .option('--scaffold <name>', `test-time scaffold: ${Object.keys(scaffolds).join(', ')}`, 'pure')
    .option(
      '-o, --opt <key=value>',
      'scaffold option, repeatable (e.g. -o iterations=3); see docs/eval.md',
      collect,
      [],
    )
    .option(
      '--judge-model <name>',
      'judge model for rubric/proofbench grading; with --scheme answer, the LLM fallback for undecided answers',
    )
    .option('--scheme <scheme>', 'grading scheme: proofbench | rubric | answer', 'proofbench')
    .option('--grader <name>', 'programmatic grader instead of a judge (toy)')
    .option('--judge-samples <n>', 'judge samples per attempt (ensemble mean)', pos('--judge-samples'))
    .option('--summarizer-model <name>', 'reasoning-cache: summarize with this model instead of the policy')
    .option('--verifier-model <name>', 'generate-verify-refine: verify with this model instead of the policy')
    .option(
      '--selector-model <name>',
      'best-of-n / rsa: pick or compare candidates with this model instead of the policy',
    )
    .option('--samples <n>', 'attempts per problem', pos('--samples'), 1)
    .option('--concurrency <n>', 'attempts generated at once', pos('--concurrency'), 16)
    .option(
      '--grade-concurrency <n>',
      'gradings at once (default: --concurrency)',
      pos('--grade-concurrency'),
    )
    .option('--max-tokens <n>', 'max tokens per model call', int('--max-tokens'))
    .option('--temperature <t>', 'sampling temperature', num('--temperature'))
    .option('--top-p <p>', 'nucleus sampling top-p', num('--top-p'))
    .option('--provider-config <file>', 'endpoints/prices config file for OpenAI-compatible providers')
    .option('--no-cache', 'do not use the response cache')
    .option('--timeout-ms <ms>', 'per-request timeout', int('--timeout-ms'))
    .option('--max-retries <n>', 'retries on 429/5xx/timeouts', int('--max-retries'))
    .option('--out <dir>', 'run directory (default: a fresh runs/eval-…)')
    .option('--resume', 'continue the run in --out: keep finished work, grade what is ungraded, do the rest')
    .option('--retry-failed', 'with --resume: also redo failed generations and failed gradings')
    .option('--force', 'overwrite a non-empty --out')
    .option('--seed <n>', 'run seed (sampling seeds and scaffold choices derive from it)', int('--seed'), 0)
    .option('--limit <n>', 'evaluate only the first N problems', pos('--limit'))
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (flags: EvalFlags) => {
      // Loaded here, not at the top, so other commands (and --help) start without them.
      const [{ loadProblems }, { runEval }, { createGrader }, { createProvider }] = await Promise.all([
        import('../data/index.ts'),
        import('../eval/index.ts'),
        import('../grading/index.ts'),
        import('../providers/index.ts'),
      ]);
      if (flags.retryFailed && !flags.resume) throw new Error('--retry-failed needs --resume');
      const scaffold = getScaffold(flags.scaffold);
      const scaffoldOptions = parseOptionPairs(flags.opt);
      const providerOpts = {
        config: flags.providerConfig,
        cache: flags.cache,
        timeoutMs: flags.timeoutMs,
        maxRetries: flags.maxRetries,
        concurrency: flags.concurrency,
      };
      let problems = await loadProblems(flags.dataset);
      if (flags.limit !== undefined) problems = problems.slice(0, flags.limit);
      if (!problems.length) throw new InputError('no problems to evaluate', { file: flags.dataset });
      const opened: Provider[] = [];
      // First Ctrl-C: stop starting work and leave a resumable run directory; a second one exits at once.
      const stop = new AbortController();
      setMaxListeners(0, stop.signal); // every in-flight request listens to it
      const onSigint = () => {
        if (stop.signal.aborted) process.exit(130);
        process.stderr.write('\nqed eval: stopping (Ctrl-C again to quit now)…\n');
        stop.abort();
      };
      process.on('SIGINT', onSigint);
      const open = async (model: string) => {
        const p = await createProvider({ model, ...providerOpts });
        opened.push(p);
        return p;
      };
      try {
        const provider = await open(flags.model);
        const providers: Record<string, Provider> = {};
        if (flags.summarizerModel) providers.summarizer = await open(flags.summarizerModel);
        if (flags.verifierModel) providers.verifier = await open(flags.verifierModel);
        if (flags.selectorModel) providers.selector = await open(flags.selectorModel);
        const grader = await createGrader(await graderSpec(flags, open));
        const result = await runEval({
          problems,
          provider,
          providers,
          grader,
          scaffold,
          scaffoldOptions,
          sampling: { maxTokens: flags.maxTokens, temperature: flags.temperature, topP: flags.topP },
          samples: flags.samples,
          concurrency: flags.concurrency,
          gradeConcurrency: flags.gradeConcurrency,
          out: flags.out,
          resume: flags.resume,
          retryFailed: flags.retryFailed,
          force: flags.force,
          seed: flags.seed,
          progress: !flags.quiet,
          signal: stop.signal,
          config: { dataset: resolve(flags.dataset), limit: flags.limit ?? null },
        });
        if (flags.json) {
          process.stdout.write(
            `${JSON.stringify({ dir: result.dir, runLog: result.runLog, metrics: result.metrics })}\n`,
          );
        } else {
          process.stdout.write(`${summary(result.metrics)}\nrun log: ${result.runLog}\n`);
        }
        exitOnFailures(result.metrics.graderErrors + result.metrics.generationErrors);
      } catch (e) {
        // Interrupted: the error says how to continue; the status says it was an interrupt.
        if (stop.signal.aborted) process.exitCode = EXIT_INTERRUPTED;
        throw e;
      } finally {
        process.off('SIGINT', onSigint);
        await Promise.all(opened.map((p) => p.close?.()));
      }
    });
}

/** The judge provider is opened with the same endpoint/timeout/retry options as the policy. */
async function graderSpec(flags: EvalFlags, open: (model: string) => Promise<Provider>): Promise<GraderSpec> {
  if (flags.grader) return { kind: 'programmatic', name: flags.grader };
  if (flags.scheme === 'answer') {
    // The checker decides; the judge (when given) is asked only about answers it cannot decide, and
    // such grades say so (assessment "decided by LLM judge fallback", grader.model "checker+MODEL").
    if (!flags.judgeModel) return { scheme: 'answer' };
    return {
      scheme: 'answer',
      judgeModel: flags.judgeModel,
      judgeProvider: await open(flags.judgeModel),
    };
  }
  if (flags.scheme !== 'proofbench' && flags.scheme !== 'rubric') {
    throw new Error(`--scheme must be proofbench, rubric or answer, got "${flags.scheme}"`);
  }
  if (!flags.judgeModel)
    throw new Error(`--judge-model is required for --scheme ${flags.scheme} (or use --grader toy)`);
  return {
    scheme: flags.scheme,
    judgeModel: flags.judgeModel,
    provider: await open(flags.judgeModel),
    samples: flags.judgeSamples,
  };
}

const f = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? '-' : x.toFixed(d));
const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);

/** One line of answer metrics: accuracy (CI), sample counts, no-answer and undecided rates. */
function answerLine(a: AnswerGroupMetrics): string {
  const ci = a.ci95 ? ` (95% CI ${f(a.ci95.low, 3)}–${f(a.ci95.high, 3)})` : '';
  return (
    `accuracy ${f(a.accuracy, 3)}${ci}  ${a.problems} problems, ${a.correct} correct, ${a.wrong} wrong, ` +
    `no answer ${a.noAnswer} (${pct(a.noAnswerRate)}), undecided ${a.undecided} (${pct(a.undecidedRate)})`
  );
}

/** Short-answer block: overall, then by category and by category / subcategory. */
function answerSummary(m: EvalMetrics): string[] {
  const a = m.answers;
  if (!a) return [];
  const range = a.accuracyRange
    ? `  if undecided were all wrong / all right: ${f(a.accuracyRange.low, 3)} / ${f(a.accuracyRange.high, 3)}`
    : '';
  const groups = (title: string, g: Record<string, AnswerGroupMetrics>) => {
    const keys = Object.keys(g);
    if (keys.length < 2) return [];
    const w = Math.max(...keys.map((k) => k.length));
    return [`by ${title}:`, ...keys.map((k) => `  ${k.padEnd(w)}  ${answerLine(g[k])}`)];
  };
  return [
    answerLine(a),
    `  of ${a.checked}/${a.samples} samples checked; grader failures ${a.failed}, generation errors ` +
      `${a.generationErrors}, decided by LLM judge fallback ${a.decidedByJudge}${range}`,
    ...groups('category', a.byCategory),
    ...groups('subcategory', a.bySubcategory),
  ];
}

/** A few human-readable lines: mean ± CI, pass@k, failures, tokens and cost (+ answer accuracy). */
export function summary(m: EvalMetrics): string {
  const ci = m.ci95 ? ` (95% CI ${f(m.ci95.low)}–${f(m.ci95.high)})` : '';
  const pass = Object.entries(m.passAtK)
    .map(([k, v]) => `pass@${k} ${f(v, 3)}`)
    .join('  ');
  return [
    ...answerSummary(m),
    `mean ${f(m.mean)}/7${ci} over ${m.problems} problems, ${m.graded}/${m.samples} samples graded`,
    pass && `${pass}  (score >= ${m.passThreshold})`,
    `grader errors ${m.graderErrors}  generation errors ${m.generationErrors}`,
    `tokens ${m.tokens.total} (${f(m.tokens.perProblem, 0)}/problem, ${f(m.tokens.perPoint, 0)}/point)  cost $${f(m.cost.total, 4)} ($${f(m.cost.perPoint, 4)}/point)`,
  ]
    .filter(Boolean)
    .join('\n');
}
