// `qed data inspect FILE` (row count, fields, validation summary; `--json` for machines) and
// `qed data convert IN --out OUT` (problems between CSV / JSONL / JSON / Parquet).
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatOf, formatInspectReport, inspectFile, loadProblems, writeParquet } from '../data/index.ts';
import type { InspectSchema } from '../data/index.ts';

const SCHEMAS: InspectSchema[] = ['problem', 'attempt', 'grade', 'sample', 'auto', 'none'];

export function registerData(program: Command): void {
  const data = program.command('data').description('inspect and convert dataset files');

  data
    .command('inspect')
    .description(
      'row count, fields with types and fill rates, and a validation summary (exit 1 if any row is invalid)',
    )
    .argument('<file>', 'dataset or record file (.csv, .jsonl, .json, .parquet; run.json samples too)')
    .option('--json', 'print the report as JSON on stdout')
    .option('--schema <name>', `record schema to validate against (${SCHEMAS.join('|')})`, 'auto')
    .option('--max-errors <n>', 'validation errors to list', (v) => Number.parseInt(v, 10), 10)
    .action(async (file: string, opts: { json?: boolean; schema: string; maxErrors: number }) => {
      if (!SCHEMAS.includes(opts.schema as InspectSchema)) {
        throw new Error(`--schema must be one of ${SCHEMAS.join(', ')}, got "${opts.schema}"`);
      }
      const report = await inspectFile(file, {
        schema: opts.schema as InspectSchema,
        maxErrors: opts.maxErrors,
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(formatInspectReport(report));
      if (report.validation.invalid > 0) process.exitCode = 1;
    });

  data
    .command('convert')
    .description('load problems from one format and write them to another (.jsonl, .json, .parquet)')
    .argument('<file>', 'input dataset (.csv, .jsonl, .json, .parquet)')
    .requiredOption('--out <file>', 'output file; format from its extension')
    .option('--skip-invalid', 'report invalid rows on stderr and leave them out')
    .action(async (file: string, opts: { out: string; skipInvalid?: boolean }) => {
      const problems = await loadProblems(file, {
        skipInvalid: opts.skipInvalid,
        onInvalid: (e) => process.stderr.write(`skipped: ${e.message}\n`),
      });
      const format = formatOf(opts.out);
      if (format === 'parquet') await writeParquet(opts.out, problems);
      else if (format === 'jsonl')
        await writeFile(opts.out, problems.map((p) => `${JSON.stringify(p)}\n`).join(''));
      else if (format === 'json') await writeFile(opts.out, `${JSON.stringify(problems, null, 2)}\n`);
      else throw new Error(`cannot write ${format}; use .jsonl, .json or .parquet`);
      process.stderr.write(`wrote ${problems.length} problems to ${opts.out}\n`);
    });
}
