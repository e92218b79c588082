import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Grade } from '../core/grade.ts';
import type { Problem } from '../core/problem.ts';
import { readRecords } from '../core/record-log.ts';
import { deriveSeed } from '../core/rng.ts';
import { RunLogSchema } from '../core/run-log.ts';
import { emptyUsage } from '../core/usage.ts';
import type { Grader } from '../grading/types.ts';
import {
  createMockProvider,
  type MockProviderCall,
  type MockProviderReply,
} from '../providers/mock-provider.ts';

const functionProvider = (respond: (c: MockProviderCall) => MockProviderReply | Promise<MockProviderReply>) =>
  createMockProvider({ model: 'mock:policy', respond });
import { runEval } from './run-eval.ts';

const problems: Problem[] = Array.from({ length: 6 }, (_, i) => ({
  id: `P${i}`,
  statement: `Problem number ${i}`,
  category: i % 2 ? 'Algebra' : 'Geometry',
  difficulty: i < 3 ? 'easy' : 'hard',
}));

const tmp = () => join(mkdtempSync(join(tmpdir(), 'qed-eval-')), 'run');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Scores a proof by the digit the fake model put in it; `fail` names attempts whose grading fails. */
function fakeGrader(
  opts: { fail?: (attemptId: string) => boolean; log?: string[]; delayMs?: number } = {},
): Grader {
  const info = { kind: 'programmatic', scheme: 'test' };
  return {
    info,
    async grade({ attempt }): Promise<Grade> {
      if (opts.delayMs) await sleep(opts.delayMs);
      const id = `${attempt.problemId}#${attempt.sampleIndex}`;
      opts.log?.push(`grade ${id}`);
      const base = {
        attemptId: id,
        problemId: attempt.problemId,
        sampleIndex: attempt.sampleIndex,
        grader: info,
      };
      if (opts.fail?.(id)) {
        return {
          ...base,
          score: null,
          graderError: 'no score tag',
          assessment: '',
          errors: [],
          usage: emptyUsage(),
        };
      }
      const score = Number(/score=(\d)/.exec(attempt.finalProof)?.[1] ?? 0);
      return { ...base, score, assessment: 'ok', errors: [], usage: { ...emptyUsage(), calls: 1 } };
    },
  };
}

