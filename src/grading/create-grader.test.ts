// The grader factory and ensembles: K samples or several judges per attempt, mean or median with
// the spread and member scores recorded, failed members excluded, all-fail → null; programmatic
// graders load by name with a clear error when missing.
import { describe, expect, it } from 'vitest';
import type { Attempt } from '../core/attempt.ts';
import type { Grade } from '../core/grade.ts';
import type { Problem } from '../core/problem.ts';
import { emptyUsage } from '../core/usage.ts';
import { createMockProvider } from '../providers/mock-provider.ts';
import { createGrader } from './create-grader.ts';
import { createEnsembleGrader, median } from './ensemble.ts';
import type { Grader } from './types.ts';

const problem: Problem = { id: 'p', statement: 'S', gradingGuidelines: 'G' };
const attempt: Attempt = {
  problemId: 'p',
  sampleIndex: 0,
  scaffold: 'pure',
  turns: [],
  finalProof: 'A proof. QED',
  usage: emptyUsage(),
  cost: 0,
};

/** A member grader that returns the given scores in turn (null = failure). */
function scripted(model: string, scores: Array<number | null>): Grader {
  let i = 0;
  return {
    info: { kind: 'llm-judge', scheme: 'rubric', model },
    async grade(): Promise<Grade> {
      const score = scores[i++ % scores.length];
      return {
        attemptId: 'p#0',
        problemId: 'p',
        sampleIndex: 0,
        score,
        ...(score === null ? { graderError: `${model} failed` } : {}),
        assessment: `${model}`,
        errors: [],
        grader: this.info,
        usage: { ...emptyUsage(), calls: 1 },
      };
    },
  };
}

describe('ensembles', () => {
  it('K samples of one judge: mean, spread, member scores; failures excluded', async () => {
    const g = await createEnsembleGrader({ members: [scripted('j', [7, null, 4, 5])], samples: 4 }).grade({
      problem,
      attempt,
    });
    expect(g.samples).toEqual([7, null, 4, 5]);
    expect(g.score).toBeCloseTo(16 / 3, 10);
    expect(g.spread).toBeCloseTo(
      Math.sqrt(((7 - 16 / 3) ** 2 + (4 - 16 / 3) ** 2 + (5 - 16 / 3) ** 2) / 3),
      10,
    );
    expect(g.usage.calls).toBe(4);
    expect(g.graderError).toBeUndefined();
    expect(g.assessment).toContain('[member 2: failed] j failed');
  });
  it('several judge models with median', async () => {
    const grader = createEnsembleGrader({
      members: [scripted('a', [1]), scripted('b', [6]), scripted('c', [7])],
      aggregate: 'median',
    });
    const g = await grader.grade({ problem, attempt });
    expect(g.score).toBe(6);
    expect(g.grader.model).toBe('a,b,c');
    expect(g.grader.kind).toBe('ensemble');
    expect(median([1, 2, 3, 10])).toBe(2.5);
  });
  it('all members failing → null with every reason', async () => {
    const g = await createEnsembleGrader({ members: [scripted('a', [null]), scripted('b', [null])] }).grade({
      problem,
      attempt,
    });
    expect(g.score).toBeNull();
    expect(g.graderError).toMatch(/all 2 ensemble members failed: a failed \| b failed/);
  });
});

describe('createGrader', () => {
  it('builds an LLM judge on a given provider', async () => {
    const provider = createMockProvider({ respond: () => '<assessment>ok</assessment><score>3</score>' });
    const grader = await createGrader({ scheme: 'rubric', judgeModel: 'm', provider });
    expect(grader.info.kind).toBe('llm-judge');
    expect((await grader.grade({ problem, attempt })).score).toBe(3);
  });
  it('samples > 1 makes an ensemble that records member scores', async () => {
    let n = 0;
    const provider = createMockProvider({ respond: () => `<score>${[2, 4, 6][n++ % 3]}</score>` });
    const grader = await createGrader({ scheme: 'rubric', judgeModel: 'm', provider, samples: 3 });
    const g = await grader.grade({ problem, attempt });
    expect(g.score).toBe(4);
    expect([...(g.samples ?? [])].sort()).toEqual([2, 4, 6]);
    expect(g.spread).toBeGreaterThan(0);
    const seeds = provider.calls.map((c) => c.request.seed);
    expect(new Set(seeds).size).toBe(3);
  });
  it('mock:judge is the scripted judge', async () => {
    const grader = await createGrader({ scheme: 'proofbench', judgeModel: 'mock:judge' });
    const g = await grader.grade({ problem, attempt });
    expect([0, 1, 6, 7]).toContain(g.score);
  });
  it('rejects unknown schemes and programmatic graders, and a missing judge model', async () => {
    await expect(createGrader({ kind: 'programmatic', name: 'nope' })).rejects.toThrow(
      /unknown programmatic grader "nope"/,
    );
    await expect(createGrader({ scheme: 'rubric', judgeModel: [] })).rejects.toThrow(/--judge-model/);
    await expect(createGrader({ scheme: 'x' as 'rubric', judgeModel: 'm' })).rejects.toThrow(
      /unknown grading scheme/,
    );
  });
  it('loads the toy programmatic grader, which emits the same Grade records', async () => {
    const { generateProblem } = await import('../toy/index.ts');
    const toyProblem = generateProblem(1, 'short', 'toy-1');
    const grader = await createGrader({ kind: 'programmatic', name: 'toy' });
    const g = await grader.grade({
      problem: toyProblem,
      attempt: { ...attempt, problemId: 'toy-1', finalProof: 'nonsense' },
    });
    expect(g.problemId).toBe('toy-1');
    expect(g.score === null || (g.score >= 0 && g.score <= 7)).toBe(true);
    expect(g.grader.kind).toBe(grader.info.kind);
  });
});
