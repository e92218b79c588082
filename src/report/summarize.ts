// RunSummary: the numbers a report compares across runs, read from a loaded run's metrics (as
// written by src/eval/metrics.ts) plus a per-sample score histogram. Missing numbers stay null.
import type { LoadedRun } from './load-run.ts';

export interface GroupScore {
  group: string;
  mean: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  problems: number | null;
}

export interface RunSummary {
  name: string;
  dir: string;
  /** Short label shown in plots: model · scaffold (· run name when two runs would share it). */
  label: string;
  model: string;
  scaffold: string;
  scaffoldOptions: string;
  grader: string;
  complete: boolean;
  problems: number | null;
  samples: number;
  graded: number | null;
  mean: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  passAtK: Array<{ k: number; value: number }>;
  graderErrors: number | null;
  generationErrors: number | null;
  tokensPerProblem: number | null;
  tokensTotal: number | null;
  costTotal: number | null;
  costPerPoint: number | null;
  byCategory: GroupScore[];
  byDifficulty: GroupScore[];
  /** Graded samples by score rounded to a whole point, 0…7; fraction is null when none is graded. */
  scoreHistogram: Array<{ score: number; count: number; fraction: number | null }>;
}

function at(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

const num = (obj: unknown, path: string): number | null => {
  const v = at(obj, path);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

const str = (v: unknown): string => {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const kind = [o.kind, o.scheme, o.model].filter((x) => typeof x === 'string');
    if (kind.length) return kind.join(' · ');
  }
  return JSON.stringify(v);
};

// IMO-ProofBench levels in increasing difficulty; other group names sort alphabetically after them.
const LEVEL_ORDER = ['pre-IMO', 'IMO-easy', 'IMO-medium', 'IMO-hard'];

export function compareGroups(a: string, b: string): number {
  const ia = LEVEL_ORDER.indexOf(a);
  const ib = LEVEL_ORDER.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? LEVEL_ORDER.length : ia) - (ib < 0 ? LEVEL_ORDER.length : ib);
  return a.localeCompare(b);
}

function groups(metrics: unknown, key: string): GroupScore[] {
  const g = at(metrics, key);
  if (!g || typeof g !== 'object') return [];
  const entries = Object.entries(g as Record<string, unknown>).sort(([a], [b]) => compareGroups(a, b));
  return entries.map(([group, m]) => ({
    group,
    mean: num(m, 'mean'),
    ciLow: num(m, 'ci95.low'),
    ciHigh: num(m, 'ci95.high'),
    problems: num(m, 'problems'),
  }));
}

export function summarizeRun(run: LoadedRun): RunSummary {
  const m = run.metrics;
  const c = run.config;
  const counts = new Array<number>(8).fill(0);
  let graded = 0;
  for (const s of run.samples) {
    const score = s.grade?.score;
    if (typeof score !== 'number') continue;
    counts[Math.max(0, Math.min(7, Math.round(score)))]++;
    graded++;
  }
  const passAtK = Object.entries((at(m, 'passAtK') as Record<string, unknown>) ?? {})
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => ({ k: Number(k), value: v as number }))
    .sort((a, b) => a.k - b.k);
  const options =
    c.scaffoldOptions && Object.keys(c.scaffoldOptions as object).length ? c.scaffoldOptions : '';
  const model = str(c.model) || '(unknown model)';
  const scaffold = str(c.scaffold) || 'pure';
  return {
    name: run.name,
    dir: run.dir,
    label: `${model} · ${scaffold}`,
    model,
    scaffold,
    scaffoldOptions: options ? JSON.stringify(options) : '',
    grader: str(c.grader),
    complete: run.complete,
    problems: num(m, 'problems'),
    samples: run.samples.length,
    graded: num(m, 'graded'),
    mean: num(m, 'mean'),
    ciLow: num(m, 'ci95.low'),
    ciHigh: num(m, 'ci95.high'),
    passAtK,
    graderErrors: num(m, 'graderErrors'),
    generationErrors: num(m, 'generationErrors'),
    tokensPerProblem: num(m, 'tokens.perProblem'),
    tokensTotal: num(m, 'tokens.total'),
    costTotal: num(m, 'cost.total'),
    costPerPoint: num(m, 'cost.perPoint'),
    byCategory: groups(m, 'byCategory'),
    byDifficulty: groups(m, 'byDifficulty'),
    scoreHistogram: counts.map((count, score) => ({
      score,
      count,
      fraction: graded ? count / graded : null,
    })),
  };
}

/** Summaries of several runs with labels made unique (run name appended where two would clash). */
export function summarizeRuns(runs: LoadedRun[]): RunSummary[] {
  const out = runs.map(summarizeRun);
  const seen = new Map<string, number>();
  for (const s of out) seen.set(s.label, (seen.get(s.label) ?? 0) + 1);
  for (const s of out) if ((seen.get(s.label) ?? 0) > 1) s.label = `${s.label} · ${s.name}`;
  return out;
}
