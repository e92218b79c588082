// writeReport: run directories → one self-contained HTML report (+ Markdown beside it).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { reportCharts } from './charts.ts';
import { reportHtml } from './html.ts';
import { loadRun } from './load-run.ts';
import { reportMarkdown } from './markdown.ts';
import { summarizeRuns } from './summarize.ts';
import type { RunSummary } from './summarize.ts';

export interface WriteReportOptions {
  runs: string[];
  /** HTML output path. */
  out: string;
  /** Markdown output path; default: `out` with `.md` instead of `.html`. `false` writes none. */
  md?: string | false;
  title?: string;
  /** Dataset file for runs that do not record where their problems are (categories, difficulty). */
  dataset?: string;
}

export async function writeReport(
  opts: WriteReportOptions,
): Promise<{ html: string; md?: string; runs: RunSummary[] }> {
  if (!opts.runs.length) throw new Error('qed report: give at least one run directory');
  const loaded = [];
  for (const dir of opts.runs) loaded.push(await loadRun(dir, { dataset: opts.dataset }));
  const runs = summarizeRuns(loaded);
  const title = opts.title ?? 'qed-nano evaluation report';
  const generatedAt = new Date().toISOString();
  const charts = await reportCharts(runs);
  await mkdir(dirname(opts.out), { recursive: true });
  await writeFile(opts.out, reportHtml({ runs, charts, title, generatedAt }));
  const md = opts.md === false ? undefined : (opts.md ?? opts.out.replace(/\.html?$/i, '') + '.md');
  if (md) await writeFile(md, reportMarkdown({ runs, title, generatedAt }));
  return { html: opts.out, md, runs };
}
