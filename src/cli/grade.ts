// `qed grade`: grade an attempts file or run directory with an LLM judge (rubric | proofbench), the
// answer checker or a programmatic grader, writing grades.jsonl + summary.json; or, with
// `--meta-eval FILE`, compare a grader with human scores and write a Markdown + JSON report.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { Progress } from '../core/progress.ts';
import { prepareRunDir } from '../core/run-dir.ts';
import { loadAttempts, loadProblems } from '../data/index.ts';
import {
  createGrader,
  formatMetaEvalMarkdown,
  formatSummary,
  GRADE_SOURCES_FILE,
  gradeAttempts,
  gradeMetaEvalRows,
  metaEvalMetrics,
  readMetaEvalFile,
  type GraderSpec,
} from '../grading/index.ts';
import { checkGradeSettings, guardGrader } from '../grading/grade-run.ts';
import { int, num, pos } from './number-options.ts';
import { exitOnFailures } from './exit-status.ts';

interface GradeFlags {
  attempts?: string;
  dataset?: string;
  scheme: string;
  judgeModel: string[];
  programmatic?: string;
  grader?: string;
  samples?: number;
  judgeSamples?: number;
  aggregate: string;
  retries?: number;
  template?: string;
  missingThink: string;
  temperature?: number;
  maxTokens?: number;
  providerConfig?: string;
  timeoutMs?: number;
  concurrency: number;
  out?: string;
  resume?: boolean;
  retryFailed?: boolean;
  force?: boolean;
  metaEval?: string;
  json?: boolean;
  quiet?: boolean;
}

