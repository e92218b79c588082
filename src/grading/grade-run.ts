// gradeAttempts: grade a set of attempts with any Grader, a bounded number at once, appending each
// Grade to `grades.jsonl` the moment it exists (resume skips graded attempts) and writing
// `summary.json`. Generation failures and unknown problems become recorded failures, never judge calls.
// A run's defining settings are stored at the start; a resume that changes one is refused by name.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keepLines } from '../core/jsonl-scan.ts';
import { checkStoredSettings } from '../core/settings-diff.ts';
import type { Attempt } from '../core/attempt.ts';
import { attemptId } from '../core/attempt.ts';
import type { Grade, GraderInfo } from '../core/grade.ts';
import type { Problem } from '../core/problem.ts';
import { RecordLog } from '../core/record-log.ts';
import { emptyUsage, sumUsage, type Usage } from '../core/usage.ts';
import { answerOutcome, type AnswerOutcome } from '../answers/answer-grader.ts';
import { mean, std } from './ensemble.ts';
import type { Grader } from './types.ts';

export const GRADES_FILE = 'grades.jsonl';
export const SUMMARY_FILE = 'summary.json';
export const GRADER_FILE = 'grader.json';
/** Where a `qed grade` run's attempts and problems come from, so `qed view` / `qed report` can join them. */
export const GRADE_SOURCES_FILE = 'grade-sources.json';
/** The settings that define a `qed grade` run (sources, scheme, judges, sampling …), checked on resume. */
export const GRADE_SETTINGS_FILE = 'grade-settings.json';

export interface GradeAttemptsOptions {
  attempts: readonly Attempt[];
  problems: readonly Problem[];
  grader: Grader;
  /** Run directory (must exist). */
  dir: string;
  concurrency?: number;
  onGrade?: (grade: Grade, done: number, total: number) => void;
  signal?: AbortSignal;
  /**
   * Drop recorded failed grades first so they are graded again; a failure because the attempt's
   * generation failed is kept while that attempt still has an error.
   */
  retryFailed?: boolean;
}

export interface GradeSummary {
  total: number;
  graded: number;
  failed: number;
  /** Mean score over graded attempts only (null when none was graded). */
  mean: number | null;
  meanReward: number | null;
  std: number | null;
  /** Failures by cause: generation (not sent to the judge), judge, missing-problem. */
  failures: { generation: number; grader: number; missingProblem: number };
  histogram: Record<string, number>;
  grader: GraderInfo;
  usage: Usage;
  /** Attempts already graded by an earlier (resumed) run. */
  resumed: number;
  /** Answer scheme only: correct / wrong / no-answer / undecided / failed counts. */
  outcomes?: Record<AnswerOutcome, number>;
}

