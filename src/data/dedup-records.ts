// Dataset-level helpers for dedup and decontamination: read any supported dataset file as raw records
// (keeping every column), pick the text to compare (`statement`, `proof` or any column), and write
// the kept records back as JSONL, JSON or Parquet chosen by the output file's extension.
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '../core/errors.ts';
import { formatOf, locationOf, sourceRecords } from './load-problems.ts';
import { writeParquet } from './parquet.ts';
import { recordToProblem } from './problem-columns.ts';

export interface RawRecord {
  value: Record<string, unknown>;
  /** Human-readable position: `line N` or `row N`. */
  where: string;
}

export async function readRecordsOf(path: string): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const rec of sourceRecords(path)) {
    if (rec.error) throw rec.error;
    if (!rec.value) continue;
    const loc = locationOf(path, rec);
    out.push({ value: rec.value, where: loc.line !== undefined ? `line ${loc.line}` : `row ${rec.row}` });
  }
  return out;
}

const PROOF_COLUMNS = [
  'proof',
  'finalProof',
  'completion',
  'response',
  'model_solution',
  'solution',
  'output',
];

/** The text of `field` in a record: `statement` and `proof` understand the usual column names. */
export function fieldText(record: Record<string, unknown>, field: string): string | undefined {
  if (field === 'statement') {
    const s = recordToProblem(record).statement;
    return typeof s === 'string' ? s : undefined;
  }
  if (field === 'proof') {
    for (const c of PROOF_COLUMNS) if (typeof record[c] === 'string') return record[c];
    const messages = record.messages;
    if (Array.isArray(messages)) {
      const last = [...messages].reverse().find((m) => (m as { role?: unknown })?.role === 'assistant');
      const content = (last as { content?: unknown } | undefined)?.content;
      if (typeof content === 'string') return content;
    }
    return undefined;
  }
  const v = record[field];
  return typeof v === 'string' ? v : undefined;
}

/** Texts of `field` for every record; a record without it is an InputError naming file and position. */
export function textsOf(path: string, records: RawRecord[], field: string): string[] {
  return records.map((r) => {
    const text = fieldText(r.value, field);
    if (text === undefined) {
      throw new InputError(`record ${r.where} has no text for --field ${field}`, { file: path, field });
    }
    return text;
  });
}

/** Writes records as JSONL (.jsonl), a JSON array (.json) or Parquet (.parquet). */
export async function writeRecords(path: string, rows: Array<Record<string, unknown>>): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const format = formatOf(path);
  if (format === 'parquet') {
    if (rows.length === 0) throw new Error(`${path}: nothing to write (every record was removed)`);
    await writeParquet(path, rows);
  } else if (format === 'json') await writeFile(path, `${JSON.stringify(rows, null, 1)}\n`);
  else if (format === 'jsonl') await writeFile(path, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  else throw new InputError('cannot write CSV; use .jsonl, .json or .parquet', { file: path });
}