const models = (v: string, prev: string[]) => [
  ...prev,
  ...v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

export function registerGrade(program: Command): void {
  program
    .command('grade')
    .description(
      'grade attempts with a judge model, the answer checker or a programmatic grader; or meta-evaluate a grader',
    )
    .option('--attempts <fileOrDir>', 'attempts JSONL, or a run directory holding attempts.jsonl')
    .option('--dataset <file>', 'problems (statements, guidelines, rubrics, references, short answers)')
    .option('--scheme <scheme>', 'rubric | proofbench | answer', 'rubric')
    .option(
      '--judge-model <name>',
      'judge model; repeat or comma-separate for a multi-judge ensemble',
      models,
      [],
    )
    .option('--programmatic <name>', 'use a rule-based grader instead of a judge (toy)')
    .option('--grader <name>', 'the same as --programmatic, as qed eval names it')
    .option('--samples <k>', 'judge samples per model and attempt', pos('--samples'))
    .option('--judge-samples <k>', 'the same as --samples, as qed eval names it', pos('--judge-samples'))
    .option('--aggregate <how>', 'ensemble aggregate: mean | median', 'mean')
    .option(
      '--retries <n>',
      'extra judge calls after an unparseable or failed reply (default 2)',
      int('--retries'),
    )
    .option('--template <id>', 'judge template id under prompts/grading/ or a .txt file')
    .option(
      '--missing-think <policy>',
      'proof without </think>: keep (whole text is the proof) | empty (original rule)',
      'keep',
    )
    .option('--temperature <t>', 'judge temperature', num('--temperature'))
    .option('--max-tokens <n>', 'judge max output tokens', int('--max-tokens'))
    .option('--provider-config <file>', 'endpoints config for the judge provider')
    .option('--timeout-ms <ms>', 'judge request timeout', int('--timeout-ms'))
    .option('--concurrency <c>', 'attempts graded at once', int('--concurrency'), 8)
    .option('--out <dir>', 'output directory (default: a fresh runs/grade-… directory)')
    .option('--resume', 'continue grading into an existing --out directory, with the same settings')
    .option(
      '--retry-failed',
      'with --resume: grade recorded failures again (a failed generation only once the attempt has no error)',
    )
    .option('--force', 'overwrite a non-empty --out directory')
    .option('--meta-eval <file>', 'JSONL of human-graded proofs: compare the grader with the human scores')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--quiet', 'no progress on stderr')
    .action(async (flags: GradeFlags) => {
      sameAs(flags, 'programmatic', 'grader');
      sameAs(flags, 'samples', 'judgeSamples');
      if (flags.metaEval) return metaEval(flags);
      if (!flags.attempts) throw new Error('--attempts FILE_OR_DIR is required (or use --meta-eval FILE)');
      if (!flags.dataset)
        throw new Error('--dataset FILE is required: the grader needs the problems the attempts answer');
      if (flags.retryFailed && !flags.resume) throw new Error('--retry-failed needs --resume');
      const [attempts, problems] = await Promise.all([
        loadAttempts(flags.attempts),
        loadProblems(flags.dataset),
      ]);
      const grader = await createGrader(spec(flags));
      const { dir, resumed } = prepareRunDir({
        out: flags.out,
        prefix: 'grade',
        resume: flags.resume,
        force: flags.force,
      });
      const sources = { attempts: resolve(flags.attempts), dataset: resolve(flags.dataset) };
      // Every check comes before anything is written, so a refused resume leaves the run as it was.
      checkGradeSettings(dir, resumed, { ...sources, ...gradeSettings(flags) });
      guardGrader(dir, grader.info);
      writeFileSync(join(dir, GRADE_SOURCES_FILE), `${JSON.stringify(sources, null, 2)}\n`);
      const progress = new Progress({
        label: 'grade',
        total: attempts.length,
        quiet: flags.quiet || flags.json,
      });
      let failed = 0;
      const summary = await gradeAttempts({
        attempts,
        problems,
        grader,
        dir,
        concurrency: flags.concurrency,
        retryFailed: flags.retryFailed,
        onGrade: (g, done) => {
          if (g.score === null) failed++;
          progress.set(done, `failed ${failed}`);
        },
      });
      progress.finish();
      if (flags.json) process.stdout.write(`${JSON.stringify({ dir, ...summary })}\n`);
      else process.stdout.write(`${formatSummary(summary)}\ngrades: ${join(dir, 'grades.jsonl')}\n`);
      exitOnFailures(summary.failures.grader + summary.failures.missingProblem);
    });
}

/** Folds a flag spelled as `qed eval` spells it into this command's own; both at once must agree. */
function sameAs<K extends keyof GradeFlags>(flags: GradeFlags, own: K, alias: keyof GradeFlags): void {
  const v = flags[alias];
  if (v === undefined) return;
  const dash = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (flags[own] !== undefined && flags[own] !== v)
    throw new InputError(`${dash(own)} and ${dash(alias)} name the same setting; give one`);
  flags[own] = v as GradeFlags[K];
}

/**
 * The flags that decide the grades a run records (not concurrency, output or progress; not the
 * endpoints config or the request timeout, which say how the judge is reached).
 */
function gradeSettings(flags: GradeFlags): Record<string, unknown> {
  return {
    scheme: flags.scheme,
    judgeModel: flags.judgeModel,
    programmatic: flags.programmatic,
    samples: flags.samples,
    aggregate: flags.aggregate,
    retries: flags.retries,
    template: flags.template,
    missingThink: flags.missingThink,
    temperature: flags.temperature,
    maxTokens: flags.maxTokens,
  };
}

function spec(flags: GradeFlags): GraderSpec {
  if (flags.programmatic) return { kind: 'programmatic', name: flags.programmatic };
  if (flags.aggregate !== 'mean' && flags.aggregate !== 'median') {
    throw new Error(`--aggregate must be mean or median, got "${flags.aggregate}"`);
  }
  if (flags.missingThink !== 'keep' && flags.missingThink !== 'empty') {
    throw new Error(`--missing-think must be keep or empty, got "${flags.missingThink}"`);
  }
  if (flags.scheme === 'answer') {
    return { scheme: 'answer', judgeModel: flags.judgeModel[0], missingThink: flags.missingThink };
  }
  if (flags.scheme !== 'rubric' && flags.scheme !== 'proofbench') {
    throw new Error(`--scheme must be rubric, proofbench or answer, got "${flags.scheme}"`);
  }
  if (flags.judgeModel.length === 0)
    throw new Error(`--judge-model is required for --scheme ${flags.scheme}`);
  return {
    scheme: flags.scheme,
    judgeModel: flags.judgeModel,
    samples: flags.samples,
    aggregate: flags.aggregate,
    retries: flags.retries,
    template: flags.template,
    missingThink: flags.missingThink,
    temperature: flags.temperature,
    maxTokens: flags.maxTokens,
    config: flags.providerConfig,
    concurrency: flags.concurrency,
    timeoutMs: flags.timeoutMs,
  };
}

async function metaEval(flags: GradeFlags): Promise<void> {
  const file = flags.metaEval as string;
  let rows = readMetaEvalFile(file);
  let graderName = 'grader_score column';
  if (flags.judgeModel.length > 0 || flags.programmatic) {
    // an explicit grader re-grades every row; the file's grader_score column is ignored
    const grader = await createGrader(spec(flags));
    graderName = `${grader.info.model ?? grader.info.kind} (${grader.info.templateId ?? grader.info.kind})`;
    rows = await gradeMetaEvalRows(
      rows.map((r) => ({ ...r, grader_score: undefined })),
      grader,
      flags.concurrency,
    );
  } else {
    const missing = rows.filter((r) => r.grader_score === undefined).length;
    if (missing > 0)
      throw new Error(`${file}: ${missing} rows have no grader_score; pass --judge-model to grade them`);
  }
  const metrics = metaEvalMetrics(rows.map((r) => ({ human: r.human_score, grader: r.grader_score })));
  const markdown = formatMetaEvalMarkdown(metrics, `Grader meta-evaluation: ${graderName} vs human scores`);
  if (flags.out) {
    const { dir } = prepareRunDir({
      out: flags.out,
      prefix: 'meta-eval',
      resume: flags.resume,
      force: flags.force,
    });
    writeFileSync(join(dir, 'meta-eval.md'), markdown);
    writeFileSync(
      join(dir, 'meta-eval.json'),
      `${JSON.stringify({ file, grader: graderName, ...metrics, rows }, null, 2)}\n`,
    );
  }
  process.stdout.write(
    flags.json ? `${JSON.stringify({ file, grader: graderName, ...metrics })}\n` : markdown,
  );
}
