// `qed grade` end to end through the CLI: attempts and a dataset on disk, the judge behind the mock
// HTTP server answering garbage for 30% of calls. Grades on the 0/1/6/7 scale, failures recorded and
// counted, the mean over graded attempts only, generation failures never sent to the judge.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQed } from './qed-process.fixture.ts';
import { loadRun } from '../report/load-run.ts';
import { createMockJudgeOrProver } from '../grading/mock-judge.ts';
import { startMockServer, type MockServer } from '../server/mock-openai-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'qed-grade-cli-'));
const respond = createMockJudgeOrProver({ garbageRate: 0.3, seed: 3 });
let server: MockServer;

const qed = (args: string[]) =>
  runQed(args, { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'k', QED_CACHE_DIR: join(dir, 'cache') });

beforeAll(async () => {
  server = await startMockServer({ respond });
  const problems = Array.from({ length: 5 }, (_, i) => ({
    id: `p${i}`,
    statement: `Prove claim ${i}.`,
    gradingGuidelines: '(Partial)\n 1. Starts the induction.\n(Almost)\n 1. Small slip.',
    referenceSolution: 'By induction.',
  }));
  writeFileSync(join(dir, 'problems.jsonl'), problems.map((p) => JSON.stringify(p)).join('\n') + '\n');
  const attempts = Array.from({ length: 30 }, (_, k) => ({
    problemId: `p${k % 5}`,
    sampleIndex: Math.floor(k / 5),
    finalProof: k === 4 ? '' : `<think>scratch</think>Step one. Step two.${' Detail.'.repeat(k % 4)} QED`,
    ...(k === 4 ? { error: 'timeout' } : {}),
    usage: {},
  }));
  writeFileSync(join(dir, 'attempts.jsonl'), attempts.map((a) => JSON.stringify(a)).join('\n') + '\n');
});
afterAll(async () => server?.close());

