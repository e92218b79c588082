// runEval: evaluate one model + scaffold on a problem set with a grader. Generation and grading
// stream through two bounded pools with no barrier between them: each attempt is appended to
// attempts.jsonl and handed to grading the moment it exists; each grade goes to grades.jsonl.
// `resume` continues a run directory: finished attempts and grades are kept, never redone or
// duplicated, and attempts that lack a grade are graded; `retryFailed` also redoes failed generations
// and gradings. The end writes run.json (RunLogSchema).
import { join } from 'node:path';
import type { Attempt } from '../core/attempt.ts';
import { attemptId } from '../core/attempt.ts';
import type { Grade } from '../core/grade.ts';
import type { Problem } from '../core/problem.ts';
import { Progress } from '../core/progress.ts';
import { RecordLog } from '../core/record-log.ts';
import { deriveSeed } from '../core/rng.ts';
import { prepareRunDir } from '../core/run-dir.ts';
import { emptyUsage } from '../core/usage.ts';
import type { Grader } from '../grading/types.ts';
import type { GenerateRequest, Provider } from '../providers/types.ts';
import { getScaffold, parseScaffoldOptions } from '../scaffolds/registry.ts';
import { runScaffold, type ProviderMap } from '../scaffolds/run-scaffold.ts';
import type { ScaffoldDef } from '../scaffolds/types.ts';
import { scanRecords } from '../core/jsonl-scan.ts';
import { checkResumeConfig, dropFailures } from './resume.ts';
import type { EvalMetrics } from './metrics.ts';
import { Semaphore } from './semaphore.ts';
import { ATTEMPTS_FILE, GRADES_FILE, writeRunLog } from './run-log-writer.ts';

export interface RunEvalOptions {
  problems: readonly Problem[];
  /** The model under evaluation. */
  provider: Provider;
  /** Extra models by key: 'summarizer' (reasoning-cache), 'verifier' (generate-verify-refine), 'selector' (best-of-n). */
  providers?: Record<string, Provider>;
  grader: Grader;
  scaffold?: string | ScaffoldDef;
  scaffoldOptions?: Record<string, unknown>;
  sampling?: Pick<GenerateRequest, 'maxTokens' | 'temperature' | 'topP' | 'extra'>;
  /** Attempts per problem. */
  samples?: number;
  /** Attempts generated at once. */
  concurrency?: number;
  /** Gradings at once (defaults to `concurrency`). */
  gradeConcurrency?: number;
  /** Run directory; a fresh one under `root` when absent. */
  out?: string;
  root?: string;
  resume?: boolean;
  /** With `resume`: drop failed generations and failed gradings from the logs and redo them. */
  retryFailed?: boolean;
  force?: boolean;
  seed?: number;
  /** Score that counts as solved for pass@k. */
  passThreshold?: number;
  /** Extra facts recorded in run.json's config (dataset path, CLI flags …). */
  config?: Record<string, unknown>;
  /** Progress on stderr (default true). */
  progress?: boolean;
  signal?: AbortSignal;
}

export interface RunEvalResult {
  dir: string;
  runLog: string;
  metrics: EvalMetrics;
  /** Work done by this call, excluding what a resumed run had already finished. */
  generated: number;
  graded: number;
  resumed: { attempts: number; grades: number };
}

