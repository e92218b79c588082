// Report tests: runs (a 10k-attempt synthetic run log, a small one, and a run still in progress)
// → one self-contained HTML file with inline SVG plots and escaped text, plus Markdown tables.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRun, summarizeRun, writeReport } from './index.ts';
import { writeSyntheticRun } from './synthetic-run.ts';
import { runGenerate } from '../generate/run-generate.ts';
import { createMockProvider } from '../providers/mock-provider.ts';

const root = mkdtempSync(join(tmpdir(), 'qed-report-'));
function run(
  name: string,
  opts: Parameters<typeof writeSyntheticRun>[0] extends infer O ? Omit<O, 'dir'> : never,
) {
  const dir = join(root, name);
  mkdirSync(dir);
  return { dir, ...writeSyntheticRun({ dir, ...opts }) };
}

describe('qed report', () => {
  const big = run('big', {
    problems: 625,
    samplesPerProblem: 16,
    model: 'nano',
    scaffold: 'reasoning-cache',
    skill: 0.2,
    seed: 3,
  });
  const small = run('small', {
    problems: 40,
    samplesPerProblem: 2,
    model: 'base<script>alert(1)</script>',
    scaffold: 'pure',
    skill: -0.2,
    seed: 4,
  });

  it('writes one self-contained HTML file with plots and the Markdown tables', async () => {
    const out = join(root, 'out', 'report.html');
    const t0 = performance.now();
    const result = await writeReport({ runs: [big.dir, small.dir], out });
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(15_000);
    const html = readFileSync(out, 'utf8');
    for (const id of ['score', 'cost', 'category', 'difficulty', 'distribution', 'passk']) {
      expect(html).toMatch(new RegExp(`<figure id="chart-${id}"><figcaption>[^<]+</figcaption><svg`));
    }
    // Nothing is fetched and nothing runs: no scripts, no external resources.
    expect(html).not.toMatch(/<script|<link|<iframe|\bsrc=|url\(|https?:\/\//i);
    expect(html).toContain('base&lt;script&gt;alert(1)&lt;/script&gt;');
    // The table shows the run's own metrics.
    const mean = big.runLog.metrics.mean as number;
    expect(html).toContain(`<td class="num">${mean.toFixed(2)} [`);
    expect(result.runs[0].samples).toBe(10_000);
    const md = readFileSync(join(root, 'out', 'report.md'), 'utf8');
    expect(md).toContain('| run | model | scaffold |');
    expect(md).toContain(`| big | nano | reasoning-cache |`);
    expect(md).toMatch(/\| pre-IMO \| [\d.]+ \(157\) \| [\d.]+ \(10\) \|/);
  });

  it('summarises a run in progress from its JSONL logs with the same metrics as run.json', async () => {
    const dir = join(root, 'live');
    mkdirSync(dir);
    const { runLog } = writeSyntheticRun({ dir, problems: 12, samplesPerProblem: 3, seed: 9 });
    const attempts = runLog.samples.map((s) => JSON.stringify(s.attempt)).join('\n');
    const grades = runLog.samples.flatMap((s) => (s.grade ? [JSON.stringify(s.grade)] : [])).join('\n');
    writeFileSync(join(dir, 'attempts.jsonl'), `${attempts}\n`);
    writeFileSync(join(dir, 'grades.jsonl'), `${grades}\n{"attemptId": "torn`);
    writeFileSync(
      join(dir, 'eval-config.json'),
      JSON.stringify({ createdAt: runLog.createdAt, config: runLog.config }),
    );
    const finished = summarizeRun(await loadRun(dir));
    rmSync(join(dir, 'run.json'));
    const live = await loadRun(dir);
    expect(live.complete).toBe(false);
    const s = summarizeRun(live);
    expect(s.mean).toBeCloseTo(finished.mean!, 10);
    expect(s.byCategory).toEqual(finished.byCategory);
    expect(s.samples).toBe(36);
  });

  it('shows the attempts of a `qed generate` run, ungraded', async () => {
    const out = join(root, 'generated');
    const problems = [0, 1, 2].map((i) => ({ id: `g${i}`, statement: `Prove claim ${i}.` }));
    await runGenerate({ problems, provider: createMockProvider(), samples: 2, out, quiet: true });
    const loaded = await loadRun(out);
    expect(loaded.complete).toBe(true);
    expect(loaded.samples).toHaveLength(6);
    expect(loaded.samples.every((x) => x.grade === null && x.attempt.finalProof.endsWith('QED'))).toBe(true);
    expect(summarizeRun(loaded)).toMatchObject({ samples: 6, graded: 0, mean: null });
  });

  it('names the file and field of a broken run log', async () => {
    const dir = join(root, 'broken');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'run.json'),
      JSON.stringify({
        schemaVersion: 1,
        createdAt: 'x',
        config: {},
        environment: {},
        samples: [],
        metrics: {},
      }),
    );
    await expect(loadRun(dir)).rejects.toThrow(/run\.json, field "environment\.qedVersion": missing/);
  });
});