describe('runEval', () => {
  it('writes a run.json in RunLogSchema with every sample, its grade and the metrics', async () => {
    const provider = functionProvider(
      ({ prompt }) =>
        `proof of ${prompt.match(/number (\d)/)?.[1]} score=${prompt.includes('number 1') ? 7 : 3}`,
    );
    const out = tmp();
    const res = await runEval({
      problems,
      provider,
      grader: fakeGrader(),
      samples: 2,
      out,
      progress: false,
      seed: 5,
      config: { dataset: 'x.csv' },
    });
    const log = RunLogSchema.parse(JSON.parse(readFileSync(res.runLog, 'utf8')));
    expect(log.samples.map((s) => `${s.attempt.problemId}#${s.attempt.sampleIndex}`)).toEqual(
      problems.flatMap((p) => [`${p.id}#0`, `${p.id}#1`]),
    );
    expect(
      log.samples.every((s) => s.grade?.attemptId === `${s.attempt.problemId}#${s.attempt.sampleIndex}`),
    ).toBe(true);
    expect(log.config).toMatchObject({
      dataset: 'x.csv',
      scaffold: 'pure',
      samples: 2,
      seed: 5,
      model: 'mock:policy',
    });
    expect(log.environment.node).toBe(process.version);
    expect(log.metrics.mean).toBeCloseTo((7 + 5 * 3) / 6);
    expect(log.metrics).toMatchObject({ samples: 12, graded: 12, graderErrors: 0, generationErrors: 0 });
    expect((log.metrics.tokens as { prompt: number }).prompt).toBeGreaterThan(0);
    expect(res.generated).toBe(12);
    expect(res.graded).toBe(12);
    // Seeds are derived per (run seed, problem, sample) and reach the provider.
    expect(provider.calls.map((c) => c.request.seed).sort()).toEqual(
      problems.flatMap((p) => [deriveSeed(5, p.id, 0), deriveSeed(5, p.id, 1)]).sort(),
    );
  });

  it('streams: grading starts while generation is still running', async () => {
    const events: string[] = [];
    const provider = functionProvider(async ({ prompt }) => {
      await sleep(10);
      events.push(`gen ${prompt.match(/number (\d)/)?.[1]}`);
      return 'score=5';
    });
    await runEval({
      problems,
      provider,
      grader: fakeGrader({ log: events }),
      concurrency: 2,
      out: tmp(),
      progress: false,
    });
    const firstGrade = events.findIndex((e) => e.startsWith('grade'));
    const lastGen = events.findLastIndex((e) => e.startsWith('gen'));
    expect(firstGrade).toBeGreaterThan(-1);
    expect(firstGrade).toBeLessThan(lastGen);
  });

  it('a provider failing 20% of calls and a flaky grader still give a complete run with failures recorded', async () => {
    // A seeded 20% of calls fail; reasoning-cache makes 3 calls per attempt, so most failures hit mid-attempt.
    let n = 0;
    const provider = functionProvider(() =>
      deriveSeed(99, n++) % 5 === 0 ? { error: 'HTTP 503' } : '<think>hm</think>score=6',
    );
    const problemsBig: Problem[] = Array.from({ length: 40 }, (_, i) => ({
      id: `Q${i}`,
      statement: `Q ${i}`,
    }));
    const out = tmp();
    const res = await runEval({
      problems: problemsBig,
      provider,
      grader: fakeGrader({ fail: (id) => id.endsWith('#1') && id < 'Q2' }),
      scaffold: 'reasoning-cache',
      scaffoldOptions: { iterations: 2 },
      samples: 2,
      concurrency: 8,
      out,
      progress: false,
    });
    const log = RunLogSchema.parse(JSON.parse(readFileSync(res.runLog, 'utf8')));
    expect(log.samples).toHaveLength(80);
    const failed = log.samples.filter((s) => s.attempt.error);
    expect(failed.length).toBeGreaterThan(10);
    expect(failed.length).toBeLessThan(50);
    for (const s of failed) {
      expect(s.grade).toBeNull();
      expect(s.attempt.error).toMatch(/HTTP 503/);
      expect(s.attempt.turns.at(-1)?.finishReason).toBe('error');
    }
    const graderErrors = log.samples.filter((s) => s.grade?.score === null).length;
    expect(log.metrics).toMatchObject({ generationErrors: failed.length, graderErrors, samples: 80 });
    expect(graderErrors).toBeGreaterThan(0);
    // Failures never enter the mean as zeros.
    expect(log.metrics.mean).toBe(6);
  });

  it('resumes an interrupted run without losing, duplicating or redoing work', async () => {
    const out = tmp();
    const controller = new AbortController();
    let calls = 0;
    const slow = functionProvider(async () => {
      calls++;
      await sleep(5);
      if (calls >= 5) controller.abort();
      return 'score=4';
    });
    await expect(
      runEval({
        problems,
        provider: slow,
        grader: fakeGrader({ delayMs: 20 }),
        samples: 3,
        concurrency: 2,
        out,
        progress: false,
        signal: controller.signal,
      }),
    ).rejects.toThrow(/--resume/);
    const attemptsBefore = readRecords<{ id: string }>(join(out, 'attempts.jsonl')).map((a) => a.id);
    const gradesBefore = readRecords<{ attemptId: string }>(join(out, 'grades.jsonl')).map(
      (g) => g.attemptId,
    );
    expect(attemptsBefore.length).toBeGreaterThan(0);
    expect(attemptsBefore.length).toBeLessThan(18);

    const gradeLog: string[] = [];
    const fresh = functionProvider(() => 'score=4');
    const res = await runEval({
      problems,
      provider: fresh,
      grader: fakeGrader({ log: gradeLog }),
      samples: 3,
      concurrency: 2,
      out,
      resume: true,
      progress: false,
    });
    expect(fresh.calls).toHaveLength(18 - attemptsBefore.length);
    expect(res.resumed).toEqual({ attempts: attemptsBefore.length, grades: gradesBefore.length });
    // Attempts without grades get graded; graded ones are not graded again.
    expect(gradeLog).toHaveLength(18 - gradesBefore.length);
    for (const id of gradesBefore) expect(gradeLog).not.toContain(`grade ${id}`);
    const attempts = readRecords<{ id: string }>(join(out, 'attempts.jsonl')).map((a) => a.id);
    const grades = readRecords<{ attemptId: string }>(join(out, 'grades.jsonl')).map((g) => g.attemptId);
    expect(new Set(attempts).size).toBe(18);
    expect(attempts).toHaveLength(18);
    expect(grades.sort()).toEqual([...attempts].sort());
    const log = RunLogSchema.parse(JSON.parse(readFileSync(res.runLog, 'utf8')));
    expect(log.samples).toHaveLength(18);
    expect(log.metrics.mean).toBe(4);

    await expect(
      runEval({
        problems,
        provider: fresh,
        grader: fakeGrader(),
        samples: 4,
        out,
        resume: true,
        progress: false,
      }),
    ).rejects.toThrow(/cannot resume .*samples was 3, now 4/);
    await expect(
      runEval({ problems, provider: fresh, grader: fakeGrader(), samples: 3, out, progress: false }),
    ).rejects.toThrow(/not empty/);
  });

  it('refuses to resume with another dataset, limit or role model', async () => {
    const out = tmp();
    const provider = createMockProvider();
    const run = (config: Record<string, unknown>, roles: Record<string, string> = {}, resume = true) =>
      runEval({
        problems: problems.slice(0, 2),
        provider,
        providers: Object.fromEntries(
          Object.entries(roles).map(([k, model]) => [k, createMockProvider({ model })]),
        ),
        grader: fakeGrader(),
        out,
        resume,
        progress: false,
        config,
      });
    const relativeDataset = join('data', 'a.jsonl');
    await run({ dataset: relativeDataset, limit: 2 }, {}, false);
    const config = readFileSync(join(out, 'eval-config.json'), 'utf8');
    const same = { dataset: relativeDataset, limit: 2 };
    await expect(run({ ...same, dataset: 'data/b.jsonl' })).rejects.toThrow(
      /cannot resume .*: dataset was ".*a\.jsonl", now ".*b\.jsonl"/,
    );
    await expect(run({ ...same, limit: 3 })).rejects.toThrow(/limit was 2, now 3/);
    for (const role of ['summarizer', 'verifier', 'selector'])
      await expect(run(same, { [role]: 'mock:other' })).rejects.toThrow(
        `providers.${role} was unset, now "mock:other"`,
      );
    expect(readFileSync(join(out, 'eval-config.json'), 'utf8')).toBe(config);
    // The same file named by its absolute path is no change.
    const res = await run({ ...same, dataset: resolve(relativeDataset) });
    expect(res.resumed.attempts).toBe(2);
  });

  it('retryFailed redoes failed generations and failed gradings, keeping the rest', async () => {
    const out = tmp();
    const flaky = functionProvider(({ prompt }) =>
      /number [02]/.test(prompt) ? { error: 'HTTP 503' } : 'score=5',
    );
    const first = await runEval({
      problems,
      provider: flaky,
      grader: fakeGrader({ fail: (id) => id.startsWith('P4') }),
      samples: 2,
      out,
      progress: false,
    });
    expect(first.metrics).toMatchObject({ generationErrors: 4, graderErrors: 2, graded: 6 });
    const healthy = functionProvider(() => 'score=5');
    const gradeLog: string[] = [];
    const second = await runEval({
      problems,
      provider: healthy,
      grader: fakeGrader({ log: gradeLog }),
      samples: 2,
      out,
      resume: true,
      retryFailed: true,
      progress: false,
    });
    expect(healthy.calls).toHaveLength(4);
    expect(gradeLog.sort()).toEqual([
      'grade P0#0',
      'grade P0#1',
      'grade P2#0',
      'grade P2#1',
      'grade P4#0',
      'grade P4#1',
    ]);
    expect(second.metrics).toMatchObject({ generationErrors: 0, graderErrors: 0, graded: 12, mean: 5 });
    const attempts = readRecords<{ id: string }>(join(out, 'attempts.jsonl')).map((a) => a.id);
    expect(new Set(attempts).size).toBe(12);
    expect(attempts).toHaveLength(12);
    expect(readRecords(join(out, 'grades.jsonl'))).toHaveLength(12);
  });

  it('records a grader that throws as a grader error, and rejects duplicate problem ids', async () => {
    const grader: Grader = {
      info: { kind: 'broken' },
      grade: async () => {
        throw new Error('boom');
      },
    };
    const res = await runEval({
      problems: problems.slice(0, 2),
      provider: functionProvider(() => 'x'),
      grader,
      out: tmp(),
      progress: false,
    });
    expect(res.metrics.graderErrors).toBe(2);
    expect(res.metrics.mean).toBeNull();
    const log = JSON.parse(readFileSync(res.runLog, 'utf8')) as { samples: Array<{ grade: Grade }> };
    expect(log.samples[0].grade.graderError).toMatch(/grader threw: boom/);
    await expect(
      runEval({
        problems: [problems[0], problems[0]],
        provider: functionProvider(() => 'x'),
        grader,
        out: tmp(),
        progress: false,
      }),
    ).rejects.toThrow(/duplicate problem id/);
  });
});
