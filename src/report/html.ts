// The self-contained HTML report: inline CSS, inline SVG plots, escaped text, no scripts and no
// external URLs, so it opens offline and can be mailed as one file.
import type { Chart } from './charts.ts';
import { escapeHtml } from './escape.ts';
import type { RunSummary } from './summarize.ts';
import { groupTable, runsTable } from './table.ts';
import type { Table } from './table.ts';

const CSS = `
body { font: 14px/1.45 Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1200px; color: #222; padding: 0 16px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; } figure { margin: 0; } figcaption { font-weight: bold; margin-bottom: 4px; }
.note { color: #666; font-size: 12px; } code { font-size: 12px; }
`;

function tableHtml(t: Table): string {
  const head = t.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = t.rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => `<td${i > 0 && /^[\d$–.[\]%, k M(?)]+$/.test(c) ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function reportHtml(opts: {
  runs: RunSummary[];
  charts: Chart[];
  title: string;
  generatedAt: string;
}): string {
  const { runs, charts } = opts;
  const details = runs
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.name)}</td><td><code>${escapeHtml(r.dir)}</code></td><td>${escapeHtml(r.label)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(opts.title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeHtml(opts.title)}</h1>
<p class="note">${runs.length} run(s), generated ${escapeHtml(opts.generatedAt)} by qed report. Scores are points out of 7; the
mean is over problems of each problem's mean sample score, with a bootstrap 95% CI over problems; grader and
generation errors are excluded from means, never counted as 0.</p>
<h2>Runs</h2>
${tableHtml(runsTable(runs))}
<h2>Plots</h2>
<div class="charts">
${charts.map((c) => `<figure id="chart-${c.id}"><figcaption>${escapeHtml(c.title)}</figcaption>${c.svg}</figure>`).join('\n')}
</div>
<h2>By category</h2>
${tableHtml(groupTable(runs, 'byCategory', 'category'))}
<h2>By difficulty</h2>
${tableHtml(groupTable(runs, 'byDifficulty', 'difficulty'))}
<h2>Run directories</h2>
<table><thead><tr><th>run</th><th>directory</th><th>label in plots</th></tr></thead><tbody>
${details}
</tbody></table>
</body>
</html>
`;
}
