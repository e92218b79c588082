// Demo plots and report: training curves (loss for pretraining and SFT, mean reward for RL and RC-RL;
// with dynamic sampling, the probe samples' mean reward)
// and mean score by difficulty and stage, as SVG through the report's vega-lite renderer, then the HTML
// report over the evaluation runs (which links the plots). Input: the demo directory and eval scores.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { Problem } from '../core/problem.ts';
import { renderSvg } from '../report/charts.ts';
import { writeReport } from '../report/write-report.ts';
import { metaOf } from '../toy/generate.ts';
import { MetricsLog } from './metrics-log.ts';

export interface PlotInput {
  dir: string;
  stages: readonly string[];
  scores: ReadonlyArray<{ stage: string; scaffold: string; scores: Map<string, number> }>;
  problems: readonly Problem[];
  evalDirs: string[];
}

const base = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  background: 'white',
  width: 480,
  height: 220,
} as const;

export async function writeDemoPlots(p: PlotInput): Promise<string[]> {
  const curve: Array<{ stage: string; step: number; value: number; metric: string }> = [];
  for (const stage of p.stages) {
    for (const r of new MetricsLog(join(p.dir, stage, 'metrics.jsonl')).read()) {
      if (typeof r.loss === 'number') curve.push({ stage, step: r.step, value: r.loss, metric: 'loss' });
      if (typeof r.evalLoss === 'number')
        curve.push({ stage: `${stage} (eval)`, step: r.step, value: r.evalLoss, metric: 'loss' });
      // With dynamic sampling the trained groups were chosen for their spread; the probes' mean is
      // the policy's reward on problems drawn at random.
      const reward = typeof r.probeRewardMean === 'number' ? r.probeRewardMean : r.rewardMean;
      if (typeof reward === 'number') curve.push({ stage, step: r.step, value: reward, metric: 'reward' });
    }
  }
  // Each metric row gets its own step axis (SFT runs ~2,000 steps, RL 150), and rewards are a moving
  // mean over the last 10 steps: RL's per-step reward, from 64–100 samples, is too noisy to read raw.
  const curves: TopLevelSpec = {
    ...base,
    title: { text: 'Training curves', subtitle: 'reward: moving mean over 10 steps' },
    data: { values: curve },
    transform: [
      {
        window: [{ op: 'mean', field: 'value', as: 'smoothed' }],
        frame: [-9, 0],
        groupby: ['stage', 'metric'],
        sort: [{ field: 'step' }],
      },
      { calculate: "datum.metric === 'reward' ? datum.smoothed : datum.value", as: 'shown' },
    ],
    facet: { row: { field: 'metric', type: 'nominal' } },
    spec: {
      width: 480,
      height: 180,
      mark: { type: 'line', point: false },
      encoding: {
        x: { field: 'step', type: 'quantitative' },
        y: { field: 'shown', type: 'quantitative', title: 'value' },
        color: { field: 'stage', type: 'nominal' },
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  } as TopLevelSpec;
  const byDiff: Array<{ stage: string; scaffold: string; difficulty: string; score: number }> = [];
  for (const r of p.scores) {
    for (const prob of p.problems) {
      const s = r.scores.get(prob.id);
      const m = metaOf(prob);
      if (s === undefined || !m) continue;
      byDiff.push({
        stage: r.stage,
        scaffold: r.scaffold,
        difficulty: `${m.family} ${m.difficulty}`,
        score: s / 7,
      });
    }
  }
  const difficulty: TopLevelSpec = {
    ...base,
    title: 'Mean score by difficulty and stage (test split)',
    data: { values: byDiff },
    mark: 'bar',
    encoding: {
      x: { field: 'difficulty', type: 'ordinal', sort: null },
      xOffset: { field: 'stage', sort: [...p.stages] },
      y: {
        aggregate: 'mean',
        field: 'score',
        type: 'quantitative',
        title: 'mean score / 7',
        scale: { domain: [0, 1] },
      },
      color: { field: 'stage', type: 'nominal', sort: [...p.stages] },
      row: { field: 'scaffold', type: 'nominal' },
    },
  } as TopLevelSpec;
  const files: string[] = [];
  for (const [name, spec] of [
    ['training-curves.svg', curves],
    ['score-by-difficulty.svg', difficulty],
  ] as const) {
    const path = join(p.dir, name);
    writeFileSync(path, await renderSvg(spec, { standalone: true }));
    files.push(path);
  }
  const report = await writeReport({
    runs: p.evalDirs,
    out: join(p.dir, 'report.html'),
    title: 'qed demo: base → SFT → RL → RC-RL',
  });
  // Inline the demo's own plots at the top of the report so one file shows everything.
  const html = readFileSync(report.html, 'utf8');
  const svgs = files.map((f) => readFileSync(f, 'utf8')).join('\n');
  writeFileSync(
    report.html,
    html.replace(/<body([^>]*)>/, `<body$1>\n<section class="demo-plots">${svgs}</section>`),
  );
  files.push(report.html);
  return files;
}
