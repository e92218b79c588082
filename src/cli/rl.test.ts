// `qed rl` through the CLI: dynamic-sampling flags that cannot be honoured are refused before any
// checkpoint is read, naming the flags; a short dynamic-sampling run writes its checkpoint and logs.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveCheckpoint } from '../tiny/checkpoint.ts';
import { createGPT } from '../tiny/gpt.ts';
import { trainBpe } from '../tiny/tokenizer-train.ts';
import { buildSplits, solvePrompt } from '../toy/index.ts';
import { runQed } from './qed-process.fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'qed-rl-cli-'));

describe('qed rl', () => {
  it.each([
    [
      ['--group-size', '4', '--dynamic-sampling', '5'],
      /--dynamic-sampling must be from 2 to --group-size \(4\), got 5/,
    ],
    [['--dynamic-sampling', '1'], /--dynamic-sampling must be from 2/],
    [['--max-candidates', '3'], /--max-candidates applies only with --dynamic-sampling/],
    [
      ['--problems-per-step', '4', '--dynamic-sampling', '2', '--max-candidates', '3'],
      /--max-candidates must be at least --problems-per-step \(4\), got 3/,
    ],
  ])('refuses %j', async (flags, message) => {
    const r = await runQed(['rl', '--init', join(dir, 'none'), '--out', join(dir, 'x'), ...flags]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });

  it('runs with dynamic sampling and logs candidates, kept groups and the probes’ reward', async () => {
    const problems = buildSplits({ seed: 1, train: 8, validation: 1, test: 1 }).train;
    const tokenizer = trainBpe(
      problems.map((p) => solvePrompt(p)),
      { vocabSize: 400 },
    );
    const model = createGPT({ vocab: tokenizer.vocabSize, ctx: 384, layers: 1, dModel: 16, heads: 2 }, 1);
    const init = join(dir, 'init');
    await saveCheckpoint(init, { model, tokenizer });
    const out = join(dir, 'run');
    const r = await runQed([
      'rl',
      '--init',
      init,
      '--out',
      out,
      '--quiet',
      '--steps',
      '2',
      '--problems-per-step',
      '2',
      '--group-size',
      '4',
      '--dynamic-sampling',
      '2',
      '--max-tokens',
      '8',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const steps = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(steps).toHaveLength(2);
    for (const s of steps) {
      expect(s.candidates).toBeGreaterThanOrEqual(2);
      expect(s.kept).toBeLessThanOrEqual(2);
      expect(s.samples).toBe(4 * s.kept);
      expect(typeof s.probeRewardMean).toBe('number');
    }
  }, 60_000);
});
