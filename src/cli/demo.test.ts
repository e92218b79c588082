// `qed demo` through the CLI: --seeds runs the quick demo once per seed into DIR/seed-N and writes the
// mean over seeds; bad flags are refused with a message naming them.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const QED = fileURLToPath(new URL('../../bin/qed.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'qed-demo-cli-'));

function qed(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [QED, ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

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
  }, 120_000);

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
