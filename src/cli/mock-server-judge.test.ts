// `qed mock-server --judge --garbage R` from the shell: one server plays prover and (garbage-prone)
// judge over HTTP, and `qed eval` against it retries unparseable judge replies and records a grader
// failure (never a 0) when every try is garbage. `--garbage` without `--judge` is refused.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunLogSchema } from '../core/run-log.ts';
import { imoBenchFile } from '../data/imo-bench-files.ts';
import { startQed } from './qed-process.fixture.ts';

const DATASET = imoBenchFile('proofbench_v2.csv');

function qed(args: string[], env: Record<string, string> = {}) {
  const { child, done, firstLine } = startQed(args, env);
  return { child, done, line: firstLine };
}

describe('qed mock-server --judge', () => {
  it.skipIf(!DATASET)(
    'serves proofs and a seeded garbage-prone judge that qed eval survives',
    async () => {
      const server = qed([
        'mock-server',
        '--judge',
        '--garbage',
        '0.5',
        '--port',
        '0',
        '--seed',
        '3',
        '--json',
      ]);
      try {
        const { url } = JSON.parse(await server.line) as { url: string };
        const out = join(mkdtempSync(join(tmpdir(), 'qed-mock-judge-')), 'run');
        const args = [
          'eval',
          '--dataset',
          DATASET!,
          '--model',
          'mock-prover',
          '--judge-model',
          'mock-prover',
        ];
        args.push('--scheme', 'proofbench', '--limit', '8', '--samples', '2', '--concurrency', '1');
        args.push('--no-cache', '--quiet', '--max-retries', '0', '--out', out);
        const res = await qed(args, { OPENAI_BASE_URL: url, OPENAI_API_KEY: 'test' }).done;
        const log = RunLogSchema.parse(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')));
        expect(log.samples).toHaveLength(16);
        const grades = log.samples.map((s) => s.grade!);
        // Exit status 3: the run finished with grader failures recorded.
        expect(res.code, res.stderr).toBe(grades.some((g) => g.score === null) ? 3 : 0);
        for (const g of grades) {
          if (g.score === null) expect(g.graderError).toMatch(/unparseable judge reply.*after 3 judge calls/);
          else expect([0, 1, 6, 7]).toContain(g.score);
        }
        // Half the judge replies are garbage: most attempts still get a score, through retries.
        expect(grades.filter((g) => g.score !== null).length).toBeGreaterThanOrEqual(12);
        server.child.kill('SIGTERM');
        const stopped = await server.done;
        const served = Number(/served (\d+) requests/.exec(stopped.stderr)?.[1]);
        expect(served).toBeGreaterThan(16 + 16); // 16 proofs, 16 first judge calls, plus retries
      } finally {
        server.child.kill('SIGTERM');
      }
    },
    30_000,
  );

  it('refuses --garbage without --judge', async () => {
    const res = await qed(['mock-server', '--garbage', '0.3', '--port', '0']).done;
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/--garbage needs --judge/);
  });
});
