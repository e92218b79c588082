// Integration: grading attempts through the real HTTP stack against the in-repo mock server whose
// judge answers garbage for 30% of calls. Retries happen, failures are recorded with graderError,
// generation failures never reach the judge, and the mean is over graded attempts only.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Attempt } from '../core/attempt.ts';
import type { Grade } from '../core/grade.ts';
import type { Problem } from '../core/problem.ts';
import { emptyUsage } from '../core/usage.ts';
import { mockServedProvider } from '../server/mock-provider.fixture.ts';
import { createGrader } from './create-grader.ts';
import { formatSummary, gradeAttempts } from './grade-run.ts';
import { createMockJudge } from './mock-judge.ts';

const problems: Problem[] = Array.from({ length: 4 }, (_, i) => ({
  id: `p${i}`,
  statement: `Problem ${i}: prove the claim.`,
  gradingGuidelines: '(Partial)\n 1. Sets up the induction.\n(Almost)\n 1. Small slip.',
  referenceSolution: 'By induction.',
}));

const attempts: Attempt[] = Array.from({ length: 40 }, (_, k) => ({
  problemId: `p${k % 4}`,
  sampleIndex: Math.floor(k / 4),
  scaffold: 'pure',
  turns: [],
  finalProof:
    k % 20 === 7
      ? ''
      : `Step one holds. Step two follows.${' More detail.'.repeat(k % 5)} This completes the proof. QED`,
  ...(k % 20 === 7 ? { error: 'HTTP 500 after 3 tries' } : {}),
  usage: emptyUsage(),
  cost: 0,
}));

const judge = createMockJudge({ garbageRate: 0.3, seed: 7 });
const served = mockServedProvider('judge-model', { respond: judge, seed: 7 });

describe('grading against a judge that returns garbage for 30% of calls', () => {
  for (const scheme of ['rubric', 'proofbench'] as const) {
    it(`${scheme}: retries, records failures, averages graded attempts only`, async () => {
      const before = judge.stats.calls;
      const dir = mkdtempSync(join(tmpdir(), 'qed-grade-'));
      const grader = await createGrader({
        scheme,
        judgeModel: 'judge-model',
        provider: served.provider,
        retries: 1,
      });
      const summary = await gradeAttempts({ attempts, problems, grader, dir, concurrency: 1 });
      const grades = readFileSync(join(dir, 'grades.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Grade);
      const calls = judge.stats.calls - before;

      expect(grades).toHaveLength(40);
      expect(summary.total).toBe(40);
      expect(summary.failures.generation).toBe(2);
      expect(summary.failures.grader).toBeGreaterThan(0);
      expect(summary.graded + summary.failed).toBe(40);
      // retries: more judge calls than gradable attempts
      expect(calls).toBeGreaterThan(38);
      for (const g of grades.filter((x) => x.score === null && !x.graderError?.includes('generation'))) {
        expect(g.graderError).toMatch(/unparseable judge reply.*after 2 judge calls/);
      }
      const graded = grades.flatMap((g) => (g.score === null ? [] : [g.score]));
      expect(summary.mean).toBeCloseTo(graded.reduce((a, b) => a + b, 0) / graded.length, 10);
      expect(summary.mean).toBeGreaterThan(0);
      const text = formatSummary(summary);
      expect(text).toContain(`failed ${summary.failed}`);
      expect(text).toContain('mean over graded');
      // resume: nothing is graded twice
      const again = await gradeAttempts({ attempts, problems, grader, dir, concurrency: 1 });
      expect(again.resumed).toBe(40);
      expect(judge.stats.calls - before).toBe(calls);
      // …but not with another grader
      const other = await createGrader({ scheme, judgeModel: 'other-judge', provider: served.provider });
      await expect(gradeAttempts({ attempts, problems, grader: other, dir })).rejects.toThrow(
        /another grader/,
      );
    });
  }

  it('a judge that always answers garbage leaves every attempt ungraded, mean null', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qed-grade-'));
    const grader = await createGrader({ scheme: 'rubric', judgeModel: 'mock:judge:1', retries: 1 });
    const summary = await gradeAttempts({ attempts: attempts.slice(0, 6), problems, grader, dir });
    expect(summary.graded).toBe(0);
    expect(summary.mean).toBeNull();
    expect(summary.failed).toBe(6);
  });
});
