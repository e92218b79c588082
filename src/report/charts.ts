// Report plots: vega-lite specs compiled and rendered to SVG in Node (no browser, no canvas), so
// the report inlines them and needs nothing from the network. One function per plot.
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { compareGroups } from './summarize.ts';
import type { RunSummary } from './summarize.ts';

export interface Chart {
  id: string;
  title: string;
  svg: string;
}

const WIDTH = 560;
const base = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  background: 'white',
  config: { font: 'Helvetica, Arial, sans-serif', axis: { labelLimit: 320 }, legend: { labelLimit: 320 } },
} as const;

/**
 * Renders a vega-lite spec to an SVG string. Inline in HTML the namespace URLs are not needed and are
 * dropped; a standalone .svg file keeps them, without which browsers and viewers show it as plain XML.
 */
export async function renderSvg(spec: TopLevelSpec, opts: { standalone?: boolean } = {}): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return opts.standalone ? svg : svg.replace(/ xmlns(:xlink)?="[^"]*"/g, '');
  } finally {
    view.finalize();
  }
}

const labelSort = (runs: RunSummary[]) => runs.map((r) => r.label);
/** One colour per run, in the runs' order, with the legend under the plot. */
const runColor = (runs: RunSummary[]) => ({
  field: 'run',
  type: 'nominal',
  sort: labelSort(runs),
  title: 'run',
  legend: { orient: 'bottom', columns: 1 },
});

function scoreByRun(runs: RunSummary[]): TopLevelSpec {
  const values = runs.map((r) => ({
    run: r.label,
    model: r.model,
    mean: r.mean,
    low: r.ciLow,
    high: r.ciHigh,
  }));
  return {
    ...base,
    width: WIDTH,
    height: { step: 26 },
    data: { values },
    encoding: { y: { field: 'run', type: 'nominal', sort: labelSort(runs), title: null } },
    layer: [
      {
        mark: { type: 'bar', tooltip: true },
        encoding: {
          x: {
            field: 'mean',
            type: 'quantitative',
            title: 'mean score (of 7), 95% CI',
            scale: { domain: [0, 7] },
          },
          color: { field: 'model', type: 'nominal', title: 'model' },
        },
      },
      {
        mark: { type: 'rule', color: 'black' },
        encoding: { x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } },
      },
    ],
  } as TopLevelSpec;
}

function costCurve(runs: RunSummary[]): TopLevelSpec {
  const values = runs
    .filter((r) => r.mean !== null && r.tokensPerProblem)
    .map((r) => ({
      run: r.label,
      model: r.model,
      scaffold: r.scaffold,
      tokens: r.tokensPerProblem,
      mean: r.mean,
    }));
  const enc = {
    x: {
      field: 'tokens',
      type: 'quantitative',
      title: 'tokens per problem (log scale)',
      scale: { type: 'log' },
    },
    y: { field: 'mean', type: 'quantitative', title: 'mean score (of 7)', scale: { domain: [0, 7] } },
    color: { field: 'model', type: 'nominal', title: 'model' },
  };
  return {
    ...base,
    width: WIDTH,
    height: 300,
    data: { values },
    encoding: enc,
    layer: [
      {
        mark: { type: 'line', point: true, tooltip: true },
        encoding: { order: { field: 'tokens', type: 'quantitative' } },
      },
      {
        mark: { type: 'text', dy: -10, fontSize: 10 },
        encoding: { text: { field: 'scaffold', type: 'nominal' } },
      },
    ],
  } as TopLevelSpec;
}

