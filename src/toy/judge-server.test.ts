import { describe, expect, it } from 'vitest';
import type { Attempt } from '../core/attempt.ts';
import { emptyUsage } from '../core/usage.ts';
import { createGrader } from '../grading/index.ts';
import { mockServedProvider } from '../server/mock-provider.fixture.ts';
import { Rng } from '../core/rng.ts';
import {
  DEFAULT_ERROR_RATES,
  buildSplits,
  createToyGrader,
  parseStatement,
  respondAsToyJudge,
  teacherProof,
} from './index.ts';

const served = mockServedProvider('toy-judge', { respond: (r) => respondAsToyJudge(r.prompt) });

describe('the toy grader served as a judge model', () => {
  it('gives the LLM-judge path the same scores as the programmatic grader', async () => {
    const judge = await createGrader({
      scheme: 'rubric',
      judgeModel: 'toy-judge',
      provider: served.provider,
    });
    const direct = createToyGrader();
    const problems = buildSplits({ seed: 3, train: 12, validation: 1, test: 1 }).train;
    const rng = new Rng(4);
    for (const [i, problem] of problems.entries()) {
      const proof = teacherProof(parseStatement(problem.statement)!.spec, rng, DEFAULT_ERROR_RATES).proof;
      const attempt: Attempt = {
        problemId: problem.id,
        sampleIndex: i,
        scaffold: 'pure',
        turns: [],
        finalProof: proof,
        usage: emptyUsage(),
        cost: 0,
      };
      const [a, b] = await Promise.all([
        judge.grade({ problem, attempt }),
        direct.grade({ problem, attempt }),
      ]);
      expect(a.graderError).toBeUndefined();
      expect(a.score).toBe(b.score);
    }
  });
});
