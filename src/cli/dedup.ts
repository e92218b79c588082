// `qed dedup IN --out OUT`: near-duplicate removal (MinHash + LSH, seeded) on problem statements,
// proofs or any text column; writes the kept records and a JSON report of what was removed.
import type { Command } from 'commander';
import { dedupFile } from '../data/dedup-file.ts';

interface DedupFlags {
  out: string;
  field: string;
  threshold: number;
  shingle: number;
  numPerm: number;
  bands?: number;
  seed: number;
  report?: string;
  json?: boolean;
}

const num =
  (name: string, lo: number, hi: number, int = false) =>
  (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < lo || n > hi || (int && !Number.isInteger(n))) {
      throw new Error(`${name} must be ${int ? 'an integer' : 'a number'} in [${lo}, ${hi}], got "${v}"`);
    }
    return n;
  };

export function registerDedup(program: Command): void {
  program
    .command('dedup')
    .description(
      'remove near-duplicate records (MinHash + LSH over word shingles, verified by exact Jaccard)',
    )
    .argument('<in>', 'dataset file (.jsonl, .json, .csv, .parquet)')
    .requiredOption('--out <file>', 'kept records (.jsonl, .json or .parquet)')
    .option('--field <name>', 'text compared: statement | proof | any column', 'statement')
    .option(
      '--threshold <j>',
      'Jaccard similarity at or above which records are duplicates',
      num('--threshold', 0.01, 1),
      0.7,
    )
    .option('--shingle <k>', 'words per shingle', num('--shingle', 1, 64, true), 5)
    .option('--num-perm <p>', 'MinHash permutations', num('--num-perm', 8, 1024, true), 128)
    .option('--bands <b>', 'LSH bands (default: chosen from the threshold)', num('--bands', 1, 1024, true))
    .option('--seed <s>', 'MinHash seed', num('--seed', 0, 2 ** 32 - 1, true), 0)
    .option('--report <file>', 'JSON report (default OUT.dedup.json)')
    .option('--json', 'print the report summary as JSON on stdout')
    .action(async (input: string, flags: DedupFlags) => {
      const report = await dedupFile({
        input,
        out: flags.out,
        field: flags.field,
        threshold: flags.threshold,
        shingle: flags.shingle,
        numPerm: flags.numPerm,
        bands: flags.bands,
        seed: flags.seed,
        report: flags.report,
      });
      const { removed, ...summary } = report;
      if (flags.json) process.stdout.write(`${JSON.stringify({ ...summary, removed: removed.length })}\n`);
      else {
        process.stdout.write(
          `${report.records} records → ${report.kept} kept, ${report.removedCount} near-duplicates removed ` +
            `(threshold ${report.params.threshold}, ${report.params.bands}×${report.params.rows} bands, ${report.seconds.toFixed(1)} s)\n` +
            `kept: ${report.output}\nreport: ${flags.report ?? `${flags.out}.dedup.json`}\n`,
        );
      }
    });
}
