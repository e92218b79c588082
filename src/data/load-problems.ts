// loadProblems: any supported dataset file (.csv, .jsonl, .json, .parquet) → validated Problems.
// Every bad record is an InputError naming file, line (or row) and field; `skipInvalid` reports it
// through `onInvalid` and goes on. Repairs of known upstream defects are reported through `onWarning`.
import { extname } from 'node:path';
import { InputError } from '../core/errors.ts';
import { ProblemSchema } from '../core/problem.ts';
import type { Problem } from '../core/problem.ts';
import { csvRows } from './csv.ts';
import { jsonlEntries } from './jsonl.ts';
import { readText } from './open-text.ts';
import { readParquet } from './parquet.ts';
import { recordToProblem } from './problem-columns.ts';
import { validateRecord } from './validate.ts';

export interface LoadOptions {
  /** Report invalid records through `onInvalid` and skip them instead of throwing the first. */
  skipInvalid?: boolean;
  onInvalid?: (error: InputError) => void;
  /** Non-fatal notes, e.g. a repaired known defect. Default: printed on stderr. */
  onWarning?: (message: string) => void;
}

/** One raw record with where it came from: `line` for text formats, `row` (0-based) otherwise. */
export interface SourceRecord {
  line?: number;
  row?: number;
  value?: Record<string, unknown>;
  error?: InputError;
  warning?: string;
}

export type DatasetFormat = 'csv' | 'jsonl' | 'json' | 'parquet';

export function formatOf(path: string): DatasetFormat {
  const ext = extname(path.replace(/\.gz$/, '')).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.json') return 'json';
  if (ext === '.parquet' && !path.toLowerCase().endsWith('.gz')) return 'parquet';
  throw new InputError(`unsupported file type "${ext || '(none)'}" (use .csv, .jsonl, .json or .parquet)`, {
    file: path,
  });
}

/** Raw records of any supported file, in order, with parse errors as data. */
export async function* sourceRecords(path: string): AsyncGenerator<SourceRecord> {
  const format = formatOf(path);
  if (format === 'csv') {
    for await (const r of csvRows(path)) {
      yield { line: r.line, value: r.row?.fields, error: r.error, warning: r.warning };
    }
  } else if (format === 'jsonl') {
    for await (const e of jsonlEntries(path)) {
      if (e.error) yield { line: e.line, error: e.error };
      else if (!isRecord(e.value)) {
        yield { line: e.line, error: new InputError('expected a JSON object', { file: path, line: e.line }) };
      } else yield { line: e.line, value: e.value };
    }
  } else if (format === 'json') {
    const rows = await readJsonArray(path);
    for (let row = 0; row < rows.length; row++) {
      const v = rows[row];
      if (isRecord(v)) yield { row, value: v };
      else yield { row, error: new InputError('expected a JSON object', { file: path, field: `[${row}]` }) };
    }
  } else {
    const rows = await readParquet(path);
    for (let row = 0; row < rows.length; row++) yield { row, value: rows[row] };
  }
}

async function readJsonArray(path: string): Promise<unknown[]> {
  let data: unknown;
  try {
    data = JSON.parse(await readText(path)) as unknown;
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message})`, { file: path });
  }
  if (Array.isArray(data)) return data;
  for (const key of ['problems', 'data', 'rows', 'records', 'samples']) {
    const inner = isRecord(data) ? data[key] : undefined;
    if (Array.isArray(inner)) return inner;
  }
  throw new InputError('expected an array of records (or {"problems": [...]}, or a run.json)', {
    file: path,
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Where a record sits, for error messages: `line N` for text files, `[row]` as a field prefix otherwise. */
export function locationOf(file: string, rec: SourceRecord): { file: string; line?: number; field?: string } {
  return rec.line !== undefined ? { file, line: rec.line } : { file, field: `[${rec.row}]` };
}

/** Loads and validates every problem of a dataset file. Problem ids must be unique. */
export async function loadProblems(path: string, opts: LoadOptions = {}): Promise<Problem[]> {
  const warn = opts.onWarning ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  let index = 0;
  for await (const rec of sourceRecords(path)) {
    if (rec.warning) warn(rec.warning);
    const where = locationOf(path, rec);
    let error = rec.error;
    if (!error && rec.value) {
      const candidate = recordToProblem(rec.value);
      candidate.id ??= `row-${index}`;
      const checked = validateRecord(ProblemSchema, candidate, where);
      if (!checked.ok) error = checked.error;
      else if (seen.has(checked.value.id)) {
        const reason = `duplicate id "${checked.value.id}" (first at ${seen.get(checked.value.id)})`;
        error = new InputError(reason, { ...where, field: 'id' });
      } else {
        seen.set(checked.value.id, where.line !== undefined ? `line ${where.line}` : `row ${rec.row}`);
        problems.push(checked.value);
      }
    }
    index++;
    if (error) {
      if (!opts.skipInvalid) throw error;
      opts.onInvalid?.(error);
    }
  }
  return problems;
}
