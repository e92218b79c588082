// Meta-evaluation metrics on hand-checked inputs and on the example human-graded file.
import { describe, expect, it } from 'vitest';
import { emptyUsage } from '../core/usage.ts';
import { createGrader } from './create-grader.ts';
import type { Grader } from './types.ts';
import {
  formatMetaEvalMarkdown,
  gradeMetaEvalRows,
  metaEvalMetrics,
  pearson,
  ranks,
  readMetaEvalFile,
} from './meta-eval.ts';

const EXAMPLE = new URL('../../examples/meta-eval/human-grades.jsonl', import.meta.url).pathname;

describe('metaEvalMetrics', () => {
  it('computes agreement, MAE, correlations, confusion and band bias; failures excluded', () => {
    const m = metaEvalMetrics([
      { human: 7, grader: 7 },
      { human: 6, grader: 7 },
      { human: 1, grader: 0 },
      { human: 0, grader: 3 },
      { human: 3, grader: null },
    ]);
    expect(m.n).toBe(4);
    expect(m.failed).toBe(1);
    expect(m.exact).toBe(0.25);
    expect(m.within1).toBe(0.75);
    expect(m.mae).toBe(1.25);
    expect(m.confusion[6][7]).toBe(1);
    expect(m.confusion.flat().reduce((a, b) => a + b, 0)).toBe(4);
    expect(m.biasByBand.find((b) => b.band === '0')).toEqual({ band: '0', n: 1, bias: 3 });
    expect(m.biasByBand.find((b) => b.band === '5-6')).toEqual({ band: '5-6', n: 1, bias: 1 });
    expect(m.pearson).toBeCloseTo(pearson([7, 6, 1, 0], [7, 7, 0, 3]) as number, 12);
    expect(m.spearman).toBeCloseTo(pearson(ranks([7, 6, 1, 0]), ranks([7, 7, 0, 3])) as number, 12);
  });
  it('reports every metric as null, not 0, when no row could be compared', () => {
    const m = metaEvalMetrics([
      { human: 7, grader: null },
      { human: 3, grader: undefined },
    ]);
    expect(m).toMatchObject({
      n: 0,
      failed: 2,
      exact: null,
      within1: null,
      mae: null,
      pearson: null,
      spearman: null,
    });
    expect(m.confusion.flat().every((c) => c === 0)).toBe(true);
    expect(m.biasByBand.every((b) => b.n === 0 && b.bias === null)).toBe(true);
    const md = formatMetaEvalMarkdown(m);
    expect(md).toContain('Rows compared: 0 (grader failures excluded: 2)');
    for (const metric of ['exact agreement', 'within-1 agreement', 'MAE (points)', 'Pearson', 'Spearman'])
      expect(md).toContain(`| ${metric} | n/a |`);
    expect(md).not.toMatch(/0\.000/);
    expect(metaEvalMetrics([]).mae).toBeNull();
  });
  it('a single compared row has agreement and MAE but no correlations', () => {
    const m = metaEvalMetrics([{ human: 5, grader: 4 }]);
    expect(m).toMatchObject({ n: 1, exact: 0, within1: 1, mae: 1, pearson: null, spearman: null });
  });
  it('ranks share ties; correlation of a constant is null', () => {
    expect(ranks([3, 1, 3, 2])).toEqual([3.5, 1, 3.5, 2]);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
  });
});

describe('example human-graded file', () => {
  it('reads and compares its grader_score column', () => {
    const rows = readMetaEvalFile(EXAMPLE);
    expect(rows.length).toBe(16);
    const m = metaEvalMetrics(rows.map((r) => ({ human: r.human_score, grader: r.grader_score })));
    expect(m.n).toBe(16);
    expect(m.exact).toBeCloseTo(10 / 16, 12);
    const md = formatMetaEvalMarkdown(m);
    expect(md).toContain('| exact agreement | 0.625 |');
    expect(md).toContain('## Confusion matrix');
  });
  it('grades the rows with a judge when asked', async () => {
    const grader = await createGrader({ scheme: 'proofbench', judgeModel: 'mock:judge' });
    const rows = readMetaEvalFile(EXAMPLE).map((r) => ({ ...r, grader_score: undefined }));
    const graded = await gradeMetaEvalRows(rows, grader);
    expect(
      graded.every((r) => r.grader_score === null || [0, 1, 6, 7].includes(r.grader_score as number)),
    ).toBe(true);
    expect(metaEvalMetrics(graded.map((r) => ({ human: r.human_score, grader: r.grader_score }))).n).toBe(16);
  });
  it('reports n/a when every judge call fails', async () => {
    const failing: Grader = {
      info: { kind: 'llm-judge', model: 'down' },
      grade: async ({ attempt }) => ({
        attemptId: `${attempt.problemId}#0`,
        problemId: attempt.problemId,
        sampleIndex: 0,
        score: null,
        graderError: 'provider error: HTTP 503',
        assessment: '',
        errors: [],
        grader: { kind: 'llm-judge', model: 'down' },
        usage: emptyUsage(),
      }),
    };
    const rows = readMetaEvalFile(EXAMPLE).map((r) => ({ ...r, grader_score: undefined }));
    const graded = await gradeMetaEvalRows(rows, failing);
    const m = metaEvalMetrics(graded.map((r) => ({ human: r.human_score, grader: r.grader_score })));
    expect(m).toMatchObject({ n: 0, failed: 16, exact: null, within1: null, mae: null });
    expect(formatMetaEvalMarkdown(m)).toContain('| MAE (points) | n/a |');
  });
  it('names file, line and field for bad rows', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'qed-me-')), 'bad.jsonl');
    writeFileSync(
      file,
      '{"problem":"p","proof":"x","human_score":3}\n{"problem":"p","proof":"x","human_score":9}\n',
    );
    expect(() => readMetaEvalFile(file)).toThrow(/bad\.jsonl:line 2, field "human_score"/);
  });
});
