// `qed decontaminate` as a library call: index the n-grams of benchmark files (problem statements,
// and reference solutions with `benchmarkFields`), check one or more fields of every training record,
// drop the records that hit, and write the kept records plus a JSON report of every hit.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { InputError } from '../core/errors.ts';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { buildContaminationIndex, contaminationOf } from './decontaminate.ts';
import type { BenchmarkText, ContaminationHit } from './decontaminate.ts';
import { fieldText, readRecordsOf, textsOf, writeRecords } from './dedup-records.ts';
import { recordToProblem } from './problem-columns.ts';

export interface DecontaminateFileOptions {
  input: string;
  against: string[];
  out: string;
  /** Training fields checked (default ['statement']). */
  fields?: string[];
  /** Benchmark fields indexed (default ['statement']); e.g. add 'referenceSolution'. */
  benchmarkFields?: string[];
  n?: number;
  minOverlap?: number;
  /** Report path (default `<out>.decontam.json`). */
  report?: string;
}

export interface DecontaminateReport {
  input: string;
  output: string;
  against: Array<{ file: string; items: number }>;
  n: number;
  minOverlap: number;
  fields: string[];
  records: number;
  kept: number;
  removedCount: number;
  hits: Array<Omit<ContaminationHit, 'index'> & { where: string; id?: string; field: string }>;
}

async function benchmarkTexts(file: string, fields: string[]): Promise<BenchmarkText[]> {
  const out: BenchmarkText[] = [];
  for (const [row, rec] of (await readRecordsOf(file)).entries()) {
    const p = recordToProblem(rec.value);
    const id = typeof p.id === 'string' ? p.id : `row-${row}`;
    for (const f of fields) {
      const v = f === 'statement' || f === 'referenceSolution' ? p[f] : fieldText(rec.value, f);
      if (typeof v === 'string' && v.trim()) out.push({ source: basename(file), id, text: v });
    }
  }
  return out;
}

const DATASET_EXT = /\.(csv|jsonl|ndjson|json|parquet)$/i;

/** Benchmark paths with directories expanded to the dataset files directly inside them (sorted). */
export function expandAgainst(paths: string[]): string[] {
  return paths.flatMap((p) => {
    if (!existsSync(p)) throw new InputError(`--against ${p}: no such file or directory`);
    return statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => DATASET_EXT.test(f))
          .sort()
          .map((f) => join(p, f))
      : [p];
  });
}

export async function decontaminateFile(opts: DecontaminateFileOptions): Promise<DecontaminateReport> {
  const againstFiles = expandAgainst(opts.against);
  if (againstFiles.length === 0)
    throw new Error('decontaminate needs at least one --against FILE or directory of datasets');
  const n = opts.n ?? 13;
  const fields = opts.fields ?? ['statement'];
  const benchFields = opts.benchmarkFields ?? ['statement'];
  const against: DecontaminateReport['against'] = [];
  const bench: BenchmarkText[] = [];
  for (const file of againstFiles) {
    const items = await benchmarkTexts(file, benchFields);
    against.push({ file, items: items.length });
    bench.push(...items);
  }
  // Checking against nothing would report every record clean.
  if (!bench.length)
    throw new InputError(
      `no benchmark text: no record of ${againstFiles.join(', ')} has field ${benchFields.map((f) => `"${f}"`).join(' or ')} (--benchmark-field; a CSV's problem and solution columns are "statement" and "referenceSolution")`,
    );
  const index = buildContaminationIndex(bench, n);
  const records = await readRecordsOf(opts.input);
  const hits: DecontaminateReport['hits'] = [];
  const dirty = new Set<number>();
  for (const field of fields) {
    textsOf(opts.input, records, field).forEach((text, i) => {
      for (const h of contaminationOf(index, text, i, { minOverlap: opts.minOverlap })) {
        dirty.add(i);
        const { index: _i, ...rest } = h;
        const id = recordToProblem(records[i].value).id;
        hits.push({
          ...rest,
          overlap: round(rest.overlap),
          benchmarkOverlap: round(rest.benchmarkOverlap),
          where: records[i].where,
          id: typeof id === 'string' ? id : undefined,
          field,
        });
      }
    });
  }
  const kept = records.filter((_, i) => !dirty.has(i)).map((r) => r.value);
  await writeRecords(opts.out, kept);
  const report: DecontaminateReport = {
    input: opts.input,
    output: opts.out,
    against,
    n,
    minOverlap: opts.minOverlap ?? 0,
    fields,
    records: records.length,
    kept: kept.length,
    removedCount: dirty.size,
    hits,
  };
  await writeFile(opts.report ?? `${opts.out}.decontam.json`, `${JSON.stringify(report, null, 1)}\n`);
  return report;
}

const round = (x: number): number => Number(x.toFixed(4));
