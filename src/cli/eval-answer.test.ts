// `qed eval --scheme answer` on the IMO-AnswerBench CSV as a user runs it: a child process against the
// mock OpenAI server, whose scripted policy answers each problem with its gold answer, a wrong
// answer, an answer the checker cannot decide, or nothing. Accuracy, rates and per-group figures in
// run.json and the printed summary must match the script exactly; then the same with an LLM fallback.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQed } from './qed-process.fixture.ts';
import type { Problem } from '../core/problem.ts';
import { RunLogSchema } from '../core/run-log.ts';
import { imoBenchFile } from '../data/imo-bench-files.ts';
import { loadProblems } from '../data/index.ts';
import type { AnswerMetrics } from '../eval/index.ts';
import { startMockServer, type MockRequest, type MockServer } from '../server/mock-openai-server.ts';

const DATASET = imoBenchFile('answerbench_v2.csv');

type Plan = 'correct' | 'wrong' | 'undecided' | 'no-answer';
let problems: Problem[] = [];
const plan = new Map<string, Plan>();
let server: MockServer;

/** Integer golds cycle through all four outcomes; other golds are echoed (correct) or left unanswered. */
function makePlan(): void {
  let ints = 0;
  let others = 0;
  for (const p of problems) {
    const isInt = /^\$?-?\d+\$?\.?$/.test((p.shortAnswer ?? '').trim());
    const cycle: Plan[] = ['correct', 'wrong', 'undecided', 'no-answer'];
    plan.set(p.id, isInt ? cycle[ints++ % 4] : others++ % 2 ? 'no-answer' : 'correct');
  }
}

function respond(r: MockRequest): string {
  if (r.model === 'mock-judge') return 'The two answers agree.\n\\boxed{Correct}';
  const p = problems.find((q) => r.prompt.includes(q.statement));
  if (!p) return 'I do not recognise this problem.';
  const gold = (p.shortAnswer ?? '').trim();
  switch (plan.get(p.id)) {
    case 'correct':
      // multi-line golds go in a box (a "Final answer:" line would keep only the first line)
      return gold.includes('\n') ? `So \\boxed{${gold}}` : `Some work.\n\nFinal answer: ${gold}`;
    case 'wrong':
      return `Some work, so the answer is \\boxed{${Number(gold.replace(/[$.]/g, '')) + 1}}.`;
    case 'undecided':
      return 'Some work, so the answer is \\boxed{\\heartsuit}.';
    default:
      return 'I could not finish this one.';
  }
}

beforeAll(async () => {
  if (!DATASET) return;
  problems = await loadProblems(DATASET, { onWarning: () => {} });
  makePlan();
  server = await startMockServer({ respond, models: ['mock-prover', 'mock-judge'] });
});
afterAll(async () => server?.close());

const qed = (args: string[]) =>
  runQed(['eval', ...args], { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'test' });

/** What the script implies for a set of problems (one sample each). */
function expected(ps: Problem[]) {
  const n = (k: Plan) => ps.filter((p) => plan.get(p.id) === k).length;
  const correct = n('correct');
  const wrong = n('wrong');
  const noAnswer = n('no-answer');
  const undecided = n('undecided');
  const checked = correct + wrong + noAnswer + undecided;
  return {
    problems: ps.length,
    correct,
    wrong,
    noAnswer,
    undecided,
    checked,
    accuracy: correct / (correct + wrong + noAnswer),
    noAnswerRate: noAnswer / checked,
    undecidedRate: undecided / checked,
  };
}

function closeTo(
  got: AnswerMetrics | AnswerMetrics['byCategory'][string],
  want: ReturnType<typeof expected>,
) {
  const { accuracy, noAnswerRate, undecidedRate, ...counts } = want;
  expect(got).toMatchObject(counts);
  expect(got.accuracy).toBeCloseTo(accuracy, 12);
  expect(got.noAnswerRate).toBeCloseTo(noAnswerRate, 12);
  expect(got.undecidedRate).toBeCloseTo(undecidedRate, 12);
}

