// The generation runner in process: records and run.json match their schemas, failures are recorded
// with reasons (never as answers), resume and retry-failed finish the set exactly once, interrupted
// calls are left for --resume, and a run against the faulty mock server ends with correct counts.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AttemptSchema, attemptId } from '../core/attempt.ts';
import type { Attempt } from '../core/attempt.ts';
import type { Problem } from '../core/problem.ts';
import { readRecords } from '../core/record-log.ts';
import { RunLogSchema } from '../core/run-log.ts';
import { createMockProvider, createOpenAICompatibleProvider } from '../providers/index.ts';
import { startMockServer } from '../server/mock-openai-server.ts';
import { loadPromptTemplate, renderPrompt } from './prompt.ts';
import { runGenerate } from './run-generate.ts';

const problems = (n: number): Problem[] =>
  Array.from({ length: n }, (_, i) => ({ id: `p${i}`, statement: `Prove that ${i} + 0 = ${i}.` }));
const tmp = () => mkdtempSync(join(tmpdir(), 'qed-generate-'));
const attempts = (dir: string) => readRecords<Attempt>(join(dir, 'attempts.jsonl'));

describe('runGenerate', () => {
  it('writes one valid Attempt per (problem, sample) and a run.json with the config', async () => {
    const out = join(tmp(), 'run');
    const provider = createMockProvider();
    const s = await runGenerate({ problems: problems(3), provider, samples: 2, out, quiet: true, seed: 5 });
    expect(s).toMatchObject({ expected: 6, recorded: 6, generated: 6, ok: 6, failed: 0, skipped: 0 });
    const recs = attempts(out);
    expect(recs.map(attemptId).sort()).toEqual(['p0#0', 'p0#1', 'p1#0', 'p1#1', 'p2#0', 'p2#1']);
    for (const r of recs) {
      expect(AttemptSchema.parse(r).finalProof).toMatch(/QED$/);
      expect(r.turns[0]).toMatchObject({ role: 'answer', finishReason: 'stop' });
    }
    const template = loadPromptTemplate();
    expect(provider.calls[0].prompt).toBe(renderPrompt(template, 'Prove that 0 + 0 = 0.'));
    expect(
      provider.calls[0].prompt.startsWith('Generate a rigorous proof to the following question:\n\n'),
    ).toBe(true);
    expect(new Set(provider.calls.map((c) => c.request.seed)).size).toBe(6);
    const run = RunLogSchema.parse(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')));
    expect(run.kind).toBe('generate');
    expect(run.finishedAt).toBeDefined();
    expect(run.config).toMatchObject({
      samples: 2,
      seed: 5,
      promptTemplate: `generate/proof@${template.hash}`,
    });
    expect(run.metrics).toMatchObject({ recorded: 6, ok: 6 });
  });

  it('records failures with their reason and an empty proof, and regenerates them on request', async () => {
    const out = join(tmp(), 'run');
    let broken = true;
    const provider = createMockProvider({
      respond: (c) =>
        broken && c.prompt.includes('1 + 0')
          ? { error: 'upstream exploded', code: 'http_500' }
          : 'A proof. QED',
    });
    const first = await runGenerate({ problems: problems(3), provider, samples: 2, out, quiet: true });
    expect(first).toMatchObject({ recorded: 6, ok: 4, failed: 2 });
    expect(first.failures.http_500).toEqual({ count: 2, example: 'http_500: upstream exploded' });
    const failed = attempts(out).filter((a) => a.error);
    expect(failed.map((a) => [a.problemId, a.finalProof, a.error])).toEqual([
      ['p1', '', 'http_500: upstream exploded'],
      ['p1', '', 'http_500: upstream exploded'],
    ]);
    // Plain resume counts failures as done; --retry-failed generates them again.
    const again = await runGenerate({
      problems: problems(3),
      provider,
      samples: 2,
      out,
      resume: true,
      quiet: true,
    });
    expect(again).toMatchObject({ skipped: 6, generated: 0, totalFailed: 2 });
    broken = false;
    const retried = await runGenerate({
      problems: problems(3),
      provider,
      samples: 2,
      out,
      resume: true,
      retryFailed: true,
      quiet: true,
    });
    expect(retried).toMatchObject({ skipped: 4, generated: 2, ok: 2, recorded: 6, totalFailed: 0 });
    expect(attempts(out).map(attemptId).sort()).toEqual(['p0#0', 'p0#1', 'p1#0', 'p1#1', 'p2#0', 'p2#1']);
    expect(readRecords<Attempt>(join(out, 'failed-attempts.jsonl'))).toHaveLength(2);
  });

  it('records a provider that throws as a failure and goes on', async () => {
    const out = join(tmp(), 'run');
    const provider = createMockProvider({
      respond: (c) => {
        if (c.prompt.includes('2 + 0')) throw new Error('engine crashed');
        return 'fine QED';
      },
    });
    const s = await runGenerate({ problems: problems(4), provider, samples: 1, out, quiet: true });
    expect(s).toMatchObject({ recorded: 4, ok: 3, failed: 1 });
    expect(attempts(out).find((a) => a.problemId === 'p2')).toMatchObject({
      finalProof: '',
      error: 'exception: provider threw: engine crashed',
    });
  });

  it('never overwrites a run, and refuses to resume with different settings', async () => {
    const out = join(tmp(), 'run');
    const provider = createMockProvider();
    await runGenerate({ problems: problems(1), provider, samples: 1, out, quiet: true });
    await expect(
      runGenerate({ problems: problems(1), provider, samples: 1, out, quiet: true }),
    ).rejects.toThrow(/--resume/);
    await expect(
      runGenerate({
        problems: problems(1),
        provider: createMockProvider({ model: 'mock:other' }),
        samples: 1,
        out,
        resume: true,
        quiet: true,
      }),
    ).rejects.toThrow(/model was "mock", now "mock:other"/);
    await expect(
      runGenerate({ problems: problems(1), provider, samples: 2, out, resume: true, quiet: true }),
    ).rejects.toThrow(/samples was 1, now 2/);
    const more = await runGenerate({
      problems: problems(2),
      provider,
      samples: 1,
      out,
      resume: true,
      quiet: true,
    });
    expect(more).toMatchObject({ skipped: 1, generated: 1, recorded: 2 });
    const fresh = await runGenerate({
      problems: problems(1),
      provider,
      samples: 1,
      out,
      force: true,
      quiet: true,
    });
    expect(fresh).toMatchObject({ recorded: 1, skipped: 0 });
  });

  it('leaves interrupted calls for --resume instead of recording them as failures', async () => {
    const out = join(tmp(), 'run');
    const ctrl = new AbortController();
    let n = 0;
    const provider = createMockProvider({
      respond: async () => {
        if (++n === 4) ctrl.abort();
        await new Promise((r) => setTimeout(r, 5));
        return 'ok QED';
      },
    });
    const s = await runGenerate({
      problems: problems(5),
      provider,
      samples: 2,
      out,
      concurrency: 2,
      signal: ctrl.signal,
      quiet: true,
    });
    expect(s.interrupted).toBe(true);
    expect(s.failed).toBe(0);
    expect(s.recorded).toBeLessThan(10);
    expect(attempts(out).every((a) => !a.error)).toBe(true);
    const resumed = await runGenerate({
      problems: problems(5),
      provider,
      samples: 2,
      out,
      resume: true,
      quiet: true,
    });
    expect(resumed.recorded).toBe(10);
    expect(resumed.skipped + resumed.generated).toBe(10);
  });

  it('completes against the mock server with 10% of each fault, with correct counts', async () => {
    const server = await startMockServer({
      faults: { rate_limit: 0.1, server_error: 0.1, hang: 0.1, malformed: 0.1, truncate: 0.1 },
      retryAfterS: 0.01,
      seed: 3,
    });
    const provider = createOpenAICompatibleProvider({
      model: 'mock-prover',
      endpoints: [{ name: 'mock', baseUrl: server.url, models: [], weight: 1, maxConcurrency: 64 }],
      timeoutMs: 500,
      retry: { maxRetries: 5, baseDelayMs: 1, maxDelayMs: 5 },
      env: {},
    });
    const out = join(tmp(), 'run');
    try {
      const s = await runGenerate({
        problems: problems(30),
        provider,
        samples: 4,
        out,
        concurrency: 16,
        quiet: true,
      });
      const recs = attempts(out);
      expect(recs).toHaveLength(120);
      expect(new Set(recs.map(attemptId)).size).toBe(120);
      expect(s.ok + s.failed).toBe(120);
      expect(s.ok).toBe(recs.filter((r) => !r.error).length);
      for (const r of recs) {
        if (r.error) expect(r.finalProof).toBe('');
        else expect(r.finalProof).toMatch(/QED$/);
      }
      // Half of all tries fail, so retries happened, and each fault kind was met and handled.
      expect(provider.stats.retries).toBeGreaterThan(40);
      expect(server.stats.requests).toBeLessThanOrEqual(provider.stats.tries);
      expect(Object.keys(provider.stats.errors)).toEqual(
        expect.arrayContaining(['http_429', 'http_500', 'timeout', 'malformed', 'network']),
      );
      expect(s.failed).toBe(provider.stats.failures);
      expect(Object.values(s.failures).reduce((n, f) => n + f.count, 0)).toBe(s.failed);
    } finally {
      await provider.close?.();
      await server.close();
    }
    expect(existsSync(join(out, 'run.json'))).toBe(true);
  });
});
