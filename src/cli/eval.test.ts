// `qed eval` as a user runs it: a child process against the mock OpenAI server, killed with SIGKILL
// mid-run and continued with --resume; and a run through a server that fails 20% of requests, then
// completed with --resume --retry-failed.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecords } from '../core/record-log.ts';
import { RunLogSchema } from '../core/run-log.ts';
import { startMockServer, type MockServer, type MockRequest } from '../server/mock-openai-server.ts';
import { startQed } from './qed-process.fixture.ts';

const N = 24;

let server: MockServer;
const served: Array<{ model: string; prompt: string; seed: unknown }> = [];

/** Policy answers with a proof; the judge model answers in the ProofBench format. */
function respond(r: MockRequest): string {
  served.push({ model: r.model, prompt: r.prompt, seed: r.body.seed });
  if (r.model === 'mock-judge') return '<assessment>fine</assessment>\n<points>6 out of 7</points>';
  return `Proof. By induction on n the claim holds. QED`;
}

beforeAll(async () => {
  server = await startMockServer({ respond, latencyMs: 40, models: ['mock-prover', 'mock-judge'] });
});
afterAll(async () => server?.close());

function dataset(): string {
  const dir = mkdtempSync(join(tmpdir(), 'qed-cli-eval-'));
  const file = join(dir, 'problems.jsonl');
  const rows = Array.from({ length: N }, (_, i) => ({
    id: `T${String(i).padStart(2, '0')}`,
    statement: `Prove that ${i} + 0 = ${i}.`,
    referenceSolution: 'Obvious.',
    gradingGuidelines: '(Partial)\n 1. Anything.',
    category: i % 2 ? 'Algebra' : 'Combinatorics',
  }));
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

const qed = (args: string[], baseUrl = server.url) =>
  startQed(['eval', ...args], { OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: 'test' });

const lines = (path: string) =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.endsWith('}')).length
    : 0;

