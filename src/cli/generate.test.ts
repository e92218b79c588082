// `qed generate` as a user runs it, against the mock server with faults and a distinctive fake key:
// SIGKILL mid-run then --resume gives every (problem, sample) exactly once without redoing finished
// ones, the --json summary matches the files, and the key appears in no output, run file or cache.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Attempt } from '../core/attempt.ts';
import { attemptId } from '../core/attempt.ts';
import { readRecords } from '../core/record-log.ts';
import { deriveSeed } from '../core/rng.ts';
import { startMockServer } from '../server/mock-openai-server.ts';
import { runQed, startQed } from './qed-process.fixture.ts';

const KEY = 'sk-qedLEAKCANARY-9f8e7d6c5b4a';
const PROBLEMS = 20;
const SAMPLES = 3;

const lines = (file: string): number => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('qed generate (child process)', () => {
  it('survives SIGKILL: --resume finishes every sample exactly once, redoing nothing finished', async () => {
    const server = await startMockServer({
      latencyMs: 25,
      apiKey: KEY,
      faults: { rate_limit: 0.04, server_error: 0.04, malformed: 0.04, truncate: 0.04 },
      retryAfterS: 0.01,
      seed: 1,
    });
    const dir = mkdtempSync(join(tmpdir(), 'qed-gen-cli-'));
    const dataset = join(dir, 'problems.jsonl');
    writeFileSync(
      dataset,
      Array.from({ length: PROBLEMS }, (_, i) =>
        JSON.stringify({ id: `q${i}`, statement: `Show ${i} < ${i + 1}.` }),
      )
        .map((l) => `${l}\n`)
        .join(''),
    );
    const out = join(dir, 'run');
    const cacheDir = join(dir, 'cache');
    const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: KEY, QED_CACHE_DIR: cacheDir };
    const args = ['generate', '--dataset', dataset, '--model', 'mock-prover', '--samples', String(SAMPLES)];
    const common = [...args, '--concurrency', '4', '--out', out, '--timeout', '2', '--json'];
    try {
      const first = startQed(common, env);
      const attemptsFile = join(out, 'attempts.jsonl');
      const deadline = Date.now() + 20_000;
      while (lines(attemptsFile) < 12 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      first.child.kill('SIGKILL');
      const killed = await first.done;
      const finished = readRecords<Attempt>(attemptsFile);
      expect(finished.length).toBeGreaterThanOrEqual(12);
      expect(finished.length).toBeLessThan(PROBLEMS * SAMPLES);

      const before = server.calls.length;
      const second = await startQed([...common, '--resume'], env).done;
      expect(second.code).toBe(0);
      const summary = JSON.parse(second.stdout) as {
        skipped: number;
        generated: number;
        recorded: number;
        expected: number;
      };
      expect(summary).toMatchObject({
        expected: 60,
        recorded: 60,
        skipped: finished.length,
        generated: 60 - finished.length,
      });

      const all = readRecords<Attempt>(attemptsFile);
      const ids = all.map(attemptId);
      expect(ids).toHaveLength(PROBLEMS * SAMPLES);
      expect(new Set(ids).size).toBe(PROBLEMS * SAMPLES);
      for (const a of all)
        expect(a.error === undefined ? a.finalProof.length > 0 : a.finalProof === '').toBe(true);
      // No request of the resumed run was for a sample finished before the kill (seeds identify samples).
      const doneSeeds = new Set(finished.map((a) => deriveSeed(0, a.problemId, a.sampleIndex)));
      const redone = server.calls.slice(before).filter((c) => doneSeeds.has(Number(c.body.seed)));
      expect(redone).toHaveLength(0);
      expect(server.calls.every((c) => c.authorized)).toBe(true);

      // The key never leaks: not in outputs, run files or the cache.
      for (const text of [killed.stdout, killed.stderr, second.stdout, second.stderr])
        expect(text).not.toContain(KEY);
      for (const file of [...filesUnder(out), ...filesUnder(cacheDir)]) {
        expect(readFileSync(file).includes(KEY), file).toBe(false);
      }
    } finally {
      await server.close();
    }
  }, 45_000);

  it('keeps a rejected key out of error messages and debug logs, and records the failure', async () => {
    const server = await startMockServer({ apiKey: 'the-real-key-000' });
    const dir = mkdtempSync(join(tmpdir(), 'qed-gen-cli-'));
    const dataset = join(dir, 'p.jsonl');
    writeFileSync(dataset, `${JSON.stringify({ id: 'a', statement: 'Show 1 < 2.' })}\n`);
    const out = join(dir, 'run');
    try {
      const run = startQed(
        ['generate', '--dataset', dataset, '--model', 'mock-prover', '--out', out, '--no-cache', '--json'],
        {
          OPENAI_BASE_URL: server.url,
          OPENAI_API_KEY: KEY,
          // Even the official client's debug log (request headers included) must not show it.
          OPENAI_LOG: 'debug',
        },
      );
      const result = await run.done;
      expect(result.code).toBe(3); // finished, with the failure recorded
      const [attempt] = readRecords<Attempt>(join(out, 'attempts.jsonl'));
      expect(attempt).toMatchObject({ finalProof: '', problemId: 'a' });
      expect(attempt.error).toMatch(/^http_401/);
      expect(result.stderr).toMatch(/failed http_401 × 1/);
      for (const text of [
        result.stdout,
        result.stderr,
        ...filesUnder(out).map((f) => readFileSync(f, 'utf8')),
      ]) {
        expect(text).not.toContain(KEY);
      }
    } finally {
      await server.close();
    }
  }, 30_000);

  it('refuses --resume with another dataset, limit or sample count, leaving the run untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qed-gen-cli-'));
    const rows = (prefix: string) =>
      [0, 1, 2].map(
        (i) => `${JSON.stringify({ id: `${prefix}${i}`, statement: `Show ${i} < ${i + 1}.` })}\n`,
      );
    const a = join(dir, 'a.jsonl');
    const b = join(dir, 'b.jsonl');
    writeFileSync(a, rows('a').join(''));
    writeFileSync(b, rows('b').join(''));
    const out = join(dir, 'run');
    const run = (dataset: string, ...more: string[]) =>
      runQed([
        'generate',
        '--dataset',
        dataset,
        '--model',
        'mock',
        '--out',
        out,
        '--no-cache',
        '--quiet',
        ...more,
      ]);
    expect((await run(a, '--limit', '2')).code).toBe(0);
    const files = () => filesUnder(out).map((f) => [f, readFileSync(f, 'utf8')]);
    const before = files();

    const refused = await Promise.all([
      run(b, '--limit', '2', '--resume'),
      run(a, '--limit', '3', '--resume'),
      run(a, '--resume'),
      run(a, '--limit', '2', '--samples', '2', '--resume'),
    ]);
    expect(refused.map((r) => r.code)).toEqual([1, 1, 1, 1]);
    expect(refused[0].stderr).toContain(
      `cannot resume ${out}: dataset was ${JSON.stringify(a)}, now ${JSON.stringify(b)}`,
    );
    expect(refused[1].stderr).toContain(`cannot resume ${out}: limit was 2, now 3`);
    expect(refused[2].stderr).toContain(`cannot resume ${out}: limit was 2, now null`);
    expect(refused[3].stderr).toContain(`cannot resume ${out}: samples was 1, now 2`);
    expect(files()).toEqual(before);

    // The same file named another way, and operational flags, are no change.
    const resumed = await run(
      relative(process.cwd(), a),
      '--limit',
      '2',
      '--resume',
      '--concurrency',
      '2',
      '--retry-failed',
    );
    expect(resumed.stderr).not.toMatch(/cannot resume/);
    expect(resumed.code).toBe(0);
    expect(readRecords<Attempt>(join(out, 'attempts.jsonl')).map(attemptId)).toEqual(['a0#0', 'a1#0']);
  }, 30_000);
});