function groupBars(runs: RunSummary[], key: 'byCategory' | 'byDifficulty', title: string): TopLevelSpec {
  const values = runs.flatMap((r) =>
    r[key].map((g) => ({ run: r.label, group: g.group, mean: g.mean, low: g.ciLow, high: g.ciHigh })),
  );
  const groupOrder = [...new Set(values.map((v) => v.group))].sort(compareGroups);
  return {
    ...base,
    width: WIDTH,
    height: 260,
    data: { values },
    encoding: {
      x: { field: 'group', type: 'nominal', title, axis: { labelAngle: 0 }, sort: groupOrder },
      xOffset: { field: 'run', type: 'nominal', sort: labelSort(runs) },
    },
    layer: [
      {
        mark: { type: 'bar', tooltip: true },
        encoding: {
          y: { field: 'mean', type: 'quantitative', title: 'mean score (of 7)', scale: { domain: [0, 7] } },
          color: runColor(runs),
        },
      },
      {
        mark: { type: 'rule', color: 'black' },
        encoding: { y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
      },
    ],
  } as TopLevelSpec;
}

const hasGradedSamples = (r: RunSummary): boolean => r.scoreHistogram.some((h) => h.count > 0);

/**
 * Share of graded samples at each score, per run. A run with no graded samples has no shares (not
 * 0 %): it gets no bars, and its legend entry says so.
 */
export function scoreDistribution(runs: RunSummary[]): TopLevelSpec {
  const values = runs
    .filter(hasGradedSamples)
    .flatMap((r) => r.scoreHistogram.map((h) => ({ run: r.label, ...h })));
  const legendLabel = (r: RunSummary) => (hasGradedSamples(r) ? r.label : `${r.label} (no graded samples)`);
  const labels = runs.map(legendLabel);
  return {
    ...base,
    width: WIDTH,
    height: 260,
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'score', type: 'ordinal', title: 'score (rounded to a point)', axis: { labelAngle: 0 } },
      xOffset: { field: 'run', type: 'nominal', sort: labelSort(runs) },
      y: { field: 'fraction', type: 'quantitative', title: 'share of graded samples', axis: { format: '%' } },
      color: { ...runColor(runs), sort: null, scale: { domain: labels } },
    },
  } as TopLevelSpec;
}

function passAtKCurve(runs: RunSummary[]): TopLevelSpec {
  const values = runs.flatMap((r) => r.passAtK.map((p) => ({ run: r.label, k: p.k, value: p.value })));
  return {
    ...base,
    width: WIDTH,
    height: 240,
    data: { values },
    mark: { type: 'line', point: true, tooltip: true },
    encoding: {
      x: { field: 'k', type: 'quantitative', title: 'k (log scale)', scale: { type: 'log', base: 2 } },
      y: {
        field: 'value',
        type: 'quantitative',
        title: 'pass@k (score ≥ 6)',
        scale: { domain: [0, 1] },
        axis: { format: '%' },
      },
      color: runColor(runs),
    },
  } as TopLevelSpec;
}

/** All report charts for a set of runs; a chart with no data is left out. */
export async function reportCharts(runs: RunSummary[]): Promise<Chart[]> {
  const wanted: Array<[string, string, TopLevelSpec, boolean]> = [
    ['score', 'Score by model and scaffold', scoreByRun(runs), runs.some((r) => r.mean !== null)],
    [
      'cost',
      'Score vs tokens (cost curve)',
      costCurve(runs),
      runs.some((r) => r.mean !== null && r.tokensPerProblem),
    ],
    [
      'category',
      'Score by category',
      groupBars(runs, 'byCategory', 'category'),
      runs.some((r) => r.byCategory.length),
    ],
    [
      'difficulty',
      'Score by difficulty',
      groupBars(runs, 'byDifficulty', 'difficulty'),
      runs.some((r) => r.byDifficulty.length),
    ],
    ['distribution', 'Score distribution', scoreDistribution(runs), runs.some(hasGradedSamples)],
    ['passk', 'pass@k', passAtKCurve(runs), runs.some((r) => r.passAtK.length)],
  ];
  const charts: Chart[] = [];
  for (const [id, title, spec, has] of wanted)
    if (has) charts.push({ id, title, svg: await renderSvg(spec) });
  return charts;
}
