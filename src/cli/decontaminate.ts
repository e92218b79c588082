// `qed decontaminate IN --against FILE… --out OUT`: drop training records that share word n-grams
// with benchmark sets (e.g. IMO-ProofBench CSVs) and report every hit with its overlap.
import type { Command } from 'commander';
import { decontaminateFile } from '../data/decontaminate-file.ts';
import { pos } from './number-options.ts';

interface DecontaminateFlags {
  against: string[];
  out: string;
  n: number;
  field: string[];
  benchmarkField: string[];
  minOverlap: number;
  report?: string;
  json?: boolean;
}

const list = (v: string, prev: string[] = []) => [...prev, v];

export function registerDecontaminate(program: Command): void {
  program
    .command('decontaminate')
    .description('remove training records that overlap benchmark sets (word n-grams) and report every hit')
    .argument('<in>', 'training dataset (.jsonl, .json, .csv, .parquet)')
    .requiredOption('--against <files...>', 'benchmark files or directories of them (repeatable)')
    .requiredOption('--out <file>', 'kept records (.jsonl, .json or .parquet)')
    .option('--n <words>', 'words per n-gram', pos('--n'), 13)
    .option('--field <name>', 'training text checked: statement | proof | any column (repeatable)', list)
    .option(
      '--benchmark-field <name>',
      'benchmark text indexed: statement | referenceSolution | any column (repeatable)',
      list,
    )
    .option(
      '--min-overlap <r>',
      "minimum share of the record's n-grams found in one benchmark item (0 = any)",
      (v) => {
        const r = Number(v);
        if (!(r >= 0 && r <= 1)) throw new Error(`--min-overlap must be in [0, 1], got "${v}"`);
        return r;
      },
      0,
    )
    .option('--report <file>', 'JSON report (default OUT.decontam.json)')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (input: string, flags: DecontaminateFlags) => {
      const report = await decontaminateFile({
        input,
        against: flags.against,
        out: flags.out,
        n: flags.n,
        fields: flags.field,
        benchmarkFields: flags.benchmarkField,
        minOverlap: flags.minOverlap,
        report: flags.report,
      });
      for (const a of report.against)
        if (!a.items)
          process.stderr.write(
            `qed: warning: ${a.file} has no text in the benchmark fields; nothing checked against it\n`,
          );
      if (flags.json) {
        const { hits, ...summary } = report;
        process.stdout.write(`${JSON.stringify({ ...summary, hits: hits.length })}\n`);
        return;
      }
      for (const h of report.hits) {
        process.stdout.write(
          `${h.where}${h.id ? ` (${h.id})` : ''} ~ ${h.source}:${h.benchmarkId}  ${h.sharedNgrams} shared ${report.n}-grams, ` +
            `overlap ${(h.overlap * 100).toFixed(1)}%  "${h.example}"\n`,
        );
      }
      process.stdout.write(
        `${report.records} records → ${report.kept} kept, ${report.removedCount} contaminated (${report.hits.length} hits)\n` +
          `kept: ${report.output}\nreport: ${flags.report ?? `${flags.out}.decontam.json`}\n`,
      );
    });
}
