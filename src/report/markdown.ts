// The Markdown report: the same tables as the HTML report (no plots), for PRs and terminals.
import { escapeMarkdown } from './escape.ts';
import type { RunSummary } from './summarize.ts';
import { groupTable, runsTable } from './table.ts';
import type { Table } from './table.ts';

// Every cell and the title may hold untrusted text (run, model, category and difficulty names).
const cell = escapeMarkdown;

function tableMd(t: Table): string {
  return [
    `| ${t.header.map(cell).join(' | ')} |`,
    `|${t.header.map(() => '---').join('|')}|`,
    ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

export function reportMarkdown(opts: { runs: RunSummary[]; title: string; generatedAt: string }): string {
  const { runs } = opts;
  return [
    `# ${escapeMarkdown(opts.title)}`,
    '',
    `${runs.length} run(s), generated ${opts.generatedAt}. Mean score out of 7 with a bootstrap 95% CI over problems.`,
    '',
    tableMd(runsTable(runs)),
    '',
    '## By category',
    '',
    tableMd(groupTable(runs, 'byCategory', 'category')),
    '',
    '## By difficulty',
    '',
    tableMd(groupTable(runs, 'byDifficulty', 'difficulty')),
    '',
  ].join('\n');
}
