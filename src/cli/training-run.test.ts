// Run directories of `qed sft` / `qed rl`: a finished or foreign --out is never overwritten without
// --force, a resume with other settings is refused naming the setting, a resume may leave out --init,
// and resuming a finished run reports its recorded loss.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveCheckpoint } from '../tiny/checkpoint.ts';
import { createGPT } from '../tiny/gpt.ts';
import { trainBpe } from '../tiny/tokenizer-train.ts';
import { runQed } from './qed-process.fixture.ts';
import { TRAINING_RUN_FILE, planTrainingRun } from './training-run.ts';

const root = mkdtempSync(join(tmpdir(), 'qed-training-run-'));

describe('planTrainingRun', () => {
  const settings = { init: '/ck/base', lr: 1e-3, seed: 1 };

  it('refuses a non-empty directory without --resume or --force, and leaves it alone', () => {
    const out = join(root, 'foreign');
    mkdirSync(out);
    writeFileSync(join(out, 'metrics.jsonl'), '{"old":1}\n');
    expect(() => planTrainingRun('sft', { out }, settings)).toThrow(
      /is not empty: pass --resume to continue it or --force to overwrite it/,
    );
    expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8')).toBe('{"old":1}\n');
  });

  it('with --force starts again in an empty directory', () => {
    const out = join(root, 'forced');
    mkdirSync(out);
    writeFileSync(join(out, 'metrics.jsonl'), '{"old":1}\n');
    const run = planTrainingRun('sft', { out, force: true }, settings);
    expect(existsSync(join(out, 'metrics.jsonl'))).toBe(true); // nothing changes before start()
    run.start();
    expect(existsSync(join(out, 'metrics.jsonl'))).toBe(false);
    expect(JSON.parse(readFileSync(join(out, TRAINING_RUN_FILE), 'utf8'))).toEqual({
      command: 'sft',
      ...settings,
    });
  });

  it('on resume takes the stored --init and refuses a changed setting by name', () => {
    const out = join(root, 'resumed');
    const fresh = planTrainingRun('rl', { out }, settings);
    expect(existsSync(out)).toBe(false);
    fresh.start();
    expect(planTrainingRun('rl', { out, resume: true }, { ...settings, init: undefined })).toMatchObject({
      init: '/ck/base',
      resumed: true,
    });
    expect(() => planTrainingRun('rl', { out, resume: true }, { ...settings, lr: 2e-3 })).toThrow(
      `cannot resume ${out}: lr was 0.001, now 0.002`,
    );
    expect(() => planTrainingRun('rl', { out, resume: true }, { ...settings, init: '/ck/other' })).toThrow(
      /init was "\/ck\/base", now "\/ck\/other"/,
    );
  });

  it('needs --init for a fresh run', () => {
    expect(() => planTrainingRun('sft', { out: join(root, 'no-init') }, { lr: 1 })).toThrow(
      '--init <checkpoint> is required',
    );
  });
});

describe('qed sft run directory', () => {
  it('refuses to overwrite a finished run, and --resume of it reports its loss', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => ({
      prompt: `add ${i % 5} and 1`,
      proof: `${i % 5}+1.`,
    }));
    const data = join(root, 'sft.jsonl');
    writeFileSync(data, rows.map((r) => JSON.stringify(r)).join('\n'));
    const tokenizer = trainBpe(
      rows.map((r) => `${r.prompt} ${r.proof}`),
      { vocabSize: 300 },
    );
    const init = join(root, 'init');
    await saveCheckpoint(init, {
      model: createGPT({ vocab: tokenizer.vocabSize, ctx: 64, layers: 1, dModel: 16, heads: 2 }, 1),
      tokenizer,
    });
    const out = join(root, 'sft-run');
    const args = ['sft', '--out', out, '--data', data, '--epochs', '1', '--batch', '4', '--quiet', '--json'];
    const first = await runQed([...args, '--init', init]);
    expect(first.code, first.stderr).toBe(0);
    const finished = JSON.parse(first.stdout) as { steps: number; finalLoss: number };
    const metrics = readFileSync(join(out, 'metrics.jsonl'), 'utf8');

    const again = await runQed([...args, '--init', init]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/is not empty: pass --resume to continue it or --force to overwrite it/);
    expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8')).toBe(metrics);

    const resumed = await runQed([...args, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({
      steps: finished.steps,
      finalLoss: finished.finalLoss,
    });

    const changed = await runQed([...args, '--resume', '--lr', '0.01']);
    expect(changed.code).not.toBe(0);
    expect(changed.stderr).toContain(`cannot resume ${out}: lr was 0.003, now 0.01`);
  }, 60_000);
});

describe('qed rl inputs', () => {
  it('refuses problems the toy grader cannot read, before --out is created', async () => {
    const problems = join(root, 'prose.jsonl');
    writeFileSync(
      problems,
      `${JSON.stringify({ id: 'p1', statement: 'Prove that there are infinitely many primes.' })}\n`,
    );
    const tokenizer = trainBpe(['Prove that there are infinitely many primes.'], { vocabSize: 300 });
    const init = join(root, 'rl-init');
    await saveCheckpoint(init, {
      model: createGPT({ vocab: tokenizer.vocabSize, ctx: 64, layers: 1, dModel: 16, heads: 2 }, 1),
      tokenizer,
    });
    const out = join(root, 'rl-prose');
    const r = await runQed(['rl', '--init', init, '--out', out, '--problems', problems, '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'problem p1 is not an Olympiad-lite statement, which the default toy grader needs; grade with --judge-model',
    );
    expect(existsSync(out)).toBe(false);
  });
});