describe.skipIf(!DATASET)('qed eval --scheme answer (AnswerBench CSV, mock server)', () => {
  it('reports accuracy with CI, no-answer and undecided rates, by category and subcategory', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'qed-answer-eval-')), 'run');
    const args = ['--dataset', DATASET!, '--model', 'mock-prover', '--scheme', 'answer'];
    const res = await qed([...args, '--concurrency', '32', '--no-cache', '--quiet', '--out', out]);
    expect(res.code, res.stderr).toBe(3); // finished; undecided answers are recorded grader failures
    const log = RunLogSchema.parse(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')));
    expect(log.samples).toHaveLength(400);
    const a = (log.metrics as { answers: AnswerMetrics }).answers;
    const all = expected(problems);
    expect(all.undecided).toBe(57); // 228 integer golds / 4, rounded up
    closeTo(a, all);
    expect(a).toMatchObject({ samples: 400, failed: 0, generationErrors: 0, decidedByJudge: 0 });
    expect(a.ci95!.low).toBeLessThan(a.accuracy!);
    expect(a.ci95!.high).toBeGreaterThan(a.accuracy!);
    expect(a.accuracyRange!.low).toBeLessThan(a.accuracy!);
    expect(a.accuracyRange!.high).toBeGreaterThan(a.accuracy!);
    // Undecided answers are grader failures, not zeros: the score mean is 7 × accuracy.
    expect(log.metrics.graderErrors).toBe(all.undecided);
    expect(log.metrics.mean as number).toBeCloseTo(7 * all.accuracy, 10);

    const cats = [...new Set(problems.map((p) => p.category ?? ''))];
    expect(Object.keys(a.byCategory).sort()).toEqual(cats.sort());
    for (const c of cats) closeTo(a.byCategory[c], expected(problems.filter((p) => p.category === c)));
    const key = 'Number theory / Diophantine Equation';
    const sub = problems.filter((p) => `${p.category} / ${p.subcategory}` === key);
    closeTo(a.bySubcategory[key], expected(sub));
    expect(Object.keys(a.bySubcategory)).toContain('Algebra / Other');
    expect(Object.keys(a.bySubcategory)).toContain('Combinatorics / Other');

    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    expect(res.stdout).toContain(`accuracy ${all.accuracy.toFixed(3)} (95% CI `);
    expect(res.stdout).toContain(`no answer ${all.noAnswer} (${pct(all.noAnswerRate)})`);
    expect(res.stdout).toContain(`undecided ${all.undecided} (${pct(all.undecidedRate)})`);
    expect(res.stdout).toMatch(/by subcategory:\n {2}Algebra \/ Equation/);
  }, 30_000);

  it('--judge-model decides the undecided answers, recorded as LLM fallback verdicts', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'qed-answer-eval-')), 'run');
    const args = ['--dataset', DATASET!, '--model', 'mock-prover', '--scheme', 'answer', '--limit', '40'];
    const res = await qed([...args, '--judge-model', 'mock-judge', '--no-cache', '--quiet', '--out', out]);
    expect(res.code, res.stderr).toBe(0);
    const log = RunLogSchema.parse(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')));
    const first = expected(problems.slice(0, 40));
    expect(first.undecided).toBeGreaterThan(0);
    const a = (log.metrics as { answers: AnswerMetrics }).answers;
    expect(a).toMatchObject({
      undecided: 0,
      undecidedRate: 0,
      decidedByJudge: first.undecided,
      correct: first.correct + first.undecided,
    });
    expect(log.config.grader).toMatchObject({ model: 'checker+mock-judge', scheme: 'answer' });
    const judged = log.samples.filter((s) => s.grade?.assessment.includes('decided by LLM judge fallback'));
    expect(judged).toHaveLength(first.undecided);
  }, 30_000);
});
