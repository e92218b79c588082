import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attempt } from '../core/attempt.ts';
import { emptyUsage } from '../core/usage.ts';
import { createGrader } from '../grading/index.ts';
import { createProvider } from '../providers/index.ts';
import type { Provider } from '../providers/types.ts';
import { type MockServer, startMockServer } from '../server/mock-openai-server.ts';
import { Rng } from '../core/rng.ts';
import {
  DEFAULT_ERROR_RATES,
  buildSplits,
  createToyGrader,
  parseStatement,
  respondAsToyJudge,
  teacherProof,
} from './index.ts';

let server: MockServer;
let provider: Provider;
beforeAll(async () => {
  server = await startMockServer({ respond: (r) => respondAsToyJudge(r.prompt) });
  provider = await createProvider({
    model: 'toy-judge',
    cache: false,
    maxRetries: 0,
    env: { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'test-key' },
  });
});
afterAll(async () => {
  await provider?.close?.();
  await server?.close();
});

describe('the toy grader served as a judge model', () => {
  it('gives the LLM-judge path the same scores as the programmatic grader', async () => {
    const judge = await createGrader({ scheme: 'rubric', judgeModel: 'toy-judge', provider });
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
