// loadRun: one evaluation run directory → its config, metrics, samples (attempt + grade) and the
// problems they answer. Reads the finished `run.json`, or joins `attempts.jsonl` + `grades.jsonl`
// of a run still in progress or of a `qed generate` run (attempts only, shown ungraded). Problems come from `problems.jsonl` in the run, the run's recorded
// dataset path, or an explicit dataset file; without them the run is still shown, by problem id.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { attemptId } from '../core/attempt.ts';
import type { Attempt } from '../core/attempt.ts';
import { InputError } from '../core/errors.ts';
import { GradeSchema } from '../core/grade.ts';
import type { Grade } from '../core/grade.ts';
import type { Problem } from '../core/problem.ts';
import { RunLogSchema } from '../core/run-log.ts';
import type { RunSample } from '../core/run-log.ts';
import { loadAttempts } from '../data/load-attempts.ts';
import { loadProblems } from '../data/load-problems.ts';
import { readJsonlAll } from '../data/jsonl.ts';
import { validateRecord } from '../data/validate.ts';
import { MetricsAccumulator } from '../eval/metrics.ts';
import { GRADE_SOURCES_FILE } from '../grading/grade-run.ts';

export interface LoadedRun {
  dir: string;
  name: string;
  config: Record<string, unknown>;
  metrics: Record<string, unknown>;
  samples: RunSample[];
  problems: Map<string, Problem>;
  /** Where the problems came from, or why there are none. */
  problemsSource: string;
  createdAt?: string;
  finishedAt?: string;
  /** False when read from the JSONL logs of a run without run.json (metrics computed here). */
  complete: boolean;
}

export interface LoadRunOptions {
  /** Dataset file with the run's problems, when the run does not say where they are. */
  dataset?: string;
}

export async function loadRun(dir: string, opts: LoadRunOptions = {}): Promise<LoadedRun> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError('not a run directory', { file: dir });
  }
  const runJson = join(dir, 'run.json');
  const base = existsSync(runJson) ? await readRunLog(runJson, dir) : await readRunLogs(dir);
  const { problems, source } = await findProblems(dir, base.config, opts.dataset);
  const metrics = base.metrics ?? computeMetrics(base.samples, problems, base.config);
  return { dir, name: basename(resolve(dir)), ...base, metrics, problems, problemsSource: source };
}

type RunBase = Pick<LoadedRun, 'config' | 'samples' | 'createdAt' | 'finishedAt' | 'complete'> & {
  metrics?: Record<string, unknown>;
};

async function readRunLog(path: string, dir: string): Promise<RunBase> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message})`, { file: path });
  }
  const checked = validateRecord(RunLogSchema, data, { file: path });
  if (!checked.ok) throw checked.error;
  const log = checked.value;
  // A `qed generate` run keeps its attempts in attempts.jsonl (ungraded); run.json has its config and
  // generation summary, not samples.
  if (log.kind === 'generate') {
    const logs = await readRunLogs(dir);
    return {
      ...logs,
      config: log.config,
      createdAt: log.createdAt,
      finishedAt: log.finishedAt,
      complete: true,
    };
  }
  const hasMetrics = typeof log.metrics.mean !== 'undefined';
  return {
    config: log.config,
    samples: log.samples,
    createdAt: log.createdAt,
    finishedAt: log.finishedAt,
    metrics: hasMetrics ? log.metrics : undefined,
    complete: true,
  };
}

async function readRunLogs(dir: string): Promise<RunBase> {
  // A `qed grade` run holds grades only; its attempts are where grade-sources.json says.
  const sources = await readGradeSources(dir);
  if (!sources && !existsSync(join(dir, 'attempts.jsonl'))) {
    throw new InputError(`no run.json, attempts.jsonl or ${GRADE_SOURCES_FILE} here`, { file: dir });
  }
  const attempts: Attempt[] = await loadAttempts(sources?.attempts ?? dir);
  const gradesPath = join(dir, 'grades.jsonl');
  const grades = new Map<string, Grade>();
  if (existsSync(gradesPath)) {
    for (const g of await readJsonlAll(gradesPath, { schema: GradeSchema, tolerateTornTail: true })) {
      if (!grades.has(g.attemptId)) grades.set(g.attemptId, g);
    }
  }
  let config: Record<string, unknown> = sources ? { kind: 'grade', ...sources } : {};
  let createdAt: string | undefined;
  const configPath = join(dir, 'eval-config.json');
  if (existsSync(configPath)) {
    const saved = JSON.parse(await readFile(configPath, 'utf8')) as {
      config?: Record<string, unknown>;
      createdAt?: string;
    };
    config = saved.config ?? {};
    createdAt = saved.createdAt;
  }
  const samples = attempts.map((attempt) => ({ attempt, grade: grades.get(attemptId(attempt)) ?? null }));
  return { config, samples, createdAt, complete: false };
}

async function findProblems(
  dir: string,
  config: Record<string, unknown>,
  dataset?: string,
): Promise<{ problems: Map<string, Problem>; source: string }> {
  const recorded = typeof config.dataset === 'string' ? config.dataset : undefined;
  const candidates = [
    dataset,
    join(dir, 'problems.jsonl'),
    ...(recorded ? (isAbsolute(recorded) ? [recorded] : [resolve(recorded), resolve(dir, recorded)]) : []),
  ].filter((p): p is string => p !== undefined);
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    const list = await loadProblems(path, { skipInvalid: true, onWarning: () => {} });
    return { problems: new Map(list.map((p) => [p.id, p])), source: path };
  }
  const why = recorded ? `dataset ${recorded} not found` : 'the run does not name its dataset';
  return { problems: new Map(), source: `none (${why}; pass --dataset FILE)` };
}

async function readGradeSources(dir: string): Promise<{ attempts: string; dataset: string } | null> {
  const path = join(dir, GRADE_SOURCES_FILE);
  if (existsSync(join(dir, 'attempts.jsonl')) || !existsSync(path)) return null;
  let v: { attempts?: unknown; dataset?: unknown };
  try {
    v = JSON.parse(await readFile(path, 'utf8')) as typeof v;
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message})`, { file: path });
  }
  if (typeof v.attempts !== 'string' || typeof v.dataset !== 'string')
    throw new InputError('expected {"attempts": path, "dataset": path}', { file: path });
  return { attempts: v.attempts, dataset: v.dataset };
}

function computeMetrics(
  samples: RunSample[],
  problems: Map<string, Problem>,
  config: Record<string, unknown>,
): Record<string, unknown> {
  const acc = new MetricsAccumulator({
    passThreshold: typeof config.passThreshold === 'number' ? config.passThreshold : 6,
    seed: typeof config.seed === 'number' ? config.seed : 0,
  });
  for (const s of samples) {
    const p = problems.get(s.attempt.problemId);
    acc.add(s.attempt, s.grade, { category: p?.category, difficulty: p?.difficulty });
  }
  return { ...acc.result() };
}
