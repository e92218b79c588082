// `qed dedup` as a library call: read a dataset file, find near-duplicates of one text field with
// MinHash + LSH, write the kept records (same columns) and a JSON report of every removed record with
// the kept record it duplicates and their Jaccard similarity.
import { writeFile } from 'node:fs/promises';
import { dedupTexts } from './dedup.ts';
import type { DedupOptions } from './dedup.ts';
import { readRecordsOf, textsOf, writeRecords } from './dedup-records.ts';

export interface DedupFileOptions extends DedupOptions {
  input: string;
  out: string;
  /** statement | proof | any column name (default statement). */
  field?: string;
  /** Report path (default `<out>.dedup.json`). */
  report?: string;
}

export interface DedupReport {
  input: string;
  output: string;
  field: string;
  records: number;
  kept: number;
  removedCount: number;
  candidatePairs: number;
  seconds: number;
  params: ReturnType<typeof dedupTexts>['params'];
  removed: Array<{
    where: string;
    id?: string;
    duplicateOfWhere: string;
    duplicateOfId?: string;
    jaccard: number;
  }>;
}

const idOf = (r: Record<string, unknown>): string | undefined => {
  for (const k of ['id', 'problem_id', 'Problem ID', 'problemId', 'uid']) {
    if (typeof r[k] === 'string' || typeof r[k] === 'number') return String(r[k]);
  }
  return undefined;
};

export async function dedupFile(opts: DedupFileOptions): Promise<DedupReport> {
  const started = performance.now();
  const field = opts.field ?? 'statement';
  const records = await readRecordsOf(opts.input);
  const result = dedupTexts(textsOf(opts.input, records, field), opts);
  await writeRecords(
    opts.out,
    result.keep.map((i) => records[i].value),
  );
  const report: DedupReport = {
    input: opts.input,
    output: opts.out,
    field,
    records: records.length,
    kept: result.keep.length,
    removedCount: result.removed.length,
    candidatePairs: result.candidates,
    seconds: (performance.now() - started) / 1000,
    params: result.params,
    removed: result.removed.map((h) => ({
      where: records[h.index].where,
      id: idOf(records[h.index].value),
      duplicateOfWhere: records[h.duplicateOf].where,
      duplicateOfId: idOf(records[h.duplicateOf].value),
      jaccard: Number(h.jaccard.toFixed(4)),
    })),
  };
  await writeFile(opts.report ?? `${opts.out}.dedup.json`, `${JSON.stringify(report, null, 1)}\n`);
  return report;
}