export async function gradeAttempts(opts: GradeAttemptsOptions): Promise<GradeSummary> {
  guardGrader(opts.dir, opts.grader.info);
  if (opts.retryFailed) dropFailedGrades(opts.dir, opts.attempts);
  const log = new RecordLog<Grade>({ path: join(opts.dir, GRADES_FILE), key: (g) => g.attemptId });
  const resumed = log.size;
  const byId = new Map(opts.problems.map((p) => [p.id, p]));
  const todo = opts.attempts.filter((a) => !log.has(attemptId(a)));
  const total = opts.attempts.length;
  let done = resumed;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length && !opts.signal?.aborted) {
      const attempt = todo[next++];
      const grade = await gradeOne(attempt, byId.get(attempt.problemId), opts);
      log.append(grade);
      opts.onGrade?.(grade, ++done, total);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 8) }, worker));
  } finally {
    log.close();
  }
  const ids = new Set(opts.attempts.map(attemptId));
  const grades = log.readAll().filter((g) => ids.has(g.attemptId));
  const summary = summarizeGrades(grades, opts.grader.info, resumed);
  writeFileSync(join(opts.dir, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** Stores a new run's settings; on resume, refuses settings that differ from the stored ones. */
export function checkGradeSettings(dir: string, resumed: boolean, settings: Record<string, unknown>): void {
  checkStoredSettings(dir, join(dir, GRADE_SETTINGS_FILE), resumed, settings);
}

/**
 * Rewrites grades.jsonl without the failed grades that a retry should redo (to a temporary copy, then
 * renamed over the original, so a crash leaves either the old or the new file).
 */
function dropFailedGrades(dir: string, attempts: readonly Attempt[]): void {
  const path = join(dir, GRADES_FILE);
  if (!existsSync(path)) return;
  const byId = new Map(attempts.map((a) => [attemptId(a), a]));
  keepLines(path, (record) => {
    const g = record as unknown as Grade;
    if (g.score !== null) return true;
    if (!g.graderError?.startsWith('not graded: generation failed')) return false;
    const attempt = byId.get(g.attemptId);
    return !attempt || Boolean(attempt.error);
  });
}

/** A directory holds grades of one grader: resuming with another judge, template or scheme is refused. */
export function guardGrader(dir: string, info: GraderInfo): void {
  const path = join(dir, GRADER_FILE);
  const mine = JSON.stringify(info);
  if (!existsSync(path)) {
    writeFileSync(path, `${JSON.stringify(info, null, 2)}\n`);
    return;
  }
  const theirs = JSON.stringify(JSON.parse(readFileSync(path, 'utf8')) as GraderInfo);
  if (theirs !== mine) {
    throw new Error(
      `${dir} holds grades from another grader (${theirs}); this one is ${mine}. Use a new --out, or --force to start over`,
    );
  }
}

async function gradeOne(
  attempt: Attempt,
  problem: Problem | undefined,
  opts: GradeAttemptsOptions,
): Promise<Grade> {
  const base = {
    attemptId: attemptId(attempt),
    problemId: attempt.problemId,
    sampleIndex: attempt.sampleIndex,
    assessment: '',
    errors: [],
    grader: opts.grader.info,
    usage: emptyUsage(),
    score: null,
  };
  if (attempt.error) return { ...base, graderError: `not graded: generation failed (${attempt.error})` };
  if (!problem)
    return { ...base, graderError: `not graded: problem ${attempt.problemId} is not in the dataset` };
  try {
    return await opts.grader.grade({ problem, attempt }, { signal: opts.signal });
  } catch (e) {
    // A grader that throws is a bug, but the run keeps every finished grade and records this one.
    return { ...base, graderError: `grader threw: ${(e as Error).message}` };
  }
}

export function summarizeGrades(grades: readonly Grade[], grader: GraderInfo, resumed = 0): GradeSummary {
  const scores = grades.flatMap((g) => (g.score === null ? [] : [g.score]));
  const failedGrades = grades.filter((g) => g.score === null);
  const histogram: Record<string, number> = {};
  for (const s of scores) histogram[String(s)] = (histogram[String(s)] ?? 0) + 1;
  const m = scores.length ? mean(scores) : null;
  return {
    total: grades.length,
    graded: scores.length,
    failed: failedGrades.length,
    mean: m,
    meanReward: m === null ? null : m / 7,
    std: scores.length ? std(scores) : null,
    failures: {
      generation: failedGrades.filter((g) => g.graderError?.includes('generation failed')).length,
      missingProblem: failedGrades.filter((g) => g.graderError?.includes('is not in the dataset')).length,
      grader: failedGrades.filter(
        (g) =>
          !g.graderError?.includes('generation failed') && !g.graderError?.includes('is not in the dataset'),
      ).length,
    },
    histogram,
    grader,
    usage: sumUsage(grades.map((g) => g.usage)),
    resumed,
    ...(grader.scheme === 'answer' ? { outcomes: countOutcomes(grades) } : {}),
  };
}

function countOutcomes(grades: readonly Grade[]): Record<AnswerOutcome, number> {
  const out: Record<AnswerOutcome, number> = {
    correct: 0,
    wrong: 0,
    'no-answer': 0,
    undecided: 0,
    failed: 0,
  };
  for (const g of grades) out[answerOutcome(g)]++;
  return out;
}

export function formatSummary(s: GradeSummary): string {
  const mean = s.mean === null ? 'n/a' : `${s.mean.toFixed(3)}/7 (reward ${(s.meanReward ?? 0).toFixed(3)})`;
  return [
    `graded ${s.graded}/${s.total}, failed ${s.failed} (generation ${s.failures.generation}, grader ${s.failures.grader}, missing problem ${s.failures.missingProblem})`,
    `mean over graded: ${mean}${s.std === null ? '' : `, std ${s.std.toFixed(3)}`}`,
    `scores: ${
      Object.entries(s.histogram)
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([k, v]) => `${k}:${v}`)
        .join(' ') || '-'
    }`,
    ...(s.outcomes
      ? [
          `answers: ${Object.entries(s.outcomes)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
        ]
      : []),
    `judge: ${s.grader.model ?? s.grader.kind} template ${s.grader.templateId ?? '-'}, ${s.usage.calls} calls, ${s.usage.promptTokens}+${s.usage.completionTokens} tokens, $${s.usage.cost.toFixed(4)}`,
  ].join('\n');
}
