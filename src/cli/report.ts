// `qed report DIR… --out FILE.html [--md FILE.md]`: compare evaluation runs side by side in one
// self-contained HTML file with plots, plus the same tables in Markdown.
import type { Command } from 'commander';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('compare eval runs: self-contained HTML (tables + plots) and Markdown')
    .argument('<runs...>', 'run directories (with run.json, or attempts.jsonl of a run in progress)')
    .option('--out <file>', 'HTML file to write', 'report.html')
    .option('--md <file>', 'Markdown file to write (default: beside the HTML)')
    .option('--no-md', 'write no Markdown')
    .option('--title <text>', 'report title')
    .option('--dataset <file>', 'problems of runs that do not record their dataset')
    .option('--json', 'print the run summaries as JSON on stdout')
    .action(
      async (
        runs: string[],
        opts: { out: string; md?: string | boolean; title?: string; dataset?: string; json?: boolean },
      ) => {
        // Loaded on use: vega is large and other commands should not pay for it at startup.
        const { writeReport } = await import('../report/index.ts');
        const result = await writeReport({
          runs,
          out: opts.out,
          md: opts.md === false ? false : typeof opts.md === 'string' ? opts.md : undefined,
          title: opts.title,
          dataset: opts.dataset,
        });
        process.stderr.write(
          `wrote ${result.html}${result.md ? ` and ${result.md}` : ''} (${runs.length} runs)\n`,
        );
        if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      },
    );
}
