// Public surface of reporting: load run directories, summarise them, write HTML + Markdown reports.
export { loadRun } from './load-run.ts';
export type { LoadedRun, LoadRunOptions } from './load-run.ts';
export { summarizeRun, summarizeRuns } from './summarize.ts';
export type { GroupScore, RunSummary } from './summarize.ts';
export { renderSvg, reportCharts } from './charts.ts';
export type { Chart } from './charts.ts';
export { escapeHtml, escapeMarkdown } from './escape.ts';
export { writeReport } from './write-report.ts';
export type { WriteReportOptions } from './write-report.ts';
