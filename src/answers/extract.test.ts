// Final-answer extraction and the answer grader: boxed answers with nested braces, "final answer"
// lines, fallbacks, reasoning removal, "no answer", and 7/0/undecided grades with an LLM fallback.
import { describe, expect, it } from 'vitest';
import type { Attempt } from '../core/attempt.ts';
import type { Problem } from '../core/problem.ts';
import { emptyUsage } from '../core/usage.ts';
import { createMockProvider } from '../providers/mock-provider.ts';
import { answerOutcome, createAnswerGrader, NO_ANSWER } from './answer-grader.ts';
import { extractAnswer } from './extract.ts';
import { summarizeGrades } from '../grading/grade-run.ts';

const cases: Array<[name: string, text: string, answer: string | null, method: string]> = [
  ['simple boxed', 'So the answer is \\boxed{42}.', '42', 'boxed'],
  ['nested braces', 'Hence $\\boxed{\\frac{1}{2^{n}}}$', '\\frac{1}{2^{n}}', 'boxed'],
  ['last boxed wins', 'First \\boxed{3}, corrected: \\boxed{5}', '5', 'boxed'],
  ['escaped braces inside', '\\boxed{\\{1, 2\\}}', '\\{1, 2\\}', 'boxed'],
  ['fbox', '\\fbox{7}', '7', 'boxed'],
  ['boxed only in reasoning', '<think>maybe \\boxed{1}</think>The answer is 2.', '2', 'answer-phrase'],
  ['reasoning dropped before boxed', '<think>\\boxed{1}</think>\\boxed{9}', '9', 'boxed'],
  ['final answer line', 'Work.\nFinal answer: $x = 3$', '$x = 3$', 'final-answer-line'],
  ['bold answer line', 'Work.\n**Answer:** 12.', '12', 'final-answer-line'],
  ['answer phrase', 'Therefore the answer is 2026.', '2026', 'answer-phrase'],
  ['unclosed think is empty', '<think>the answer is 5 but', null, 'none'],
  ['concluding math', 'Work.\nTherefore $n = 5$.', 'n = 5', 'concluding-math'],
  ['concluding math with \\( \\)', 'Hence \\(x^2\\) is the minimum.', 'x^2', 'concluding-math'],
  ['math not in a conclusion', 'We set $n = 5$ and stop.', null, 'none'],
  ['nothing', 'I could not solve it.', null, 'none'],
  ['empty boxed ignored', '\\boxed{}', null, 'none'],
];

describe('extractAnswer', () => {
  it.each(cases)('%s', (_n, text, answer, method) => {
    expect(extractAnswer(text)).toEqual({ answer, method });
  });
});

const problem: Problem = { id: 'a1', statement: 'Compute.', shortAnswer: '$\\frac{1}{2}$' };
const attempt = (finalProof: string, extra: Partial<Attempt> = {}): Attempt => ({
  problemId: 'a1',
  sampleIndex: 0,
  scaffold: 'pure',
  turns: [],
  finalProof,
  usage: emptyUsage(),
  cost: 0,
  ...extra,
});

