// inspectFile: what is in a dataset or record file: row count, fields with their types and fill
// rates, and a validation summary against a record schema (Problem, Attempt or Grade, or guessed),
// with the first errors named by file:line:field. Backs `qed data inspect`.
import { InputError } from '../core/errors.ts';
import { AttemptSchema } from '../core/attempt.ts';
import { GradeSchema } from '../core/grade.ts';
import { ProblemSchema } from '../core/problem.ts';
import { RunSampleSchema } from '../core/run-log.ts';
import { formatOf, locationOf, sourceRecords } from './load-problems.ts';
import type { DatasetFormat } from './load-problems.ts';
import { mapColumns, recordToProblem } from './problem-columns.ts';
import { validateRecord } from './validate.ts';

export type InspectSchema = 'problem' | 'attempt' | 'grade' | 'sample' | 'auto' | 'none';

export interface FieldSummary {
  name: string;
  /** How many rows hold a value of each JSON type (blank strings count as empty). */
  types: Record<string, number>;
  filled: number;
  fillRate: number;
  /** The Problem field this column feeds (schema problem only); absent → kept in `meta`. */
  mapsTo?: string;
}

export interface InspectIssue {
  file?: string;
  line?: number;
  field?: string;
  message: string;
}

export interface InspectReport {
  file: string;
  format: DatasetFormat;
  rows: number;
  fields: FieldSummary[];
  schema: Exclude<InspectSchema, 'auto'>;
  validation: { valid: number; invalid: number; errors: InspectIssue[] };
  warnings: string[];
}

export interface InspectOptions {
  schema?: InspectSchema;
  /** How many validation errors to keep in the report (all are counted). */
  maxErrors?: number;
}

export async function inspectFile(path: string, opts: InspectOptions = {}): Promise<InspectReport> {
  const format = formatOf(path);
  const maxErrors = opts.maxErrors ?? 10;
  let schema: Exclude<InspectSchema, 'auto'> | undefined = opts.schema === 'auto' ? undefined : opts.schema;
  const fields = new Map<string, { types: Record<string, number>; filled: number }>();
  const report: InspectReport = {
    file: path,
    format,
    rows: 0,
    fields: [],
    schema: 'none',
    validation: { valid: 0, invalid: 0, errors: [] },
    warnings: [],
  };
  /** Problem id → where it first appeared (`line 3`, `row 2`). */
  const ids = new Map<string, string>();
  const fail = (e: InputError): void => {
    report.validation.invalid++;
    if (report.validation.errors.length < maxErrors) {
      report.validation.errors.push({ ...e.location, message: e.message });
    }
  };
  for await (const rec of sourceRecords(path)) {
    report.rows++;
    if (rec.warning) report.warnings.push(rec.warning);
    if (rec.error || !rec.value) {
      if (rec.error) fail(rec.error);
      continue;
    }
    for (const [name, value] of Object.entries(rec.value)) {
      const f = fields.get(name) ?? { types: {}, filled: 0 };
      fields.set(name, f);
      const type = typeName(value);
      if (type === 'empty') continue;
      f.types[type] = (f.types[type] ?? 0) + 1;
      f.filled++;
    }
    schema ??= guessSchema(rec.value);
    if (schema === 'none') continue;
    const where = locationOf(path, rec);
    const checked =
      schema === 'problem'
        ? validateRecord(
            ProblemSchema,
            { id: `row-${report.rows - 1}`, ...recordToProblem(rec.value) },
            where,
          )
        : schema === 'attempt'
          ? validateRecord(AttemptSchema, rec.value, where)
          : schema === 'sample'
            ? validateRecord(RunSampleSchema, rec.value, where)
            : validateRecord(GradeSchema, rec.value, where);
    if (!checked.ok) fail(checked.error);
    else if (schema === 'problem') {
      const id = (checked.value as { id: string }).id;
      const first = ids.get(id);
      if (first) fail(duplicate(id, first, where));
      else {
        ids.set(id, where.line !== undefined ? `line ${where.line}` : `row ${rec.row}`);
        report.validation.valid++;
      }
    } else report.validation.valid++;
  }
  report.schema = schema ?? 'none';
  const mapping = schema === 'problem' ? mapColumns([...fields.keys()]) : undefined;
  report.fields = [...fields].map(([name, f]) => ({
    name,
    types: f.types,
    filled: f.filled,
    fillRate: report.rows ? f.filled / report.rows : 0,
    ...(mapping?.get(name) ? { mapsTo: mapping.get(name) } : {}),
  }));
  return report;
}

function duplicate(
  id: string,
  first: string,
  where: { file: string; line?: number; field?: string },
): InputError {
  return new InputError(`duplicate id "${id}" (first at ${first})`, { ...where, field: 'id' });
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (typeof v === 'string') return v.trim() === '' ? 'empty' : 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Attempt, Grade and run-log sample records have distinctive keys; anything else is a problem. */
function guessSchema(v: Record<string, unknown>): Exclude<InspectSchema, 'auto'> {
  if ('attemptId' in v && 'score' in v) return 'grade';
  if ('attempt' in v && 'grade' in v) return 'sample';
  if ('problemId' in v && 'finalProof' in v) return 'attempt';
  return 'problem';
}

/** Human-readable summary of a report, for stderr/stdout without --json. */
export function formatInspectReport(r: InspectReport): string {
  const lines = [`${r.file}: ${r.rows} rows (${r.format}), schema ${r.schema}`, '', 'fields:'];
  const width = Math.max(5, ...r.fields.map((f) => f.name.length));
  for (const f of r.fields) {
    const types = Object.entries(f.types)
      .map(([t, n]) => (Object.keys(f.types).length > 1 ? `${t}×${n}` : t))
      .join(' | ');
    const pct = `${(100 * f.fillRate).toFixed(1)}%`.padStart(6);
    const target = f.mapsTo ? `  → ${f.mapsTo}` : r.schema === 'problem' ? '  → meta' : '';
    lines.push(`  ${f.name.padEnd(width)}  ${pct} filled  ${(types || '(empty)').padEnd(8)}${target}`);
  }
  const v = r.validation;
  lines.push('', `validation: ${v.valid} valid, ${v.invalid} invalid`);
  for (const e of v.errors) lines.push(`  ${e.message}`);
  if (v.invalid > v.errors.length) lines.push(`  … and ${v.invalid - v.errors.length} more`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}
