// Parquet read and write for HF-style datasets (hyparquet / hyparquet-writer, pure JS). Rows are plain
// objects; nested lists and structs are written as real Parquet LIST / group columns (3-level lists,
// as pyarrow writes them) so Python tools read them back as lists and dicts, and nulls survive.
import { writeFile } from 'node:fs/promises';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { InputError } from '../core/errors.ts';

type Row = Record<string, unknown>;

/**
 * All rows of a Parquet file as plain objects (snappy, gzip, zstd, brotli, lz4); INT64 values become
 * numbers when exactly representable, decimal strings otherwise.
 */
export async function readParquet(path: string): Promise<Row[]> {
  let rows: Row[];
  try {
    const file = await asyncBufferFromFile(path);
    rows = (await parquetReadObjects({ file, compressors })) as Row[];
  } catch (e) {
    throw new InputError(`cannot read Parquet: ${(e as Error).message}`, { file: path });
  }
  return rows.map((r) => fromParquet(r) as Row);
}

function fromParquet(value: unknown): unknown {
  if (typeof value === 'bigint') {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value.toString();
  }
  if (Array.isArray(value)) return value.map(fromParquet);
  if (value instanceof Uint8Array || value instanceof Date) return value;
  if (value !== null && typeof value === 'object') {
    const out: Row = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromParquet(v);
    return out;
  }
  return value;
}

export interface WriteParquetOptions {
  /** Columns to write, in order; default: every key seen in any row, in first-seen order. */
  columns?: string[];
}

/** Writes rows to a Parquet file (snappy) with a schema inferred from the values. */
export async function writeParquet(path: string, rows: Row[], opts: WriteParquetOptions = {}): Promise<void> {
  const columns = opts.columns ?? columnsOf(rows);
  if (columns.length === 0) throw new Error(`writeParquet ${path}: no columns to write`);
  const schema: SchemaElement[] = [{ name: 'root', num_children: columns.length }];
  const columnData = columns.map((name) => {
    const values = rows.map((r) => r[name] ?? null);
    const type = values.map(typeOfValue).reduce(unify, NULL);
    schema.push(...schemaOf(name, type));
    return { name, data: values.map((v) => toParquet(v, type)) };
  });
  const buffer = parquetWriteBuffer({ columnData, schema, createdBy: 'qed-nano' });
  await writeFile(path, new Uint8Array(buffer));
}

function columnsOf(rows: Row[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

type ValueType =
  | { kind: 'string' | 'double' | 'int64' | 'boolean' | 'null' | 'json' }
  | { kind: 'list'; element: ValueType }
  | { kind: 'struct'; fields: Map<string, ValueType> };

interface SchemaElement {
  name: string;
  type?: 'BOOLEAN' | 'INT64' | 'DOUBLE' | 'BYTE_ARRAY';
  converted_type?: 'UTF8' | 'LIST' | 'JSON';
  repetition_type?: 'OPTIONAL' | 'REPEATED' | 'REQUIRED';
  num_children?: number;
}

function typeOfValue(v: unknown): ValueType {
  if (v === null || v === undefined) return { kind: 'null' };
  if (typeof v === 'string') return { kind: 'string' };
  if (typeof v === 'boolean') return { kind: 'boolean' };
  if (typeof v === 'bigint') return { kind: 'int64' };
  if (typeof v === 'number') return { kind: Number.isInteger(v) ? 'int64' : 'double' };
  if (Array.isArray(v)) return { kind: 'list', element: v.map(typeOfValue).reduce(unify, NULL) };
  if (typeof v === 'object') {
    const fields = new Map<string, ValueType>();
    for (const [k, x] of Object.entries(v)) fields.set(k, typeOfValue(x));
    return { kind: 'struct', fields };
  }
  return { kind: 'json' };
}

const NULL: ValueType = { kind: 'null' };

// Two observed types → the type that holds both (ints widen to double; struct fields are unioned;
// anything irreconcilable becomes a JSON string column rather than an error).
function unify(a: ValueType, b: ValueType): ValueType {
  if (a.kind === 'null') return b;
  if (b.kind === 'null') return a;
  if (a.kind === 'list' && b.kind === 'list') return { kind: 'list', element: unify(a.element, b.element) };
  if (a.kind === 'struct' && b.kind === 'struct') {
    const fields = new Map(a.fields);
    for (const [k, t] of b.fields) fields.set(k, unify(fields.get(k) ?? NULL, t));
    return { kind: 'struct', fields };
  }
  if (a.kind === b.kind) return a;
  const numeric = new Set(['int64', 'double']);
  if (numeric.has(a.kind) && numeric.has(b.kind)) return { kind: 'double' };
  return { kind: 'json' };
}

function schemaOf(name: string, t: ValueType): SchemaElement[] {
  const optional = 'OPTIONAL' as const;
  switch (t.kind) {
    case 'list':
      return [
        { name, repetition_type: optional, converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        ...schemaOf('element', t.element),
      ];
    case 'struct':
      if (t.fields.size === 0) return schemaOf(name, { kind: 'json' });
      return [
        { name, repetition_type: optional, num_children: t.fields.size },
        ...[...t.fields].flatMap(([k, ft]) => schemaOf(k, ft)),
      ];
    case 'int64':
      return [{ name, repetition_type: optional, type: 'INT64' }];
    case 'double':
      return [{ name, repetition_type: optional, type: 'DOUBLE' }];
    case 'boolean':
      return [{ name, repetition_type: optional, type: 'BOOLEAN' }];
    case 'json':
      return [{ name, repetition_type: optional, type: 'BYTE_ARRAY', converted_type: 'JSON' }];
    default:
      return [{ name, repetition_type: optional, type: 'BYTE_ARRAY', converted_type: 'UTF8' }];
  }
}

// Values are shaped to the inferred type: missing struct fields become null, JSON columns hold text.
function toParquet(v: unknown, t: ValueType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'list':
      return (v as unknown[]).map((x) => toParquet(x, t.element));
    case 'struct': {
      const out: Row = {};
      for (const [k, ft] of t.fields) out[k] = toParquet((v as Row)[k], ft);
      return out;
    }
    case 'int64':
      return typeof v === 'bigint' ? v : BigInt(v as number);
    case 'json':
      return JSON.stringify(v);
    default:
      return v;
  }
}