export async function runEval(opts: RunEvalOptions): Promise<RunEvalResult> {
  const scaffold = typeof opts.scaffold === 'object' ? opts.scaffold : getScaffold(opts.scaffold ?? 'pure');
  const scaffoldOptions = parseScaffoldOptions(scaffold, opts.scaffoldOptions);
  const samples = opts.samples ?? 1;
  const seed = opts.seed ?? 0;
  const concurrency = opts.concurrency ?? 16;
  const byId = new Map<string, Problem>();
  for (const p of opts.problems) {
    if (byId.has(p.id)) throw new Error(`duplicate problem id "${p.id}"`);
    byId.set(p.id, p);
  }
  const { dir, resumed } = prepareRunDir({
    out: opts.out,
    root: opts.root,
    prefix: `eval-${scaffold.name}`,
    resume: opts.resume,
    force: opts.force,
  });
  const config: Record<string, unknown> = {
    ...opts.config,
    model: opts.provider.name,
    providers: Object.fromEntries(Object.entries(opts.providers ?? {}).map(([k, p]) => [k, p.name])),
    scaffold: scaffold.name,
    // Functions (a programmatic summarizer) are recorded by name.
    scaffoldOptions: JSON.parse(
      JSON.stringify(scaffoldOptions, (_, v: unknown) =>
        typeof v === 'function' ? `function ${v.name || '(anonymous)'}` : v,
      ),
    ) as unknown,
    grader: opts.grader.info,
    samples,
    seed,
    concurrency,
    gradeConcurrency: opts.gradeConcurrency ?? concurrency,
    sampling: opts.sampling ?? {},
    problems: opts.problems.length,
    passThreshold: opts.passThreshold ?? 6,
    files: { attempts: ATTEMPTS_FILE, grades: GRADES_FILE },
  };
  const createdAt = checkResumeConfig(dir, resumed, config);
  if (opts.retryFailed && resumed) dropFailures(dir);

  const attemptsLog = new RecordLog<Attempt>({ path: join(dir, ATTEMPTS_FILE), key: (a) => attemptId(a) });
  const gradesLog = new RecordLog<Grade>({ path: join(dir, GRADES_FILE), key: (g) => g.attemptId });
  const resumedCounts = { attempts: attemptsLog.size, grades: gradesLog.size };
  const total = opts.problems.length * samples;
  const progress = new Progress({ label: `eval ${scaffold.name}`, total, quiet: opts.progress === false });
  let scoreSum = 0;
  let scored = 0;
  let failures = 0;
  const finishSample = (grade: Grade | null) => {
    if (grade?.score != null) {
      scoreSum += grade.score;
      scored++;
    } else failures++;
    progress.tick(1, `mean ${scored ? (scoreSum / scored).toFixed(2) : '-'}/7 failed ${failures}`);
  };

  const gradeSlots = new Semaphore(opts.gradeConcurrency ?? concurrency);
  const gradings = new Set<Promise<void>>();
  let generated = 0;
  let graded = 0;
  const grade = async (attempt: Attempt): Promise<void> => {
    const problem = byId.get(attempt.problemId);
    if (!problem) throw new Error(`attempt ${attemptId(attempt)} names unknown problem ${attempt.problemId}`);
    const g = await gradeSafely(opts.grader, problem, attempt, opts.signal);
    if (opts.signal?.aborted) return;
    gradesLog.append(g);
    graded++;
    finishSample(g);
  };
  // Bounded: waits for a grading slot, so generation slows down when grading falls behind.
  const scheduleGrade = async (attempt: Attempt): Promise<void> => {
    await gradeSlots.acquire();
    const p = grade(attempt).finally(() => {
      gradeSlots.release();
      gradings.delete(p);
    });
    gradings.add(p);
  };

  try {
    // Finished samples from an earlier run count toward progress; ungraded attempts are graded first.
    const toGrade: Attempt[] = [];
    scanRecords<Attempt>(join(dir, ATTEMPTS_FILE), (a) => {
      const id = attemptId(a);
      if (a.error !== undefined) finishSample(null);
      else if (gradesLog.has(id)) progress.tick(1);
      else if (byId.has(a.problemId)) toGrade.push(a);
    });
    for (const a of toGrade.splice(0)) await scheduleGrade(a);

    const queue = pendingWork(opts.problems, samples, attemptsLog);
    const worker = async (): Promise<void> => {
      for (let item = queue.next(); !item.done; item = queue.next()) {
        if (opts.signal?.aborted) return;
        const { problem, sampleIndex } = item.value;
        const attempt = await runScaffold(
          scaffold,
          { problem, sampleIndex, seed: deriveSeed(seed, problem.id, sampleIndex) },
          {
            providers: providerMap(opts),
            options: scaffoldOptions,
            sampling: opts.sampling,
            signal: opts.signal,
          },
        );
        if (opts.signal?.aborted) return; // a call cut short by the abort is not a result
        attemptsLog.append(attempt);
        generated++;
        if (attempt.error !== undefined) finishSample(null);
        else await scheduleGrade(attempt);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    while (gradings.size) await Promise.all([...gradings]);
  } finally {
    attemptsLog.close();
    gradesLog.close();
  }
  if (opts.signal?.aborted) throw new Error(`eval aborted; continue with --resume --out ${dir}`);
  progress.finish();
  const log = writeRunLog({
    dir,
    problems: opts.problems,
    samples,
    config,
    createdAt,
    seed,
    passThreshold: opts.passThreshold,
  });
  return { dir, runLog: log.path, metrics: log.metrics, generated, graded, resumed: resumedCounts };
}

function providerMap(opts: RunEvalOptions): ProviderMap {
  return { ...opts.providers, policy: opts.provider };
}

/** (problem, sample) pairs not yet in the attempts log, produced lazily in problem order. */
function* pendingWork(problems: readonly Problem[], samples: number, done: RecordLog<Attempt>) {
  for (const problem of problems) {
    for (let sampleIndex = 0; sampleIndex < samples; sampleIndex++) {
      if (!done.has(attemptId({ problemId: problem.id, sampleIndex }))) yield { problem, sampleIndex };
    }
  }
}

/** A grader that throws (a bug or an unexpected failure) yields a failed grade, never a lost sample. */
async function gradeSafely(
  grader: Grader,
  problem: Problem,
  attempt: Attempt,
  signal?: AbortSignal,
): Promise<Grade> {
  const ids = {
    attemptId: attemptId(attempt),
    problemId: attempt.problemId,
    sampleIndex: attempt.sampleIndex,
  };
  try {
    const g = await grader.grade({ problem, attempt }, { signal });
    return { ...g, ...ids };
  } catch (e) {
    return {
      ...ids,
      score: null,
      graderError: `grader threw: ${(e as Error).message}`,
      assessment: '',
      errors: [],
      grader: grader.info,
      usage: emptyUsage(),
    };
  }
}
