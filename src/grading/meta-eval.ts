// Meta-evaluation of a grader against human scores. Input: JSONL rows with the human score and either
// an existing `grader_score` or the problem + proof to grade now. Output: agreement metrics (exact,
// within-1, MAE, Pearson, Spearman, 8×8 confusion, bias by score band) as JSON and Markdown.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import type { Problem } from '../core/problem.ts';
import { emptyUsage } from '../core/usage.ts';
import { mean } from './ensemble.ts';
import type { Grader } from './types.ts';

const score = z.number().int().min(0).max(7);

export const MetaEvalRowSchema = z
  .object({
    id: z.string().optional(),
    problem: z.string().optional().describe('problem statement'),
    proof: z.string().optional(),
    human_score: score,
    guidelines: z.string().optional(),
    reference: z.string().optional(),
    grader_score: z.number().min(0).max(7).nullable().optional(),
  })
  .refine((r) => r.grader_score !== undefined || (r.problem && r.proof !== undefined), {
    message: 'needs grader_score, or problem and proof to grade',
  });
export type MetaEvalRow = z.infer<typeof MetaEvalRowSchema>;

export function readMetaEvalFile(path: string): MetaEvalRow[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read (${(e as Error).message})`, { file: path });
  }
  const rows: MetaEvalRow[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      throw new InputError(`not valid JSON (${(e as Error).message})`, { file: path, line: i + 1 });
    }
    const parsed = MetaEvalRowSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(issue.message, {
        file: path,
        line: i + 1,
        field: issue.path.join('.') || undefined,
      });
    }
    rows.push(parsed.data);
  });
  if (rows.length === 0) throw new InputError('no rows', { file: path });
  return rows;
}

/** Fills `grader_score` for rows that lack it by grading them (failures stay null and are counted). */
export async function gradeMetaEvalRows(
  rows: readonly MetaEvalRow[],
  grader: Grader,
  concurrency = 4,
): Promise<Array<MetaEvalRow & { grader_error?: string }>> {
  const out: Array<MetaEvalRow & { grader_error?: string }> = rows.map((r) => ({ ...r }));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < out.length) {
      const i = next++;
      const row = out[i];
      if (row.grader_score !== undefined) continue;
      const id = row.id ?? `row-${i + 1}`;
      const problem: Problem = {
        id,
        statement: row.problem ?? '',
        gradingGuidelines: row.guidelines,
        referenceSolution: row.reference,
      };
      const grade = await grader.grade({
        problem,
        attempt: {
          problemId: id,
          sampleIndex: 0,
          scaffold: 'meta-eval',
          turns: [],
          finalProof: row.proof ?? '',
          usage: emptyUsage(),
          cost: 0,
        },
      });
      row.grader_score = grade.score;
      if (grade.graderError) row.grader_error = grade.graderError;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return out;
}

export interface MetaEvalMetrics {
  n: number;
  /** Rows whose grader score is missing (grader failures), excluded from every metric. */
  failed: number;
  /** Agreement rates and MAE; null when no row could be compared (n = 0). */
  exact: number | null;
  within1: number | null;
  mae: number | null;
  pearson: number | null;
  spearman: number | null;
  /** confusion[human][grader] over integer scores 0–7 (grader scores rounded). */
  confusion: number[][];
  /** Mean (grader − human) by human score band. */
  biasByBand: Array<{ band: string; n: number; bias: number | null }>;
}

const BANDS: Array<[string, number, number]> = [
  ['0', 0, 0],
  ['1-2', 1, 2],
  ['3-4', 3, 4],
  ['5-6', 5, 6],
  ['7', 7, 7],
];

export function metaEvalMetrics(
  pairs: ReadonlyArray<{ human: number; grader: number | null | undefined }>,
): MetaEvalMetrics {
  const ok = pairs.filter((p): p is { human: number; grader: number } => typeof p.grader === 'number');
  const h = ok.map((p) => p.human);
  const g = ok.map((p) => p.grader);
  const confusion = Array.from({ length: 8 }, () => new Array<number>(8).fill(0));
  for (const p of ok) confusion[p.human][Math.round(p.grader)]++;
  const frac = (f: (p: { human: number; grader: number }) => boolean): number | null =>
    ok.length ? ok.filter(f).length / ok.length : null;
  return {
    n: ok.length,
    failed: pairs.length - ok.length,
    exact: frac((p) => Math.round(p.grader) === p.human),
    within1: frac((p) => Math.abs(p.grader - p.human) <= 1),
    mae: ok.length ? mean(ok.map((p) => Math.abs(p.grader - p.human))) : null,
    pearson: pearson(h, g),
    spearman: pearson(ranks(h), ranks(g)),
    confusion,
    biasByBand: BANDS.map(([band, lo, hi]) => {
      const inBand = ok.filter((p) => p.human >= lo && p.human <= hi);
      return {
        band,
        n: inBand.length,
        bias: inBand.length ? mean(inBand.map((p) => p.grader - p.human)) : null,
      };
    }),
  };
}

/** Pearson correlation; null when either side is constant or there are fewer than 2 pairs. */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
  if (x.length < 2) return null;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

/** Ranks starting at 1, ties sharing their average rank (for Spearman). */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) out[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

export function formatMetaEvalMarkdown(m: MetaEvalMetrics, title = 'Grader meta-evaluation'): string {
  const f = (x: number | null, d = 3): string => (x === null ? 'n/a' : x.toFixed(d));
  const lines = [
    `# ${title}`,
    '',
    `Rows compared: ${m.n} (grader failures excluded: ${m.failed})`,
    '',
    ...(m.n === 0 ? ['No row could be compared: every metric is n/a.', ''] : []),
    '| metric | value |',
    '|---|---|',
    `| exact agreement | ${f(m.exact)} |`,
    `| within-1 agreement | ${f(m.within1)} |`,
    `| MAE (points) | ${f(m.mae)} |`,
    `| Pearson | ${f(m.pearson)} |`,
    `| Spearman | ${f(m.spearman)} |`,
    '',
    '## Confusion matrix (rows: human score, columns: grader score)',
    '',
    `| human \\ grader | ${[0, 1, 2, 3, 4, 5, 6, 7].join(' | ')} |`,
    `|---|${'---|'.repeat(8)}`,
    ...m.confusion.map((row, i) => `| ${i} | ${row.join(' | ')} |`),
    '',
    '## Bias by human score band (mean grader − human)',
    '',
    '| band | n | bias |',
    '|---|---|---|',
    ...m.biasByBand.map((b) => `| ${b.band} | ${b.n} | ${f(b.bias, 2)} |`),
    '',
  ];
  return lines.join('\n');
}
