// `qed demo` through the CLI: --seeds runs the quick demo once per seed into DIR/seed-N and writes the
// mean over seeds, and a resume over another seed list is refused; a killed run continues with --resume
// to the same result; bad flags are refused with a message naming them.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QED_BIN, runQed } from './qed-process.fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'qed-demo-cli-'));

const qed = (args: string[]) => runQed(args);

describe('qed demo', () => {
  it('--seeds runs each seed and reports the mean over seeds', async () => {
    const out = join(dir, 'seeds');
    const r = await qed(['demo', '--quick', '--quiet', '--seeds', '3,4', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(readFileSync(join(out, 'summary-seeds.json'), 'utf8')) as Array<{
      stage: string;
      scaffold: string;
      split: string;
      mean: number;
      perSeed: number[];
      seeds: number[];
    }>;
    expect(rows).toHaveLength(4 * 2 * 3);
    for (const row of rows) {
      expect(row.seeds).toEqual([3, 4]);
      expect(row.mean).toBeCloseTo((row.perSeed[0] + row.perSeed[1]) / 2, 12);
    }
    const one = JSON.parse(readFileSync(join(out, 'seed-4', 'summary.json'), 'utf8')) as Array<{
      mean: number;
    }>;
    expect(rows.map((x) => x.perSeed[1])).toEqual(one.map((x) => x.mean));
    expect(r.stdout).toMatch(/over seeds 3, 4/);
    // the stage gains over seeds, each seed's from its gains.json
    const gains = JSON.parse(readFileSync(join(out, 'gains-seeds.json'), 'utf8')) as Array<{
      stage: string;
      perSeed: Array<number | null>;
    }>;
    const seed3 = JSON.parse(readFileSync(join(out, 'seed-3', 'gains.json'), 'utf8')) as Array<{
      mean: number | null;
    }>;
    expect(gains.map((g) => g.perSeed[0])).toEqual(seed3.map((g) => g.mean));
    expect(r.stdout).toMatch(/\| rl − sft \| pure \|/);
    // the same, per problem family, and each seed's families in its summary.md
    const families = JSON.parse(readFileSync(join(out, 'families-seeds.json'), 'utf8')) as Array<{
      family: string;
      perSeed: Array<number | null>;
    }>;
    expect(families).toHaveLength(4 * 2 * 4);
    const oneFamilies = JSON.parse(readFileSync(join(out, 'seed-4', 'families.json'), 'utf8')) as Array<{
      mean: number | null;
    }>;
    expect(families.map((x) => x.perSeed[1])).toEqual(oneFamilies.map((x) => x.mean));
    expect(r.stdout).toMatch(/by problem family[^\n]*\n\| stage \| scaffold \| short chains \(\d+\) \|/);
    expect(readFileSync(join(out, 'seed-3', 'summary.md'), 'utf8')).toMatch(/\| two roads \(\d+\) \|/);
    // a resume over another seed list is refused before anything runs
    const summary = readFileSync(join(out, 'summary-seeds.json'), 'utf8');
    const other = await qed(['demo', '--quick', '--quiet', '--seeds', '3,5', '--out', out, '--resume']);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain(`cannot resume ${out}: seeds was [3,4], now [3,5]`);
    expect(existsSync(join(out, 'seed-5'))).toBe(false);
    expect(readFileSync(join(out, 'summary-seeds.json'), 'utf8')).toBe(summary);
  }, 120_000);

  it('--resume continues a killed run to the same curves and results, without redoing finished stages', async () => {
    const args = ['demo', '--quick', '--quiet', '--seed', '5'];
    const straight = join(dir, 'straight');
    expect((await qed([...args, '--out', straight])).code).toBe(0);
    const killed = join(dir, 'killed');
    const child = spawn(process.execPath, [QED_BIN, ...args, '--out', killed]);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const sftLog = join(killed, 'sft', 'metrics.jsonl');
    const lines = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').length : 0);
    // SIGKILL in the middle of SFT, which checkpoints every step at this size.
    while (lines(sftLog) < 4) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(join(killed, 'summary.json'))).toBe(false);
    const baseCheckpoint = join(killed, 'base', 'checkpoint', 'model.safetensors');
    const baseWritten = statSync(baseCheckpoint).mtimeMs;
    const sftState = join(killed, 'sft', 'checkpoint', 'trainer-state.json');
    const { step } = JSON.parse(readFileSync(sftState, 'utf8')) as { step: number };
    const sftBefore = readFileSync(sftLog, 'utf8').split('\n').slice(0, step);

    const other = await qed([...args.slice(0, -1), '6', '--out', killed, '--resume']);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toMatch(/cannot resume .*: seed was 5, now 6/);
    const r = await qed([...args, '--out', killed, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('(resumed)');
    expect(statSync(baseCheckpoint).mtimeMs).toBe(baseWritten);
    // SFT went on from its checkpoint: the steps before it were not redone (their timings would differ).
    expect(step).toBeGreaterThan(0);
    expect(readFileSync(sftLog, 'utf8').split('\n').slice(0, step)).toEqual(sftBefore);
    const read = (run: string, f: string, key: string) =>
      readFileSync(join(run, f), 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as Record<string, unknown>)[key]);
    for (const [f, key] of [
      ['sft/metrics.jsonl', 'loss'],
      ['rl/metrics.jsonl', 'gradNorm'],
      ['rc-rl/metrics.jsonl', 'gradNorm'],
      ['eval/rc-rl-pure/attempts.jsonl', 'finalProof'],
    ]) {
      expect(read(killed, f, key), f).toEqual(read(straight, f, key));
    }
    expect(readFileSync(join(killed, 'summary.json'), 'utf8')).toBe(
      readFileSync(join(straight, 'summary.json'), 'utf8'),
    );

    // A finished run copied elsewhere resumes there without redoing anything.
    const moved = join(dir, 'moved');
    cpSync(straight, moved, { recursive: true });
    const attempts = join(moved, 'eval', 'rc-rl-pure', 'attempts.jsonl');
    const before = readFileSync(attempts, 'utf8');
    const again = await qed([...args, '--out', moved, '--resume']);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(attempts, 'utf8')).toBe(before);
    expect(readFileSync(join(moved, 'summary.json'), 'utf8')).toBe(
      readFileSync(join(straight, 'summary.json'), 'utf8'),
    );
  }, 150_000);

  it.each([
    [['--seeds', '1,x'], /--seeds must be comma-separated non-negative integers/],
    [['--seeds', '2,2'], /--seeds repeats a seed/],
    [['--eval-split', 'train'], /--eval-split must be test or validation/],
  ])('refuses %j', async (flags, msg) => {
    const r = await qed(['demo', '--quick', ...flags]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(msg);
  });

  it('refuses an overrides file with an unknown setting, naming the file and key', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ sft: { epoch: 3 } }));
    const r = await qed(['demo', '--quick', '--config', path]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`${path}: unknown setting "sft.epoch"`);
  });
});