describe('qed grade', () => {
  it('proofbench --json: 0/1/6/7 grades, mean over graded attempts, failures counted, retries made', async () => {
    const calls = respond.stats.calls;
    const out = join(dir, 'pb');
    const r = await qed([
      'grade',
      '--attempts',
      join(dir, 'attempts.jsonl'),
      '--dataset',
      join(dir, 'problems.jsonl'),
      '--scheme',
      'proofbench',
      '--judge-model',
      'judge',
      '--retries',
      '1',
      '--concurrency',
      '1',
      '--out',
      out,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(3); // finished, with grader failures recorded
    const s = JSON.parse(r.stdout) as {
      mean: number;
      graded: number;
      failed: number;
      failures: { generation: number; grader: number };
    };
    expect(s.graded + s.failed).toBe(30);
    expect(s.failures.generation).toBe(1);
    expect(s.failures.grader).toBeGreaterThan(0);
    const grades = readFileSync(join(out, 'grades.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { score: number | null; graderError?: string });
    const scores = grades.flatMap((g) => (g.score === null ? [] : [g.score]));
    expect(s.mean).toBeCloseTo(scores.reduce((a, b) => a + b, 0) / scores.length, 10);
    expect(grades.filter((g) => g.score === null).every((g) => g.graderError)).toBe(true);
    // qed view / qed report read the grade run: its attempts joined with its grades, and the problems.
    const run = await loadRun(out);
    expect(run.samples).toHaveLength(30);
    expect(run.samples.filter((x) => x.grade?.score != null)).toHaveLength(s.graded);
    expect(run.problems.size).toBe(5);
    expect(scores.every((x) => [0, 1, 6, 7].includes(x))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toMatchObject({
      graded: s.graded,
      failed: s.failed,
    });
    expect(respond.stats.calls - calls).toBeGreaterThan(29);
    expect(respond.stats.garbage).toBeGreaterThan(0);
  });

  it('takes --grader and --judge-samples as qed eval spells them, and refuses both spellings disagreeing', async () => {
    const base = [
      'grade',
      '--attempts',
      join(dir, 'attempts.jsonl'),
      '--dataset',
      join(dir, 'problems.jsonl'),
    ];
    const judged = await qed([
      ...base,
      '--judge-model',
      'judge',
      '--judge-samples',
      '2',
      '--out',
      join(dir, 'js'),
      '--json',
    ]);
    expect(judged.code === 0 || judged.code === 3, judged.stderr).toBe(true);
    const grades = readFileSync(join(dir, 'js', 'grades.jsonl'), 'utf8')
      .trim()
      .split('\n');
    for (const l of grades)
      expect((JSON.parse(l) as { grader: { kind: string; proofPreparation: string } }).grader).toMatchObject({
        kind: 'ensemble',
        proofPreparation: expect.stringContaining('members=1x2'),
      });
    const clash = await qed([
      ...base,
      '--programmatic',
      'toy',
      '--grader',
      'other',
      '--out',
      join(dir, 'clash'),
    ]);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain('--programmatic and --grader name the same setting; give one');
  });

  it('--resume refuses a change to any grade-defining setting, by name, and leaves grade-sources.json alone', async () => {
    const out = join(dir, 'settings');
    const other = join(dir, 'other');
    mkdirSync(other);
    copyFileSync(join(dir, 'attempts.jsonl'), join(other, 'attempts.jsonl'));
    copyFileSync(join(dir, 'problems.jsonl'), join(other, 'problems.jsonl'));
    const flags: Record<string, string> = {
      '--attempts': join(dir, 'attempts.jsonl'),
      '--dataset': join(dir, 'problems.jsonl'),
      '--scheme': 'proofbench',
      '--judge-model': 'judge',
      '--retries': '0',
      '--temperature': '0.2',
      '--max-tokens': '500',
      '--aggregate': 'mean',
    };
    const args = (change: Record<string, string> = {}) => [
      'grade',
      ...Object.entries({ ...flags, ...change }).flat(),
      '--out',
      out,
      '--json',
    ];
    const first = await qed(args());
    expect(first.code === 0 || first.code === 3, first.stderr).toBe(true);
    const sources = readFileSync(join(out, 'grade-sources.json'), 'utf8');
    const grades = readFileSync(join(out, 'grades.jsonl'), 'utf8');
    const cases: [Record<string, string>, string][] = [
      [{ '--temperature': '0.5' }, 'temperature was 0.2, now 0.5'],
      [{ '--max-tokens': '600' }, 'maxTokens was 500, now 600'],
      [{ '--retries': '1' }, 'retries was 0, now 1'],
      [{ '--aggregate': 'median' }, 'aggregate was "mean", now "median"'],
      [
        { '--attempts': join(other, 'attempts.jsonl') },
        `attempts was ${JSON.stringify(join(dir, 'attempts.jsonl'))}, now ${JSON.stringify(join(other, 'attempts.jsonl'))}`,
      ],
      [
        { '--dataset': join(other, 'problems.jsonl') },
        `dataset was ${JSON.stringify(join(dir, 'problems.jsonl'))}, now ${JSON.stringify(join(other, 'problems.jsonl'))}`,
      ],
    ];
    for (const [change, message] of cases) {
      const r = await qed([...args(change), '--resume']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`cannot resume ${out}: ${message}`);
      expect(readFileSync(join(out, 'grade-sources.json'), 'utf8')).toBe(sources);
      expect(readFileSync(join(out, 'grades.jsonl'), 'utf8')).toBe(grades);
    }
    const same = await qed([...args(), '--resume']);
    expect(same.code === 0 || same.code === 3, same.stderr).toBe(true);
    expect(JSON.parse(same.stdout)).toMatchObject({ resumed: 30, total: 30 });
  });

  it('--resume --retry-failed grades failures again, once, and a failed generation only when it no longer failed', async () => {
    const rf = join(dir, 'rf');
    mkdirSync(rf);
    const attemptsFile = join(rf, 'attempts.jsonl');
    copyFileSync(join(dir, 'attempts.jsonl'), attemptsFile);
    const out = join(rf, 'run');
    const args = [
      'grade',
      '--attempts',
      attemptsFile,
      '--dataset',
      join(dir, 'problems.jsonl'),
      '--scheme',
      'proofbench',
      '--judge-model',
      'judge',
      '--out',
      out,
      '--json',
    ];
    type G = { attemptId: string; score: number | null; graderError?: string };
    const read = () =>
      readFileSync(join(out, 'grades.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as G);
    const first = await qed(args);
    expect(first.code === 0 || first.code === 3, first.stderr).toBe(true);
    // Three grades turned into recorded judge failures.
    const marked = read()
      .filter((g) => g.score !== null)
      .slice(0, 3)
      .map((g) => g.attemptId);
    writeFileSync(
      join(out, 'grades.jsonl'),
      read()
        .map((g) =>
          JSON.stringify(
            marked.includes(g.attemptId) ? { ...g, score: null, graderError: 'judge failed' } : g,
          ),
        )
        .join('\n') + '\n',
    );
    const plain = await qed([...args, '--resume']);
    expect(JSON.parse(plain.stdout)).toMatchObject({ resumed: 30 });
    expect(read().filter((g) => g.graderError === 'judge failed')).toHaveLength(3);

    const generationAt = read().findIndex((g) => g.attemptId === 'p4#0');
    const retried = await qed([...args, '--resume', '--retry-failed']);
    expect(retried.code === 0 || retried.code === 3, retried.stderr).toBe(true);
    let grades = read();
    expect(grades).toHaveLength(30);
    expect(new Set(grades.map((g) => g.attemptId)).size).toBe(30);
    expect(grades.filter((g) => g.graderError === 'judge failed')).toHaveLength(0);
    const generation = grades.find((g) => g.attemptId === 'p4#0');
    expect(generation?.graderError).toContain('generation failed');
    // kept where it was, not dropped and recorded again
    expect(grades.findIndex((g) => g.attemptId === 'p4#0')).toBe(generationAt);

    // The failed generation was redone elsewhere: its attempt has no error now, so it is graded.
    writeFileSync(
      attemptsFile,
      readFileSync(attemptsFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => {
          const a = JSON.parse(l) as { problemId: string; sampleIndex: number; error?: string };
          if (a.problemId !== 'p4' || a.sampleIndex !== 0) return l;
          return JSON.stringify({ ...a, error: undefined, finalProof: 'Step one. QED' });
        })
        .join('\n') + '\n',
    );
    const again = await qed([...args, '--resume', '--retry-failed']);
    expect(again.code === 0 || again.code === 3, again.stderr).toBe(true);
    grades = read();
    expect(grades).toHaveLength(30);
    expect(new Set(grades.map((g) => g.attemptId)).size).toBe(30);
    expect(grades.find((g) => g.attemptId === 'p4#0')?.graderError ?? '').not.toContain('generation failed');
  });
});
