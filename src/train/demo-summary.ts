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

const pct = (x: number) => (100 * x).toFixed(1).padStart(5);

/**
 * Markdown table with one line per stage × scaffold (in first-seen order) and one column per key:
 * the row whose `column` is that key, through `cell`, or "-" where there is none.
 */
function gridTable<R extends { stage: string; scaffold: string }>(
  rows: readonly R[],
  columns: ReadonlyArray<{ key: string; header: string }>,
  column: (row: R) => string,
  cell: (row: R) => string,
): string {
  const lines = [
    `| stage | scaffold | ${columns.map((c) => c.header).join(' | ')} |`,
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

/** Columns short / long / all. */
function stageTable<R extends { stage: string; scaffold: string; split: string }>(
  rows: readonly R[],
  cell: (row: R) => string,
): string {
  return gridTable(rows, SPLIT_COLUMNS, (r) => r.split, cell);
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
    mean: perSeed.some((v) => v === null)
      ? null
      : (perSeed as number[]).reduce((a, b) => a + b, 0) / perSeed.length,
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
