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

/** One Markdown line per stage × scaffold (in first-seen order), columns short / long / all. */
function stageTable<R extends { stage: string; scaffold: string; split: string }>(
  rows: readonly R[],
  cell: (row: R) => string,
): string {
  const lines = ['| stage | scaffold | short | long | all |', '|---|---|---|---|---|'];
  const keys = [...new Set(rows.map((r) => `${r.stage}\u0000${r.scaffold}`))];
  for (const key of keys) {
    const [stage, scaffold] = key.split('\u0000');
    const at = (split: string) => {
      const r = rows.find((x) => x.stage === stage && x.scaffold === scaffold && x.split === split);
      return r ? cell(r) : '-';
    };
    lines.push(`| ${stage} | ${scaffold} | ${at('short')} | ${at('long')} | ${at('all')} |`);
  }
  return lines.join('\n');
}

/** The domain's problem kinds, as the by-family table's columns. */
const FAMILY_COLUMNS: ReadonlyArray<[string, (p: Problem) => boolean]> = [
  ['short chains', (p) => metaOf(p)?.family === 'chain' && metaOf(p)?.length === 'short'],
  ['long chains', (p) => metaOf(p)?.family === 'chain' && metaOf(p)?.length === 'long'],
  ['cases', (p) => metaOf(p)?.family === 'cases'],
  ['two roads', (p) => metaOf(p)?.family === 'roads'],
];

/**
 * Markdown table of the mean score per problem family (points of 100, the number of problems in each
 * column's header): one line per stage × scaffold. Shows where each stage gains or loses.
 */
export function formatFamilyTable(
  results: ReadonlyArray<{ stage: string; scaffold: string; scores: Map<string, number> }>,
  problems: readonly Problem[],
): string {
  const columns = FAMILY_COLUMNS.map(([name, has]) => ({ name, ids: problems.filter(has).map((p) => p.id) }));
  const lines = [
    `| stage | scaffold | ${columns.map((c) => `${c.name} (${c.ids.length})`).join(' | ')} |`,
    `|---|---|${columns.map(() => '---|').join('')}`,
  ];
  for (const r of results) {
    const cells = columns.map(({ ids }) => {
      const values = ids.map((id) => r.scores.get(id)).filter((v): v is number => v !== undefined);
      return values.length ? pct(values.reduce((a, b) => a + b, 0) / values.length / 7) : '-';
    });
    lines.push(`| ${r.stage} | ${r.scaffold} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
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

/** Mean over several demo runs (one per seed) of each stage × scaffold × split row. */
export function seedMeanRows(runs: ReadonlyArray<{ seed: number; rows: readonly SummaryRow[] }>): SeedRow[] {
  if (!runs.length) throw new Error('no demo runs to average');
  return runs[0].rows.map((r) => {
    const perSeed = runs.map((run) => {
      const m = run.rows.find((x) => x.stage === r.stage && x.scaffold === r.scaffold && x.split === r.split);
      if (!m) throw new Error(`seed ${run.seed}: no row for ${r.stage} / ${r.scaffold} / ${r.split}`);
      return m.mean;
    });
    return {
      stage: r.stage,
      scaffold: r.scaffold,
      split: r.split,
      mean: perSeed.reduce((a, b) => a + b, 0) / perSeed.length,
      perSeed,
      seeds: runs.map((x) => x.seed),
    };
  });
}

/** Markdown table of seed means: "mean (seed 1 / seed 2 / …)" in points of 100. */
export function formatSeedTable(rows: readonly SeedRow[]): string {
  return stageTable(
    rows,
    (r) => `${pct(r.mean)} (${r.perSeed.map((v) => (100 * v).toFixed(1)).join(' / ')})`,
  );
}
