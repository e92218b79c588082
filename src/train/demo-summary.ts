// The demo's summary: per stage × scaffold × split (short/long/all) the mean score/7 as a fraction with
// a bootstrap 95% CI over test problems, read from each evaluation's grades.jsonl; and the text table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../core/problem.ts';
import { GRADES_FILE, bootstrapCi } from '../eval/index.ts';
import { metaOf } from '../toy/generate.ts';

export interface SummaryRow {
  stage: string;
  scaffold: string;
  split: 'short' | 'long' | 'all';
  mean: number;
  ci: [number, number];
  n: number;
}

/** Mean graded score per problem (grader failures excluded, never averaged as 0). */
export function readScores(runDir: string): Map<string, number> {
  const sums = new Map<string, { s: number; n: number }>();
  for (const line of readFileSync(join(runDir, GRADES_FILE), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const g = JSON.parse(line) as { problemId: string; score: number | null };
    if (g.score === null) continue;
    const e = sums.get(g.problemId) ?? { s: 0, n: 0 };
    e.s += g.score;
    e.n++;
    sums.set(g.problemId, e);
  }
  return new Map([...sums].map(([id, e]) => [id, e.s / e.n]));
}

export function demoRows(
  results: ReadonlyArray<{ stage: string; scaffold: string; scores: Map<string, number> }>,
  problems: readonly Problem[],
  seed: number,
): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const r of results) {
    for (const split of ['short', 'long', 'all'] as const) {
      const values = problems
        .filter((p) => split === 'all' || metaOf(p)?.length === split)
        .map((p) => r.scores.get(p.id))
        .filter((v): v is number => v !== undefined)
        .map((v) => v / 7);
      const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
      const ci = bootstrapCi(values, { seed });
      rows.push({
        stage: r.stage,
        scaffold: r.scaffold,
        split,
        mean,
        ci: ci ? [ci.low, ci.high] : [0, 0],
        n: values.length,
      });
    }
  }
  return rows;
}

export interface GainRow {
  /** "rl − sft": the later stage and the one before it. */
  stage: string;
  scaffold: string;
  split: 'short' | 'long' | 'all';
  /** Mean over problems scored at both stages of the difference in score/7 (in [−1, 1]); null with none. */
  mean: number | null;
  /** Paired 95% bootstrap CI: each resample draws problems once for both stages. Null with no problems. */
  ci: [number, number] | null;
  /** Problems scored at both stages; of them, how many scored higher and lower at the later stage. */
  n: number;
  higher: number;
  lower: number;
}

/**
 * What each stage adds over the one before it, per scaffold and split, paired over the same problems:
 * the two stages are scored on one problem set, so the gain's CI is that of the per-problem
 * differences, much narrower than two separate CIs suggest.
 */
export function gainRows(
  results: ReadonlyArray<{ stage: string; scaffold: string; scores: Map<string, number> }>,
  problems: readonly Problem[],
  seed: number,
): GainRow[] {
  const rows: GainRow[] = [];
  for (const scaffold of new Set(results.map((r) => r.scaffold))) {
    const stages = results.filter((r) => r.scaffold === scaffold);
    for (let i = 1; i < stages.length; i++) {
      const [before, after] = [stages[i - 1], stages[i]];
      for (const split of ['short', 'long', 'all'] as const) {
        const diffs: number[] = [];
        for (const p of problems) {
          if (split !== 'all' && metaOf(p)?.length !== split) continue;
          const a = before.scores.get(p.id);
          const b = after.scores.get(p.id);
          if (a !== undefined && b !== undefined) diffs.push((b - a) / 7);
        }
        const ci = bootstrapCi(diffs, { seed });
        rows.push({
          stage: `${after.stage} − ${before.stage}`,
          scaffold,
          split,
          mean: diffs.length ? diffs.reduce((x, y) => x + y, 0) / diffs.length : null,
          ci: ci ? [ci.low, ci.high] : null,
          n: diffs.length,
          higher: diffs.filter((d) => d > 0).length,
          lower: diffs.filter((d) => d < 0).length,
        });
      }
    }
  }
  return rows;
}

const pct = (x: number) => (100 * x).toFixed(1).padStart(5);
/** Points of 100 with a sign; a value that rounds to 0.0 reads +0.0. */
const signed = (x: number) => {
  const v = (100 * x).toFixed(1);
  return (Number(v) < 0 ? `−${v.slice(1)}` : `+${v.replace('-', '')}`).padStart(6);
};

/**
 * Markdown table with one line per stage × scaffold (in first-seen order) and one column per key:
 * the row whose `column` is that key, through `cell`, or "-" where there is none.
 */