describe('answer grader', () => {
  it('7 for an equivalent answer, 0 for a different one, 0 + "no answer" when none', async () => {
    const grader = await createAnswerGrader();
    expect((await grader.grade({ problem, attempt: attempt('So \\boxed{0.5}') })).score).toBe(7);
    expect((await grader.grade({ problem, attempt: attempt('\\boxed{1/3}') })).score).toBe(0);
    const none = await grader.grade({ problem, attempt: attempt('no idea') });
    expect(none.score).toBe(0);
    expect(none.assessment).toBe(NO_ANSWER);
    expect(answerOutcome(none)).toBe('no-answer');
    expect(grader.info).toMatchObject({ kind: 'answer-checker', scheme: 'answer' });
  });
  it('undecided is a grader failure, never a 0; generation failures are not graded', async () => {
    const grader = await createAnswerGrader();
    const p: Problem = { ...problem, shortAnswer: 'odd $n$' };
    const g = await grader.grade({ problem: p, attempt: attempt('\\boxed{n \\text{ not divisible by } 2}') });
    expect(g.score).toBeNull();
    expect(g.graderError).toMatch(/^undecided/);
    expect(answerOutcome(g)).toBe('undecided');
    const failed = await grader.grade({ problem, attempt: attempt('', { error: 'timeout' }) });
    expect(failed.score).toBeNull();
    expect(failed.graderError).toMatch(/generation failed/);
  });
  it('an LLM judge decides undecided answers, and the grade says so', async () => {
    const judgeProvider = createMockProvider({ respond: () => 'Same set. \\boxed{Correct}' });
    const grader = await createAnswerGrader({ judgeProvider });
    const p: Problem = { ...problem, shortAnswer: 'odd $n$' };
    const g = await grader.grade({ problem: p, attempt: attempt('\\boxed{n \\text{ not divisible by } 2}') });
    expect(g.score).toBe(7);
    expect(g.assessment).toMatch(/decided by LLM judge fallback: correct/);
    expect(judgeProvider.calls).toHaveLength(1);
    // decided answers never reach the judge
    await grader.grade({ problem, attempt: attempt('\\boxed{1/2}') });
    expect(judgeProvider.calls).toHaveLength(1);
  });
  it('summaries count correct, wrong, no-answer and undecided answers', async () => {
    const grader = await createAnswerGrader();
    const p: Problem = { ...problem, shortAnswer: 'odd $n$' };
    const grades = [
      await grader.grade({ problem, attempt: attempt('\\boxed{1/2}') }),
      await grader.grade({ problem, attempt: attempt('\\boxed{3}') }),
      await grader.grade({ problem, attempt: attempt('nothing') }),
      await grader.grade({ problem: p, attempt: attempt('\\boxed{n \\text{ not divisible by } 2}') }),
    ];
    const s = summarizeGrades(grades, grader.info);
    expect(s.outcomes).toEqual({ correct: 1, wrong: 1, 'no-answer': 1, undecided: 1, failed: 0 });
    expect(s.graded).toBe(3);
    expect(s.mean).toBeCloseTo(7 / 3, 10);
  });
});

describe('answer grader on answers written in words', () => {
  const gold4: Problem = { ...problem, shortAnswer: '4' };
  const primes: Problem = { ...problem, shortAnswer: '$p=2$ or $p \\equiv 1 \\pmod 4$' };
  it('a number word is its number: 7, without the judge', async () => {
    const judgeProvider = createMockProvider({ respond: () => '\\boxed{Incorrect}' });
    const grader = await createAnswerGrader({ judgeProvider });
    for (const text of ['Counting gives the answer \\boxed{four}.', 'So \\boxed{\\text{four}}'])
      expect((await grader.grade({ problem: gold4, attempt: attempt(text) })).score, text).toBe(7);
    expect((await grader.grade({ problem: gold4, attempt: attempt('\\boxed{five}') })).score).toBe(0);
    expect(judgeProvider.calls).toHaveLength(0);
  });
  it('prose against a mathematical gold is undecided, never a 0, and goes to the judge', async () => {
    const answer = '\\boxed{all primes congruent to one mod four, together with two}';
    const alone = await (await createAnswerGrader()).grade({ problem: primes, attempt: attempt(answer) });
    expect(alone.score).toBeNull();
    expect(answerOutcome(alone)).toBe('undecided');
    const judgeProvider = createMockProvider({ respond: () => 'Same set. \\boxed{Correct}' });
    const grader = await createAnswerGrader({ judgeProvider });
    const judged = await grader.grade({ problem: primes, attempt: attempt(answer) });
    expect(judged.score).toBe(7);
    expect(judged.assessment).toMatch(/decided by LLM judge fallback: correct/);
    expect(judgeProvider.calls).toHaveLength(1);
  });
});
