// Answer metrics from hand-built answer-checker grades: accuracy leaves undecided answers out (never a
// wrong answer, never a 0), no-answer counts against accuracy, rates are per checked sample, groups by
// category and "Category / Subcategory", and the accumulator only reports them for answer grades.
import { describe, expect, it } from 'vitest';
import type { Attempt } from '../core/attempt.ts';
import type { Grade } from '../core/grade.ts';
import { emptyUsage } from '../core/usage.ts';
import { AnswerAccumulator, subcategoryKey } from './answer-metrics.ts';
import { MetricsAccumulator } from './metrics.ts';

type Kind = 'correct' | 'wrong' | 'no-answer' | 'undecided' | 'failed' | 'generation-error' | 'judge-correct';

function sample(problemId: string, i: number, kind: Kind): [Attempt, Grade | null] {
  const attempt: Attempt = {
    problemId,
    sampleIndex: i,
    scaffold: 'pure',
    turns: [],
    finalProof: kind === 'generation-error' ? '' : 'answer',
    usage: emptyUsage(),
    cost: 0,
    ...(kind === 'generation-error' ? { error: 'HTTP 500' } : {}),
  };
  if (kind === 'generation-error') return [attempt, null];
  const score = { correct: 7, 'judge-correct': 7, wrong: 0, 'no-answer': 0, undecided: null, failed: null }[
    kind
  ];
  const grade: Grade = {
    attemptId: `${problemId}#${i}`,
    problemId,
    sampleIndex: i,
    score,
    assessment:
      kind === 'no-answer'
        ? 'no answer'
        : kind === 'judge-correct'
          ? 'answer: x; checker: undecided; decided by LLM judge fallback: correct'
          : 'answer: x',
    ...(kind === 'undecided' ? { graderError: 'undecided: text vs tuple' } : {}),
    ...(kind === 'failed' ? { graderError: 'problem p has no short answer' } : {}),
    errors: [],
    grader: { kind: 'answer-checker', scheme: 'answer' },
    usage: emptyUsage(),
  };
  return [attempt, grade];
}

describe('AnswerAccumulator', () => {
  const meta = {
    a: { category: 'Algebra', subcategory: 'Other' },
    b: { category: 'Algebra', subcategory: 'Inequality' },
    c: { category: 'Combinatorics', subcategory: 'Other' },
  };
  const rows: Array<[keyof typeof meta, Kind]> = [
    ['a', 'correct'],
    ['a', 'wrong'],
    ['a', 'undecided'], // left out of a's accuracy (1/2), counted in the undecided rate
    ['a', 'generation-error'],
    ['b', 'no-answer'], // counts against accuracy
    ['b', 'judge-correct'],
    ['b', 'failed'], // neither checked nor decided
    ['c', 'undecided'], // c has nothing decided: no accuracy for it, no 0 either
  ];
  const acc = new AnswerAccumulator({ seed: 5 });
  rows.forEach(([p, kind], i) => acc.add(...sample(p, i, kind), meta[p]));
  const m = acc.result();

  it.each([
    ['problems', m.problems, 3],
    ['samples', m.samples, 8],
    ['checked (correct+wrong+no answer+undecided)', m.checked, 6],
    ['correct (judge verdict included)', m.correct, 2],
    ['wrong', m.wrong, 1],
    ['no answer', m.noAnswer, 1],
    ['undecided', m.undecided, 2],
    ['failed', m.failed, 1],
    ['generation errors', m.generationErrors, 1],
    ['decided by judge', m.decidedByJudge, 1],
    ['accuracy: mean of a 1/2 and b 1/2 (c undecided only)', m.accuracy, 0.5],
    ['no-answer rate 1/6', m.noAnswerRate, 1 / 6],
    ['undecided rate 2/6', m.undecidedRate, 2 / 6],
    ['accuracy if undecided wrong: (1/3 + 1/2 + 0) / 3', m.accuracyRange?.low, (1 / 3 + 1 / 2) / 3],
    ['accuracy if undecided right: (2/3 + 1/2 + 1) / 3', m.accuracyRange?.high, (2 / 3 + 1 / 2 + 1) / 3],
    ['Algebra accuracy', m.byCategory.Algebra.accuracy, 0.5],
    ['Algebra checked', m.byCategory.Algebra.checked, 5],
    ['Combinatorics undecided rate', m.byCategory.Combinatorics.undecidedRate, 1],
    ['Algebra / Other accuracy', m.bySubcategory['Algebra / Other'].accuracy, 0.5],
    ['Algebra / Inequality no-answer rate', m.bySubcategory['Algebra / Inequality'].noAnswerRate, 0.5],
  ])('%s', (_, got, want) => expect(got).toBeCloseTo(want, 12));

  it('keeps equal subcategory names of different categories apart; null, not 0, when nothing decided', () => {
    expect(Object.keys(m.bySubcategory)).toEqual([
      'Algebra / Inequality',
      'Algebra / Other',
      'Combinatorics / Other',
    ]);
    expect(m.byCategory.Combinatorics.accuracy).toBeNull();
    expect(m.byCategory.Combinatorics.ci95).toBeNull();
    expect(m.ci95!.low).toBeLessThanOrEqual(0.5);
    expect(m.ci95!.high).toBeGreaterThanOrEqual(0.5);
    expect(subcategoryKey('Algebra', undefined)).toBe('(none)');
    expect(subcategoryKey(undefined, 'Other')).toBe('(none) / Other');
  });
});

describe('MetricsAccumulator with answer grades', () => {
  it('adds answers only for answer-checker grades, and bySubcategory for all', () => {
    const plain = new MetricsAccumulator();
    const [att, grade] = sample('p', 0, 'correct');
    plain.add(att, { ...grade!, grader: { kind: 'llm-judge', scheme: 'proofbench' } }, meta());
    expect(plain.result().answers).toBeUndefined();
    expect(Object.keys(plain.result().bySubcategory)).toEqual(['Geometry / computation']);

    const withAnswers = new MetricsAccumulator();
    withAnswers.add(att, grade, meta());
    withAnswers.add(...sample('q', 0, 'undecided'), meta());
    const r = withAnswers.result();
    expect(r.answers).toMatchObject({ accuracy: 1, undecidedRate: 0.5, checked: 2 });
    expect(r.graderErrors).toBe(1);
    expect(r.mean).toBe(7);

    // A run whose every generation failed still says it is an answer run (accuracy null).
    const failed = new MetricsAccumulator({ answers: true });
    failed.add(...sample('p', 0, 'generation-error'));
    expect(failed.result().answers).toMatchObject({ accuracy: null, generationErrors: 1, checked: 0 });
  });
});

function meta() {
  return { category: 'Geometry', subcategory: 'computation' };
}