function gridTable<R extends { stage: string; scaffold: string }>(
  rows: readonly R[],
  columns: ReadonlyArray<{ key: string; header: string }>,
  column: (row: R) => string,
  cell: (row: R) => string,
  stageHeader = 'stage',
): string {
  const lines = [
    `| ${stageHeader} | scaffold | ${columns.map((c) => c.header).join(' | ')} |`,
    `|---|---|${columns.map(() => '---|').join('')}`,
  ];
  for (const key of new Set(rows.map((r) => `${r.stage}\u0000${r.scaffold}`))) {
    const [stage, scaffold] = key.split('\u0000');
    const cells = columns.map((c) => {
      const r = rows.find((x) => x.stage === stage && x.scaffold === scaffold && column(x) === c.key);
      return r ? cell(r) : '-';
    });
    lines.push(`| ${stage} | ${scaffold} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

const SPLIT_COLUMNS = ['short', 'long', 'all'].map((key) => ({ key, header: key }));

/** Columns short / long / all; `stageHeader` heads the first column. */
function stageTable<R extends { stage: string; scaffold: string; split: string }>(
  rows: readonly R[],
  cell: (row: R) => string,
  stageHeader?: string,
): string {
  return gridTable(rows, SPLIT_COLUMNS, (r) => r.split, cell, stageHeader);
}

/** The domain's problem kinds, as the by-family rows. */
const FAMILIES: ReadonlyArray<[string, (p: Problem) => boolean]> = [
  ['short chains', (p) => metaOf(p)?.family === 'chain' && metaOf(p)?.length === 'short'],
  ['long chains', (p) => metaOf(p)?.family === 'chain' && metaOf(p)?.length === 'long'],
  ['cases', (p) => metaOf(p)?.family === 'cases'],
  ['two roads', (p) => metaOf(p)?.family === 'roads'],
];

export interface FamilyRow {
  stage: string;
  scaffold: string;
  family: string;
  /** Mean score/7 over the family's scored problems (a fraction); null when none was scored. */
  mean: number | null;
  /** Problems of the family in the evaluated split. */
  n: number;
}

/** Mean score per problem family, per stage × scaffold: shows where each stage gains or loses. */
export function familyRows(
  results: ReadonlyArray<{ stage: string; scaffold: string; scores: Map<string, number> }>,
  problems: readonly Problem[],
): FamilyRow[] {
  const families = FAMILIES.map(([family, has]) => ({ family, ids: problems.filter(has).map((p) => p.id) }));
  return results.flatMap((r) =>
    families.map(({ family, ids }) => {
      const values = ids.map((id) => r.scores.get(id)).filter((v): v is number => v !== undefined);
      const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length / 7 : null;
      return { stage: r.stage, scaffold: r.scaffold, family, mean, n: ids.length };
    }),
  );
}

/** A column per family, headed with its number of problems. */
function familyTable<R extends { stage: string; scaffold: string; family: string; n: number }>(
  rows: readonly R[],
  cell: (row: R) => string,
): string {
  const columns = [...new Map(rows.map((r) => [r.family, r.n]))].map(([key, n]) => ({
    key,
    header: `${key} (${n})`,
  }));
  return gridTable(rows, columns, (r) => r.family, cell);
}

/** Markdown table: one line per stage × scaffold, columns short / long / all as "mean [low, high]" in points of 100. */
export function formatTable(rows: readonly SummaryRow[]): string {
  return stageTable(rows, (r) => `${pct(r.mean)} [${pct(r.ci[0])}, ${pct(r.ci[1])}]`);
}

/** Markdown table of stage gains: "+gain [low, high]" in points of 100, per scaffold and split. */
export function formatGainTable(rows: readonly GainRow[]): string {
  return stageTable(
    rows,
    (r) => (r.mean !== null && r.ci ? `${signed(r.mean)} [${signed(r.ci[0])}, ${signed(r.ci[1])}]` : '-'),
    'gain',
  );
}

export interface GainSeedRow {
  stage: string;
  scaffold: string;
  split: 'short' | 'long' | 'all';
  /** Mean over seeds of each seed's paired gain; null when some seed had no problem to pair. */
  mean: number | null;
  perSeed: Array<number | null>;
  seeds: number[];
}

/** The mean of per-seed values, or null when some seed has none. */
function meanOrNull(values: ReadonlyArray<number | null>): number | null {
  return values.some((v) => v === null)
    ? null
    : (values as number[]).reduce((a, b) => a + b, 0) / values.length;
}

/** Mean over several demo runs (one per seed) of each stage gain. */
export function seedMeanGainRows(
  runs: ReadonlyArray<{ seed: number; rows: readonly GainRow[] }>,
): GainSeedRow[] {
  const seeds = runs.map((x) => x.seed);
  return acrossSeeds(runs, (r) => r.split).map(({ row, perSeed }) => ({
    stage: row.stage,
    scaffold: row.scaffold,
    split: row.split,
    mean: meanOrNull(perSeed),
    perSeed,
    seeds,
  }));
}

/** Markdown table of gain seed means: "+mean (seed 1 / seed 2 / …)" in points of 100. */
export function formatGainSeedTable(rows: readonly GainSeedRow[]): string {
  return stageTable(
    rows,
    (r) =>
      r.mean === null
        ? '-'
        : `${signed(r.mean)} (${r.perSeed.map((v) => (v === null ? '-' : signed(v).trim())).join(' / ')})`,
    'gain',
  );
}

export interface SeedRow {
  stage: string;
  scaffold: string;
  split: 'short' | 'long' | 'all';
  /** Mean over seeds of each seed's mean score/7 (a fraction in [0, 1]). */
  mean: number;
  /** Each seed's mean, in the order of the runs. */
  perSeed: number[];
  seeds: number[];
}

/**
 * Each row of the first run with the value of the matching row (same stage, scaffold and `column`) in
 * every run, in run order.
 */
function acrossSeeds<R extends { stage: string; scaffold: string; mean: unknown }>(
  runs: ReadonlyArray<{ seed: number; rows: readonly R[] }>,
  column: (r: R) => string,
): Array<{ row: R; perSeed: Array<R['mean']> }> {
  if (!runs.length) throw new Error('no demo runs to average');
  return runs[0].rows.map((row) => ({
    row,
    perSeed: runs.map((run) => {
      const m = run.rows.find(
        (x) => x.stage === row.stage && x.scaffold === row.scaffold && column(x) === column(row),
      );
      if (!m) throw new Error(`seed ${run.seed}: no row for ${row.stage} / ${row.scaffold} / ${column(row)}`);
      return m.mean;
    }),
  }));
}

/** Mean over several demo runs (one per seed) of each stage × scaffold × split row. */
export function seedMeanRows(runs: ReadonlyArray<{ seed: number; rows: readonly SummaryRow[] }>): SeedRow[] {
  const seeds = runs.map((x) => x.seed);
  return acrossSeeds(runs, (r) => r.split).map(({ row, perSeed }) => ({
    stage: row.stage,
    scaffold: row.scaffold,
    split: row.split,
    mean: perSeed.reduce((a, b) => a + b, 0) / perSeed.length,
    perSeed,
    seeds,
  }));
}

export interface FamilySeedRow {
  stage: string;
  scaffold: string;
  family: string;
  /** Problems of the family in the first run's split. */
  n: number;
  /** Mean over seeds; null when some seed scored no problem of the family. */
  mean: number | null;
  perSeed: Array<number | null>;
  seeds: number[];
}

/** Mean over several demo runs (one per seed) of each stage × scaffold × family row. */
export function seedMeanFamilyRows(
  runs: ReadonlyArray<{ seed: number; rows: readonly FamilyRow[] }>,
): FamilySeedRow[] {
  const seeds = runs.map((x) => x.seed);
  return acrossSeeds(runs, (r) => r.family).map(({ row, perSeed }) => ({
    stage: row.stage,
    scaffold: row.scaffold,
    family: row.family,
    n: row.n,
    mean: meanOrNull(perSeed),
    perSeed,
    seeds,
  }));
}

/** Markdown table of seed means: "mean (seed 1 / seed 2 / …)" in points of 100. */
export function formatSeedTable(rows: readonly SeedRow[]): string {
  return stageTable(
    rows,
    (r) => `${pct(r.mean)} (${r.perSeed.map((v) => (100 * v).toFixed(1)).join(' / ')})`,
  );
}

const pctOrDash = (x: number | null) => (x === null ? '    -' : pct(x));

/** Markdown table of one run's family rows, in points of 100. */
export function formatFamilyTable(rows: readonly FamilyRow[]): string {
  return familyTable(rows, (r) => pctOrDash(r.mean));
}

/** Markdown table of family seed means: "mean (seed 1 / seed 2 / …)" in points of 100. */
export function formatFamilySeedTable(rows: readonly FamilySeedRow[]): string {
  return familyTable(
    rows,
    (r) =>
      `${pctOrDash(r.mean)} (${r.perSeed.map((v) => (v === null ? '-' : (100 * v).toFixed(1))).join(' / ')})`,
  );
}
