// Report tests: runs (a 10k-attempt synthetic run log, a small one, and a run still in progress)
// → one self-contained HTML file with inline SVG plots and escaped text, plus Markdown tables.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreDistribution } from './charts.ts';
import { escapeMarkdown, loadRun, renderSvg, summarizeRun, writeReport } from './index.ts';
import { reportMarkdown } from './markdown.ts';
import type { RunSummary } from './summarize.ts';
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

  it('escapes run, model and title text in report.md', async () => {
    const hostile = run('r<b>x|y', {
      problems: 8,
      samplesPerProblem: 1,
      model: 'm<img src=x onerror=alert(2)>|&amp;',
      seed: 5,
    });
    const out = join(root, 'out-md', 'report.html');
    await writeReport({
      runs: [small.dir, hostile.dir],
      out,
      title: '<script>alert(99)</script> & co\nline two',
    });
    const md = readFileSync(join(root, 'out-md', 'report.md'), 'utf8');
    expect(md).not.toMatch(/<script|<img|<b>/i);
    expect(md.split('\n')[0]).toBe('# &lt;script&gt;alert(99)&lt;/script&gt; &amp; co line two');
    expect(md).toContain('| base&lt;script&gt;alert(1)&lt;/script&gt; | pure |');
    expect(md).toContain('| r&lt;b&gt;x\\|y | m&lt;img src=x onerror=alert(2)&gt;\\|&amp;amp; |');
    // Every table row still has as many cells as its header.
    const runsHeader = md.split('\n').find((l) => l.startsWith('| run |'))!;
    const cells = (line: string) => line.split(/(?<!\\)\|/).length;
    for (const line of md.split('\n').filter((l) => l.startsWith('| small') || l.startsWith('| r&lt;')))
      expect(cells(line)).toBe(cells(runsHeader));
    // report.html escapes the same text as before.
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<h1>&lt;script&gt;alert(99)&lt;/script&gt; &amp; co\nline two</h1>');
    expect(html).toContain('m&lt;img src=x onerror=alert(2)&gt;|&amp;amp;');
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

describe('report.md escaping', () => {
  it('escapes HTML, pipes, backslashes, code spans, links and line breaks', () => {
    expect(escapeMarkdown('<b>a</b> & b | c')).toBe('&lt;b&gt;a&lt;/b&gt; &amp; b \\| c');
    expect(escapeMarkdown('a\\|b')).toBe('a\\\\\\|b');
    expect(escapeMarkdown('`x` [y](javascript:z)')).toBe('\\`x\\` [y\\](javascript:z)');
    expect(escapeMarkdown('one\ntwo\r\nthree')).toBe('one two three');
    expect(escapeMarkdown('pre-IMO 3.50 [3.10, 3.90]')).toBe('pre-IMO 3.50 [3.10, 3.90]');
  });

  it('escapes category and difficulty names in the group tables', async () => {
    const dir = join(root, 'groups');
    mkdirSync(dir);
    writeSyntheticRun({ dir, problems: 4, samplesPerProblem: 1, seed: 6 });
    const summary: RunSummary = {
      ...summarizeRun(await loadRun(dir)),
      byCategory: [{ group: '<svg onload=alert(3)>|x', mean: 3, ciLow: null, ciHigh: null, problems: 1 }],
      byDifficulty: [{ group: 'hard\n<i>', mean: null, ciLow: null, ciHigh: null, problems: 2 }],
    };
    const md = reportMarkdown({ runs: [summary], title: 't', generatedAt: 'now' });
    expect(md).toContain('| &lt;svg onload=alert(3)&gt;\\|x | 3.00 (1) |');
    expect(md).toContain('| hard &lt;i&gt; | – (2) |');
    expect(md).not.toMatch(/<svg|<i>/);
  });
});

describe('score distribution chart', () => {
  const histogram = (counts: number[]) => {
    const graded = counts.reduce((a, b) => a + b, 0);
    return counts.map((count, score) => ({ score, count, fraction: graded ? count / graded : null }));
  };
  const summary = (label: string, counts: number[]) =>
    ({ label, scoreHistogram: histogram(counts) }) as RunSummary;

  it('has no shares for a run with no graded samples', async () => {
    const dir = join(root, 'ungraded');
    mkdirSync(dir);
    await runGenerate({
      problems: [{ id: 'u0', statement: 'Prove it.' }],
      provider: createMockProvider(),
      samples: 2,
      out: dir,
      quiet: true,
    });
    const s = summarizeRun(await loadRun(dir));
    expect(s.scoreHistogram.every((h) => h.count === 0 && h.fraction === null)).toBe(true);
  });

  it('draws no bars for a run with no graded samples and says so in the legend', async () => {
    const runs = [summary('a', [1, 0, 0, 0, 0, 0, 2, 1]), summary('empty', [0, 0, 0, 0, 0, 0, 0, 0])];
    const spec = scoreDistribution(runs) as { data: { values: Array<{ run: string }> } };
    expect(spec.data.values).toHaveLength(8);
    expect(spec.data.values.every((v) => v.run === 'a')).toBe(true);
    const svg = await renderSvg(spec as Parameters<typeof renderSvg>[0]);
    expect(svg).toContain('>empty (no graded samples)</text>');
    expect(svg.match(/aria-roledescription="bar"/g)).toHaveLength(8);
  });
});