describe('qed eval (child process, mock server)', () => {
  it('SIGKILL mid-run, then --resume: no attempt or grade lost or duplicated, finished work not redone', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'qed-cli-run-')), 'run');
    const args = [
      '--dataset',
      dataset(),
      '--model',
      'mock-prover',
      '--judge-model',
      'mock-judge',
      '--scheme',
      'proofbench',
    ];
    args.push('--samples', '2', '--concurrency', '4', '--out', out, '--no-cache', '--quiet');
    const first = qed(args);
    // Kill once some, but not all, grades are on disk.
    await new Promise<void>((resolve, reject) => {
      const t = setInterval(() => {
        if (lines(join(out, 'grades.jsonl')) >= 8) {
          clearInterval(t);
          first.child.kill('SIGKILL');
          resolve();
        }
      }, 5);
      first.done.then(() => reject(new Error('finished before it could be killed')));
    });
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const attemptsBefore = readRecords<{ id: string }>(join(out, 'attempts.jsonl')).map((a) => a.id);
    const gradedBefore = readRecords<{ attemptId: string }>(join(out, 'grades.jsonl')).map(
      (g) => g.attemptId,
    );
    expect(attemptsBefore.length).toBeLessThan(2 * N);
    expect(existsSync(join(out, 'run.json'))).toBe(false);

    // Requests the killed child sent just before dying can still reach the server after its exit:
    // let them land before marking where the resumed run's calls begin.
    for (let seen = -1; served.length !== seen;) {
      seen = served.length;
      await new Promise((r) => setTimeout(r, 300));
    }
    const mark = served.length;
    const second = await qed([...args, '--resume', '--json']).done;
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    const after = served.slice(mark);
    const policySeeds = after.filter((c) => c.model === 'mock-prover').map((c) => c.seed);
    const judged = after.filter((c) => c.model === 'mock-judge').map((c) => c.prompt);
    // Only the missing attempts were generated and only the ungraded ones judged.
    expect(policySeeds).toHaveLength(2 * N - attemptsBefore.length);
    expect(judged).toHaveLength(2 * N - gradedBefore.length);
    const attempts = readRecords<{ id: string }>(join(out, 'attempts.jsonl')).map((a) => a.id);
    const grades = readRecords<{ attemptId: string; score: number | null }>(join(out, 'grades.jsonl'));
    expect(attempts).toHaveLength(2 * N);
    expect(new Set(attempts).size).toBe(2 * N);
    expect(attempts.slice(0, attemptsBefore.length)).toEqual(attemptsBefore);
    expect(grades.map((g) => g.attemptId).sort()).toEqual([...attempts].sort());
    const log = RunLogSchema.parse(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')));
    expect(log.samples).toHaveLength(2 * N);
    expect(log.metrics).toMatchObject({ mean: 6, graded: 2 * N, graderErrors: 0, generationErrors: 0 });
    const printed = JSON.parse(second.stdout) as { metrics: { mean: number }; runLog: string };
    expect(printed.metrics.mean).toBe(6);
  });

  it('a server failing 20% of requests (no retries) still gives a complete run with the failures recorded', async () => {
    const flaky = await startMockServer({
      respond,
      seed: 7,
      faults: { server_error: 0.2 },
      models: ['mock-prover', 'mock-judge'],
    });
    try {
      const out = join(mkdtempSync(join(tmpdir(), 'qed-cli-run-')), 'run');
      const args = [
        '--dataset',
        dataset(),
        '--model',
        'mock-prover',
        '--judge-model',
        'mock-judge',
        '--scaffold',
        'self-check',
      ];
      args.push(
        '--samples',
        '2',
        '--concurrency',
        '8',
        '--out',
        out,
        '--no-cache',
        '--max-retries',
        '0',
        '--quiet',
        '--json',
      );
      const res = await qed(args, flaky.url).done;
      expect(res.code).toBe(3); // finished, with the failures recorded
      const log = RunLogSchema.parse(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')));
      expect(log.samples).toHaveLength(2 * N);
      const genFailed = log.samples.filter((s) => s.attempt.error !== undefined);
      const gradeFailed = log.samples.filter((s) => s.grade !== null && s.grade.score === null);
      // self-check makes 2+ calls per attempt, so well over 20% of attempts meet a failed call.
      expect(genFailed.length).toBeGreaterThan(0.15 * 2 * N);
      for (const s of genFailed) expect(s.attempt.error).toMatch(/failed/);
      for (const s of gradeFailed) expect(s.grade?.graderError).toBeTruthy();
      expect(log.samples.filter((s) => s.grade === null)).toHaveLength(genFailed.length);
      expect(log.metrics).toMatchObject({
        samples: 2 * N,
        generationErrors: genFailed.length,
        graderErrors: gradeFailed.length,
        graded: 2 * N - genFailed.length - gradeFailed.length,
      });
      expect(flaky.stats.faults.server_error).toBeGreaterThan(0);

      // Once the server is healthy again, --resume --retry-failed redoes exactly the failures.
      const mark = served.length;
      const retried = await qed([...args, '--resume', '--retry-failed']).done;
      expect(retried.code).toBe(0);
      const fixed = RunLogSchema.parse(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')));
      expect(fixed.metrics).toMatchObject({
        samples: 2 * N,
        graded: 2 * N,
        generationErrors: 0,
        graderErrors: 0,
      });
      expect(served.slice(mark).filter((c) => c.model === 'mock-judge')).toHaveLength(
        genFailed.length + gradeFailed.length,
      );
      const kept = log.samples.filter((s) => s.grade?.score != null).map((s) => JSON.stringify(s));
      const after = new Set(fixed.samples.map((s) => JSON.stringify(s)));
      for (const k of kept) expect(after.has(k)).toBe(true);
    } finally {
      await flaky.close();
    }
  });

  it('Ctrl-C exits 130 with how to continue, and --resume then finishes the run', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'qed-cli-run-')), 'run');
    const args = ['--dataset', dataset(), '--model', 'mock-prover', '--judge-model', 'mock-judge'];
    args.push('--limit', '8', '--samples', '2', '--concurrency', '2', '--out', out, '--no-cache', '--quiet');
    const first = qed(args);
    await new Promise<void>((resolve, reject) => {
      const t = setInterval(() => {
        if (lines(join(out, 'attempts.jsonl')) >= 2) {
          clearInterval(t);
          first.child.kill('SIGINT');
          resolve();
        }
      }, 5);
      first.done.then(() => reject(new Error('finished before it could be interrupted')));
    });
    const stopped = await first.done;
    expect(stopped.stderr).toContain(`qed: eval aborted; continue with --resume --out ${out}`);
    expect(stopped.code).toBe(130);
    const second = await qed([...args, '--resume']).done;
    expect(second.code).toBe(0);
    const attempts = readRecords<{ id: string }>(join(out, 'attempts.jsonl')).map((a) => a.id);
    expect(new Set(attempts).size).toBe(16);
    expect(readRecords(join(out, 'grades.jsonl'))).toHaveLength(16);
  });

  it('refuses --resume with another dataset, limit or role model, leaving the run untouched', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'qed-cli-run-')), 'run');
    const a = dataset();
    const b = dataset();
    const run = (file: string, ...more: string[]) =>
      qed([
        '--dataset',
        file,
        '--model',
        'mock-prover',
        '--judge-model',
        'mock-judge',
        '--out',
        out,
        '--no-cache',
        '--quiet',
        ...more,
      ]).done;
    expect((await run(a, '--limit', '2')).code).toBe(0);
    const files = () =>
      ['eval-config.json', 'attempts.jsonl', 'grades.jsonl', 'run.json'].map((f) =>
        readFileSync(join(out, f), 'utf8'),
      );
    const before = files();
    const refused = await Promise.all([
      run(b, '--limit', '2', '--resume'),
      run(a, '--limit', '3', '--resume'),
      run(a, '--limit', '2', '--selector-model', 'mock:c', '--resume'),
    ]);
    expect(refused.map((r) => r.code)).toEqual([1, 1, 1]);
    expect(refused.map((r) => r.stderr.trim())).toEqual([
      `qed: cannot resume ${out}: dataset was ${JSON.stringify(a)}, now ${JSON.stringify(b)}`,
      `qed: cannot resume ${out}: limit was 2, now 3`,
      `qed: cannot resume ${out}: providers.selector was unset, now "mock:c"`,
    ]);
    expect(files()).toEqual(before);
    const same = await run(a, '--limit', '2', '--resume', '--concurrency', '3');
    expect(same.code).toBe(0);
  });
});
